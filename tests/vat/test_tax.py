"""The tax engine against the Belgian grid rules of belgium/FACTS.md and the EN 16931 rounding."""
import datetime as dt
import itertools

import pytest

from equisis.ledger.rules import VAT_GRIDS, is_balanced
from equisis.vat.tax import (GRID_SIDE, PURCHASE_CATEGORIES, REGIMES, TaxableLine, Treatment, allocate,
                             compute, entry_lines, line_amounts, round_div, vat_of)


def grids_of(lines, direction="sale", regime="be", **flags):
    """{grid: value} of the ledger lines of a document, each grid on its natural side."""
    result = compute(lines, Treatment(direction, regime, **flags))
    account = "7000" if direction == "sale" else "604"
    entry = entry_lines(result, [account] * len(lines), partner_account="400" if direction == "sale" else "440",
                        partner_id=1, document_ref="X1", due_date=dt.date(2026, 4, 30))
    assert is_balanced(entry)
    values = {}
    for x in entry:
        for grid in x.vat_grids:
            sign = 1 if GRID_SIDE[grid] == "credit" else -1
            values[grid] = values.get(grid, 0) + sign * (x.credit_cents - x.debit_cents)
    return result, values


def test_every_grid_the_engine_uses_is_a_grid_of_the_return_with_a_natural_side():
    assert set(GRID_SIDE) <= VAT_GRIDS


# --------------------------------------------------------------------------- rounding (EN 16931)

def test_line_net_rounds_gross_then_the_allowance_half_away_from_zero():
    assert line_amounts(1_000, 12_345) == (123, 0, 123)          # 1,2345 € → 1,23
    assert line_amounts(1_000, 12_350) == (124, 0, 124)          # 1,235 → 1,24 (half up)
    assert line_amounts(3_000, 19_990, 1_000) == (600, 60, 540)
    assert line_amounts(-2_000, 12_350) == (-247, 0, -247)       # away from zero
    assert line_amounts(2_500, 10_000, 3_333) == (250, 83, 167)


def test_vat_is_computed_once_per_rate_on_the_sum_of_line_nets_not_per_line():
    # three lines of 0,10 € at 21 %: per line 0,02 × 3 = 0,06; on the sum 0,30 × 21 % = 0,063 → 0,06
    # and 5 lines of 0,05 €: per line 0,01 × 5 = 0,05 but on the sum 0,25 × 21 % = 0,0525 → 0,05
    lines = [TaxableLine(5, 2100)] * 7
    result = compute(lines, Treatment("sale", "be"))
    assert result.vat_cents == vat_of(35, 2100) == 7
    assert sum(x.vat_cents for x in result.lines) == result.vat_cents   # allocation sums exactly


def test_round_div_and_allocate_sum_exactly():
    assert round_div(-25, 10) == -3 and round_div(25, 10) == 3 and round_div(24, 10) == 2
    for total, weights in [(100, [1, 2, 3]), (-101, [7, 7, 7]), (1, [0, 0]), (55, [10, -3, 4])]:
        assert sum(allocate(total, weights)) == total


# --------------------------------------------------------------------------- sales grids

@pytest.mark.parametrize("rate,grid", [(2100, "03"), (1200, "02"), (600, "01"), (0, "00")])
def test_domestic_sale_reports_base_by_rate_and_vat_in_54(rate, grid):
    result, grids = grids_of([TaxableLine(10_000, rate)])
    expected = {grid: 10_000}
    if rate:
        expected["54"] = vat_of(10_000, rate)
    assert grids == expected
    assert result.groups[0].category == ("S" if rate else "Z")


def test_domestic_credit_note_is_not_netted_out_of_03_but_goes_to_49_and_64():
    _, grids = grids_of([TaxableLine(10_000, 2100)], credit_note=True)
    assert grids == {"49": 10_000, "64": 2_100}


@pytest.mark.parametrize("regime,nature,flags,grid,credit_grid,category", [
    ("eu", "goods", {}, "46L", "48s46L", "K"),
    ("eu", "goods", {"triangular": True}, "46T", "48s46T", "K"),
    ("eu", "services", {}, "44", "48s44", "AE"),
    ("non_eu", "goods", {}, "47", "49", "G"),
    ("non_eu", "services", {}, "47", "49", "O"),
    ("cocontractor", "services", {}, "45", "49", "AE"),
    ("exempt", "services", {}, "00", "49", "E"),
])
def test_sales_without_belgian_vat_and_their_credit_notes(regime, nature, flags, grid, credit_grid, category):
    result, grids = grids_of([TaxableLine(10_000, 2100, nature=nature)], regime=regime, **flags)
    assert grids == {grid: 10_000}
    assert result.vat_cents == 0 and result.total_cents == 10_000
    assert result.groups[0].category == category and result.groups[0].exemption_code
    assert result.mentions, "a sale without Belgian VAT prints the legal mention of its regime"
    _, grids = grids_of([TaxableLine(10_000, 2100, nature=nature)], regime=regime, credit_note=True, **flags)
    assert grids == {credit_grid: 10_000}


def test_mixed_invoice_groups_by_category_and_rate_and_mentions_each_regime_once():
    lines = [TaxableLine(10_000, 2100, nature="goods"), TaxableLine(5_000, 2100, nature="services"),
             TaxableLine(2_000, 600, nature="goods")]
    result, grids = grids_of(lines, regime="eu")
    assert grids == {"46L": 12_000, "44": 5_000}
    assert [g.category for g in result.groups] == ["K", "AE"]
    assert len(result.mentions) == 2


# --------------------------------------------------------------------------- purchase grids

@pytest.mark.parametrize("category,grid", sorted(PURCHASE_CATEGORIES.items()))
def test_domestic_purchase_fully_deductible(category, grid):
    _, grids = grids_of([TaxableLine(10_000, 2100, purchase_category=category)], "purchase")
    assert grids == {grid: 10_000, "59": 2_100}


def test_partly_deductible_purchase_reports_the_non_deductible_vat_as_cost():
    result, grids = grids_of([TaxableLine(10_000, 2100, purchase_category="services", deductible_bp=5_000)],
                             "purchase")
    assert grids == {"82": 11_050, "59": 1_050}
    assert result.total_cents == 12_100


def test_non_deductible_purchase():
    _, grids = grids_of([TaxableLine(10_000, 2100, purchase_category="misc_goods", deductible_bp=0)], "purchase")
    assert grids == {"82": 12_100}


def test_domestic_purchase_credit_note_reduces_81_and_goes_to_85_with_vat_in_63():
    _, grids = grids_of([TaxableLine(10_000, 2100)], "purchase", credit_note=True)
    assert grids == {"81": -10_000, "85": 10_000, "63": 2_100}


@pytest.mark.parametrize("regime,category,flags,base,due", [
    ("eu", "resale", {}, "86", "55"),
    ("eu", "services", {}, "88", "55"),
    ("cocontractor", "services", {}, "87", "56"),
    ("non_eu", "services", {}, "87", "56"),
    ("non_eu", "resale", {"import_deferral": True}, "87", "57"),
])
def test_reverse_charge_purchases_book_due_and_deductible_vat(regime, category, flags, base, due):
    cost_grid = PURCHASE_CATEGORIES[category]
    result, grids = grids_of([TaxableLine(10_000, 2100, purchase_category=category)], "purchase", regime, **flags)
    assert grids == {cost_grid: 10_000, base: 10_000, due: 2_100, "59": 2_100}
    assert result.total_cents == 10_000, "the supplier is paid without VAT"
    credit_base = "84" if base in ("86", "88") else "85"
    _, grids = grids_of([TaxableLine(10_000, 2100, purchase_category=category)], "purchase", regime,
                        credit_note=True, **flags)
    assert grids == {cost_grid: -10_000, credit_base: 10_000, "62": 2_100, "63": 2_100}


def test_non_eu_goods_without_deferral_carry_no_vat_on_the_invoice():
    _, grids = grids_of([TaxableLine(10_000, 2100)], "purchase", "non_eu")
    assert grids == {"81": 10_000}


def test_every_treatment_balances_and_lands_on_known_grids():
    lines = [TaxableLine(12_345, 2100, nature="goods", purchase_category="resale", deductible_bp=10_000),
             TaxableLine(999, 600, nature="services", purchase_category="services", deductible_bp=3_500),
             TaxableLine(-500, 1200, nature="goods", purchase_category="investment", deductible_bp=0)]
    for direction, regime, credit in itertools.product(("sale", "purchase"), REGIMES, (False, True)):
        result, grids = grids_of(lines, direction, regime, credit_note=credit)
        assert set(grids) <= set(GRID_SIDE)
        assert result.total_cents == result.net_cents + result.vat_cents


def test_unknown_rates_regimes_and_shares_are_programming_errors():
    with pytest.raises(ValueError):
        TaxableLine(100, 1900)
    with pytest.raises(ValueError):
        Treatment("sale", "martian")
    with pytest.raises(ValueError):
        TaxableLine(100, 2100, deductible_bp=10_001)
