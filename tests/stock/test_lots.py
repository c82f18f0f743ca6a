"""Lots with expiry (first expired, first out), serial numbers one unit at a time, traceability."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.stock import doctor, reports, service as stock
from equisis.stock.errors import (DuplicateSerial, ExpiryRequired, LotExpiryMismatch, LotNotTracked, LotRequired,
                                  NegativeStock, SerialAlreadyInStock, SerialCountMismatch, SerialNotInStock,
                                  SerialRequired, TrackingInUse)
from equisis.stock.models import Move
from tests.stock.conftest import DAY

JUNE, SEPT = dt.date(2026, 6, 30), dt.date(2026, 9, 30)


def clean():
    problems = doctor.check_quantities() + doctor.check_valuation() + doctor.check_serials()
    assert not problems, [str(p) for p in problems]


def test_a_lot_without_expiry_is_refused_when_the_item_requires_one(items, depot):
    with pytest.raises(ExpiryRequired) as caught:
        stock.receive("MILK", 1000, to="DEP", lot="L1", day=DAY)
    assert caught.value.field == "expiry" and "L1" in caught.value.message()
    assert Move.select().count() == 0


def test_a_lot_item_needs_its_lot_when_it_comes_in(items, depot):
    with pytest.raises(LotRequired):
        stock.receive("MILK", 1000, to="DEP", day=DAY)


def test_a_lot_keeps_its_expiry(items, depot):
    stock.receive("MILK", 1000, to="DEP", lot="L1", expiry=JUNE, day=DAY)
    stock.receive("MILK", 1000, to="DEP", lot="l1", day=DAY)                 # same lot, expiry known
    with pytest.raises(LotExpiryMismatch):
        stock.receive("MILK", 1000, to="DEP", lot="L1", expiry=SEPT, day=DAY)
    assert reports.lots_of("MILK") == [{"code": "L1", "expiry": JUNE, "is_serial": False, "qty_milli": 2000}]


def test_an_untracked_item_takes_no_lot(items, depot):
    with pytest.raises(LotNotTracked):
        stock.receive("SCREW", 1000, to="DEP", lot="X", day=DAY)


def test_deliveries_take_the_first_expired_lot_first(items, depot, policy):
    policy("block")
    stock.receive("MILK", 5000, to="DEP", lot="LATE", expiry=SEPT, day=DAY)
    stock.receive("MILK", 2000, to="DEP", lot="EARLY", expiry=JUNE, day=DAY)
    plan = stock.suggest_lots(stock.places.item_of("MILK"), stock.find_location("DEP"), 3000)
    assert [(lot.code, qty) for lot, qty in plan] == [("EARLY", 2000), ("LATE", 1000)]
    result = stock.deliver("MILK", 3000, from_="DEP", day=DAY, source=stock.Source("pos_ticket", "T1", 1))
    assert [(m.lot.code, m.qty_milli) for m in result.moves] == [("EARLY", 2000), ("LATE", 1000)]
    assert [(r["code"], r["qty_milli"]) for r in reports.lots_of("MILK")] == [("LATE", 4000)]
    with pytest.raises(NegativeStock):
        stock.deliver("MILK", 4001, from_="DEP", day=DAY)
    clean()


def test_a_sale_from_a_place_holding_none_of_the_lots_takes_the_first_expiring_lot(items, depot, policy):
    """The till cannot refuse a sale: the lots are elsewhere (never transferred here), so the move names
    the lot that expires first and leaves a negative quantity there (a warning); "block" refuses it."""
    stock.receive("MILK", 2000, to="DEP-A-01", lot="LATE", expiry=SEPT, day=DAY)
    stock.receive("MILK", 2000, to="DEP-A-01", lot="EARLY", expiry=JUNE, day=DAY)
    policy("warn")
    result = stock.deliver("MILK", 1000, from_="DEP-B-01", day=DAY, source=stock.Source("pos_ticket", "T9", 1))
    assert [(m.lot.code, m.qty_milli) for m in result.moves] == [("EARLY", 1000)] and result.warnings
    assert stock.quantity_of("MILK", location="DEP-B-01") == -1000
    policy("block")
    with pytest.raises(NegativeStock):
        stock.deliver("MILK", 1000, from_="DEP-B-01", day=DAY)
    clean()


def test_serials_move_one_unit_each(items, depot):
    result = stock.receive("PHONE", 2000, to="DEP", serials=("SN1", "SN2"), cost_cents=60000, day=DAY)
    assert [(m.lot.code, m.qty_milli, m.cost_cents) for m in result.moves] == [("SN1", 1000, 30000),
                                                                              ("SN2", 1000, 30000)]
    with pytest.raises(SerialRequired):
        stock.deliver("PHONE", 1000, from_="DEP", day=DAY)
    with pytest.raises(SerialCountMismatch):
        stock.deliver("PHONE", 2000, from_="DEP", serials=("SN1",), day=DAY)
    with pytest.raises(DuplicateSerial):
        stock.receive("PHONE", 2000, to="DEP", serials=("SN9", "sn9"), day=DAY)
    clean()


def test_a_serial_received_twice_is_refused(items, depot):
    stock.receive("PHONE", 1000, to="DEP", serials=("SN1",), day=DAY)
    with pytest.raises(SerialAlreadyInStock) as caught:
        stock.receive("PHONE", 1000, to="DEP-A-01", serials=("SN1",), day=DAY)
    assert "DEP" in caught.value.message()
    assert stock.quantity_of("PHONE") == 1000


def test_a_serial_sold_twice_is_refused_even_when_negative_stock_is_allowed(items, depot, policy):
    policy("allow")
    stock.receive("PHONE", 1000, to="DEP", serials=("SN1",), day=DAY)
    stock.deliver("PHONE", 1000, from_="DEP", serials=("SN1",), day=DAY, party_id=11)
    with pytest.raises(SerialNotInStock):
        stock.deliver("PHONE", 1000, from_="DEP", serials=("SN1",), day=DAY, party_id=12)
    # it comes back from the customer and may be sold again
    stock.customer_return("PHONE", 1000, to="DEP", serials=("SN1",), day=DAY, party_id=11)
    stock.deliver("PHONE", 1000, from_="DEP", serials=("SN1",), day=DAY, party_id=12)
    trace = reports.trace_lot("PHONE", "SN1")
    assert [m.kind for m in trace["moves"]] == ["receipt", "delivery", "customer_return", "delivery"]
    assert trace["customers"] == [11, 12]
    clean()


def test_a_lot_trace_lists_every_receipt_and_every_customer(items, depot):
    stock.receive("MILK", 5000, to="DEP", lot="L7", expiry=JUNE, day=DAY,
                  source=stock.Source("purchase_receipt", "R1", 1), party_id=3)
    stock.receive("MILK", 5000, to="DEP-A-01", lot="L7", day=DAY, source=stock.Source("purchase_receipt", "R2", 1),
                  party_id=3)
    stock.deliver("MILK", 2000, from_="DEP", lot="L7", day=DAY, party_id=21)
    stock.deliver("MILK", 1000, from_="DEP-A-01", lot="L7", day=DAY, party_id=22)
    trace = reports.trace_lot("MILK", "L7")
    assert [m.doc_id for m in trace["received"]] == ["R1", "R2"]
    assert trace["customers"] == [21, 22]
    assert sorted(trace["in_stock"]) == [("DEP", 3000), ("DEP-A-01", 4000)]


def test_tracking_cannot_change_once_the_item_moved(items, depot):
    stock.receive("SCREW", 1000, to="DEP", day=DAY)
    with pytest.raises(TrackingInUse):
        stock.set_item_tracking("SCREW", tracking="lot")
