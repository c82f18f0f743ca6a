"""Valuation: FIFO, LIFO and weighted average from layers, value at a date, back-dated policy, revaluation, the
year-end variation entry."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.ledger import service as ledger
from equisis.stock import closing, doctor, service as stock, valuation
from equisis.stock.errors import BackdatedMoveRefused, NothingToPost, NothingToRevalue, ReasonRequired
from equisis.stock.models import MoveValue

D1, D2, D3, D4 = (dt.date(2026, 3, d) for d in (1, 2, 3, 4))


def clean():
    problems = doctor.check_quantities() + doctor.check_valuation() + doctor.check_serials()
    assert not problems, [str(p) for p in problems]


def value_of(result) -> int:
    return sum(MoveValue.get_by_id(i).value_cents for i in result.move_ids)


@pytest.mark.parametrize("method,cost_of_sale,left", [
    ("fifo", -3500, 1500),        # 10 × 2,00 + 5 × 3,00
    ("lifo", -4000, 1000),        # 10 × 3,00 + 5 × 2,00
    ("average", -3750, 1250),     # 15 × 2,50
])
def test_each_method_values_a_delivery_from_its_layers(items, depot, method, cost_of_sale, left):
    stock.set_item_tracking("SCREW", valuation_method=method)
    stock.receive("SCREW", 10_000, to="DEP", cost_cents=2000, day=D1)
    stock.receive("SCREW", 10_000, to="DEP", cost_cents=3000, day=D2)
    sale = stock.deliver("SCREW", 15_000, from_="DEP", day=D3)
    assert value_of(sale) == cost_of_sale
    assert valuation.total_value_at(D3) == left
    clean()


def test_the_company_method_applies_unless_the_item_has_its_own(items, depot):
    stock.receive("SCREW", 10_000, to="DEP", cost_cents=2000, day=D1)
    stock.receive("SCREW", 10_000, to="DEP", cost_cents=3000, day=D2)
    stock.deliver("SCREW", 15_000, from_="DEP", day=D3)
    assert valuation.total_value_at(D3) == 1250                      # average, the default
    stock.set_valuation_method("fifo")                                  # replays the item
    assert valuation.total_value_at(D3) == 1500
    clean()


def test_an_inventory_gain_takes_the_current_unit_cost(items, depot):
    stock.receive("SCREW", 4000, to="DEP", cost_cents=1000, day=D1)
    gain = stock.correct("SCREW", 2000, location="DEP", reason="found in the back", day=D2)
    assert value_of(gain) == 500
    clean()


def test_value_at_a_date_by_item_family_and_warehouse(items, depot):
    stock.receive("SCREW", 10_000, to="DEP", cost_cents=2000, day=dt.date(2026, 1, 15))
    stock.receive("SCREW", 10_000, to="MAIN", cost_cents=2000, day=dt.date(2026, 2, 15))
    stock.receive("FLOUR", 5000, to="DEP", cost_cents=1000, day=dt.date(2026, 2, 20))
    stock.transfer("SCREW", 5000, from_="DEP", to="MAIN", day=dt.date(2026, 3, 1))
    stock.deliver("SCREW", 5000, from_="MAIN", day=dt.date(2026, 3, 10))
    jan = valuation.stock_value_at(dt.date(2026, 1, 31))
    assert jan == [{"item": "SCREW", "family": "", "qty_milli": 10_000, "value_cents": 2000}]
    mar = {r["item"]: (r["qty_milli"], r["value_cents"]) for r in valuation.stock_value_at(dt.date(2026, 3, 10))}
    assert mar == {"SCREW": (15_000, 3000), "FLOUR": (5000, 1000)}
    early_march = valuation.stock_value_at(dt.date(2026, 3, 5), by="warehouse")
    assert early_march == [{"warehouse": "DEP", "qty_milli": 10_000, "value_cents": 2000},
                           {"warehouse": "MAIN", "qty_milli": 15_000, "value_cents": 3000}]
    assert valuation.total_value_at(dt.date(2026, 3, 10)) == valuation.value_by_replay(dt.date(2026, 3, 10)) == 4000
    by_family = valuation.stock_value_at(dt.date(2026, 3, 10), by="family")
    assert by_family == [{"family": "", "qty_milli": 20_000, "value_cents": 4000}]


def test_a_back_dated_move_replays_that_item_only(items, depot):
    stock.set_item_tracking("SCREW", valuation_method="fifo")
    stock.receive("SCREW", 10_000, to="DEP", cost_cents=2000, day=D1)
    stock.receive("FLOUR", 1000, to="DEP", cost_cents=700, day=D1)
    sale = stock.deliver("SCREW", 10_000, from_="DEP", day=D3)
    assert value_of(sale) == -2000
    flour_values = list(MoveValue.select().where(MoveValue.item == items["FLOUR"].id).tuples())
    # a cheaper receipt dated before the sale comes in late: FIFO now sells it first
    stock.receive("SCREW", 10_000, to="DEP", cost_cents=1000, day=dt.date(2026, 2, 20))
    assert value_of(sale) == -1000
    assert valuation.total_value_at(D3) == 2000 + 700
    assert list(MoveValue.select().where(MoveValue.item == items["FLOUR"].id).tuples()) == flour_values
    clean()


def test_a_back_dated_move_before_the_closing_is_refused(items, depot):
    stock.receive("SCREW", 1000, to="DEP", day=D2)
    stock.places.close_until(D2)
    with pytest.raises(BackdatedMoveRefused) as caught:
        stock.receive("SCREW", 1000, to="DEP", day=D2)
    assert caught.value.field == "day" and "02/03/2026" in caught.value.message()
    stock.receive("SCREW", 1000, to="DEP", day=D3)
    assert stock.quantity_of("SCREW") == 2000


def test_devaluation_and_revaluation_with_a_reason(items, depot):
    stock.set_item_tracking("SCREW", valuation_method="fifo")
    stock.receive("SCREW", 1000, to="DEP", cost_cents=500, day=D1)
    stock.receive("SCREW", 3000, to="DEP", cost_cents=1500, day=D1)
    with pytest.raises(ReasonRequired):
        stock.revalue("SCREW", -400, reason="", day=D2)
    stock.revalue("SCREW", -400, reason="damaged packaging", day=D2)
    assert valuation.total_value_at(D2) == 1600
    sale = stock.deliver("SCREW", 1000, from_="DEP", day=D3)
    assert value_of(sale) == -400
    with pytest.raises(NothingToRevalue):
        stock.revalue("FLOUR", 100, reason="market price", day=D3)
    clean()


def test_the_year_end_variation_entry_goes_to_the_ledger(items, depot):
    stock.receive("SCREW", 10_000, to="DEP", cost_cents=12_500, day=dt.date(2026, 5, 1))
    preview = closing.preview_variation(dt.date(2026, 12, 31))
    assert (preview.book_cents, preview.stock_cents) == (0, 12_500)
    entry = closing.post_variation(dt.date(2026, 12, 31), role="accountant")
    lines = {x.account.code: (x.debit_cents, x.credit_cents) for x in ledger.entry_lines(entry.id)}
    assert lines == {"340": (12_500, 0), "6094": (0, 12_500)}
    assert closing.post_variation(dt.date(2026, 12, 31), role="accountant").id == entry.id   # once
    with pytest.raises(BackdatedMoveRefused):                                                # the year is closed
        stock.deliver("SCREW", 1000, from_="DEP", day=dt.date(2026, 12, 30))


def test_a_decrease_credits_the_stock_account(items, depot, post):
    post("OD 2026-01-01 Opening stock", """
        340  200,00 D
        6094 200,00 C
    """)
    stock.receive("SCREW", 10_000, to="DEP", cost_cents=15_000, day=dt.date(2026, 5, 1))
    entry = closing.post_variation(dt.date(2026, 6, 1), role="accountant")
    lines = {x.account.code: (x.debit_cents, x.credit_cents) for x in ledger.entry_lines(entry.id)}
    assert lines == {"340": (0, 5000), "6094": (5000, 0)}


def test_no_variation_no_entry(items, depot):
    with pytest.raises(NothingToPost):
        closing.post_variation(dt.date(2026, 12, 31), role="accountant")
