"""Dates of the trade: typed dates, month arithmetic, fiscal years, VAT periods."""
import datetime as dt

import pytest

from equisis.core.dates import (FiscalYearSpan, InvalidDate, InvalidFiscalYear, add_months, parse_date,
                                vat_period_of)

D = dt.date


@pytest.mark.parametrize("typed", ["2026-12-31", "31/12/2026", "31-12-2026", "31.12.2026", "  31/12/2026 "])
def test_parse_date_accepts_iso_and_belgian_formats(typed):
    assert parse_date(typed) == D(2026, 12, 31)


def test_parse_date_passes_a_date_through():
    assert parse_date(D(2026, 2, 1)) == D(2026, 2, 1)


@pytest.mark.parametrize("typed", ["", "   ", "31/02/2026", "2026/12/31", "12/31/2026", "tomorrow",
                                   "31122026", "2026-13-01", None])
def test_parse_date_refuses_non_dates_naming_the_field(typed):
    with pytest.raises(InvalidDate) as caught:
        parse_date(typed, field="issue_date")
    assert caught.value.field == "issue_date"


@pytest.mark.parametrize("day, months, expected", [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2026, 1, 15), -13, D(2024, 12, 15)),
    (D(2026, 5, 31), 12, D(2027, 5, 31)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2026, 8, 20), 0, D(2026, 8, 20)),
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("start, end, code", [
    (D(2026, 1, 1), D(2026, 12, 31), "2026"),
    (D(2026, 7, 1), D(2027, 6, 30), "2026-2027"),
    (D(2026, 9, 1), D(2027, 12, 31), "2026-2027"),  # a long first year: 16 months
    (D(2026, 1, 1), D(2027, 12, 31), "2026-2027"),  # 24 months: the longest allowed
    (D(2026, 3, 1), D(2026, 3, 31), "2026"),  # one month
    (D(2026, 1, 15), D(2028, 1, 14), "2026-2028"),  # exactly 24 months, mid-month
    (D(2026, 11, 20), D(2026, 12, 31), "2026"),  # a short first year: founded in November
])
def test_fiscal_year_accepted_with_its_code(start, end, code):
    span = FiscalYearSpan(start, end)
    assert span.code == code


@pytest.mark.parametrize("start, end", [
    (D(2026, 1, 1), D(2028, 1, 31)),  # 25 months
    (D(2026, 9, 1), D(2028, 9, 30)),  # 25 months
    (D(2026, 12, 31), D(2026, 1, 1)),  # end before start
    (D(2026, 1, 1), D(2026, 1, 1)),  # ends the day it starts
    (D(2026, 1, 15), D(2028, 1, 15)),  # 24 months and a day
])
def test_fiscal_year_refused(start, end):
    with pytest.raises(InvalidFiscalYear) as caught:
        FiscalYearSpan(start, end)
    assert caught.value.params == {"start": start.isoformat(), "end": end.isoformat()}


@pytest.mark.parametrize("day, inside", [
    (D(2025, 12, 31), False), (D(2026, 7, 1), True), (D(2027, 6, 30), True), (D(2027, 7, 1), False),
])
def test_fiscal_year_contains_its_bounds(day, inside):
    assert FiscalYearSpan(D(2026, 7, 1), D(2027, 6, 30)).contains(day) is inside


@pytest.mark.parametrize("span, following", [
    ((D(2026, 1, 1), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 12, 31))),
    ((D(2026, 9, 1), D(2027, 12, 31)), (D(2028, 1, 1), D(2028, 12, 31))),
    ((D(2026, 7, 1), D(2027, 6, 30)), (D(2027, 7, 1), D(2028, 6, 30))),
])
def test_following_fiscal_year_lasts_twelve_months(span, following):
    assert FiscalYearSpan(*span).following() == FiscalYearSpan(*following)


@pytest.mark.parametrize("day, filing, period", [
    (D(2026, 11, 5), "monthly", "2026-11"),
    (D(2026, 1, 1), "monthly", "2026-01"),
    (D(2026, 1, 1), "quarterly", "2026-Q1"),
    (D(2026, 3, 31), "quarterly", "2026-Q1"),
    (D(2026, 4, 1), "quarterly", "2026-Q2"),
    (D(2026, 9, 30), "quarterly", "2026-Q3"),
    (D(2026, 12, 31), "quarterly", "2026-Q4"),
])
def test_vat_period_of(day, filing, period):
    assert vat_period_of(day, filing) == period


def test_vat_period_of_unknown_filing_is_a_bug():
    with pytest.raises(ValueError):
        vat_period_of(D(2026, 1, 1), "yearly")
