"""The company database: pragmas, BEGIN IMMEDIATE, disk full, routing per thread."""
import json
import threading

import apsw
import pytest

from equisis.store import Instance, current_database, write
from equisis.store.database import BUSY_TIMEOUT_S, in_write_transaction
from equisis.store.errors import StorageFull
from equisis.store.migrations import MIGRATIONS as SPINE
from equisis.store.models import Setting


@pytest.mark.parametrize("pragma, expected", [
    ("journal_mode", "wal"),
    ("synchronous", 2),  # FULL
    ("foreign_keys", 1),
    ("busy_timeout", BUSY_TIMEOUT_S * 1000),
])
def test_pragmas_of_a_company_database(store, pragma, expected):
    assert store.database.execute_sql(f"PRAGMA {pragma}").fetchone()[0] == expected


def test_wal_mode_is_written_into_the_file(store):
    other = apsw.Connection(str(store.db_path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        other.close()


def test_write_takes_the_writer_lock_before_the_first_statement(store):
    other = apsw.Connection(str(store.db_path))
    other.set_busy_timeout(0)
    try:
        with write():
            assert in_write_transaction()
            # Nothing written yet: only BEGIN IMMEDIATE (not DEFERRED) already holds the lock.
            with pytest.raises(apsw.BusyError):
                other.execute("INSERT INTO setting (key, value_json) VALUES ('intruder', '1')")
        other.execute("INSERT INTO setting (key, value_json) VALUES ('after', '1')")
    finally:
        other.close()
    assert [s.key for s in Setting.select()] == ["after"]


def test_write_commits_or_rolls_back_as_a_whole(store):
    with pytest.raises(RuntimeError):
        with write():
            Setting.create(key="a", value_json="1")
            raise RuntimeError("a bug halfway")
    with write():
        Setting.create(key="b", value_json="2")
    assert [s.key for s in Setting.select()] == ["b"]


def test_nested_write_is_a_savepoint(store):
    with write():
        Setting.create(key="outer", value_json="1")
        with pytest.raises(RuntimeError):
            with write():
                Setting.create(key="inner", value_json="1")
                raise RuntimeError("inner failed")
    assert [s.key for s in Setting.select()] == ["outer"]


def test_not_in_write_transaction_outside_write(store):
    assert not in_write_transaction()


def test_disk_full_raises_storage_full_and_keeps_nothing(store):
    with write():
        Setting.create(key="before", value_json="1")
    pages = store.database.execute_sql("PRAGMA page_count").fetchone()[0]
    store.database.execute_sql(f"PRAGMA max_page_count = {pages + 3}")
    with pytest.raises(StorageFull):
        with write():
            for i in range(500):
                Setting.create(key=f"row-{i}", value_json="x" * 500)
    assert [s.key for s in Setting.select()] == ["before"]
    assert not in_write_transaction()
    # Once space is back, the same connection writes again.
    store.database.execute_sql("PRAGMA max_page_count = 1073741823")
    with write():
        Setting.create(key="after", value_json="1")
    assert Setting.select().count() == 2


def test_no_database_chosen_is_a_bug():
    with pytest.raises(RuntimeError):
        current_database()


def test_two_companies_served_from_threads_stay_apart(tmp_path):
    instance = Instance(tmp_path / "instance", [SPINE])
    slugs = ["alpha", "beta"]
    for slug in slugs:
        instance.create(slug)
    threads_per_company, writes_per_thread = 4, 50
    start = threading.Barrier(len(slugs) * threads_per_company)
    files, failures = {}, []

    def serve(slug, worker):
        try:
            store = instance.get(slug)
            with store.session():
                start.wait()
                files[(slug, worker)] = current_database().connection_filename()
                for i in range(writes_per_thread):
                    with write():
                        Setting.create(key=f"{slug}:{worker}:{i}", value_json=json.dumps(worker))
                store.database.close()  # this thread's connection
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=serve, args=(slug, w))
               for slug in slugs for w in range(threads_per_company)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        for (slug, _worker), filename in files.items():
            assert filename == str(instance.companies_dir / slug / "company.db")
        for slug in slugs:
            with instance.get(slug).session():
                keys = [s.key for s in Setting.select()]
            assert len(keys) == threads_per_company * writes_per_thread
            assert all(k.startswith(slug + ":") for k in keys)
    finally:
        instance.close()
