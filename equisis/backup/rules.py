"""The rules of backups, without I/O: archive names, retention, the manifest, the nightly schedule, settings.

An archive is one zip file named ``equisis-<slug>-<yyyymmdd>-<hhmmss>.zip`` (local time of the
backup); when it is larger than the part size (4 GiB - 1 byte by default, the largest file FAT32
holds) it is cut into ``….zip.001``, ``….zip.002``… whose concatenation is the zip (7-Zip opens
them as they are; ``cat`` or ``copy /b`` joins them).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable

from equisis.core.errors import ValidationErrors
from equisis.core.i18n import lazy_gettext
from equisis.backup.errors import InvalidBackupSettings

FORMAT = "equisis-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "company.db"
DOCUMENTS = "documents"
FAT32_MAX_FILE = 4 * 1024**3 - 1
STAMP_FORMAT = "%Y%m%d-%H%M%S"
ARCHIVE_NAME = re.compile(r"^equisis-(?P<slug>[a-z0-9][a-z0-9-]{1,39})-(?P<stamp>\d{8}-\d{6})\.zip"
                          r"(?:\.(?P<part>\d{3}))?\Z")
STICK_FOLDER = "equisis-backups"   # not "equisis": on FAT it would clash with the volume label EQUISIS
STICK_MARKER = "EQUISIS.ID"
STICK_LABEL = "EQUISIS"
REMOVABLE_ROOTS = ("/media", "/run/media")

DEFAULT_SETTINGS = {"backup.daily_time": "02:30", "backup.keep_daily": 7, "backup.keep_monthly": 12}


# --------------------------------------------------------------------------- names

def archive_name(slug: str, when: dt.datetime) -> str:
    """'equisis-deco-20260314-023000.zip' for a backup of 'deco' at 14/03/2026 02:30:00."""
    return f"equisis-{slug}-{when.strftime(STAMP_FORMAT)}.zip"


def part_name(name: str, number: int) -> str:
    """The n-th part (from 1) of a split archive: 'x.zip' -> 'x.zip.001'."""
    return f"{name}.{number:03d}"


@dataclass(frozen=True)
class ArchiveName:
    slug: str
    made_at: dt.datetime
    part: int | None          # None: a whole archive; 1, 2…: one part of a split archive

    @property
    def base(self) -> str:
        return archive_name(self.slug, self.made_at)


def parse_archive_name(name: str) -> ArchiveName | None:
    found = ARCHIVE_NAME.match(name)
    if not found:
        return None
    try:
        made_at = dt.datetime.strptime(found["stamp"], STAMP_FORMAT)
    except ValueError:
        return None
    part = int(found["part"]) if found["part"] else None
    if part == 0:
        return None
    return ArchiveName(found["slug"], made_at, part)


def missing_part(parts: Iterable[int]) -> int | None:
    """The first missing part number of a split archive (parts must be 1..n), or None when complete."""
    expected = 1
    for number in sorted(parts):
        if number != expected:
            return expected
        expected += 1
    return None


# --------------------------------------------------------------------------- retention

def archives_to_keep(made_at: Iterable[dt.datetime], keep_daily: int, keep_monthly: int) -> set[dt.datetime]:
    """Which backups a retention of N daily and M monthly keeps (the others may be deleted).

    Daily: the newest backup of each of the N most recent days that have one.
    Monthly: the newest backup of each of the M most recent months that have one.
    Every backup of the newest day is kept (a backup made by hand before a
    risky change survives the nightly one). Days and months without a backup do
    not count, so a shop closed for a fortnight keeps its last N daily backups.

    Example, keep 2 daily and 2 monthly, backups at 10/03 02:30, 10/03 14:00,
    09/03 02:30, 01/03 02:30, 28/02 02:30, 31/01 02:30: the newest day keeps
    10/03 02:30 and 14:00; daily keeps 10/03 14:00 and 09/03 02:30; monthly
    keeps 10/03 14:00 (March) and 28/02 02:30 (February); 01/03 and 31/01 may go.
    """
    ordered = sorted(set(made_at), reverse=True)
    keep: set[dt.datetime] = {stamp for stamp in ordered if stamp.date() == ordered[0].date()} if ordered else set()
    for key, count in ((lambda t: t.date(), keep_daily), (lambda t: (t.year, t.month), keep_monthly)):
        seen = []
        for stamp in ordered:
            period = key(stamp)
            if period in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(period)
            keep.add(stamp)
    return keep


# --------------------------------------------------------------------------- manifest

def build_manifest(*, app_version: str, slug: str, name: str, created_at: str, trigger: str,
                   migrations: list[dict], files: list[dict]) -> dict:
    """The manifest.json of an archive: who made it, from which schema, and every file's size and sha256."""
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": app_version,
        "company": {"slug": slug, "name": name}, "created_at": created_at, "trigger": trigger,
        "migrations": sorted(migrations, key=lambda m: (m["package"], m["number"])),
        "files": files,
    }


def manifest_problem(manifest) -> str | None:
    """Why a manifest is not one we can read, or None."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return "no Equisis manifest"
    for key, kind in (("format_version", int), ("app_version", str), ("company", dict), ("migrations", list),
                      ("files", list), ("created_at", str)):
        if not isinstance(manifest.get(key), kind):
            return f"manifest field {key} is missing or wrong"
    for entry in manifest["files"]:
        if not (isinstance(entry, dict) and isinstance(entry.get("path"), str)
                and isinstance(entry.get("size"), int) and isinstance(entry.get("sha256"), str)):
            return "manifest file entry is malformed"
    if not isinstance(manifest["company"].get("slug"), str):
        return "manifest has no company"
    return None


def newer_parts(manifest: dict, latest: dict[str, int]) -> list[str]:
    """What in the manifest this code does not know: a newer archive format, or migrations beyond ours.

    ``latest`` maps each package to its highest migration number here, e.g.
    {"store": 1, "users": 2}: an archive with users#3 was made by a newer Equisis.
    """
    newer = []
    if manifest["format_version"] > FORMAT_VERSION:
        newer.append(f"archive format {manifest['format_version']}")
    for migration in manifest["migrations"]:
        if migration.get("number", 0) > latest.get(migration.get("package"), 0):
            newer.append(f"{migration.get('package')}#{migration.get('number')}")
    return newer


def is_plain_member(path: str) -> bool:
    """An archive member we may extract: company.db, manifest.json, or a relative path under documents/."""
    if path in (DATABASE, MANIFEST):
        return True
    parts = path.split("/")
    return (parts[0] == DOCUMENTS and len(parts) > 1 and "\\" not in path
            and all(p not in ("", ".", "..") for p in parts) and ":" not in path)


# --------------------------------------------------------------------------- schedule and settings

@dataclass(frozen=True)
class BackupSettings:
    daily_time: dt.time
    keep_daily: int
    keep_monthly: int


def parse_daily_time(value) -> dt.time:
    """'02:30' -> 02:30; hours 0-23, minutes 0-59."""
    found = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", str(value or ""))
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        raise InvalidBackupSettings(value, rule=lazy_gettext("a time of day such as 02:30"), field="backup.daily_time")
    return dt.time(int(found[1]), int(found[2]))


def _count(value, field: str, low: int, high: int) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidBackupSettings(value, rule=lazy_gettext("a whole number from 1 to 120"), field=field)
    return int(text)


def parse_settings(values: dict) -> BackupSettings:
    """Settings from a form or the stored values; every problem at once (ValidationErrors)."""
    merged = {**DEFAULT_SETTINGS, **{k: v for k, v in values.items() if v is not None}}
    problems, parsed = [], {}
    for key, parse in (("backup.daily_time", parse_daily_time),
                       ("backup.keep_daily", lambda v: _count(v, "backup.keep_daily", 1, 120)),
                       ("backup.keep_monthly", lambda v: _count(v, "backup.keep_monthly", 1, 120))):
        try:
            parsed[key] = parse(merged[key])
        except InvalidBackupSettings as exc:
            problems.append(exc)
    if problems:
        raise ValidationErrors(problems)
    return BackupSettings(parsed["backup.daily_time"], parsed["backup.keep_daily"], parsed["backup.keep_monthly"])


def last_due(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The latest scheduled moment at or before ``now``: today at ``at``, or yesterday's when not yet reached."""
    today = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return today if today <= now else today - dt.timedelta(days=1)


def is_due(now: dt.datetime, at: dt.time, last_attempt: dt.datetime) -> bool:
    """A nightly backup is due when none was attempted since the last scheduled moment.

    With the time 02:30: last attempt 13/03 02:30, now 14/03 02:29 -> not due;
    now 14/03 02:30 -> due; the server was off at 02:30 and starts at 08:00 -> due (caught up once).
    """
    return last_attempt < last_due(now, at)


# --------------------------------------------------------------------------- removable drives

@dataclass(frozen=True)
class Mount:
    device: str
    mount_point: str
    fstype: str


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (\\040)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), field)


def removable_mounts(proc_mounts: str, roots: Iterable[str] = REMOVABLE_ROOTS) -> list[Mount]:
    """Mounted filesystems under /media or /run/media (where desktops and udisks mount USB drives)."""
    prefixes = tuple(r.rstrip("/") + "/" for r in roots)
    found = []
    for line in proc_mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = _unescape(fields[1])
        if mount_point.startswith(prefixes):
            found.append(Mount(_unescape(fields[0]), mount_point, fields[2]))
    return sorted(found, key=lambda m: m.mount_point)


# --------------------------------------------------------------------------- history

@dataclass(frozen=True)
class BackupRun:
    """One backup as the backup page shows it (merged from its 'started' and 'finished' records)."""

    run_id: str
    started_at: str
    trigger: str
    destination: str
    status: str                 # running | ok | warning | failed | interrupted
    finished_at: str | None = None
    archive: str | None = None
    parts: int = 0
    size_bytes: int = 0
    duration_s: float | None = None
    message: str = ""
    problems: tuple[str, ...] = ()
    error: str = ""                                    # the error's class name, to say it again translated
    params: dict = field(default_factory=dict, hash=False, compare=False)


def summarise_history(records: Iterable[dict], is_alive) -> list[BackupRun]:
    """Newest first. A run started by a process that is gone without finishing shows as 'interrupted'.

    ``is_alive(host, pid)`` tells whether the process that started a run still runs.
    """
    runs: dict[str, dict] = {}
    for record in records:
        run_id = record.get("run_id")
        if not run_id:
            continue
        runs.setdefault(run_id, {}).update(record)
    result = []
    for run_id, data in runs.items():
        status = data.get("status", "running")
        if status == "running" and not is_alive(data.get("host"), data.get("pid")):
            status = "interrupted"
        result.append(BackupRun(
            run_id=run_id, started_at=data.get("started_at", ""), trigger=data.get("trigger", ""),
            destination=data.get("destination", ""), status=status, finished_at=data.get("finished_at"),
            archive=data.get("archive"), parts=int(data.get("parts") or 0),
            size_bytes=int(data.get("size_bytes") or 0), duration_s=data.get("duration_s"),
            message=data.get("message", ""), problems=tuple(data.get("problems") or ()),
            error=data.get("error", ""), params=dict(data.get("params") or {})))
    return sorted(result, key=lambda r: r.started_at, reverse=True)


def human_size(size_bytes: int) -> str:
    """1536 -> '1.5 KB'; sizes in decimal units like the file managers show."""
    size = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"  # pragma: no cover
