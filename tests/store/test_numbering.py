"""Gapless numbers per (journal, fiscal year), taken inside the posting transaction."""
import threading

import pytest

from equisis.store import write
from equisis.store.errors import NotInTransaction
from equisis.store.numbering import format_number, peek_next_number, take_next_number


def take(journal, fiscal_year, count=1):
    with write():
        return [take_next_number(journal, fiscal_year) for _ in range(count)]


def test_numbers_start_at_one_and_follow(store):
    assert take("VEN", "2026", 3) == [1, 2, 3]
    assert take("VEN", "2026") == [4]


@pytest.mark.parametrize("other", [("ACH", "2026"), ("VEN", "2027"), ("VEN", "2026-2027")])
def test_each_journal_and_fiscal_year_has_its_own_sequence(store, other):
    take("VEN", "2026", 3)
    assert take(*other, 2) == [1, 2]
    assert take("VEN", "2026") == [4]


def test_a_failed_posting_gives_its_number_back(store):
    take("VEN", "2026", 2)
    with pytest.raises(RuntimeError):
        with write():
            assert take_next_number("VEN", "2026") == 3
            raise RuntimeError("posting failed after numbering")
    assert take("VEN", "2026") == [3]


def test_a_failed_first_number_gives_it_back(store):
    with pytest.raises(RuntimeError):
        with write():
            assert take_next_number("CAI", "2026") == 1
            raise RuntimeError("posting failed")
    assert peek_next_number("CAI", "2026") == 1
    assert take("CAI", "2026") == [1]


def test_peek_does_not_take(store):
    assert peek_next_number("VEN", "2026") == 1
    take("VEN", "2026", 2)
    assert peek_next_number("VEN", "2026") == 3
    assert peek_next_number("VEN", "2026") == 3


def test_taking_a_number_outside_write_is_a_bug(store):
    with pytest.raises(NotInTransaction):
        take_next_number("VEN", "2026")


def test_concurrent_postings_share_one_unbroken_sequence(store):
    taken, failures = [], []
    start = threading.Barrier(4)

    def post_many():
        try:
            with store.session():
                start.wait()
                for _ in range(25):
                    taken.extend(take("VEN", "2026"))
                store.database.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=post_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(taken) == list(range(1, 101))


@pytest.mark.parametrize("journal, fiscal_year, number, text", [
    ("VEN", "2026", 42, "VEN/2026/00042"),
    ("ACH", "2026-2027", 1, "ACH/2026-2027/00001"),
    ("VEN", "2026", 123456, "VEN/2026/123456"),
])
def test_format_number(journal, fiscal_year, number, text):
    assert format_number(journal, fiscal_year, number) == text
