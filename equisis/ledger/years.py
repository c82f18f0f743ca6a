"""Fiscal years, their monthly periods, period locks and lock dates.

A fiscal year need not follow the calendar, and a company's first one may run
up to 24 months (:class:`equisis.core.dates.FiscalYearSpan`). Years follow each
other without a gap. Each is cut into monthly periods (the first and last may
be partial months). A period is **open** or **locked**; ``locked_by`` says who
locked it: ``manual`` (the accountant; unlockable), ``vat`` (a filed VAT return:
for good) or ``closing`` (the year-end; reopening the year unlocks it).
"""
from __future__ import annotations

import datetime as dt

from equisis.company import service as company_service
from equisis.core.dates import FiscalYearSpan
from equisis.ledger import rules
from equisis.ledger.errors import (FiscalYearGap, FiscalYearNotFound, FiscalYearOverlap, InvalidLockDate,
                                   PeriodLockedByClosing, PeriodLockedByVat, PeriodNotFound)
from equisis.ledger.models import FiscalYear, Period
from equisis.ledger.posting import LOCK_DATE, LOCK_DATE_ACCOUNTANT
from equisis.store import audit
from equisis.store.database import write


def create_fiscal_year(start: dt.date, end: dt.date) -> FiscalYear:
    """A fiscal year and its monthly periods, right after the last one (the first may last 24 months)."""
    span = FiscalYearSpan(start, end)
    with write():
        for other in FiscalYear.select():
            if other.start <= span.end and span.start <= other.end:
                raise FiscalYearOverlap(start=span.start.isoformat(), end=span.end.isoformat(),
                                        other=other.code)
        last = FiscalYear.select().order_by(FiscalYear.end.desc()).first()
        if last is not None and span.start != last.end + dt.timedelta(days=1):
            raise FiscalYearGap(expected=(last.end + dt.timedelta(days=1)).isoformat())
        code, n = span.code, 2
        while FiscalYear.select().where(FiscalYear.code == code).exists():
            code, n = f"{span.code}.{n}", n + 1
        year = FiscalYear.create(code=code, start=span.start, end=span.end, state="open")
        Period.insert_many([{"fiscal_year": year.id, "code": c, "start": s, "end": e, "state": "open"}
                            for c, s, e in rules.month_periods(span.start, span.end)]).execute()
        audit.record("create", "fiscal_year", code, after={"start": span.start, "end": span.end})
    return year


def create_next_fiscal_year() -> FiscalYear:
    """The twelve months after the last fiscal year."""
    last = FiscalYear.select().order_by(FiscalYear.end.desc()).first()
    following = FiscalYearSpan(last.start, last.end).following()
    return create_fiscal_year(following.start, following.end)


def find_fiscal_year(code: str) -> FiscalYear:
    year = FiscalYear.get_or_none(FiscalYear.code == code)
    if year is None:
        raise FiscalYearNotFound(fiscal_year=code)
    return year


def fiscal_years() -> list[FiscalYear]:
    return list(FiscalYear.select().order_by(FiscalYear.start))


def fiscal_year_of(day: dt.date) -> FiscalYear | None:
    return FiscalYear.select().where((FiscalYear.start <= day) & (FiscalYear.end >= day)).first()


def periods(fiscal_year: str | None = None) -> list[Period]:
    query = Period.select(Period, FiscalYear).join(FiscalYear).order_by(Period.start)
    if fiscal_year:
        query = query.where(FiscalYear.code == fiscal_year)
    return list(query)


def find_period(code: str, *, fiscal_year: str | None = None) -> Period:
    """The period '2026-03' (of ``fiscal_year`` when a month is split between two years)."""
    query = (Period.select(Period, FiscalYear).join(FiscalYear).where(Period.code == code)
             .order_by(Period.start))
    if fiscal_year:
        query = query.where(FiscalYear.code == fiscal_year)
    period = query.first()
    if period is None:
        raise PeriodNotFound(period=code)
    return period


def lock_period(code: str, *, fiscal_year: str | None = None) -> Period:
    """Lock a period by hand: nobody posts in it until it is unlocked (audited)."""
    with write():
        period = find_period(code, fiscal_year=fiscal_year)
        if period.state != "locked":
            Period.update(state="locked", locked_by="manual").where(Period.id == period.id).execute()
            audit.record("update", "period", f"{period.fiscal_year.code}/{code}",
                         before={"state": period.state}, after={"state": "locked", "locked_by": "manual"})
    return Period.get_by_id(period.id)


def unlock_period(code: str, *, fiscal_year: str | None = None) -> Period:
    """Unlock a period locked by hand; a VAT-return or year-end lock stays."""
    with write():
        period = find_period(code, fiscal_year=fiscal_year)
        if period.locked_by == "vat":
            raise PeriodLockedByVat(period=code)
        if period.locked_by == "closing" or period.fiscal_year.state == "closed":
            raise PeriodLockedByClosing(period=code)
        if period.state == "locked":
            Period.update(state="open", locked_by=None).where(Period.id == period.id).execute()
            audit.record("update", "period", f"{period.fiscal_year.code}/{code}",
                         before={"state": "locked", "locked_by": period.locked_by}, after={"state": "open"})
    return Period.get_by_id(period.id)


def lock_periods_for_vat_return(start: dt.date, end: dt.date) -> list[str]:
    """Hook for the VAT module: a filed return locks the periods it touches for good; returns their codes."""
    with write():
        touched = list(Period.select().where((Period.start <= end) & (Period.end >= start))
                       .order_by(Period.start))
        for period in touched:
            Period.update(state="locked", locked_by="vat").where(Period.id == period.id).execute()
        codes = [p.code for p in touched]
        if codes:
            audit.record("update", "periods", ",".join(codes), after={"state": "locked", "locked_by": "vat",
                                                                       "return": [start, end]})
    return codes


def next_open_day(day: dt.date) -> dt.date | None:
    """``day`` when its period is open, else the first day of the next open period (None: none is open).

    A document that arrives late for a declared (locked) period is booked there, never silently into
    the declared one (the purchase module asks the user to confirm the date).
    """
    period = Period.select().where((Period.start <= day) & (Period.end >= day)).first()
    if period is None or period.state != "locked":
        return day
    following = (Period.select().where((Period.start > day) & (Period.state != "locked"))
                 .order_by(Period.start).first())
    return following.start if following else None


def set_lock_dates(*, everyone: dt.date | None, accountant: dt.date | None) -> None:
    """Lock the books up to ``everyone`` for all roles but admin/accountant, up to ``accountant`` for all."""
    if everyone and accountant and accountant > everyone:
        raise InvalidLockDate(accountant=accountant.isoformat(), everyone=everyone.isoformat(),
                              field="lock_date_accountant")
    company_service.set_settings({LOCK_DATE: everyone.isoformat() if everyone else None,
                                  LOCK_DATE_ACCOUNTANT: accountant.isoformat() if accountant else None})


