"""What the backup page shows: the backup history and the USB status, as files beside the archives.

Not tables in company.db: a restore replaces the database and must not rewrite
the history of the backups it came from, a backup must not write to the books,
and the USB job runs in another process that may not open the company for
writing. ``<instance>/backups/<slug>/history.jsonl`` gets one JSON line when a
backup starts and one when it ends (appends of a few hundred bytes are atomic);
``<instance>/backups/usb-status.json`` is replaced whole on each change.
"""
from __future__ import annotations

import json
import os
import socket
import uuid
from pathlib import Path

from equisis.backup import rules

HISTORY = "history.jsonl"
USB_STATUS = "usb-status.json"
KEEP_LINES = 2000


def backups_root(instance_root: Path) -> Path:
    return Path(instance_root) / "backups"


def company_backups(instance_root: Path, slug: str) -> Path:
    """The default destination of a company's archives, and where its history lives."""
    return backups_root(instance_root) / slug


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def append(instance_root: Path, slug: str, record: dict) -> None:
    folder = company_backups(instance_root, slug)
    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    with open(folder / HISTORY, "a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def started(instance_root: Path, slug: str, run_id: str, *, started_at: str, trigger: str, destination: str) -> None:
    append(instance_root, slug, {"run_id": run_id, "status": "running", "started_at": started_at,
                                 "trigger": trigger, "destination": destination, "host": socket.gethostname(),
                                 "pid": os.getpid()})


def records(instance_root: Path, slug: str) -> list[dict]:
    path = company_backups(instance_root, slug) / HISTORY
    try:
        lines = path.read_text(encoding="utf-8").splitlines()[-KEEP_LINES:]
    except FileNotFoundError:
        return []
    result = []
    for line in lines:
        try:
            result.append(json.loads(line))
        except ValueError:  # a line cut by a power failure
            continue
    return result


def process_alive(host: str | None, pid) -> bool:
    """Whether the process that started a run still runs (another host: assume so)."""
    if host and host != socket.gethostname():
        return True
    try:
        os.kill(int(pid), 0)
    except (TypeError, ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def runs(instance_root: Path, slug: str) -> list[rules.BackupRun]:
    return rules.summarise_history(records(instance_root, slug), process_alive)


# --------------------------------------------------------------------------- USB status

def write_json_atomically(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(temp, path)


def usb_status(instance_root: Path) -> dict | None:
    try:
        data = json.loads((backups_root(instance_root) / USB_STATUS).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if data.get("phase") not in ("done", "failed", "refused") and not process_alive(data.get("host"),
                                                                                     data.get("pid")):
        data["phase"] = "interrupted"
    return data


def set_usb_status(instance_root: Path, **fields) -> dict:
    data = {**fields, "host": socket.gethostname(), "pid": os.getpid()}
    write_json_atomically(backups_root(instance_root) / USB_STATUS, data)
    return data
