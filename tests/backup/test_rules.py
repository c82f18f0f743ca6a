"""The pure rules of backups: names, parts, retention, manifest, members, schedule, settings, drives, history."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.backup import rules
from equisis.backup.errors import InvalidBackupSettings
from equisis.core.errors import ValidationErrors

D = dt.datetime


@pytest.mark.parametrize("name,expected", [
    ("equisis-deco-20260314-023000.zip", ("deco", D(2026, 3, 14, 2, 30), None)),
    ("equisis-deco-sophie-srl-20260314-023000.zip.002", ("deco-sophie-srl", D(2026, 3, 14, 2, 30), 2)),
    ("equisis-deco-20260314-023000.zip.000", None),              # parts count from 1
    ("equisis-deco-20261314-023000.zip", None),                  # month 13
    ("equisis-deco-20260314-023000.zip.partial", None),          # being written
    ("equisis-Deco-20260314-023000.zip", None),
    ("backup.zip", None),
    ("equisis-deco-20260314-023000.zip\n", None),
])
def test_archive_names_parse(name, expected):
    parsed = rules.parse_archive_name(name)
    assert (parsed and (parsed.slug, parsed.made_at, parsed.part)) == (expected or None)


def test_archive_name_round_trips_with_its_parts():
    name = rules.archive_name("deco", D(2026, 3, 14, 2, 30, 5))
    assert name == "equisis-deco-20260314-023005.zip"
    assert rules.part_name(name, 3) == "equisis-deco-20260314-023005.zip.003"
    assert rules.parse_archive_name(rules.part_name(name, 3)).base == name


@pytest.mark.parametrize("parts,missing", [([1, 2, 3], None), ([2, 1], None), ([1, 3], 2), ([2, 3], 1), ([], None)])
def test_missing_part(parts, missing):
    assert rules.missing_part(parts) == missing


def test_retention_example_of_the_docstring():
    backups = [D(2026, 3, 10, 2, 30), D(2026, 3, 10, 14, 0), D(2026, 3, 9, 2, 30), D(2026, 3, 1, 2, 30),
               D(2026, 2, 28, 2, 30), D(2026, 1, 31, 2, 30)]
    assert rules.archives_to_keep(backups, 2, 2) == {D(2026, 3, 10, 2, 30), D(2026, 3, 10, 14, 0),
                                                     D(2026, 3, 9, 2, 30), D(2026, 2, 28, 2, 30)}


@pytest.mark.parametrize("days,keep_daily,keep_monthly,kept", [
    # thirty nightly backups in March, 7 daily + 12 monthly: the last 7 days (March is one month)
    (list(range(1, 31)), 7, 12, list(range(24, 31))),
    # a closed fortnight does not eat the daily backups: days without a backup do not count
    ([1, 2, 3, 20], 3, 1, [2, 3, 20]),
    ([5], 1, 1, [5]),
])
def test_retention_in_march(days, keep_daily, keep_monthly, kept):
    stamps = [D(2026, 3, d, 2, 30) for d in days]
    assert sorted(s.day for s in rules.archives_to_keep(stamps, keep_daily, keep_monthly)) == kept


def test_retention_keeps_the_newest_of_each_month_over_a_year():
    stamps = [D(2025, m, d, 2, 30) for m in range(1, 13) for d in (1, 15)]
    kept = rules.archives_to_keep(stamps, 1, 12)
    assert kept == {D(2025, m, 15, 2, 30) for m in range(1, 13)}
    assert rules.archives_to_keep([], 7, 12) == set()


MANIFEST = rules.build_manifest(app_version="0.1.0", slug="deco", name="Déco", created_at="2026-03-14T02:30:00",
                                trigger="nightly", migrations=[{"package": "users", "number": 1},
                                                               {"package": "store", "number": 1}],
                                files=[{"path": "company.db", "size": 3, "sha256": "ab"}])


def test_manifest_shape_and_order():
    assert rules.manifest_problem(MANIFEST) is None
    assert [m["package"] for m in MANIFEST["migrations"]] == ["store", "users"]
    assert rules.manifest_problem({"format": "something"}) == "no Equisis manifest"
    assert rules.manifest_problem({**MANIFEST, "files": [{"path": 1}]}) == "manifest file entry is malformed"
    assert "company" in rules.manifest_problem({**MANIFEST, "company": None})


@pytest.mark.parametrize("latest,newer", [
    ({"store": 1, "users": 1}, []),
    ({"store": 2, "users": 5}, []),                         # an older archive: the migrations will run
    ({"store": 1}, ["users#1"]),                            # a package this version does not know
    ({"store": 1, "users": 0}, ["users#1"]),
])
def test_newer_parts(latest, newer):
    assert rules.newer_parts(MANIFEST, latest) == newer


def test_a_newer_archive_format_is_named():
    assert rules.newer_parts({**MANIFEST, "format_version": 2}, {"store": 1, "users": 1}) == ["archive format 2"]


@pytest.mark.parametrize("member,ok", [
    ("company.db", True), ("manifest.json", True), ("documents/2026/2026-03/VEN/a.pdf", True),
    ("documents/attachments/2026/03/x.pdf", True), ("documents", False), ("documents/", False),
    ("documents/../company.db", False), ("../etc/passwd", False), ("/etc/passwd", False),
    ("documents/a\\..\\b", False), ("other.txt", False), ("documents//a", False), ("documents/C:x", False),
])
def test_only_plain_members_are_extracted(member, ok):
    assert rules.is_plain_member(member) is ok


@pytest.mark.parametrize("value,expected", [("02:30", dt.time(2, 30)), ("2:05", dt.time(2, 5)),
                                            (" 23:59 ", dt.time(23, 59))])
def test_daily_time(value, expected):
    assert rules.parse_daily_time(value) == expected


@pytest.mark.parametrize("value", ["24:00", "02:60", "0230", "", None, "2h30"])
def test_daily_time_refused(value):
    with pytest.raises(InvalidBackupSettings) as caught:
        rules.parse_daily_time(value)
    assert caught.value.field == "backup.daily_time"


def test_settings_defaults_and_every_problem_at_once():
    assert rules.parse_settings({}) == rules.BackupSettings(dt.time(2, 30), 7, 12)
    with pytest.raises(ValidationErrors) as caught:
        rules.parse_settings({"backup.daily_time": "25:00", "backup.keep_daily": "0", "backup.keep_monthly": "x"})
    assert [p.field for p in caught.value.problems] == ["backup.daily_time", "backup.keep_daily",
                                                        "backup.keep_monthly"]
    assert "a whole number from 1 to 120" in caught.value.problems[1].message()


@pytest.mark.parametrize("now,last,due", [
    (D(2026, 3, 14, 2, 29), D(2026, 3, 13, 2, 30), False),
    (D(2026, 3, 14, 2, 30), D(2026, 3, 13, 2, 30), True),
    (D(2026, 3, 14, 2, 31), D(2026, 3, 14, 2, 30), False),    # done tonight
    (D(2026, 3, 14, 8, 0), D(2026, 3, 13, 2, 30), True),      # the server was off at 02:30: caught up
    (D(2026, 3, 14, 1, 0), D(2026, 3, 12, 2, 30), True),      # yesterday's night was missed
    (D(2026, 3, 14, 1, 0), D(2026, 3, 13, 9, 0), False),      # started yesterday after 02:30
])
def test_nightly_backup_is_due(now, last, due):
    assert rules.is_due(now, dt.time(2, 30), last) is due


MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
/dev/sdb1 /media/sophie/EQUISIS vfat rw,nosuid,nodev 0 0
/dev/sdc1 /run/media/tom/My\\040Stick exfat rw 0 0
/dev/sdd1 /mediax/other vfat rw 0 0
proc /proc proc rw 0 0
"""


def test_removable_mounts_under_media_only_with_escapes():
    assert rules.removable_mounts(MOUNTS) == [
        rules.Mount("/dev/sdb1", "/media/sophie/EQUISIS", "vfat"),
        rules.Mount("/dev/sdc1", "/run/media/tom/My Stick", "exfat"),
    ]
    assert rules.removable_mounts(MOUNTS, roots=["/mediax"]) == [rules.Mount("/dev/sdd1", "/mediax/other", "vfat")]


def test_history_merges_runs_and_marks_dead_ones_interrupted():
    records = [
        {"run_id": "a", "status": "running", "started_at": "2026-03-13T02:30:00", "trigger": "nightly",
         "host": "h", "pid": 1},
        {"run_id": "a", "status": "ok", "size_bytes": 10, "archive": "x.zip", "parts": 1},
        {"run_id": "b", "status": "running", "started_at": "2026-03-14T02:30:00", "host": "h", "pid": 2},
        {"run_id": "c", "status": "running", "started_at": "2026-03-14T03:00:00", "host": "h", "pid": 3},
        {"status": "ok"},                                  # no run id: ignored
    ]
    runs = rules.summarise_history(records, lambda host, pid: pid == 3)
    assert [(r.run_id, r.status) for r in runs] == [("c", "running"), ("b", "interrupted"), ("a", "ok")]
    assert runs[2].size_bytes == 10 and runs[2].archive == "x.zip"


@pytest.mark.parametrize("size,text", [(0, "0 B"), (999, "999 B"), (1536, "1.5 KB"), (2_500_000, "2.5 MB"),
                                       (4 * 1024**3, "4.3 GB"), (12_000 * 1000**3, "12000.0 GB")])
def test_human_size(size, text):
    assert rules.human_size(size) == text
