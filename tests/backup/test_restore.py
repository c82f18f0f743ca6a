"""Restores: checksums and versions first, a new folder, checks, an atomic switch keeping the previous copy."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile

import pytest

from equisis import doctor
from equisis.backup import service
from equisis.backup.errors import (ArchiveCorrupt, ArchiveFromNewerVersion, ArchiveOfAnotherCompany,
                                   RestoreCheckFailed)
from equisis.schema import all_migrations
from equisis.store import current_database, write
from equisis.store.errors import CompanyLocked, CompanyUnavailable
from equisis.store.lock import FolderLock
from equisis.store.migrate import Migration, PackageMigrations
from equisis.users import service as users
from equisis.users.models import User
from tests.backup.conftest import NOW, back_up, fingerprint, healthy
from tests.factories import make_company


def restore(instance, archive, **options):
    options.setdefault("checks", doctor.run)
    return service.restore(instance, archive, **options)


def usernames(store):
    with store.session():
        return sorted(u.username for u in User.select())


def _extra_table():
    current_database().execute_sql("CREATE TABLE loyalty_card (id INTEGER PRIMARY KEY, code TEXT)")


EXTRA = PackageMigrations("loyalty", (Migration(1, "loyalty cards", _extra_table),))


@pytest.fixture
def archive(shop):
    return back_up(shop, now=NOW).paths[0]


def test_restore_as_a_new_company_beside_the_original(instance, shop, archive):
    result = restore(instance, archive, slug="copy")
    assert (result.slug, result.previous, result.migrated, result.warnings) == ("copy", None, False, [])
    copy = instance.get("copy")
    assert healthy(copy)
    original, restored = fingerprint(shop.folder), fingerprint(copy.folder)
    assert sorted(restored) == sorted(original)
    assert {k: v for k, v in restored.items() if k != "company.db"} == \
        {k: v for k, v in original.items() if k != "company.db"}


def test_restore_replaces_the_company_and_keeps_the_previous_copy(instance, shop, archive):
    with shop.session():
        users.add_user("late", "password-xxxx", "sales")  # after the backup: gone once restored
    instance.close()
    result = restore(instance, archive)
    assert result.slug == shop.slug
    assert result.previous.name.startswith(f"{shop.slug}.before-restore-")
    restored = instance.get(shop.slug)
    assert usernames(restored) == ["sophie"]
    assert healthy(restored)
    from equisis.store import CompanyStore

    kept = CompanyStore.open(result.previous, all_migrations(), read_only=True)
    try:
        assert usernames(kept) == ["late", "sophie"]
    finally:
        kept.close()
    assert instance.slugs() == [shop.slug]  # the kept copy is not a company of the instance
    assert not list(instance.companies_dir.glob(".restore-*"))


STEPS = ["verified", "extracted", "opened", "checked", "locked"]


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("atomic", [True, False], ids=["exchange", "two-renames"])
def test_a_failure_at_any_step_leaves_the_company_untouched(instance, shop, archive, monkeypatch, step, atomic):
    with shop.session():
        users.add_user("late", "password-xxxx", "sales")
    instance.close()
    before = fingerprint(shop.folder)
    if not atomic:
        monkeypatch.setattr(service, "exchange_folders", lambda a, b: False)

    def fail_at(reached):
        if reached == step:
            raise RuntimeError(f"killed at {reached}")

    with pytest.raises(RuntimeError, match=f"killed at {step}"):
        restore(instance, archive, checkpoint=fail_at)
    assert fingerprint(shop.folder) == before
    assert sorted(p.name for p in instance.companies_dir.iterdir()) == [shop.slug]
    assert usernames(instance.get(shop.slug)) == ["late", "sophie"]
    assert healthy(instance.get(shop.slug))


def test_a_failure_between_the_two_renames_puts_the_company_back(instance, shop, archive, monkeypatch):
    instance.close()
    before = fingerprint(shop.folder)
    monkeypatch.setattr(service, "exchange_folders", lambda a, b: False)

    def fail_at(reached):
        if reached == "moved-aside":
            raise OSError("stick pulled")

    with pytest.raises(OSError):
        restore(instance, archive, checkpoint=fail_at)
    assert fingerprint(shop.folder) == before
    assert sorted(p.name for p in instance.companies_dir.iterdir()) == [shop.slug]


def test_without_the_atomic_exchange_the_switch_still_works(instance, shop, archive, monkeypatch):
    monkeypatch.setattr(service, "exchange_folders", lambda a, b: False)
    instance.close()
    result = restore(instance, archive)
    assert result.previous.is_dir() and healthy(instance.get(shop.slug))


def test_a_flipped_byte_is_refused_naming_the_file_and_nothing_changes(instance, shop, archive):
    with zipfile.ZipFile(archive) as zipped:
        info = next(i for i in zipped.infolist() if i.filename.startswith("documents/attachments"))
    data = bytearray(archive.read_bytes())
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 10] ^= 0x20
    archive.write_bytes(bytes(data))
    instance.close()
    before = fingerprint(shop.folder)
    with pytest.raises(ArchiveCorrupt) as caught:
        restore(instance, archive)
    assert caught.value.params["member"] == info.filename
    assert info.filename in caught.value.message()
    assert fingerprint(shop.folder) == before
    assert sorted(p.name for p in instance.companies_dir.iterdir()) == [shop.slug]


def test_an_archive_from_a_newer_version_is_refused_and_named(make_instance):
    newer = make_instance("newer", all_migrations() + [EXTRA])
    slug = make_company(newer)
    archive = back_up(newer.get(slug), now=NOW).paths[0]
    ours = make_instance("ours")
    with pytest.raises(ArchiveFromNewerVersion) as caught:
        restore(ours, archive)
    assert "loyalty#1" in caught.value.message() and archive.name in caught.value.message()
    assert not ours.companies_dir.exists() or not list(ours.companies_dir.iterdir())


def test_an_archive_from_an_older_version_runs_the_migrations(make_instance, shop, archive):
    upgraded = make_instance("upgraded", all_migrations() + [EXTRA])
    result = restore(upgraded, archive)
    assert result.migrated is True
    store = upgraded.get(result.slug)
    with store.session():
        assert current_database().table_exists("loyalty_card")
    assert [p.name for p in store.backups_dir.iterdir()][0].startswith("pre-migration-")


def test_restore_refuses_a_company_held_by_another_process(instance, shop, archive):
    instance.close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from equisis.store.lock import FolderLock
        lock = FolderLock({str(shop.folder)!r})
        lock.acquire()
        print("held", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = fingerprint(shop.folder)
        with pytest.raises(CompanyLocked) as caught:
            restore(instance, archive)
        assert str(holder.pid) in caught.value.message()
        assert fingerprint(shop.folder) == before
        assert sorted(p.name for p in instance.companies_dir.iterdir()) == [shop.slug]
    finally:
        holder.kill()
        holder.wait()


def test_the_running_server_closes_the_company_for_the_switch(instance, shop, archive):
    """The UI path: this process serves the company; it is released, switched, and reopens on demand."""
    with shop.session():
        users.add_user("late", "password-xxxx", "sales")
    assert instance.get(shop.slug) is shop
    seen = []

    def watch(step):
        if step == "locked":
            with pytest.raises(CompanyUnavailable):
                instance.get(shop.slug)
            seen.append(step)

    result = restore(instance, archive, running=True, expect_slug=shop.slug, checkpoint=watch)
    assert seen == ["locked"] and result.previous is not None
    reopened = instance.get(shop.slug)
    assert reopened is not shop and usernames(reopened) == ["sophie"]


def test_the_ui_refuses_an_archive_of_another_company(instance, shop, archive):
    make_company(instance, slug="other-shop")
    with pytest.raises(ArchiveOfAnotherCompany):
        restore(instance, archive, slug="other-shop", running=True, expect_slug="other-shop")


def test_a_restored_database_that_fails_sqlite_checks_is_refused(instance, shop, archive, monkeypatch):
    from equisis.store import backup as database_backup

    monkeypatch.setattr(database_backup, "integrity_problems", lambda path: ["page 7: btree damaged"])
    instance.close()
    before = fingerprint(shop.folder)
    with pytest.raises(RestoreCheckFailed) as caught:
        restore(instance, archive)
    assert "page 7" in caught.value.message()
    assert fingerprint(shop.folder) == before


def test_released_closes_the_folder_and_reopens_afterwards(instance, shop):
    with instance.released(shop.slug):
        with pytest.raises(CompanyUnavailable):
            instance.get(shop.slug)
        with pytest.raises(CompanyUnavailable):
            with instance.released(shop.slug):
                pass
        lock = FolderLock(shop.folder)
        lock.acquire()  # the instance let go of the folder
        lock.release()
    reopened = instance.get(shop.slug)
    assert reopened is not shop and reopened.lock.held
    with reopened.session(), write():
        pass
