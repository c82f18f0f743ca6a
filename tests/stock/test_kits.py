"""Kits and the stock: a kit moved or sold moves its components; kits held in stock are exploded into them."""
from __future__ import annotations

import pytest

from equisis.catalog import service as catalog
from equisis.stock import kits, service as stock, valuation
from equisis.stock.errors import InvalidQuantity, NegativeStock, NotAKit
from equisis.stock.models import Move
from tests.stock.conftest import DAY, make_item
from tests.stock.test_views import clerk, page, seeded  # noqa: F401
from tests.web.conftest import (app, client, csrf_in, instance_path, make_app, slug, store, text_of)  # noqa: F401


@pytest.fixture
def boxes(items, depot, policy):
    """Five gift boxes bought assembled (50 €), made a kit of 2 SCREW + 1 kg FLOUR afterwards."""
    policy("block")
    make_item("GIFTBOX")
    stock.receive("SCREW", 10_000, to="DEP-A-01", cost_cents=1000, day=DAY)       # 1 € a screw
    stock.receive("FLOUR", 10_000, to="DEP-A-01", cost_cents=3000, day=DAY)       # 3 € a kg
    stock.receive("GIFTBOX", 5000, to="DEP-A-01", cost_cents=5000, day=DAY)
    catalog.set_components("GIFTBOX", [("SCREW", 2000), ("FLOUR", 1000)])
    return "GIFTBOX"


def test_a_kit_received_or_sold_moves_its_components(items, depot):
    stock.receive("KIT", 2000, to="DEP-A-01", day=DAY)
    assert stock.quantity_of("KIT") == 0
    assert (stock.quantity_of("SCREW"), stock.quantity_of("FLOUR")) == (4000, 2000)
    stock.transfer("KIT", 1000, from_="DEP-A-01", to="DEP-B-01", day=DAY)
    assert stock.quantity_of("SCREW", location="DEP-B-01") == 2000
    assert {m.kind for m in Move.select()} == {"receipt", "transfer"}


def test_exploding_kits_moves_the_value_to_the_components(boxes):
    before = valuation.total_value_at(DAY)
    ids = kits.explode("GIFTBOX", 3000, location="DEP-A-01", day=DAY, reason="sold apart")
    moves = list(Move.select().where(Move.id.in_(ids)).order_by(Move.id))
    assert [(m.kind, m.item.code, m.qty_milli, m.from_location_id is not None) for m in moves] == [
        ("kit_explosion", "GIFTBOX", 3000, True), ("kit_explosion", "SCREW", 6000, False),
        ("kit_explosion", "FLOUR", 3000, False)]
    assert all(m.doc_type == "kit_explosion" and m.doc_id == str(ids[0]) for m in moves[1:])
    assert stock.quantity_of("GIFTBOX") == 2000
    assert stock.quantity_of("SCREW", location="DEP-A-01") == 16_000
    assert stock.quantity_of("FLOUR", location="DEP-A-01") == 13_000
    assert valuation.total_value_at(DAY) == before                   # 30 € out with the boxes, 30 € in
    values = {r["item"]: r["value_cents"] for r in valuation.stock_value_at(DAY)}
    # 30 € spread by current cost: screws 6 × 1 € = 6, flour 3 × 3 € = 9 -> 12 € and 18 €
    assert values == {"GIFTBOX": 2000, "SCREW": 1000 + 1200, "FLOUR": 3000 + 1800}


def test_exploding_is_idempotent_with_a_key(boxes):
    first = kits.explode("GIFTBOX", 1000, location="DEP-A-01", day=DAY, key="k-1")
    again = kits.explode("GIFTBOX", 1000, location="DEP-A-01", day=DAY, key="k-1")
    assert first == again
    assert stock.quantity_of("GIFTBOX") == 4000 and Move.select().where(Move.kind == "kit_explosion").count() == 3


def test_bad_explosions_are_refused_and_move_nothing(boxes):
    count = Move.select().count()
    with pytest.raises(NotAKit):
        kits.explode("SCREW", 1000, location="DEP-A-01", day=DAY)
    with pytest.raises(NegativeStock):                               # the block policy: only 5 boxes
        kits.explode("GIFTBOX", 6000, location="DEP-A-01", day=DAY)
    with pytest.raises(InvalidQuantity):
        kits.explode("GIFTBOX", 0, location="DEP-A-01", day=DAY)
    assert Move.select().count() == count


def test_the_explosion_form(clerk, slug, store):  # noqa: F811
    with store.session():
        make_item("PAIR")
        stock.receive("PAIR", 4000, to="DEP-A-01", cost_cents=800)
        catalog.set_components("PAIR", [("SCREW", 2000)])
    assert f"/c/{slug}/stock/items/PAIR/explode" in page(clerk, f"/c/{slug}/stock/items/PAIR")
    form = page(clerk, f"/c/{slug}/stock/items/PAIR/explode")
    data = {"_csrf": csrf_in(form), "_idem": "explode-key-0123456789", "location": "DEP-A-01", "quantity": "3"}
    assert clerk.post(f"/c/{slug}/stock/items/PAIR/explode", data=data).status_code == 303
    assert clerk.post(f"/c/{slug}/stock/items/PAIR/explode", data=data).status_code == 303     # double click
    with store.session():
        assert stock.quantity_of("PAIR") == 1000 and stock.quantity_of("SCREW") == 16_000
    response = clerk.post(f"/c/{slug}/stock/items/SCREW/explode", data={
        "_csrf": data["_csrf"], "location": "DEP-A-01", "quantity": "1"})
    assert response.status_code == 400 and "is not a kit" in text_of(response)


def test_a_kit_explosion_is_not_a_manual_move(boxes):
    from equisis.stock.errors import KitExplosionElsewhere

    with pytest.raises(KitExplosionElsewhere):
        stock.move("kit_explosion", "GIFTBOX", 1000, from_location="DEP-A-01", day=DAY)
    assert stock.quantity_of("GIFTBOX") == 5000
