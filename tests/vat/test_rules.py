"""The pure rules: periods, grid arithmetic, VAT numbers, listings (and the module's doctests)."""
from __future__ import annotations

import datetime as dt
import doctest

import pytest

from equisis.vat import rules
from equisis.vat.errors import InvalidVatPeriod, InvalidYear

D = dt.date


def test_doctests():
    assert doctest.testmod(rules).failed == 0


@pytest.mark.parametrize("text,kind,start,end", [
    ("2026-01", "month", D(2026, 1, 1), D(2026, 1, 31)),
    ("2028-02", "month", D(2028, 2, 1), D(2028, 2, 29)),
    ("2026-12", "month", D(2026, 12, 1), D(2026, 12, 31)),
    ("2026-Q1", "quarter", D(2026, 1, 1), D(2026, 3, 31)),
    ("2026-q4", "quarter", D(2026, 10, 1), D(2026, 12, 31)),
])
def test_periods(text, kind, start, end):
    period = rules.parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


def test_years_only_for_listings():
    with pytest.raises(InvalidVatPeriod):
        rules.parse_period("2026")
    assert rules.parse_period("2026", allow_year=True).end == D(2026, 12, 31)
    with pytest.raises(InvalidYear):
        rules.parse_year("1026")


def test_periods_of_a_year_follow_the_filing():
    assert [p.code for p in rules.periods_of_year(2026, "quarterly")] == ["2026-Q1", "2026-Q2", "2026-Q3",
                                                                         "2026-Q4"]
    assert len(rules.periods_of_year(2026, "monthly")) == 12
    assert rules.period_of_day(D(2026, 5, 3), "quarterly").code == "2026-Q2"
    assert rules.parse_period("2026-Q4").is_year_end and rules.parse_period("2026-12").is_year_end
    assert not rules.parse_period("2026-11").is_year_end


def test_grid_values_follow_their_natural_side():
    assert rules.grid_value("03", 0, 1_000) == 1_000      # a sale credits income
    assert rules.grid_value("03", 1_000, 0) == -1_000     # a reversal takes it back
    assert rules.grid_value("49", 1_000, 0) == 1_000      # a credit note issued debits income
    assert rules.grid_value("81", 1_000, 0) == 1_000      # a purchase debits the cost
    assert rules.grid_value("85", 0, 1_000) == 1_000      # a credit note received credits it
    assert rules.grid_value("91", 5, 5) == 0              # not a ledger grid


def test_composed_grids_sum_their_sub_codes():
    grids = rules.return_grids({"46L": (0, 1_000), "46T": (0, 300), "48s44": (50, 0), "48s46L": (20, 0),
                                "48s46T": (5, 0)})
    assert (grids["46"], grids["48"]) == (1_300, 75)


def test_balance_and_adjustments():
    grids = rules.return_grids({"54": (0, 2_100), "59": (500, 0)}, grid_91=999, adjustments={"61": 100, "71": 7})
    assert (grids["61"], grids["71"], grids["72"], grids["91"]) == (100, 1_700, 0, 999)


def test_vat_numbers():
    assert rules.belgian_vat("be0477.472.701") == "0477472701"
    assert rules.belgian_vat("0477472701") is None  # without BE it is an enterprise number, not a VAT number
    assert rules.eu_vat_id("NL004495445B01") == rules.VatId("NL", "004495445B01")
    assert rules.eu_vat_id("DE136695977") is None  # bad check digit
    assert rules.eu_vat_id("CHE123456789") is None
    assert rules.eu_vat_id(None) is None


def partner(pid, vat, **grids):
    return rules.PartnerGrids(pid, f"P{pid}", vat, {k.replace("g", ""): v for k, v in grids.items()})


def test_client_listing_rule():
    lines = rules.client_listing([
        partner(1, "BE0477472701", g03=(0, 30_000), g54=(0, 6_300), g49=(10_000, 0), g64=(2_100, 0)),
        partner(2, "BE0202239951", g45=(0, 25_000)),
        partner(3, None, g03=(0, 90_000)),
        partner(4, "BE0202239952", g03=(0, 90_000)),  # invalid: not listed (the check screen says so)
    ])
    assert [(x.partner_id, x.turnover_cents, x.vat_cents) for x in lines] == [(2, 25_000, 0)]


def test_intra_listing_rule_merges_one_vat_number():
    lines = rules.intra_listing([
        partner(1, "FR40303265045", g46L=(0, 1_000), g48s46L=(300, 0)),
        partner(2, "FR 40303265045", g46L=(0, 500)),
        partner(3, "DE136695976", g44=(0, 100), g48s44=(100, 0)),  # nets to zero: left out
    ])
    assert [(x.vat.text, x.code, x.amount_cents) for x in lines] == [("FR40303265045", "L", 1_200)]


def test_client_listing_merges_parties_sharing_a_vat_number():
    lines = rules.client_listing([partner(7, "BE0477472701", g03=(0, 20_000), g54=(0, 4_200)),
                                  partner(3, "BE 0477.472.701", g01=(0, 10_000), g54=(0, 600))])
    assert [(x.partner_id, x.vat_number, x.turnover_cents, x.vat_cents) for x in lines] == [
        (3, "0477472701", 30_000, 4_800)]
