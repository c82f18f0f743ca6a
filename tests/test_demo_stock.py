"""The demo's stock (equisis.demo.stock.build_stock) on the demo company: places, opening stock at purchase
prices, transfers, shortages, a lot-tracked item and Tom's open count of aisle B; consistent for the doctor."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.demo import build_demo
from equisis.stock import doctor, inventory, reports, service as stock, valuation
from equisis.stock.models import Location, Move

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from equisis.schema import all_migrations
    from equisis.store import Instance

    instance = Instance(tmp_path_factory.mktemp("demo") / "instance", all_migrations())
    slug = build_demo(instance, today=TODAY)                # build_demo calls build_stock
    store = instance.get(slug)
    with store.session():
        made = {"moves": Move.select().count(),
                "inventory": inventory.inventories(state="counting")[0].number}
    yield store, made
    instance.close()


def test_places_and_opening_stock(demo):
    store, made = demo
    with store.session():
        assert {w.code for w in stock.warehouses()} >= {"MAG", "DEP"}
        bins = [x.code for x in Location.select().where(Location.code.startswith("DEP-"))]
        assert "DEP-A-01-1" in bins and "DEP-B-02-2" in bins and len(bins) == 8
        # 4 boxes of 6 pots of white paint in the depot at 29,80 € a box, 6 pots in the shop
        assert stock.quantity_of("PNT-MAT-W25", warehouse="DEP") == 24_000
        assert stock.quantity_of("PNT-MAT-W25", location="DEP-A-01-1") == 24_000
        assert stock.quantity_of("PNT-MAT-W25", warehouse="MAG") == 6000
        opening = Move.select().where((Move.doc_type == "opening") & (Move.day == dt.date(2026, 1, 1)))
        assert opening.count() >= 40 and made["moves"] > 40
        first = [r for r in valuation.stock_value_at(dt.date(2026, 1, 1)) if r["item"] == "PNT-MAT-W25"]
        assert first[0]["value_cents"] == 4 * 2980 + 2980
        assert valuation.total_value_at(TODAY) > 0


def test_transfers_shortages_and_lots(demo):
    store, _made = demo
    with store.session():
        assert stock.quantity_of("FRAME-OAK", warehouse="MAG") == 16_000
        assert Move.select().where(Move.kind == "transfer").count() >= 6
        short = {(s.item_code, s.warehouse) for s in reports.shortages()}
        assert {("LAMP-TABLE", "MAG"), ("CANDLE-LED", "MAG"), ("WP-JUNGLE", "DEP")} <= short
        lots = reports.lots_of("CANDLE-LED")
        assert [x["code"] for x in lots] == ["LED-A", "LED-B"] and all(x["expiry"] for x in lots)
        assert stock.item_settings(stock.places.item_of("CANDLE-LED")).expiry_required
        # the 12 candles sent to the shop came from the lot expiring first
        assert stock.quantity_of("CANDLE-LED", warehouse="MAG") == 12_000
        assert [x["qty_milli"] for x in lots] == [48_000, 36_000]
        assert [r["lot"] for r in stock.stock_of("CANDLE-LED") if r["warehouse"] == "MAG"] == ["LED-A"]


def test_toms_open_count_of_aisle_b(demo):
    store, made = demo
    with store.session():
        count = inventory.find_inventory(made["inventory"])
        assert (count.state, count.scope, count.location_prefix, count.created_by) == (
            "counting", "partial", "DEP-B", "tom")
        variances = {(x.item_code, x.location): x.variance_milli for x in inventory.count_lines(count)
                     if x.counted_milli is not None}
        assert variances[("CUSH-VELV", "DEP-B-01-2")] == -1000
        assert variances[("FRAME-OAK", "DEP-B-02-2")] == 1000
        assert not doctor.check_quantities() and not doctor.check_valuation()
