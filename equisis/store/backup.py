"""Consistent copies of a live company database through SQLite's online backup API.

The copy is taken page by page while the server keeps selling: writers are
only paused for the few milliseconds of each step, and the result is a
self-consistent database, unlike a file copy of a WAL database.
"""
from __future__ import annotations

from pathlib import Path

import apsw


def online_backup(source: apsw.Connection, destination: Path, pages_per_step: int = 256) -> Path:
    """Copy ``source`` (an open apsw connection) into a new file ``destination``."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".part")
    tmp.unlink(missing_ok=True)
    target = apsw.Connection(str(tmp))
    try:
        with target.backup("main", source, "main") as backup:
            while not backup.done:
                backup.step(pages_per_step)
        check = target.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            raise apsw.CorruptError(f"backup copy failed its integrity check: {check[:3]}")
    finally:
        target.close()
    tmp.replace(destination)
    return destination
