"""A parent item's stock as a size × colour grid (and one grid per value of a third axis)."""
from __future__ import annotations

from equisis.catalog import service as catalog, variants
from equisis.stock import reports, service as stock
from tests.stock.conftest import DAY
from tests.stock.test_views import clerk, page, seeded  # noqa: F401
from tests.web.conftest import app, client, instance_path, make_app, slug, store  # noqa: F401


def make_tshirts():
    catalog.set_axis(1, "Size")
    catalog.set_axis(2, "Colour")
    catalog.set_axis(3, "Sleeve")
    catalog.create_item("TSHIRT", name_fr="T-shirt")
    variants.generate("TSHIRT", {1: ["S", "M", "L"], 2: ["red", "blue"]})


def test_the_grid_shows_each_variants_stock(items, depot):
    make_tshirts()
    stock.receive("TSHIRT-S-RED", 3000, to="DEP-A-01", day=DAY)
    stock.receive("TSHIRT-L-BLUE", 2000, to="DEP-A-01", day=DAY)
    stock.receive("TSHIRT-L-BLUE", 1000, to="MAIN", day=DAY)
    grid = reports.variant_grid("TSHIRT")
    assert (grid.row_axis, grid.column_axis, grid.columns) == ("Size", "Colour", ("red", "blue"))
    [(page_value, lines, totals, total)] = grid.pages
    assert page_value == "" and total == 6000 and totals == [3000, 3000]
    assert [(v, [c.qty_milli for c in cells], t) for v, cells, t in lines] == [
        ("S", [3000, 0], 3000), ("M", [0, 0], 0), ("L", [0, 3000], 3000)]
    assert lines[0][1][0].item_code == "TSHIRT-S-RED"
    depot_only = reports.variant_grid("TSHIRT", warehouse="DEP")
    assert depot_only.pages[0][3] == 5000
    assert reports.variant_grid("SCREW") is None


def test_three_axes_give_one_grid_per_value_and_gaps_show(items, depot):
    make_tshirts()
    catalog.create_item("POLO", name_fr="Polo")
    variants.generate("POLO", {1: ["S", "M"], 2: ["red"], 3: ["short", "long"]})
    stock.receive("POLO-M-RED-LONG", 2000, to="DEP-A-01", day=DAY)
    grid = reports.variant_grid("POLO")
    assert grid.page_axis == "Sleeve" and [p[0] for p in grid.pages] == ["short", "long"]
    assert grid.pages[1][3] == 2000 and grid.pages[0][3] == 0


def test_the_stock_page_of_a_parent_shows_the_grid(clerk, slug, store):  # noqa: F811
    with store.session():
        make_tshirts()
        stock.receive("TSHIRT-M-BLUE", 4000, to="DEP-A-01")
    text = page(clerk, f"/c/{slug}/stock/items/TSHIRT")
    assert 'class="table variant-grid"' in text and "Size \\ Colour" in text
    assert f'href="/c/{slug}/stock/items/TSHIRT-M-BLUE" title="TSHIRT-M-BLUE">4</a>' in text
