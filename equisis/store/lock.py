"""One server process per company folder: an OS lock on ``company.lock`` naming its holder.

The lock is advisory and released by the OS when the process dies (a power cut
never leaves a stale lock). The file keeps the holder's host, pid and start time
so a second opener can say who holds it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from pathlib import Path

from equisis.store.errors import CompanyLocked

if sys.platform == "win32":  # pragma: no cover
    import msvcrt
else:
    import fcntl


class FolderLock:
    def __init__(self, folder: Path):
        self.path = Path(folder) / "company.lock"
        self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> None:
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            if sys.platform == "win32":  # pragma: no cover
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = self._read_holder(handle.read())
            handle.close()
            raise CompanyLocked(path=str(self.path.parent), **holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({
            "host": socket.gethostname(), "pid": os.getpid(),
            "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }))
        handle.flush()
        self._file = handle

    @staticmethod
    def _read_holder(text: str) -> dict:
        try:
            data = json.loads(text)
            return {"host": data["host"], "pid": data["pid"], "since": data["since"]}
        except (ValueError, KeyError, TypeError):
            return {"host": "?", "pid": "?", "since": "?"}

    def release(self) -> None:
        if self._file is None:
            return
        if sys.platform != "win32":
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None
