"""An item's stock settings: the service (all or nothing, every problem at once) and its screen, linked from the
item's stock page; the shortage report follows the minimums saved there."""
from __future__ import annotations

import pytest

from equisis.core.errors import ValidationErrors
from equisis.stock import places, reports, service as stock
from equisis.stock.models import ItemWarehouse
from tests.stock.conftest import DAY
from tests.stock.test_views import clerk, page, seeded  # noqa: F401
from tests.web.conftest import (admin, app, client, csrf_in, instance_path, make_app, slug, store,  # noqa: F401
                                text_of)


def test_saving_the_settings_sets_tracking_method_and_limits(items, depot):
    stock.create_location("DEP", "DEP-C-01")
    places.save_item_stock("FLOUR", tracking="lot", expiry_required=True, valuation_method="fifo", limits=[
        places.WarehouseLimits("DEP", "DEP-C-01", 5000, 20_000), places.WarehouseLimits("MAIN")])
    settings = stock.item_settings(items["FLOUR"])
    assert (settings.tracking, settings.expiry_required, settings.valuation_method) == ("lot", True, "fifo")
    row = ItemWarehouse.get(ItemWarehouse.item == items["FLOUR"])
    assert (row.default_location.code, row.min_qty_milli, row.max_qty_milli) == ("DEP-C-01", 5000, 20_000)
    assert ItemWarehouse.select().count() == 1                     # nothing said of MAIN: no row
    # a receipt "to the depot" lands on the default location
    stock.receive("FLOUR", 1000, to="DEP", lot="L1", expiry=DAY, day=DAY)
    assert stock.quantity_of("FLOUR", location="DEP-C-01") == 1000
    assert [(s.item_code, s.warehouse, s.qty_milli, s.to_order_milli) for s in reports.shortages()] == [
        ("FLOUR", "DEP", 1000, 19_000)]


def test_every_problem_at_once_and_nothing_saved(items, depot):
    stock.receive("SCREW", 1000, to="DEP", day=DAY)
    with pytest.raises(ValidationErrors) as caught:
        places.save_item_stock("SCREW", tracking="serial", expiry_required=False, valuation_method="lifo", limits=[
            places.WarehouseLimits("DEP", "MAIN", 5000, 1000), places.WarehouseLimits("MAIN", None, -1, 0)])
    assert sorted(p.field for p in caught.value.problems) == ["max_qty-DEP", "min_qty-MAIN", "tracking"]
    assert stock.item_settings(items["SCREW"]).valuation_method is None     # rolled back
    assert ItemWarehouse.select().count() == 0


def test_the_limits_are_cleared_and_the_shortage_goes(items, depot):
    places.save_item_stock("SCREW", tracking="none", expiry_required=False, valuation_method=None,
                           limits=[places.WarehouseLimits("DEP", None, 3000, 0)])
    assert [s.item_code for s in reports.shortages("DEP")] == ["SCREW"]
    places.save_item_stock("SCREW", tracking="none", expiry_required=False, valuation_method=None,
                           limits=[places.WarehouseLimits("DEP")])
    assert reports.shortages("DEP") == []


def test_the_screen_is_linked_from_the_item_and_saves(clerk, slug, store):  # noqa: F811
    detail = page(clerk, f"/c/{slug}/stock/items/SCREW")
    assert f"/c/{slug}/stock/items/SCREW/settings" in detail
    form = page(clerk, f"/c/{slug}/stock/items/SCREW/settings")
    assert 'name="min_qty-DEP"' in form and "DEP-A-01" in form
    response = clerk.post(f"/c/{slug}/stock/items/SCREW/settings", data={
        "_csrf": csrf_in(form), "tracking": "none", "valuation_method": "fifo",
        "default_location-DEP": "DEP-A-01", "min_qty-DEP": "25", "max_qty-DEP": "100", "min_qty-MAIN": ""})
    assert response.status_code == 303
    with store.session():
        assert stock.item_settings(stock.places.item_of("SCREW")).valuation_method == "fifo"
        shortage = [s for s in reports.shortages() if s.item_code == "SCREW"]
        assert [(s.qty_milli, s.min_qty_milli, s.to_order_milli) for s in shortage] == [(10_000, 25_000, 90_000)]
    listing = page(clerk, f"/c/{slug}/stock/shortages")
    assert "SCREW" in listing and "GLUE" in listing
    again = page(clerk, f"/c/{slug}/stock/items/SCREW/settings")
    assert 'value="25"' in again and 'value="100"' in again


def test_the_screen_refuses_bad_input_next_to_the_fields(clerk, slug, store):  # noqa: F811
    form = page(clerk, f"/c/{slug}/stock/items/SCREW/settings")
    response = clerk.post(f"/c/{slug}/stock/items/SCREW/settings", data={
        "_csrf": csrf_in(form), "tracking": "lot", "min_qty-DEP": "abc", "max_qty-DEP": "2"})
    assert response.status_code == 400
    text = text_of(response)
    assert "“abc” is not a quantity" in text and 'value="abc"' in text
    response = clerk.post(f"/c/{slug}/stock/items/SCREW/settings", data={
        "_csrf": csrf_in(form), "tracking": "lot", "min_qty-DEP": "5", "max_qty-DEP": "2"})
    assert response.status_code == 422                      # two problems at once
    text = text_of(response)
    assert "already has stock moves" in text and "the maximum must be at least the minimum" in text
    with store.session():
        assert stock.item_settings(stock.places.item_of("SCREW")).tracking == "none"
        assert not [s for s in reports.shortages() if s.item_code == "SCREW"]
