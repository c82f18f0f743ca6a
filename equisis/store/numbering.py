"""Gapless numbers per journal and fiscal year, taken inside the posting transaction.

The number is read and incremented under the write lock of the very
transaction that posts the document: if posting fails, the increment rolls
back with it, so the sequence never skips (Belgian VAT code, art. 53 §2 and
Royal Decree no. 1, art. 5: invoices carry one unbroken sequence per series).
"""
from __future__ import annotations

from equisis.store.database import in_write_transaction
from equisis.store.errors import NotInTransaction
from equisis.store.models import NumberSequence


def format_number(journal: str, fiscal_year: str, number: int) -> str:
    """'VEN', '2026', 42 -> 'VEN/2026/00042' (sorts as text, reads aloud)."""
    return f"{journal}/{fiscal_year}/{number:05d}"


def take_next_number(journal: str, fiscal_year: str) -> int:
    """Take the next number of ``journal`` in ``fiscal_year``; must run inside ``write()``."""
    return take_next_numbers(journal, fiscal_year, 1).start


def take_next_numbers(journal: str, fiscal_year: str, count: int) -> range:
    """Take ``count`` consecutive numbers at once (a batch of postings); must run inside ``write()``."""
    if not in_write_transaction():
        raise NotInTransaction("take_next_number() outside a write() transaction")
    if count < 1:
        raise ValueError("take at least one number")
    row = NumberSequence.get_or_none(journal=journal, fiscal_year=fiscal_year)
    if row is None:
        NumberSequence.create(journal=journal, fiscal_year=fiscal_year, next_number=1 + count)
        return range(1, 1 + count)
    (NumberSequence.update(next_number=NumberSequence.next_number + count)
     .where((NumberSequence.journal == journal) & (NumberSequence.fiscal_year == fiscal_year))
     .execute())
    return range(row.next_number, row.next_number + count)


def peek_next_number(journal: str, fiscal_year: str) -> int:
    row = NumberSequence.get_or_none(journal=journal, fiscal_year=fiscal_year)
    return row.next_number if row else 1
