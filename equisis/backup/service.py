"""Use cases: back up a company into one verified archive, list and prune archives, restore one, settings.

A backup never writes to the company: the database is copied through SQLite's
online backup API from a read-only connection of its own (the till keeps
selling), the documents are read as they are (archived files are never
replaced). Order matters: the documents folder is listed first, then the
database copied, so every file the copy records is in the archive, and a file
that arrived during the copy (recorded after it) is left out.

The doctor's checks live in the shell (``equisis.doctor``); callers pass them
as ``checks(store) -> [(name, problems)]``.
"""
from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from equisis.backup import history, rules
from equisis.backup.archive import TEMP_SUFFIX, ArchiveReader, ArchiveWriter, fsync_dir, remove_tree
from equisis.backup.errors import (ArchiveFromNewerVersion, ArchiveOfAnotherCompany, BackupDestinationFull,
                                   BackupInProgress, BackupVerificationFailed, BackupWriteFailed,
                                   RestoreCheckFailed)
from equisis.company import service as company_service
from equisis.core.errors import EquisisError
from equisis.documents.models import ArchivedDocument, Attachment
from equisis.documents.service import TEMP_PREFIX
from equisis.store import backup as database_backup
from equisis.store.company import CompanyStore, check_slug
from equisis.store.database import CompanyDatabase, use_database
from equisis.store.errors import StorageFull
from equisis.store.lock import FolderLock
from equisis.store.models import SchemaMigration
from equisis.version import __version__

log = logging.getLogger("equisis.backup")

Checks = Callable[[CompanyStore], list]            # equisis.doctor.run
Progress = Callable[[str, int, int], None]         # (phase, done, total)
LOCK_NAME = ".equisis-backup.lock"
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


# --------------------------------------------------------------------------- settings

def settings(store: CompanyStore) -> rules.BackupSettings:
    """The company's backup settings (time of the nightly backup, retention), defaults where unset."""
    with store.session():
        values = {key: company_service.get_setting(key) for key in rules.DEFAULT_SETTINGS}
    try:
        return rules.parse_settings(values)
    except EquisisError:
        log.warning("%s: stored backup settings are invalid; using the defaults", store.slug)
        return rules.parse_settings({})


def save_settings(values: dict) -> rules.BackupSettings:
    """Check and store the backup settings of the current company (one audited transaction)."""
    parsed = rules.parse_settings({key: values.get(key) for key in rules.DEFAULT_SETTINGS})
    company_service.set_settings({"backup.daily_time": parsed.daily_time.strftime("%H:%M"),
                                  "backup.keep_daily": parsed.keep_daily,
                                  "backup.keep_monthly": parsed.keep_monthly})
    return parsed


# --------------------------------------------------------------------------- listing and pruning

@dataclass(frozen=True)
class ArchiveInfo:
    name: str                   # the base name, equisis-<slug>-<stamp>.zip
    slug: str
    made_at: dt.datetime
    paths: tuple[Path, ...]
    size_bytes: int
    complete: bool

    @property
    def first_path(self) -> Path:
        return self.paths[0]


def list_archives(folder: Path, slug: str | None = None) -> list[ArchiveInfo]:
    """The archives in ``folder`` (of ``slug`` only, when given), newest first; split ones grouped."""
    groups: dict[str, dict] = {}
    try:
        names = [p for p in Path(folder).iterdir() if p.is_file()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    for path in names:
        parsed = rules.parse_archive_name(path.name)
        if parsed is None or (slug and parsed.slug != slug):
            continue
        group = groups.setdefault(parsed.base, {"parsed": parsed, "parts": {}, "whole": None})
        if parsed.part is None:
            group["whole"] = path
        else:
            group["parts"][parsed.part] = path
    result = []
    for base, group in groups.items():
        if group["whole"] is not None:
            paths, complete = (group["whole"],), True
        else:
            numbers = sorted(group["parts"])
            paths = tuple(group["parts"][n] for n in numbers)
            complete = rules.missing_part(numbers) is None
        size = 0
        for path in paths:
            with contextlib.suppress(OSError):
                size += path.stat().st_size
        parsed = group["parsed"]
        result.append(ArchiveInfo(base, parsed.slug, parsed.made_at, paths, size, complete))
    return sorted(result, key=lambda a: (a.made_at, a.name), reverse=True)


def find_archive(folder: Path, name: str, slug: str | None = None) -> ArchiveInfo:
    """An archive of ``folder`` by its base name (as listed), never a path chosen by the caller."""
    from equisis.backup.errors import ArchiveNotFound

    for info in list_archives(folder, slug):
        if info.name == name:
            return info
    raise ArchiveNotFound(name=name)


def prune(folder: Path, slug: str, keep: rules.BackupSettings, *, protect: str | None = None) -> list[str]:
    """Delete the complete archives of ``slug`` that the retention does not keep; returns their names."""
    archives = [a for a in list_archives(folder, slug) if a.complete]
    kept = rules.archives_to_keep([a.made_at for a in archives], keep.keep_daily, keep.keep_monthly)
    removed = []
    for archive in archives:
        if archive.made_at in kept or archive.name == protect:
            continue
        for path in archive.paths:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        removed.append(archive.name)
    if removed:
        fsync_dir(Path(folder))
    return removed


# --------------------------------------------------------------------------- backup

@dataclass
class BackupResult:
    run_id: str
    slug: str
    paths: list[Path]
    size_bytes: int
    duration_s: float
    status: str                            # ok | warning (the archive is sound; the company has problems)
    problems: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return rules.parse_archive_name(self.paths[0].name).base


@contextlib.contextmanager
def destination_lock(folder: Path):
    """One backup at a time per destination folder (the nightly job, a click on the page, the USB job)."""
    if sys.platform == "win32":  # pragma: no cover - backups run on the appliance
        yield
        return
    import fcntl

    handle = open(Path(folder) / LOCK_NAME, "a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise BackupInProgress(path=str(folder)) from None
    try:
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def _remove_stale_partials(folder: Path, slug: str) -> None:
    """Parts left by a backup that died (power cut) in this folder; only ours, under the lock."""
    for path in Path(folder).iterdir():
        if path.name.endswith(TEMP_SUFFIX):
            parsed = rules.parse_archive_name(path.name[:-len(TEMP_SUFFIX)])
            if parsed and parsed.slug == slug:
                with contextlib.suppress(OSError):
                    path.unlink()


def _remove_stale_work(folder: Path) -> None:
    """Work folders of backups whose process died (killed, power cut): ``.work-<pid>-<run>``."""
    for path in folder.glob(".work-*"):
        pid = path.name.split("-")[1] if path.name.count("-") >= 2 else ""
        if pid.isdigit() and int(pid) != os.getpid() and not history.process_alive(None, pid):
            remove_tree(path)


def _document_files(root: Path) -> set[str]:
    if not root.is_dir():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and not p.name.startswith(TEMP_PREFIX)}


def _describe_copy(db_path: Path) -> tuple[list[dict], str, set[str]]:
    """Migrations applied, company name and recorded document paths, read from the database copy."""
    database = CompanyDatabase(db_path, read_only=True)
    try:
        with use_database(database):
            migrations = [{"package": m.package, "number": m.number, "name": m.name, "app_version": m.app_version}
                          for m in SchemaMigration.select()]
            try:
                name = company_service.profile().name
            except Exception:  # noqa: BLE001 - a company whose profile is missing is still backed up
                name = ""
            recorded = {row.relative_path for row in ArchivedDocument.select(ArchivedDocument.relative_path)}
            recorded |= {row.relative_path for row in Attachment.select(Attachment.relative_path)}
    finally:
        database.close()
    return migrations, name, recorded


def _write_error(exc: OSError, folder: Path) -> EquisisError:
    free = getattr(exc, "equisis_free_bytes", None)
    if exc.errno in FULL_ERRNOS or (free is not None and free < 1024 * 1024):
        return BackupDestinationFull(path=str(folder))
    return BackupWriteFailed(path=str(folder), detail=exc.strerror or str(exc))


def back_up(store: CompanyStore, destination: Path | None = None, *, checks: Checks, trigger: str = "manual",
            part_size: int = rules.FAT32_MAX_FILE, now: dt.datetime | None = None,
            progress: Progress | None = None, keep: rules.BackupSettings | None = None,
            snapshot_pages: int = 256, snapshot_pause_s: float = 0.002) -> BackupResult:
    """Back up one company into ``destination`` (default ``<instance>/backups/<slug>/``), verify, prune.

    The run is recorded in the company's backup history, failed or not. Raises
    BackupDestinationFull, BackupWriteFailed, BackupInProgress or
    BackupVerificationFailed; in each case no partial archive is left and the
    earlier archives are untouched (pruning happens only after a verified backup).
    """
    instance_root = store.folder.parent.parent
    destination = Path(destination) if destination else history.company_backups(instance_root, store.slug)
    now = now or dt.datetime.now().astimezone()
    keep = keep or settings(store)
    run_id = history.new_run_id()
    started = time.monotonic()
    history.started(instance_root, store.slug, run_id, started_at=now.isoformat(timespec="seconds"),
                    trigger=trigger, destination=str(destination))
    try:
        result = _back_up(store, destination, instance_root, run_id, now, trigger, checks, part_size, progress,
                          keep, snapshot_pages, snapshot_pause_s)
    except BaseException as exc:
        record = {"run_id": run_id, "status": "failed", "finished_at": _now_iso(),
                  "duration_s": round(time.monotonic() - started, 2)}
        record.update(error_record(exc))
        history.append(instance_root, store.slug, record)
        raise
    result.duration_s = round(time.monotonic() - started, 2)
    history.append(instance_root, store.slug, {
        "run_id": run_id, "status": result.status, "finished_at": _now_iso(), "archive": result.name,
        "parts": len(result.paths), "size_bytes": result.size_bytes, "duration_s": result.duration_s,
        "problems": result.problems[:50], "pruned": result.pruned})
    return result


def _now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def error_record(exc: BaseException) -> dict:
    """How a failure is kept in the history: the error's class and values, re-translated when shown."""
    if isinstance(exc, EquisisError):
        return {"error": type(exc).__name__, "params": {k: str(v) for k, v in exc.params.items()},
                "message": exc.message("en")}
    return {"error": "InternalError", "params": {}, "message": f"{type(exc).__name__}: {exc}"}


def run_message(run: rules.BackupRun) -> str:
    """What went wrong in a run, in the current language (errors are kept as class + values)."""
    from equisis.backup import errors as backup_errors
    from equisis.store import errors as store_errors

    for module in (backup_errors, store_errors):
        error_class = getattr(module, run.error or "", None)
        if isinstance(error_class, type) and issubclass(error_class, EquisisError):
            try:
                return error_class(**run.params).message()
            except (KeyError, IndexError, TypeError):
                break
    return run.message


def _back_up(store, destination, instance_root, run_id, now, trigger, checks, part_size, progress, keep,
             snapshot_pages, snapshot_pause_s) -> BackupResult:
    report = progress or (lambda phase, done, total: None)
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(exc, destination) from exc
    work = history.backups_root(instance_root) / f".work-{os.getpid()}-{run_id}"
    with destination_lock(destination):
        try:
            _remove_stale_partials(destination, store.slug)
            _remove_stale_work(history.backups_root(instance_root))
            before = _document_files(store.documents_dir)
            copy = work / "snapshot" / rules.DATABASE
            try:
                database_backup.snapshot(store.db_path, copy, pages_per_step=snapshot_pages,
                                         pause_s=snapshot_pause_s,
                                         progress=lambda done, total: report("snapshot", done, total))
            except StorageFull:
                raise BackupDestinationFull(path=str(work.parent)) from None
            migrations, name, recorded = _describe_copy(copy)
            files = sorted(p for p in before | recorded if (store.documents_dir / p).is_file())
            total = copy.stat().st_size + sum((store.documents_dir / p).stat().st_size for p in files)
            archive_name = rules.archive_name(store.slug, now)
            written = [0]

            def wrote(count: int) -> None:
                written[0] += count
                report("writing", written[0], total)

            try:
                with ArchiveWriter(destination, archive_name, part_size, progress=wrote) as writer:
                    writer.add_file(rules.DATABASE, copy, compress=True)
                    for relative in files:
                        writer.add_file(f"{rules.DOCUMENTS}/{relative}", store.documents_dir / relative,
                                        compress=False)
                    manifest = rules.build_manifest(
                        app_version=__version__, slug=store.slug, name=name,
                        created_at=now.isoformat(timespec="seconds"), trigger=trigger, migrations=migrations,
                        files=[e.as_dict() for e in writer.entries])
                    writer.add_bytes(rules.MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
                    paths = writer.publish()
            except OSError as exc:
                raise _write_error(exc, destination) from exc
            try:
                problems = verify_archive(paths[0], work / "verify", checks=checks,
                                          progress=lambda done, all_: report("verifying", done, all_))
            except (EquisisError, OSError) as exc:
                for path in paths:
                    with contextlib.suppress(OSError):
                        path.unlink()
                detail = exc.message("en") if isinstance(exc, EquisisError) else str(exc)
                raise BackupVerificationFailed(archive=archive_name, detail=detail) from exc
            pruned = prune(destination, store.slug, keep, protect=archive_name)
        finally:
            remove_tree(work)
    size = sum(p.stat().st_size for p in paths)
    return BackupResult(run_id, store.slug, paths, size, 0.0, "warning" if problems else "ok", problems, pruned)


def verify_archive(archive: Path, work: Path, *, checks: Checks, progress=None) -> list[str]:
    """Restore ``archive`` into ``work`` and check it: every sha256, SQLite integrity, the doctor's checks.

    Raises ArchiveCorrupt / NotAnArchive / RestoreCheckFailed when the archive is
    not a faithful copy; returns the doctor's problems (the company's own state,
    copied as it was), [] when healthy.
    """
    with ArchiveReader(archive) as reader:
        slug = reader.manifest["company"]["slug"]
        folder = Path(work) / slug
        total, done = sum(e["size"] for e in reader.manifest["files"]), [0]

        def read(count: int) -> None:
            done[0] += count
            if progress:
                progress(done[0], total)

        reader.extract_verified(folder, read)
        label = reader.label
    integrity = database_backup.integrity_problems(folder / rules.DATABASE)
    if integrity:
        raise RestoreCheckFailed(archive=label, detail="; ".join(integrity[:3]))
    copy = CompanyStore(folder, CompanyDatabase(folder / rules.DATABASE, read_only=True), None)
    try:
        results = checks(copy)
    finally:
        copy.close()
    return [f"{name}: {problem}" for name, problems in results for problem in problems]


# --------------------------------------------------------------------------- restore

@dataclass
class RestoreResult:
    slug: str
    previous: Path | None               # where the replaced company was kept
    migrated: bool                      # the archive came from an older version and was brought up to date
    warnings: list[str]
    manifest: dict


def _no_checkpoint(step: str) -> None:
    return None


def exchange_folders(first: Path, second: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where not available."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(str(first)), at_fdcwd, os.fsencode(str(second)), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first))


def restore(instance, archive: Path, *, checks: Checks, slug: str | None = None, running: bool = False,
            expect_slug: str | None = None, now: dt.datetime | None = None, progress=None,
            checkpoint: Callable[[str], None] = _no_checkpoint) -> RestoreResult:
    """Restore ``archive`` as company ``slug`` (default: the archive's), keeping the replaced one.

    Order: the manifest's versions, then every file's checksum while extracting
    into a hidden folder beside the companies, SQLite integrity, migrations (an
    archive from an older Equisis is brought up to date, after a copy), the
    doctor's checks; only then the switch, in one step where the system allows
    (the current folder becomes ``<slug>.before-restore-<time>``). Any failure
    before the switch removes the new folder and leaves the company untouched.

    ``running``: the instance serving requests in this process holds the
    company; it is closed for the switch and reopens on the next request. Without
    it a company held by another process is refused (CompanyLocked) before any work.
    ``checkpoint(step)`` is called between steps (tests inject failures there).
    """
    now = now or dt.datetime.now()
    stamp = now.strftime(rules.STAMP_FORMAT)
    with ArchiveReader(archive) as reader:
        manifest = reader.manifest
        newer = rules.newer_parts(manifest, {p.package: p.latest for p in instance.schema})
        if newer:
            raise ArchiveFromNewerVersion(archive=reader.label, version=manifest["app_version"],
                                          detail=", ".join(newer))
        archive_slug = manifest["company"]["slug"]
        if expect_slug and archive_slug != expect_slug:
            raise ArchiveOfAnotherCompany(archive=reader.label, archive_slug=archive_slug, slug=expect_slug)
        slug = check_slug(slug or archive_slug)
        folder = instance.companies_dir / slug
        exists = (folder / rules.DATABASE).exists()
        early_lock = None
        if exists and not running:
            early_lock = FolderLock(folder)
            early_lock.acquire()  # CompanyLocked: a server holds it; nothing was done
        staging = instance.companies_dir / f".restore-{slug}-{stamp}"
        switched = False
        try:
            checkpoint("verified")
            staging.mkdir(parents=True)
            reader.extract_verified(staging, progress)
            checkpoint("extracted")
            integrity = database_backup.integrity_problems(staging / rules.DATABASE)
            if integrity:
                raise RestoreCheckFailed(archive=reader.label, detail="; ".join(integrity[:3]))
            restored = CompanyStore.open(staging, instance.schema)  # applies missing migrations
            try:
                migrated = restored.migrated_with_backup is not None
                checkpoint("opened")
                results = checks(restored)
            finally:
                restored.close()
            warnings = [f"{name}: {problem}" for name, problems in results for problem in problems]
            checkpoint("checked")
            previous, switched = _switch(instance, staging, folder, slug, stamp, exists, running, early_lock,
                                         checkpoint)
        finally:
            if not switched:
                remove_tree(staging)
            if early_lock is not None:
                early_lock.release()
    log.info("restored %s from %s (previous copy: %s)", slug, archive, previous)
    return RestoreResult(slug, previous, migrated, warnings, manifest)


def _switch(instance, staging: Path, folder: Path, slug: str, stamp: str, exists: bool, running: bool,
            early_lock, checkpoint) -> tuple[Path | None, bool]:
    companies = folder.parent
    if not exists:
        if folder.exists():  # an empty or broken folder without company.db: keep it aside too
            os.rename(folder, companies / f"{slug}.before-restore-{stamp}")
        os.rename(staging, folder)
        fsync_dir(companies)
        return None, True
    previous = companies / f"{slug}.before-restore-{stamp}"
    guard = instance.released(slug) if running else contextlib.nullcontext()
    with guard:
        lock = early_lock
        if lock is None:
            lock = FolderLock(folder)
            lock.acquire()
        try:
            checkpoint("locked")
            if exchange_folders(staging, folder):
                try:
                    os.rename(staging, previous)
                except OSError:
                    log.exception("the replaced company stays in %s", staging)
                    previous = staging
            else:
                os.rename(folder, previous)
                try:
                    checkpoint("moved-aside")
                    os.rename(staging, folder)
                except BaseException:
                    os.rename(previous, folder)
                    raise
        finally:
            if lock is not early_lock:
                lock.release()
    fsync_dir(companies)
    return previous, True
