"""The reports as values: what :mod:`equisis.reports.service` builds and :mod:`equisis.reports.layout` shows.

Frozen dataclasses, amounts in integer cents (signed debit − credit unless said
otherwise); no database, no Flask.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from equisis.reports.rules import (AgedRow, BalanceLine, BalanceTotal, DateRange, LedgerLine, LedgerSection,
                                   Rubric)


@dataclass(frozen=True)
class TrialBalance:
    """The general trial balance (balance des comptes généraux) over a range, by class."""

    range: DateRange
    previous_range: DateRange | None
    groups: tuple[tuple[str, tuple[BalanceLine, ...], BalanceTotal], ...]
    total: BalanceTotal
    unallocated_cents: int = 0            # result of earlier fiscal years not yet closed
    previous_unallocated_cents: int = 0


@dataclass(frozen=True)
class GeneralLedger:
    range: DateRange
    sections: tuple[LedgerSection, ...]
    documents: Mapping = field(default_factory=dict, compare=False, hash=False)  # {entry id: document id}


@dataclass(frozen=True)
class JournalEntry:
    entry_id: int
    reference: str
    date: dt.date
    description: str
    lines: tuple[LedgerLine, ...]
    debit_cents: int
    credit_cents: int


@dataclass(frozen=True)
class JournalSection:
    code: str
    name: str
    entries: tuple[JournalEntry, ...]
    debit_cents: int
    credit_cents: int
    periods: tuple[tuple[str, int], ...]   # (period code, debit total) — the journal's centralisation


@dataclass(frozen=True)
class JournalReport:
    range: DateRange
    journals: tuple[JournalSection, ...]
    documents: Mapping = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class PartnerBalance:
    """Customers' or suppliers' balances: one line per partner (key = partner id as text)."""

    kind: str
    range: DateRange
    previous_range: DateRange | None
    lines: tuple[BalanceLine, ...]
    total: BalanceTotal


@dataclass(frozen=True)
class PartnerLedger:
    kind: str
    range: DateRange
    sections: tuple[LedgerSection, ...]
    documents: Mapping = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class AgedBalance:
    kind: str
    at: dt.date
    rows: tuple[AgedRow, ...]
    buckets: tuple[int, ...]
    total_cents: int


@dataclass(frozen=True)
class ChartLine:
    code: str
    name: str
    kind: str
    reconcilable: bool
    blocked: bool
    is_group: bool = False
    level: int = 0


@dataclass(frozen=True)
class NbbLine:
    rubric: Rubric
    amount_cents: int
    previous_cents: int | None
    accounts: tuple[tuple[str, str, int, int | None], ...] = ()  # (code, name, amount, previous)


@dataclass(frozen=True)
class NbbReport:
    model: str
    range: DateRange
    previous_range: DateRange | None
    balance_sheet: tuple[NbbLine, ...]
    profit_and_loss: tuple[NbbLine, ...]
    unmapped: tuple[tuple[str, int], ...]   # accounts with a balance no line reads (classes 1–7)

    def value(self, key: str, statement: str = "bs") -> int:
        lines = self.balance_sheet if statement == "bs" else self.profit_and_loss
        return next(x.amount_cents for x in lines if x.rubric.key == key)
