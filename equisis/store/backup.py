"""Consistent copies of a live company database through SQLite's online backup API.

The copy is taken page by page while the server keeps selling. The source
connection holds one read transaction for the whole copy: in WAL mode that is a
snapshot, so writers carry on (readers never block WAL writers) and the copy is
the database as it was when the backup began. Without it, SQLite restarts the
backup whenever another connection writes, and a busy till would keep a large
copy from ever finishing. Small steps with a pause between them keep the disk
free for the writers' fsyncs. Unlike a file copy of a WAL database, the result
is always self-consistent; it is left in rollback-journal mode, one file that
can travel alone.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import apsw

Progress = Callable[[int, int], None]  # (pages copied, pages in total)


def online_backup(source: apsw.Connection, destination: Path, pages_per_step: int = 256, *,
                  pause_s: float = 0.0, progress: Progress | None = None, durable: bool = True) -> Path:
    """Copy ``source`` (an open apsw connection) into a new file ``destination``.

    The copy is written as ``destination.part`` and renamed when complete and
    sound, so a failure (disk full) leaves no half file under the final name.
    ``durable=False`` skips the fsync of the copy: for a snapshot that only
    feeds an archive (which is synced itself), so that one large fsync does not
    make the till's next commit wait behind it.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".part")
    tmp.unlink(missing_ok=True)
    hold_snapshot = source.getautocommit()  # inside a caller's transaction the snapshot is already held
    if hold_snapshot:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_schema").fetchall()  # starts the read transaction now
    try:
        target = apsw.Connection(str(tmp))
        try:
            if not durable:
                target.execute("PRAGMA synchronous=OFF")
            with target.backup("main", source, "main") as backup:
                while not backup.done:
                    backup.step(pages_per_step)
                    if progress:
                        progress(backup.page_count - backup.remaining, backup.page_count)
                    if pause_s and not backup.done:
                        time.sleep(pause_s)
            target.execute("PRAGMA journal_mode=DELETE").fetchall()
            check = target.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise apsw.CorruptError(f"backup copy failed its integrity check: {check[:3]}")
        finally:
            target.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if hold_snapshot:
            source.execute("COMMIT")
    tmp.replace(destination)
    return destination


def snapshot(database_path: Path, destination: Path, *, pages_per_step: int = 256, pause_s: float = 0.0,
             progress: Progress | None = None) -> Path:
    """Copy the company database file at ``database_path`` through a read-only connection of its own,
    for a backup archive (not synced to disk itself: the archive is).

    Works beside a running server (another process or this one): it takes no
    lock a writer waits for, and never writes to the source.
    """
    source = apsw.Connection(str(database_path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        source.setbusytimeout(10_000)
        return online_backup(source, destination, pages_per_step, pause_s=pause_s, progress=progress,
                             durable=False)
    finally:
        source.close()


def integrity_problems(database_path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of a database file that nobody else uses (a restored copy): [] when sound."""
    uri = Path(database_path).resolve().as_uri() + "?mode=ro"
    try:
        conn = apsw.Connection(uri, flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI)
    except apsw.Error as exc:
        return [str(exc)]
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        return [] if rows == [("ok",)] else [str(r[0]) for r in rows]
    except apsw.Error as exc:
        return [str(exc)]
    finally:
        conn.close()
