"""The rules of the accounting reports, as pure functions over small value types (no database, no clock).

**Balances over a date range.** The ledger keeps debit/credit totals per account
× period (``account_balance``) and per partner × account × period. A report over
[start, end] sums whole periods from those tables and reads lines only for the
*edges*: the part of a period cut by a start or end that is not a period
boundary (:func:`split_range`). A month report reads no line at all; a report from
10 March to 20 June reads the lines of 10–31 March and 1–20 June.

**Where balances start.** Each fiscal year opens with the balances carried from
the previous one (the closing posts them in the opening journal, OUV). Until a
year is closed, the next one has no opening entry yet, so balances run on from
the start of the oldest fiscal year still open before it (:func:`chain_start`).
Entries of opening journals are *opening balances*, never movements: the trial
balance shows them in its opening column, so that a year's debit and credit
columns are the year's own movements (the Belgian à-nouveaux convention).
Charges and income (classes 6 and 7) start each fiscal year from zero; while an
earlier year is not closed, its result is shown on one line of its own
("result of earlier fiscal years not yet closed"), which keeps every column of
the trial balance balanced.

Worked example — books opened 1 January 2026 (year 2025 closed, OUV carries
bank 550 at 1 000,00 D and 140 at 1 000,00 C), a sale of 100,00 on 10 March,
trial balance 1 March – 31 March::

    account  opening      debit    credit   closing
    140      -1 000,00                      -1 000,00
    400                   121,00               121,00
    451                             21,00      -21,00
    550       1 000,00                       1 000,00
    700                            100,00     -100,00
    total         0,00    121,00   121,00        0,00

**Aged balances** put every open item at a date in a bucket by the days since its
due date (:data:`AGE_BUCKETS`); **NBB schemas** evaluate rubric expressions on
those balances (:func:`evaluate_rubrics`).

Amounts are integer cents, signed debit − credit unless said otherwise.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from equisis.core.i18n import N_

Totals = dict  # {key: (debit cents, credit cents)}

#: Text a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection");
#: the same list as equisis.web.listing, which reports may not import (a test keeps them equal).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- date ranges

@dataclass(frozen=True)
class DateRange:
    """A report's days, both ends included."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a date range ends on or after its start")

    def previous_year(self) -> "DateRange":
        """The same days a year earlier (29 February becomes the 28th)."""
        return DateRange(shift_year(self.start, -1), shift_year(self.end, -1))

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def shift_year(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; 29 February lands on the 28th in a common year.

    The end of a month stays the end of its month: 2024-02-29 − 1 year = 2023-02-28,
    and 2023-02-28 + 1 year = 2024-02-29 (a range "to the end of February" keeps its meaning).
    """
    year = day.year + years
    last_of_month = (day + dt.timedelta(days=1)).month != day.month
    if day.month == 2 and (day.day == 29 or last_of_month):
        following = dt.date(year, 3, 1)
        return following - dt.timedelta(days=1)
    return day.replace(year=year)


@dataclass(frozen=True)
class RangeParts:
    """How to read [start, end]: whole periods from the summaries, edges from the lines."""

    whole: tuple[dt.date, dt.date] | None  # first whole period's start, last whole period's end
    edges: tuple[tuple[dt.date, dt.date], ...]


def split_range(start: dt.date, end: dt.date, periods: Sequence[tuple[dt.date, dt.date]]) -> RangeParts:
    """Cut [start, end] into the whole periods it covers and the partial periods at its edges.

    ``periods`` are (start, end) pairs of consecutive periods. Days outside every
    period carry no entries and are dropped.

    With monthly periods, 10 March – 31 May is whole=(1 April, 31 May) and
    edges=((10 March, 31 March),); 10 – 20 March is whole=None, edges=((10 March, 20 March),).
    """
    whole = [(s, e) for s, e in periods if start <= s and e <= end]
    edges = []
    for s, e in periods:
        if e < start or s > end or (start <= s and e <= end):
            continue
        edges.append((max(s, start), min(e, end)))
    if whole:
        return RangeParts((whole[0][0], whole[-1][1]), tuple(edges))
    return RangeParts(None, tuple(edges))


@dataclass(frozen=True)
class Year:
    """A fiscal year as the reports need it."""

    code: str
    start: dt.date
    end: dt.date
    closed: bool


def year_of(day: dt.date, years: Sequence[Year]) -> Year | None:
    return next((y for y in years if y.start <= day <= y.end), None)


def chain_start(day: dt.date, years: Sequence[Year]) -> dt.date | None:
    """Where balances at ``day`` start: the first day of the oldest year of the open run ending at ``day``.

    A closed year's balances reach the next through its opening entry, so the
    run stops after a closed year. Years 2024 (closed), 2025 (open), 2026: for a
    day of 2026 balances start on 2025-01-01. ``None`` before the first year.
    """
    ordered = sorted(years, key=lambda y: y.start)
    current = year_of(day, ordered)
    if current is None:
        before = [y for y in ordered if y.end < day]
        if not before:
            return None
        current = before[-1]
    index = ordered.index(current)
    while index > 0 and not ordered[index - 1].closed:
        index -= 1
    return ordered[index].start


# --------------------------------------------------------------------------- totals arithmetic

def add_totals(*parts: Mapping) -> Totals:
    """Sum {key: (debit, credit)} mappings."""
    result: Totals = {}
    for part in parts:
        for key, (debit, credit) in part.items():
            d, c = result.get(key, (0, 0))
            result[key] = (d + debit, c + credit)
    return result


def subtract_totals(total: Mapping, part: Mapping) -> Totals:
    result = dict(total)
    for key, (debit, credit) in part.items():
        d, c = result.get(key, (0, 0))
        result[key] = (d - debit, c - credit)
    return result


def net(totals: Mapping) -> dict:
    """{key: debit − credit}."""
    return {key: debit - credit for key, (debit, credit) in totals.items()}


def is_profit_and_loss(code: str) -> bool:
    """Classes 6 (charges) and 7 (income) start every fiscal year from zero."""
    return code[:1] in ("6", "7")


# --------------------------------------------------------------------------- trial balance

@dataclass(frozen=True)
class BalanceLine:
    """One account (or partner) of a balance: opening, the range's movements, closing (signed D − C)."""

    key: str
    name: str
    opening_cents: int
    debit_cents: int
    credit_cents: int
    closing_cents: int
    previous_cents: int | None = None  # closing of the comparison range

    @property
    def is_empty(self) -> bool:
        return not (self.opening_cents or self.debit_cents or self.credit_cents or self.closing_cents
                    or self.previous_cents)


@dataclass(frozen=True)
class BalanceTotal:
    label: str              # a msgid with {group}
    group: str
    opening_cents: int
    debit_cents: int
    credit_cents: int
    closing_cents: int
    previous_cents: int | None = None


def balance_lines(opening: Mapping[str, int], movements: Mapping, names: Mapping[str, str],
                  previous: Mapping[str, int] | None = None) -> list[BalanceLine]:
    """Lines by key (account code or partner id) for every key with an amount, sorted by key."""
    keys = set(opening) | set(movements) | set(previous or {})
    lines = []
    for key in keys:
        debit, credit = movements.get(key, (0, 0))
        start = opening.get(key, 0)
        line = BalanceLine(key, names.get(key, ""), start, debit, credit, start + debit - credit,
                           None if previous is None else previous.get(key, 0))
        if not line.is_empty:
            lines.append(line)
    return sorted(lines, key=lambda x: _sort_key(x.key))


def _sort_key(key):
    return (0, key) if isinstance(key, str) else (1, str(key))


def total_of(lines: Iterable[BalanceLine], label: str, group: str, with_previous: bool) -> BalanceTotal:
    lines = list(lines)
    return BalanceTotal(label, group, sum(x.opening_cents for x in lines), sum(x.debit_cents for x in lines),
                        sum(x.credit_cents for x in lines), sum(x.closing_cents for x in lines),
                        sum(x.previous_cents or 0 for x in lines) if with_previous else None)


def class_totals(lines: Sequence[BalanceLine], with_previous: bool) -> list[tuple[str, list[BalanceLine],
                                                                                 BalanceTotal]]:
    """Lines grouped by PCMN class (first digit of the code), each with its total."""
    groups: dict[str, list[BalanceLine]] = {}
    for x in lines:
        groups.setdefault(str(x.key)[:1], []).append(x)
    return [(cls, members, total_of(members, N_("Total class {group}"), cls, with_previous))
            for cls, members in sorted(groups.items())]


# --------------------------------------------------------------------------- ledgers

@dataclass(frozen=True)
class LedgerLine:
    """A line of a general or partner ledger, with the balance after it."""

    line_id: int
    entry_id: int
    date: dt.date
    journal: str
    reference: str
    description: str
    account: str
    partner_id: int | None
    partner_name: str
    document_ref: str
    due_date: dt.date | None
    debit_cents: int
    credit_cents: int
    balance_cents: int
    source_type: str | None = None
    source_id: str | None = None


@dataclass(frozen=True)
class LedgerSection:
    """One account (general ledger) or one partner (partner ledger): opening, lines, closing."""

    key: str
    name: str
    opening_cents: int
    lines: tuple[LedgerLine, ...]
    debit_cents: int
    credit_cents: int
    closing_cents: int


def running_section(key: str, name: str, opening_cents: int, rows: Iterable[dict]) -> LedgerSection:
    """A ledger section whose lines carry the running balance, starting from ``opening_cents``.

    Opening 100,00 D, then a debit of 21,00 and a credit of 50,00 → balances
    121,00 and 71,00; closing 71,00.
    """
    balance, lines, debit, credit = opening_cents, [], 0, 0
    for row in rows:
        balance += row["debit_cents"] - row["credit_cents"]
        debit += row["debit_cents"]
        credit += row["credit_cents"]
        lines.append(LedgerLine(balance_cents=balance, **row))
    return LedgerSection(key, name, opening_cents, tuple(lines), debit, credit, balance)


# --------------------------------------------------------------------------- aged balances

@dataclass(frozen=True)
class AgeBucket:
    key: str
    label: str       # msgid
    first_day: int | None   # days overdue, both ends included; None: open-ended
    last_day: int | None


#: Days past the due date at the report date. An item without a due date is due on its own date.
AGE_BUCKETS = (
    AgeBucket("not_due", N_("Not due"), None, 0),
    AgeBucket("d1_30", N_("1–30 days"), 1, 30),
    AgeBucket("d31_60", N_("31–60 days"), 31, 60),
    AgeBucket("d61_90", N_("61–90 days"), 61, 90),
    AgeBucket("over_90", N_("Over 90 days"), 91, None),
)


def days_overdue(at: dt.date, due_date: dt.date | None, date: dt.date) -> int:
    """Days between the due date (else the item's date) and ``at``: negative or zero = not yet due."""
    return (at - (due_date or date)).days


def bucket_of(days: int) -> AgeBucket:
    """The bucket of an item ``days`` overdue: 0 → not due, 1 to 30 → 1–30, 91 → over 90."""
    for bucket in AGE_BUCKETS:
        if (bucket.first_day is None or days >= bucket.first_day) and \
                (bucket.last_day is None or days <= bucket.last_day):
            return bucket
    raise AssertionError(days)  # the buckets cover every integer


@dataclass(frozen=True)
class AgedItem:
    """An item open at the report date; ``residual_cents`` is what the partner owes us (or we owe)."""

    line_id: int
    entry_id: int
    reference: str
    account: str
    partner_id: int | None
    date: dt.date
    due_date: dt.date | None
    document_ref: str
    residual_cents: int
    days_overdue: int
    bucket: str


@dataclass(frozen=True)
class AgedRow:
    """One partner of an aged balance: its amounts per bucket and in total."""

    partner_id: int | None
    name: str
    buckets: tuple[int, ...]   # in AGE_BUCKETS order
    total_cents: int
    items: tuple[AgedItem, ...] = ()


def age_items(at: dt.date, items: Iterable, sign: int) -> list[AgedItem]:
    """Bucket open items (with line_id, entry_id, reference, account, partner_id, date, due_date,
    document_ref, residual_cents) at ``at``; ``sign`` -1 shows credit residuals (what we owe) positive."""
    aged = []
    for item in items:
        days = days_overdue(at, item.due_date, item.date)
        aged.append(AgedItem(item.line_id, item.entry_id, item.reference, item.account, item.partner_id,
                             item.date, item.due_date, item.document_ref or "", sign * item.residual_cents,
                             days, bucket_of(days).key))
    return sorted(aged, key=lambda i: (i.due_date or i.date, i.line_id))


def aged_rows(items: Iterable[AgedItem], names: Mapping[int, str]) -> list[AgedRow]:
    """One row per partner (by name), its items summed per bucket."""
    keys = [b.key for b in AGE_BUCKETS]
    by_partner: dict = {}
    for item in items:
        by_partner.setdefault(item.partner_id, []).append(item)
    rows = []
    for partner_id, members in by_partner.items():
        amounts = [0] * len(keys)
        for item in members:
            amounts[keys.index(item.bucket)] += item.residual_cents
        rows.append(AgedRow(partner_id, names.get(partner_id, "") if partner_id is not None else "",
                            tuple(amounts), sum(amounts), tuple(members)))
    return sorted(rows, key=lambda r: (r.name.casefold(), r.partner_id or 0))


def aged_totals(rows: Iterable[AgedRow]) -> tuple[tuple[int, ...], int]:
    rows = list(rows)
    buckets = tuple(sum(r.buckets[i] for r in rows) for i in range(len(AGE_BUCKETS)))
    return buckets, sum(buckets)


# --------------------------------------------------------------------------- NBB rubrics

@dataclass(frozen=True)
class Rubric:
    """A line of an NBB statement: it reads accounts (``prefixes`` with ``sign``) or adds other lines.

    ``sign`` "+" shows debit − credit (assets, charges), "-" credit − debit
    (equity, liabilities, income), so each line shows its normal balance as a
    positive amount. ``terms`` are (+1 | −1, key) pairs of other lines.
    """

    model: str
    statement: str
    sequence: int
    key: str
    code: str
    style: str
    sign: str
    prefixes: tuple[str, ...]
    terms: tuple[tuple[int, str], ...]
    labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def reads_accounts(self) -> bool:
        return bool(self.prefixes)

    @property
    def level(self) -> int:
        return int(self.style[:1]) if self.style[:1].isdigit() else 1

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("en", "")

    def covers(self, account: str) -> bool:
        return any(account.startswith(p) for p in self.prefixes)


def rubric_accounts(rubric: Rubric, balances: Mapping[str, int]) -> dict[str, int]:
    """{account: amount as the line shows it} for the accounts with a balance under ``rubric``."""
    return accounts_by_rubric([rubric], balances).get(rubric.key, {})


def accounts_by_rubric(rubrics: Sequence[Rubric], balances: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """{line key: {account: amount as the line shows it}} for every line reading accounts.

    Each account is looked up by its own prefixes ("4", "40", "400"…) in a table
    of the lines' prefixes, so the cost follows the accounts, not accounts × lines.
    An account counts once per line even if two of the line's prefixes match it.
    """
    readers: dict[str, list[Rubric]] = {}
    for rubric in rubrics:
        for prefix in rubric.prefixes:
            readers.setdefault(prefix, []).append(rubric)
    result: dict[str, dict[str, int]] = {}
    for code, amount in sorted(balances.items()):
        if not amount:
            continue
        for size in range(1, len(code) + 1):
            for rubric in readers.get(code[:size], ()):
                result.setdefault(rubric.key, {})[code] = amount if rubric.sign == "+" else -amount
    return result


def evaluate_rubrics(rubrics: Sequence[Rubric], balances: Mapping[str, int]) -> dict[str, int]:
    """{key: cents} of every line, given {account code: debit − credit} balances.

    A line reading accounts sums the balances of the accounts under its prefixes
    (each account counts once even if two prefixes match it) with its sign; a
    total adds its terms. With 604 at 300,00 D and 700 at 1 000,00 C, "60/61"
    (+, 60 61) is 300,00, "70" (−, 70) 1 000,00 and a total "+70 −60/61" 700,00.
    """
    by_key = {r.key: r for r in rubrics}
    read = accounts_by_rubric(rubrics, balances)
    values: dict[str, int] = {}

    def value(key: str, trail: tuple = ()) -> int:
        if key in values:
            return values[key]
        if key in trail:
            raise ValueError(f"rubric {key} refers to itself through {trail}")
        rubric = by_key[key]
        if rubric.reads_accounts:
            result = sum(read.get(key, {}).values())
        else:
            result = sum(sign * value(term, trail + (key,)) for sign, term in rubric.terms)
        values[key] = result
        return result

    for rubric in rubrics:
        value(rubric.key)
    return values


def coefficients(rubrics: Sequence[Rubric], key: str) -> dict[str, int]:
    """{account prefix: how many times (signed, on debit − credit) line ``key`` counts it}.

    A balance sheet is sound when every account of classes 1–7 is counted once:
    +1 under total assets (20/58) and −1 under total liabilities (10/49).
    """
    by_key = {r.key: r for r in rubrics}
    result: dict[str, int] = {}

    def walk(k: str, factor: int) -> None:
        rubric = by_key[k]
        if rubric.reads_accounts:
            own = 1 if rubric.sign == "+" else -1
            for prefix in rubric.prefixes:
                result[prefix] = result.get(prefix, 0) + factor * own
        for sign, term in rubric.terms:
            walk(term, factor * sign)

    walk(key, 1)
    return result


def unmapped_accounts(rubrics: Sequence[Rubric], balances: Mapping[str, int]) -> list[tuple[str, int]]:
    """Accounts of classes 1–7 with a balance that no account-reading line of ``rubrics`` covers."""
    readers = [r for r in rubrics if r.reads_accounts]
    return [(code, amount) for code, amount in sorted(balances.items())
            if amount and code[:1] in "1234567" and not any(r.covers(code) for r in readers)]
