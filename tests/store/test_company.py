"""Opening a company folder: network shares, the folder lock, newer and damaged databases, migrations."""
import json
import os
import socket
import subprocess
import sys
import textwrap

import apsw
import pytest

from equisis.store import CompanyStore, Instance, check_slug, current_database, fsinfo, slugify, write
from equisis.store.errors import (CompanyExists, CompanyLocked, CompanyNotFound, DatabaseCorrupt,
                                  DatabaseFromNewerVersion, InvalidSlug, NetworkFolderRefused,
                                  ReadOnlyCompany)
from equisis.store.migrate import Migration, PackageMigrations
from equisis.store.migrations import MIGRATIONS as SPINE
from equisis.store.models import SchemaMigration, Setting
from equisis.version import __version__
from tests.store.conftest import open_spine, sha256_of

PAGE = 4096


def make_folder(folder, rows=0):
    """A closed company folder with the spine tables and ``rows`` settings."""
    store = open_spine(folder, create=True)
    with store.session(), write():
        for i in range(rows):
            Setting.create(key=f"k{i}", value_json='"' + "x" * 200 + '"')
    store.close()
    return folder / "company.db"


def sidecars(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("company.db-"))


# --- network filesystems -------------------------------------------------------------------------

def mountinfo_with_share(share):
    escaped = str(share).replace("\\", "\\134").replace(" ", "\\040")
    return (f"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
            f"40 22 0:50 / {escaped} rw,relatime shared:40 - nfs4 nas.local:/export rw,vers=4.2\n")


def test_a_folder_on_a_network_share_is_refused_and_nothing_created(tmp_path, monkeypatch):
    share = tmp_path.resolve() / "nas"
    monkeypatch.setattr(fsinfo, "mount_table", lambda: mountinfo_with_share(share))
    with pytest.raises(NetworkFolderRefused) as caught:
        open_spine(share / "deco", create=True)
    assert caught.value.params["fstype"] == "nfs4"
    assert not share.exists()


def test_instance_create_on_a_network_share_creates_nothing(tmp_path, monkeypatch):
    root = tmp_path.resolve() / "nas"
    monkeypatch.setattr(fsinfo, "mount_table", lambda: mountinfo_with_share(root))
    instance = Instance(root, [SPINE])
    with pytest.raises(NetworkFolderRefused):
        instance.create("deco")
    assert not (root / "companies" / "deco").exists()


def test_a_network_share_may_still_be_opened_read_only(tmp_path, monkeypatch):
    db_path = make_folder(tmp_path / "deco", rows=2)
    monkeypatch.setattr(fsinfo, "mount_table", lambda: mountinfo_with_share(tmp_path.resolve()))
    with pytest.raises(NetworkFolderRefused):
        open_spine(db_path.parent)
    store = open_spine(db_path.parent, read_only=True)
    try:
        with store.session():
            assert Setting.select().count() == 2
            with pytest.raises(ReadOnlyCompany):
                with write():
                    pass
    finally:
        store.close()


# --- the folder lock ---------------------------------------------------------------------------

OPEN_IN_ANOTHER_PROCESS = textwrap.dedent("""
    import json, sys
    from equisis.core.errors import EquisisError
    from equisis.store import Instance
    from equisis.store.migrations import MIGRATIONS
    instance = Instance(sys.argv[1], [MIGRATIONS])
    try:
        instance.get(sys.argv[2])
    except EquisisError as error:
        print(json.dumps({"error": type(error).__name__, "message": str(error), **error.params}))
    else:
        print(json.dumps({"error": None}))
    finally:
        instance.close()
""")


def open_elsewhere(root, slug):
    done = subprocess.run([sys.executable, "-c", OPEN_IN_ANOTHER_PROCESS, str(root), slug],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_second_process_is_refused_naming_host_and_pid(tmp_path):
    instance = Instance(tmp_path / "instance", [SPINE])
    instance.create("deco")
    try:
        result = open_elsewhere(instance.root, "deco")
    finally:
        instance.close()
    assert result["error"] == "CompanyLocked"
    assert (result["host"], result["pid"]) == (socket.gethostname(), os.getpid())
    assert socket.gethostname() in result["message"] and str(os.getpid()) in result["message"]


def test_after_the_holder_closes_another_process_may_open(tmp_path):
    instance = Instance(tmp_path / "instance", [SPINE])
    instance.create("deco")
    instance.close()
    assert open_elsewhere(instance.root, "deco") == {"error": None}
    assert open_elsewhere(instance.root, "deco") == {"error": None}


def test_a_second_opener_in_the_same_process_is_refused_too(tmp_path):
    holder = open_spine(tmp_path / "deco", create=True)
    try:
        with pytest.raises(CompanyLocked) as caught:
            open_spine(tmp_path / "deco")
        assert caught.value.params["pid"] == os.getpid()
    finally:
        holder.close()
    open_spine(tmp_path / "deco").close()


# --- a database from a newer Equisis -------------------------------------------------------------

@pytest.mark.parametrize("package, number", [("store", 2), ("store", 99), ("payroll", 1)])
def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path, package, number):
    db_path = make_folder(tmp_path / "deco", rows=1)
    store = open_spine(db_path.parent)
    with store.session(), write():
        SchemaMigration.create(package=package, number=number, name="from the future",
                               applied_at="2031-01-01T00:00:00+00:00", app_version="9.0.0")
    store.close()
    digest = sha256_of(db_path)
    for _ in range(2):  # refused twice: the first refusal released the lock
        with pytest.raises(DatabaseFromNewerVersion) as caught:
            open_spine(db_path.parent)
        assert f"{package}#{number} (Equisis 9.0.0)" in caught.value.params["detail"]
    assert sha256_of(db_path) == digest
    assert sidecars(db_path.parent) == []


# --- a damaged database ------------------------------------------------------------------------

def damage_random(data):
    return os.urandom(len(data))


def damage_middle_pages(data):
    return data[:3 * PAGE] + os.urandom(4 * PAGE) + data[7 * PAGE:]


def damage_zeroed_pages(data):
    return data[:2 * PAGE] + bytes(5 * PAGE) + data[7 * PAGE:]


def damage_truncated(data):
    return data[:len(data) // 2]


def damage_header_only(data):
    return data[:100]


@pytest.mark.parametrize("damage", [damage_random, damage_middle_pages, damage_zeroed_pages, damage_truncated,
                                    damage_header_only])
def test_a_damaged_database_is_refused_untouched(tmp_path, damage):
    db_path = make_folder(tmp_path / "deco", rows=300)
    assert db_path.stat().st_size > 10 * PAGE
    db_path.write_bytes(damage(db_path.read_bytes()))
    digest = sha256_of(db_path)
    with pytest.raises(DatabaseCorrupt):
        open_spine(db_path.parent)
    assert sha256_of(db_path) == digest
    assert sidecars(db_path.parent) == []
    # the lock was released: a second attempt is refused for the same reason, not as locked
    with pytest.raises(DatabaseCorrupt):
        open_spine(db_path.parent)


@pytest.mark.parametrize("folder_name", ["deco", "déco shop #1?%20"])
def test_a_sound_database_is_reopened_without_leftover_files(tmp_path, folder_name):
    db_path = make_folder(tmp_path / folder_name, rows=3)
    store = open_spine(db_path.parent)
    with store.session():
        assert Setting.select().count() == 3
    store.close()
    assert sidecars(db_path.parent) == []


def test_a_newer_version_mark_still_in_the_wal_after_a_crash_is_seen(tmp_path):
    db_path = make_folder(tmp_path / "deco")
    live = apsw.Connection(str(db_path))
    try:
        live.execute("PRAGMA wal_autocheckpoint = 0")
        live.execute("INSERT INTO schema_migration VALUES ('store', 2, 'future', '2031-01-01', '9.0.0')")
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        for name in ("company.db", "company.db-wal"):  # what a power cut leaves behind
            (crashed / name).write_bytes((db_path.parent / name).read_bytes())
    finally:
        live.close()
    digest = sha256_of(crashed / "company.db")
    with pytest.raises(DatabaseFromNewerVersion):
        open_spine(crashed)
    assert sha256_of(crashed / "company.db") == digest


def test_opening_a_missing_company_is_not_found(tmp_path):
    with pytest.raises(CompanyNotFound):
        open_spine(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


# --- migrations --------------------------------------------------------------------------------

def _create_extra_table():
    current_database().execute_sql("CREATE TABLE extra_thing (id INTEGER PRIMARY KEY, label TEXT)")


EXTRA = PackageMigrations("extra", (Migration(1, "extra things", _create_extra_table),))


def test_a_new_company_records_its_migrations_without_backup(tmp_path):
    store = open_spine(tmp_path / "deco", create=True)
    try:
        assert store.migrated_with_backup is None
        assert not store.backups_dir.exists()
        with store.session():
            rows = [(m.package, m.number, m.name, m.app_version) for m in SchemaMigration.select()]
        assert rows == [("store", 1, SPINE.migrations[0].name, __version__)]
    finally:
        store.close()


def test_a_pending_migration_backs_up_the_old_data_first(tmp_path):
    db_path = make_folder(tmp_path / "deco", rows=5)
    store = CompanyStore.open(db_path.parent, [SPINE, EXTRA])
    try:
        copy = store.migrated_with_backup
        assert copy is not None and copy.parent == store.backups_dir
        assert copy.name.startswith("pre-migration-") and copy.suffix == ".db"
        assert [p.name for p in store.backups_dir.iterdir()] == [copy.name]  # no .part left
        with store.session():
            applied = [(m.package, m.number, m.app_version) for m in SchemaMigration.select()]
            current_database().execute_sql("INSERT INTO extra_thing (label) VALUES ('new')")
        assert applied == [("store", 1, __version__), ("extra", 1, __version__)]
    finally:
        store.close()

    old = apsw.Connection(str(copy), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        assert old.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert old.execute("SELECT count(*) FROM setting").fetchone()[0] == 5
        assert old.execute("SELECT package, number FROM schema_migration").fetchall() == [("store", 1)]
        assert old.execute("SELECT 1 FROM sqlite_master WHERE name = 'extra_thing'").fetchone() is None
    finally:
        old.close()


def test_no_backup_when_nothing_is_pending(tmp_path):
    db_path = make_folder(tmp_path / "deco")
    store = open_spine(db_path.parent)
    store.close()
    assert store.migrated_with_backup is None
    assert not store.backups_dir.exists()


@pytest.mark.parametrize("numbers", [(2,), (1, 3), (1, 1)])
def test_migrations_are_numbered_without_gaps(numbers):
    with pytest.raises(ValueError):
        PackageMigrations("broken", tuple(Migration(n, "m", lambda: None) for n in numbers))


# --- the instance ------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["../x", "A", "", "a", "Deco", "-deco", "deco/shop", "deco shop", "deco\n",
                                  "x" * 41, "déco", None])
def test_instance_create_refuses_a_bad_slug(tmp_path, slug):
    instance = Instance(tmp_path / "instance", [SPINE])
    with pytest.raises(InvalidSlug) as caught:
        instance.create(slug)
    assert caught.value.field == "slug"
    assert not (tmp_path / "x").exists() and not (tmp_path / "instance").exists()


def test_instance_create_refuses_an_existing_company(tmp_path):
    instance = Instance(tmp_path / "instance", [SPINE])
    try:
        instance.create("deco")
        with pytest.raises(CompanyExists):
            instance.create("deco")
        assert instance.slugs() == ["deco"]
        assert instance.exists("deco") and not instance.exists("other")
    finally:
        instance.close()


def test_instance_get_returns_the_one_open_store(tmp_path):
    instance = Instance(tmp_path / "instance", [SPINE])
    try:
        created = instance.create("deco")
        assert instance.get("deco") is created
        with pytest.raises(CompanyNotFound):
            instance.get("other")
    finally:
        instance.close()


@pytest.mark.parametrize("name, slug", [
    ("Déco Sophie SRL", "deco-sophie-srl"),
    ("Bäckerei Müller GmbH", "backerei-muller-gmbh"),
    ("  Ça & Là  ", "ca-la"),
    ("L'Atelier n°3", "l-atelier-n3"),
    ("!!!", "company"),
    ("X", "company"),
    ("", "company"),
    ("Een heel lange naam van een kleine winkel in Gent", "een-heel-lange-naam-van-een-kleine-winke"),
    ("a" * 39 + " b", "a" * 39),  # no dash left dangling after truncation
])
def test_slugify(name, slug):
    assert slugify(name) == slug
    assert check_slug(slug) == slug
