"""Backups of real company folders: online snapshot, documents, manifest, verification, parts, retention, faults."""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import threading
import time
import zipfile

import apsw
import pytest

from equisis.backup import history, rules, service
from equisis.backup.archive import ArchiveReader, PartWriter
from equisis.backup.errors import (ArchiveCorrupt, BackupDestinationFull, BackupInProgress,
                                   BackupVerificationFailed, BackupWriteFailed)
from equisis.documents.models import ArchivedDocument, Attachment
from equisis.store import backup as database_backup
from equisis.store import write
from equisis.store.models import Setting
from equisis.version import __version__
from tests.backup.conftest import NOW, back_up


def test_a_backup_is_one_archive_with_the_database_every_document_and_a_manifest(shop):
    result = back_up(shop, now=NOW)
    assert result.status == "ok" and result.problems == []
    [path] = result.paths
    assert path == shop.folder.parent.parent / "backups" / shop.slug / f"equisis-{shop.slug}-20260314-023000.zip"
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
        for entry in manifest["files"]:
            content = archive.read(entry["path"])
            assert (len(content), hashlib.sha256(content).hexdigest()) == (entry["size"], entry["sha256"])
    with shop.session():
        recorded = {f"documents/{r.relative_path}" for r in ArchivedDocument.select()}
        recorded |= {f"documents/{r.relative_path}" for r in Attachment.select()}
    assert len(recorded) == 3
    assert names == {"manifest.json", "company.db"} | recorded
    assert manifest["app_version"] == __version__
    assert manifest["company"] == {"slug": shop.slug, "name": "Déco Sophie SRL"}
    assert manifest["created_at"] == "2026-03-14T02:30:00"
    assert {(m["package"], m["number"]) for m in manifest["migrations"]} >= {("store", 1), ("users", 1)}
    assert result.size_bytes == path.stat().st_size


def test_the_history_records_each_run(shop):
    result = back_up(shop, now=NOW, trigger="manual")
    [run] = history.runs(shop.folder.parent.parent, shop.slug)
    assert (run.run_id, run.status, run.trigger, run.archive, run.parts) == (result.run_id, "ok", "manual",
                                                                             result.name, 1)
    assert run.size_bytes == result.size_bytes and run.duration_s is not None


def test_the_database_copy_is_taken_online_and_is_the_state_at_its_start(shop):
    """A writer keeps committing during the copy; the copy is consistent and the writer barely waits."""
    with shop.session(), write():
        for i in range(3000):
            Setting.create(key=f"filler{i}", value_json=json.dumps("x" * 300))
    stop, latencies, errors = threading.Event(), [], []

    def writer():
        try:
            with shop.session():
                n = 0
                while not stop.is_set():
                    started = time.perf_counter()
                    with write():
                        Setting.create(key=f"sale{n}", value_json="1")
                    latencies.append(time.perf_counter() - started)
                    n += 1
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            shop.database.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.1)
    try:
        # tiny steps with pauses: without a held snapshot, SQLite would restart the copy at every write
        result = back_up(shop, now=NOW, snapshot_pages=8, snapshot_pause_s=0.001)
    finally:
        stop.set()
        thread.join()
    assert not errors and len(latencies) > 10
    assert max(latencies) < 1.0
    with ArchiveReader(result.paths[0]) as reader:
        reader.extract_verified(shop.folder.parent / "copy")
    conn = apsw.Connection(str(shop.folder.parent / "copy" / "company.db"))
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("SELECT count(*) FROM setting WHERE key LIKE 'filler%'").fetchone() == (3000,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # a single file that travels alone
    conn.close()


def test_online_backup_completes_under_constant_writes(tmp_path):
    """The store's online_backup holds a read snapshot: many small steps finish despite a busy writer."""
    source = apsw.Connection(str(tmp_path / "live.db"))
    source.execute("PRAGMA journal_mode=WAL").fetchall()
    source.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)")
    with source:
        for _ in range(2000):
            source.execute("INSERT INTO t(v) VALUES (randomblob(2000))")
    stop = threading.Event()

    def writer():
        conn = apsw.Connection(str(tmp_path / "live.db"))
        conn.setbusytimeout(5000)
        while not stop.is_set():
            conn.execute("INSERT INTO t(v) VALUES (randomblob(100))")
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    steps = []
    try:
        database_backup.snapshot(tmp_path / "live.db", tmp_path / "copy.db", pages_per_step=4,
                                 progress=lambda done, total: steps.append((done, total)))
    finally:
        stop.set()
        thread.join()
    assert all(b[0] >= a[0] for a, b in zip(steps, steps[1:])), "the copy restarted"
    copy = apsw.Connection(str(tmp_path / "copy.db"))
    assert copy.execute("SELECT count(*) >= 2000 FROM t").fetchone() == (1,)
    copy.close()
    assert not (tmp_path / "copy.db.part").exists()


def test_files_arriving_during_the_backup_and_temp_files_stay_out(shop, monkeypatch):
    (shop.documents_dir / ".tmp-abc").write_bytes(b"half written")
    real = database_backup.snapshot

    def snapshot_then_new_file(*args, **kwargs):
        copy = real(*args, **kwargs)
        (shop.documents_dir / "late.pdf").write_bytes(b"%PDF-late")  # stored after the copy was taken
        return copy

    monkeypatch.setattr(database_backup, "snapshot", snapshot_then_new_file)
    result = back_up(shop, now=NOW)
    with zipfile.ZipFile(result.paths[0]) as archive:
        names = archive.namelist()
    assert "documents/late.pdf" not in names and "documents/.tmp-abc" not in names
    assert result.status == "ok"


def test_an_unrecorded_file_is_kept_and_reported_as_a_warning(shop):
    (shop.documents_dir / "dropped-by-hand.pdf").write_bytes(b"%PDF-hand")
    result = back_up(shop, now=NOW)
    assert result.status == "warning"
    assert any("dropped-by-hand.pdf" in p for p in result.problems)
    with zipfile.ZipFile(result.paths[0]) as archive:
        assert "documents/dropped-by-hand.pdf" in archive.namelist()
    assert history.runs(shop.folder.parent.parent, shop.slug)[0].status == "warning"


def test_a_large_archive_is_split_into_parts_no_larger_than_the_part_size(shop, tmp_path):
    result = back_up(shop, tmp_path / "stick", now=NOW, part_size=8192)
    assert len(result.paths) > 2
    assert all(p.stat().st_size <= 8192 for p in result.paths)
    assert [p.name for p in result.paths][:2] == [f"{result.name}.001", f"{result.name}.002"]
    [listed] = service.list_archives(tmp_path / "stick", shop.slug)
    assert listed.complete and listed.paths == tuple(result.paths)
    assert listed.size_bytes == result.size_bytes


def test_retention_keeps_n_daily_and_m_monthly(shop, tmp_path):
    keep = rules.BackupSettings(dt.time(2, 30), 2, 2)
    for day in ((1, 31), (2, 27), (3, 1), (3, 9), (3, 10)):
        result = back_up(shop, tmp_path, now=dt.datetime(2026, *day, 2, 30), keep=keep)
    assert [a.made_at.strftime("%m-%d") for a in service.list_archives(tmp_path, shop.slug)] == \
        ["03-10", "03-09", "02-27"]
    assert len(result.pruned) == 1


def test_retention_comes_from_the_company_settings(shop, tmp_path):
    with shop.session():
        service.save_settings({"backup.daily_time": "03:15", "backup.keep_daily": "1", "backup.keep_monthly": "1"})
    assert service.settings(shop) == rules.BackupSettings(dt.time(3, 15), 1, 1)
    for day in (8, 9, 10):
        back_up(shop, tmp_path, now=dt.datetime(2026, 3, day, 2, 30))
    assert len(service.list_archives(tmp_path, shop.slug)) == 1


@pytest.mark.parametrize("error,expected", [(OSError(errno.ENOSPC, "No space left on device"), BackupDestinationFull),
                                            (OSError(errno.EIO, "Input/output error"), BackupWriteFailed)])
def test_a_failed_write_leaves_the_earlier_backups_and_no_partial_archive(shop, tmp_path, monkeypatch, error,
                                                                         expected):
    dest = tmp_path / "dest"
    earlier = back_up(shop, dest, now=NOW)
    before = {p.name: p.read_bytes() for p in dest.iterdir()}
    real, written = PartWriter.write, []

    def failing(self, data):
        written.append(len(data))
        if sum(written) > 4000:
            raise error
        return real(self, data)

    monkeypatch.setattr(PartWriter, "write", failing)
    with pytest.raises(expected) as caught:
        back_up(shop, dest, now=NOW + dt.timedelta(days=1))
    assert str(dest) in caught.value.message()
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == before
    assert [a.name for a in service.list_archives(dest, shop.slug)] == [earlier.name]
    last = history.runs(shop.folder.parent.parent, shop.slug)[0]
    assert last.status == "failed" and last.error == expected.__name__
    assert not list((shop.folder.parent.parent / "backups").glob(".work-*"))


def test_a_backup_that_fails_its_check_is_removed(shop, tmp_path, monkeypatch):
    earlier = back_up(shop, tmp_path, now=NOW)

    def corrupt(*args, **kwargs):
        raise ArchiveCorrupt(archive="x", member="company.db")

    monkeypatch.setattr(service, "verify_archive", corrupt)
    with pytest.raises(BackupVerificationFailed) as caught:
        back_up(shop, tmp_path, now=NOW + dt.timedelta(hours=1))
    assert "company.db" in caught.value.message()
    assert [a.name for a in service.list_archives(tmp_path, shop.slug)] == [earlier.name]


def test_one_backup_at_a_time_per_destination(shop, tmp_path):
    with service.destination_lock(tmp_path):
        with pytest.raises(BackupInProgress):
            back_up(shop, tmp_path, now=NOW)
    assert back_up(shop, tmp_path, now=NOW).status == "ok"


def test_parts_left_by_a_crashed_backup_are_cleared(shop, tmp_path):
    stale = tmp_path / f"equisis-{shop.slug}-20260101-023000.zip.001.partial"
    other = tmp_path / "equisis-other-co-20260101-023000.zip.001.partial"
    stale.write_bytes(b"x")
    other.write_bytes(b"x")
    back_up(shop, tmp_path, now=NOW)
    assert not stale.exists() and other.exists()


def test_a_backup_works_beside_the_server_through_a_read_only_instance(shop, make_instance):
    """`equisis backup` while `equisis serve` holds the folder: it reads, it never needs the lock."""
    reader = make_instance("instance")  # the same folder, another opener
    reader.read_only = True
    result = back_up(reader.get(shop.slug), now=NOW)
    assert result.status == "ok"


def test_work_folders_of_dead_backups_are_cleared(shop):
    backups = shop.folder.parent.parent / "backups"
    dead = backups / ".work-999999999-abc"
    (dead / "snapshot").mkdir(parents=True)
    back_up(shop, now=NOW)
    assert not dead.exists() and not list(backups.glob(".work-*"))
