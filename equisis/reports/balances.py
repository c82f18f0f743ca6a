"""Debit/credit totals over any date range, from the ledger's summaries (and lines only at the edges).

How a range is read (see :func:`equisis.reports.rules.split_range`):

* the **whole periods** inside it come from ``account_balance`` /
  ``partner_balance`` (one grouped query over accounts × periods, whatever the
  number of lines);
* a period cut by the range (a start that is not the first day of a period, an
  end that is not its last day) is read from the **lines of the entries dated in
  that part**, through the index on ``entry.date`` and the lines' index by
  entry: at most two partial periods, so at most about two months of lines;
* entries of **opening journals** (kind ``opening``: the carry-forward OUV and
  any opening entry typed by hand) are read separately, entry by entry, to move
  them from the movements to the opening balance.

Every function here issues a fixed number of queries, whatever the size of the
books or of the range (a test counts them).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from equisis.ledger import service as ledger
from equisis.ledger.models import Account, Entry, EntryLine, FiscalYear, Journal, Period
from equisis.reports import rules
from equisis.store.database import current_database

OPENING_KIND = "opening"


@dataclass(frozen=True)
class Calendar:
    """The fiscal years and periods of the books, loaded once per report (two small queries)."""

    years: tuple[rules.Year, ...]
    periods: tuple[tuple[dt.date, dt.date], ...]

    @classmethod
    def load(cls) -> "Calendar":
        years = tuple(rules.Year(y.code, _day(y.start), _day(y.end), y.state == "closed")
                      for y in FiscalYear.select().order_by(FiscalYear.start))
        periods = tuple((_day(s), _day(e)) for s, e in Period.select(Period.start, Period.end)
                        .order_by(Period.start).tuples())
        return cls(years, periods)

    def year_of(self, day: dt.date) -> rules.Year | None:
        return rules.year_of(day, self.years)

    def chain_start(self, day: dt.date) -> dt.date | None:
        return rules.chain_start(day, self.years)

    def default_range(self, today: dt.date) -> rules.DateRange:
        """The fiscal year of ``today`` (else the last one, else the calendar year)."""
        year = self.year_of(today) or (self.years[-1] if self.years else None)
        if year is None:
            return rules.DateRange(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
        return rules.DateRange(year.start, year.end)


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _in_ranges(column, ranges) -> object:
    condition = None
    for start, end in ranges:
        part = (column >= _iso(start)) & (column <= _iso(end))
        condition = part if condition is None else (condition | part)
    return condition


def _edge_totals(edges, by_partner: bool) -> rules.Totals:
    """Line totals of the entries dated in the edge ranges, by account (and partner)."""
    if not edges:
        return {}
    keys = (Account.code, EntryLine.partner) if by_partner else (Account.code,)
    query = (EntryLine.select(*keys, fn.SUM(EntryLine.debit_cents), fn.SUM(EntryLine.credit_cents))
             .join(Entry, on=(EntryLine.entry == Entry.id))
             .switch(EntryLine).join(Account, on=(EntryLine.account == Account.id))
             .where(_in_ranges(Entry.date, edges)))
    if by_partner:
        query = query.where(EntryLine.partner.is_null(False))
    query = query.group_by(*keys)
    return _totals(query, by_partner)


def _totals(query, by_partner: bool) -> rules.Totals:
    if by_partner:
        return {(code, partner): (debit, credit) for code, partner, debit, credit in query.tuples()}
    return {code: (debit, credit) for code, debit, credit in query.tuples()}


def range_totals(calendar: Calendar, start: dt.date, end: dt.date, *,
                 by_partner: bool = False) -> rules.Totals:
    """{account code (or (code, partner id)): (debit, credit)} of every entry dated in [start, end]."""
    if end < start:
        return {}
    parts = rules.split_range(start, end, calendar.periods)
    whole = {}
    if parts.whole is not None:
        reader = ledger.partner_totals if by_partner else ledger.account_totals
        whole = reader(*parts.whole)
    return rules.add_totals(whole, _edge_totals(parts.edges, by_partner))


def opening_totals(start: dt.date, end: dt.date, *, by_partner: bool = False) -> rules.Totals:
    """Totals of the lines of opening-journal entries dated in [start, end] (a handful of entries)."""
    keys = (Account.code, EntryLine.partner) if by_partner else (Account.code,)
    opening_journals = Journal.select(Journal.id).where(Journal.kind == OPENING_KIND)
    query = (EntryLine.select(*keys, fn.SUM(EntryLine.debit_cents), fn.SUM(EntryLine.credit_cents))
             .join(Entry, on=(EntryLine.entry == Entry.id))
             .switch(EntryLine).join(Account, on=(EntryLine.account == Account.id))
             .where(Entry.journal.in_(opening_journals)   # by the journal index: a handful of entries
                    & (Entry.date >= _iso(start)) & (Entry.date <= _iso(end))))
    if by_partner:
        query = query.where(EntryLine.partner.is_null(False))
    return _totals(query.group_by(*keys), by_partner)


@dataclass(frozen=True)
class Columns:
    """The columns of a balance over a range: opening (net), movements (debit, credit), and the result
    of earlier fiscal years not yet closed (net, kept off the accounts of classes 6 and 7)."""

    opening: dict
    movements: rules.Totals
    unallocated_cents: int

    def closing(self) -> dict:
        closing = dict(self.opening)
        for key, (debit, credit) in self.movements.items():
            closing[key] = closing.get(key, 0) + debit - credit
        return closing


def balance_columns(calendar: Calendar, start: dt.date, end: dt.date, *,
                    by_partner: bool = False) -> Columns:
    """Opening balances at ``start``, the movements of [start, end], as the trial balance shows them.

    Opening = every entry from the start of the open run of fiscal years up to the
    day before ``start`` (:func:`rules.chain_start`), plus the opening-journal
    entries dated in the range; charges and income of earlier years of the run go
    to ``unallocated_cents`` instead. Movements = the range's entries but those.
    """
    base = calendar.chain_start(start)
    before = range_totals(calendar, base, start - dt.timedelta(days=1), by_partner=by_partner) if base else {}
    within = range_totals(calendar, start, end, by_partner=by_partner)
    openings = opening_totals(start, end, by_partner=by_partner)
    opening = rules.net(rules.add_totals(before, openings))
    unallocated = 0
    year = calendar.year_of(start)
    if not by_partner and base and year is not None and base < year.start:
        earlier = rules.net(range_totals(calendar, base, year.start - dt.timedelta(days=1)))
        for code, amount in earlier.items():
            if rules.is_profit_and_loss(code):
                opening[code] = opening.get(code, 0) - amount
                unallocated += amount
    return Columns(opening, rules.subtract_totals(within, openings), unallocated)


def balances_at(calendar: Calendar, day: dt.date) -> dict[str, int]:
    """{account: debit − credit} at the end of ``day``, since the start of the open run of years.

    Classes 6 and 7 then hold the result not yet appropriated: this year's, plus
    that of earlier years not closed yet (what the NBB line "6/7" shows).
    """
    base = calendar.chain_start(day)
    if base is None:
        return {}
    return rules.net(range_totals(calendar, base, day))


@dataclass(frozen=True)
class ChartEntry:
    id: int
    name: str


def chart_index(language: str) -> dict[str, ChartEntry]:
    """{code: (id, name in ``language``)} of every account, in one query read raw (no model objects:
    a chart of a few thousand accounts then costs a millisecond, not tens)."""
    column = getattr(Account, f"name_{language}", Account.name_fr)
    query = Account.select(Account.code, Account.id, column, Account.name_fr)
    return {code: ChartEntry(account_id, name or name_fr)
            for code, account_id, name, name_fr in current_database().execute(query)}
