"""Moves through the one stock service: kinds, units, current quantities, negative policy, idempotency, kits."""
from __future__ import annotations

import pytest

from equisis.catalog.errors import UnitConversionMissing
from equisis.core.errors import ValidationErrors
from equisis.stock import doctor, service as stock
from equisis.stock.errors import (InvalidMoveKind, LocationRequired, NegativeStock, NotStocked, QuantityNotExact,
                                  ReasonRequired, SameLocation)
from equisis.stock.models import Move, Quantity
from equisis.store.errors import PostedRowImmutable
from tests.stock.conftest import DAY

SALE = stock.Source("sales_invoice", "42", 1)


def clean():
    problems = doctor.check_quantities() + doctor.check_valuation() + doctor.check_serials()
    assert not problems, [str(p) for p in problems]


def test_a_company_starts_with_a_main_warehouse_and_its_location(company):
    assert [w.code for w in stock.warehouses()] == ["MAIN"]
    assert [x.code for x in stock.locations()] == ["MAIN"]


def test_a_box_of_twelve_received_adds_twelve_pieces(items, depot):
    result = stock.receive("SCREW", 2000, unit="box", to="DEP-A-01", cost_cents=4800, day=DAY)
    assert result.created and not result.warnings
    assert stock.quantity_of("SCREW") == 24_000
    assert stock.quantity_of("SCREW", location="DEP-A-01") == 24_000
    move = result.moves[0]
    assert (move.entered_qty_milli, move.entered_unit, move.qty_milli) == (2000, "box", 24_000)
    clean()


@pytest.mark.parametrize("unit,received,taken,left", [
    ("m", 12_345, 5, 12_340),        # lengths to the millimetre
    ("m2", 2_500, 125, 2_375),       # surfaces to the thousandth of a square metre
    ("l", 1_000, 333, 667),          # volumes to the millilitre
    ("kg", 1_250, 250, 1_000),       # weights to the gram
])
def test_lengths_surfaces_volumes_and_weights_keep_exact_integer_scales(company, depot, unit, received, taken,
                                                                        left):
    from tests.stock.conftest import make_item

    make_item("BULK", stock_unit=unit, sale_unit=unit, purchase_unit=unit)
    stock.receive("BULK", received, to="DEP", cost_cents=1000, day=DAY)
    stock.deliver("BULK", taken, from_="DEP", day=DAY)
    assert stock.quantity_of("BULK") == left
    clean()


def test_quantities_in_another_unit_must_convert_exactly(items, depot):
    stock.receive("FLOUR", 2000, to="DEP", cost_cents=400, day=DAY)
    stock.deliver("FLOUR", 500_000, unit="g", from_="DEP", day=DAY)            # 500 g
    assert stock.quantity_of("FLOUR") == 1500
    with pytest.raises(QuantityNotExact):
        stock.deliver("FLOUR", 1, unit="g", from_="DEP", day=DAY)            # a thousandth of a gram


def test_a_unit_without_conversion_is_refused(items, depot):
    with pytest.raises(UnitConversionMissing) as caught:
        stock.receive("SCREW", 1000, unit="kg", to="DEP", day=DAY)
    assert "SCREW" in caught.value.message()
    assert Move.select().count() == 0


def test_a_warehouse_code_means_the_items_default_location(items, depot):
    stock.set_item_warehouse("SCREW", "DEP", default_location="DEP-B-01", min_qty_milli=5000)
    stock.receive("SCREW", 3000, to="DEP", day=DAY)
    assert stock.quantity_of("SCREW", location="DEP-B-01") == 3000
    stock.receive("MILK", 1000, to="DEP", lot="L1", expiry=DAY, day=DAY)
    assert stock.quantity_of("MILK", location="DEP") == 1000                  # the main location


def test_every_kind_moves_the_current_quantities(items, depot, policy):
    policy("block")
    stock.receive("SCREW", 10_000, to="DEP-A-01", cost_cents=1000, day=DAY)
    stock.transfer("SCREW", 4000, from_="DEP-A-01", to="DEP-B-01", day=DAY)
    stock.deliver("SCREW", 3000, from_="DEP-B-01", day=DAY, source=SALE, party_id=7)
    stock.customer_return("SCREW", 1000, to="DEP-B-01", day=DAY)
    stock.supplier_return("SCREW", 2000, from_="DEP-A-01", day=DAY)
    stock.correct("SCREW", -1000, location="DEP-A-01", reason="broken", day=DAY)
    stock.correct("SCREW", 500, location="DEP-A-01", reason="found", day=DAY)
    assert stock.quantity_of("SCREW", location="DEP-A-01") == 3500
    assert stock.quantity_of("SCREW", location="DEP-B-01") == 2000
    assert stock.quantity_of("SCREW", warehouse="DEP") == 5500
    assert [r["location"] for r in stock.stock_of("SCREW")] == ["DEP-A-01", "DEP-B-01"]
    clean()


def test_moves_are_never_edited_nor_deleted(items, depot):
    move = stock.receive("SCREW", 1000, to="DEP", day=DAY).moves[0]
    with pytest.raises(PostedRowImmutable):
        from equisis.store.database import write

        with write():
            Move.update(qty_milli=5000).where(Move.id == move.id).execute()
    with pytest.raises(PostedRowImmutable):
        from equisis.store.database import write

        with write():
            Move.delete().where(Move.id == move.id).execute()


@pytest.mark.parametrize("name,expect_warning", [("allow", False), ("warn", True)])
def test_allow_and_warn_let_stock_go_negative(items, depot, policy, name, expect_warning):
    policy(name)
    result = stock.deliver("SCREW", 2000, from_="DEP", day=DAY)
    assert bool(result.warnings) is expect_warning
    if expect_warning:
        assert isinstance(result.warnings[0], NegativeStock)
    assert stock.quantity_of("SCREW") == -2000
    clean()


def test_block_refuses_to_move_more_than_available(items, depot, policy):
    policy("block")
    stock.receive("SCREW", 1000, to="DEP", day=DAY)
    with pytest.raises(NegativeStock) as caught:
        stock.deliver("SCREW", 1500, from_="DEP", day=DAY)
    assert "1 available, 1.5 requested" in caught.value.message()
    assert stock.quantity_of("SCREW") == 1000
    assert Move.select().count() == 1
    clean()


def test_a_document_moves_all_its_lines_or_none(items, depot, policy):
    policy("block")
    stock.receive("SCREW", 1000, to="DEP", day=DAY)
    with pytest.raises(NegativeStock):
        stock.post_moves([stock.MoveRequest("delivery", "SCREW", 1000, from_location="DEP", day=DAY,
                                             source=stock.Source("sales_invoice", "9", 1)),
                          stock.MoveRequest("delivery", "SCREW", 1000, from_location="DEP", day=DAY,
                                            source=stock.Source("sales_invoice", "9", 2))])
    assert stock.quantity_of("SCREW") == 1000


def test_a_retried_document_never_moves_stock_twice(items, depot):
    first = stock.deliver("SCREW", 1000, from_="DEP", day=DAY, source=SALE)
    again = stock.deliver("SCREW", 1000, from_="DEP", day=DAY, source=SALE)
    assert first.created and not again.created
    assert again.move_ids == first.move_ids
    assert stock.quantity_of("SCREW") == -1000
    moved = Move.get_by_id(first.move_ids[0])
    assert (moved.doc_type, moved.doc_id, moved.doc_line, moved.source_key) == ("sales_invoice", "42", 1,
                                                                                  "sales_invoice:42:1")


def test_selling_a_kit_moves_its_components(items, depot):
    result = stock.deliver("KIT", 3000, from_="DEP", day=DAY, source=SALE)
    assert stock.quantity_of("SCREW") == -6000
    assert stock.quantity_of("FLOUR") == -3000
    assert stock.quantity_of("KIT") == 0
    assert {m.kit_item_id for m in result.moves} == {items["KIT"].id}
    again = stock.deliver("KIT", 3000, from_="DEP", day=DAY, source=SALE)
    assert not again.created and sorted(again.move_ids) == sorted(result.move_ids)
    clean()


@pytest.mark.parametrize("call,error", [
    (lambda: stock.receive("HOUR", 1000, to="DEP", day=DAY), NotStocked),
    (lambda: stock.move("gift", "SCREW", 1000, to_location="DEP", day=DAY), InvalidMoveKind),
    (lambda: stock.move("receipt", "SCREW", 1000, day=DAY), LocationRequired),
    (lambda: stock.transfer("SCREW", 1000, from_="DEP", to="DEP", day=DAY), SameLocation),
    (lambda: stock.correct("SCREW", 1000, location="DEP", reason=" ", day=DAY), ReasonRequired),
])
def test_bad_moves_are_refused(items, depot, call, error):
    with pytest.raises(error):
        call()
    assert Move.select().count() == 0 and Quantity.select().count() == 0


def test_errors_name_the_field(items, depot):
    with pytest.raises(SameLocation) as caught:
        stock.transfer("SCREW", 1000, from_="DEP", to="DEP", day=DAY)
    assert caught.value.field == "to_location"
    assert not isinstance(caught.value, ValidationErrors)


def test_doctor_finds_a_quantity_that_differs_from_the_moves(items, depot, company):
    from equisis import doctor as equisis_doctor
    from equisis.store.database import write

    stock.receive("SCREW", 1000, to="DEP", day=DAY)
    results = dict(equisis_doctor.run(company))
    assert results["stock: quantities equal the moves"] == []
    assert results["stock: valuation consistent with the moves"] == []
    with write():
        Quantity.update(qty_milli=5000).execute()        # a hand-made edit the moves do not explain
    problems = doctor.check_quantities()
    assert len(problems) == 1 and "stored 5000, moves give 1000" in str(problems[0])
