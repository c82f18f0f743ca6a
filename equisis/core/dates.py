"""Dates of the trade: fiscal years that need not follow the calendar, VAT periods.

Rules take today's date as an argument; only the edges (web, CLI, jobs) ask the clock.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class InvalidDate(EquisisError):
    template = N_("“{value}” is not a date; type it like 31/12/2026.")


class InvalidFiscalYear(EquisisError):
    template = N_("A fiscal year runs from {start} to {end}: it must end after it starts and last at most 24 months.")


def parse_date(text: str | dt.date, *, field: str | None = None) -> dt.date:
    """Accept ISO (2026-12-31) and Belgian (31/12/2026, 31-12-2026, 31.12.2026) dates."""
    if isinstance(text, dt.date):
        return text
    raw = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise InvalidDate(raw, field=field)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


@dataclass(frozen=True)
class FiscalYearSpan:
    """A fiscal year from ``start`` to ``end`` inclusive.

    Belgian companies may close on any month end, and a first fiscal year may
    run up to 24 months (a company founded 1 Sept 2026 may close its first year
    on 31 Dec 2027).
    """

    start: dt.date
    end: dt.date

    def __post_init__(self):
        # A short first year is fine (founded in November, closing 31 December); the longest
        # allowed runs 24 months: 15 Jan 2026 .. 14 Jan 2028, not a day more.
        if self.end <= self.start or self.end >= add_months(self.start, 24):
            raise InvalidFiscalYear(start=self.start.isoformat(), end=self.end.isoformat())

    @property
    def code(self) -> str:
        """'2026' for a calendar year, '2026-2027' for one that straddles two."""
        if self.start.year == self.end.year:
            return str(self.start.year)
        return f"{self.start.year}-{self.end.year}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def following(self) -> "FiscalYearSpan":
        start = self.end + dt.timedelta(days=1)
        return FiscalYearSpan(start, add_months(start, 12) - dt.timedelta(days=1))


def vat_period_of(day: dt.date, filing: str) -> str:
    """The VAT period code of a date: '2026-11' monthly, '2026-Q4' quarterly."""
    if filing == "monthly":
        return f"{day.year}-{day.month:02d}"
    if filing == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    raise ValueError(f"unknown VAT filing period {filing!r}")


def utcnow() -> dt.datetime:
    """Aware UTC now, for edges only (audit timestamps, file names)."""
    return dt.datetime.now(dt.timezone.utc)
