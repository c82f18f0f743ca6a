"""Inventories: counts by scan, by hand and from Excel; variances at the inventory's day; validation once."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from equisis.core.errors import ValidationErrors
from equisis.documents import service as documents
from equisis.stock import doctor, inventory as inv, service as stock, sheets
from equisis.stock.errors import (BackdatedMoveRefused, CountFileUnreadable, InventoryAlreadyValidated,
                                  InventoryClosed, LocationOutsideInventory, OpenInventoryExists, UnknownBarcode)
from equisis.stock.models import InventoryCount, Move
from equisis.store.errors import PostedRowImmutable

DAY = dt.date(2026, 3, 10)
EAN = "5400000000010"     # SCREW's barcode


@pytest.fixture
def stocked(items, depot):
    stock.receive("SCREW", 10_000, to="DEP-A-01", cost_cents=1000, day=dt.date(2026, 3, 1))
    stock.receive("FLOUR", 5000, to="DEP-B-01", cost_cents=500, day=dt.date(2026, 3, 1))
    stock.receive("MILK", 3000, to="DEP-B-01", lot="L1", expiry=dt.date(2026, 6, 1), day=dt.date(2026, 3, 1))
    return items


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_scans_add_up_and_validation_adjusts_the_stock(stocked):
    count = inv.open_inventory("DEP", day=DAY)
    assert count.number == "INV/2026/00001" and count.scope == "full"
    for _ in range(3):
        inv.record_counts(count.number, [inv.CountInput(EAN, "DEP-A-01", 3000)])
    inv.record_counts(count.number, [inv.CountInput("flour", "dep-b-01", 4500)], mode="set")
    lines = {(x.item_code, x.location): (x.expected_milli, x.counted_milli) for x in inv.count_lines(count)}
    assert lines == {("SCREW", "DEP-A-01"): (10_000, 9000), ("FLOUR", "DEP-B-01"): (5000, 4500),
                     ("MILK", "DEP-B-01"): (3000, None)}
    moves = inv.validate(count.number)
    assert len(moves) == 3                                      # MILK was not counted: a full count sets it to 0
    assert stock.quantity_of("SCREW") == 9000
    assert stock.quantity_of("FLOUR") == 4500
    assert stock.quantity_of("MILK") == 0
    assert {Move.get_by_id(i).kind for i in moves} == {"inventory"}
    assert not doctor.check_quantities() and not doctor.check_valuation()


def test_an_inventory_validated_twice_moves_stock_once(stocked):
    count = inv.open_inventory("DEP", day=DAY)
    inv.record_counts(count.number, [inv.CountInput("SCREW", "DEP-A-01", 8000)], mode="set")
    inv.validate(count.number)
    before = Move.select().count()
    with pytest.raises(InventoryAlreadyValidated):
        inv.validate(count.number)
    with pytest.raises(InventoryClosed):
        inv.record_counts(count.number, [inv.CountInput("SCREW", "DEP-A-01", 1000)])
    assert Move.select().count() == before
    with pytest.raises(PostedRowImmutable):                    # the database freezes the counts too
        from equisis.store.database import write

        with write():
            InventoryCount.update(counted_qty_milli=1).execute()


def test_a_validated_full_inventory_closes_the_warehouse_until_its_day(stocked):
    count = inv.open_inventory("DEP", day=DAY)
    inv.record_counts(count.number, [inv.CountInput("SCREW", "DEP-A-01", 10_000)], mode="set")
    inv.validate(count.number)
    with pytest.raises(BackdatedMoveRefused):
        stock.deliver("SCREW", 1000, from_="DEP-A-01", day=DAY)
    stock.deliver("SCREW", 1000, from_="MAIN", day=DAY)        # another warehouse is not closed
    stock.deliver("SCREW", 1000, from_="DEP-A-01", day=DAY + dt.timedelta(days=1))


def test_variances_use_the_quantity_at_the_inventory_day(stocked):
    count = inv.open_inventory("DEP", day=DAY)
    stock.deliver("SCREW", 2000, from_="DEP-A-01", day=DAY + dt.timedelta(days=1))   # the shop kept selling
    inv.record_counts(count.number, [inv.CountInput("SCREW", "DEP-A-01", 10_000), inv.CountInput(
        "FLOUR", "DEP-B-01", 5000), inv.CountInput("MILK", "DEP-B-01", 3000, lot="L1")], mode="set")
    assert inv.validate(count.number) == []
    assert stock.quantity_of("SCREW") == 8000


def test_a_partial_count_by_location_leaves_other_locations_alone(stocked):
    count = inv.open_inventory("DEP", day=DAY, location_prefix="DEP-B")
    with pytest.raises(ValidationErrors) as caught:            # DEP-A-01 is not part of it
        inv.record_counts(count.number, [inv.CountInput("SCREW", "DEP-A-01", 1000)])
    assert [p.field for p in caught.value.problems] == ["rows-1-location"]
    with pytest.raises(LocationOutsideInventory):
        inv.check_location(count.number, "DEP-A-01")
    inv.record_counts(count.number, [inv.CountInput("FLOUR", "DEP-B-01", 4000)], mode="set")
    inv.validate(count.number)
    assert stock.quantity_of("SCREW") == 10_000
    assert stock.quantity_of("FLOUR") == 4000
    assert stock.quantity_of("MILK") == 0                       # uncounted in a counted location


def test_one_open_inventory_per_warehouse(stocked):
    inv.open_inventory("DEP", day=DAY)
    with pytest.raises(OpenInventoryExists):
        inv.open_inventory("DEP", day=DAY)
    inv.open_inventory("MAIN", day=DAY)


def test_a_count_file_with_unknown_barcodes_lists_them_and_applies_nothing(stocked):
    count = inv.open_inventory("DEP", day=DAY)
    content = xlsx([["Barcode", "Location", "Quantity"], [EAN, "DEP-A-01", 7], ["9999999999994", "DEP-A-01", 1],
                    ["NOPE", "DEP-B-01", 2]])
    with pytest.raises(ValidationErrors) as caught:
        inv.import_counts(count.number, content)
    unknown = [p for p in caught.value.problems if isinstance(p, UnknownBarcode)]
    assert [(p.params["row"], p.params["code"]) for p in unknown] == [(3, "9999999999994"), (4, "NOPE")]
    assert InventoryCount.select().count() == 0


def test_a_count_file_sets_the_counts(stocked):
    count = inv.open_inventory("DEP", day=DAY)
    content = xlsx([["location", "code", "lot", "quantity"], ["DEP-A-01", EAN, None, 7],
                    ["DEP-B-01", "MILK", "L1", "2,5"]])
    assert inv.import_counts(count.number, content) == 2
    lines = {x.item_code: x.counted_milli for x in inv.count_lines(count)}
    assert lines == {"SCREW": 7000, "MILK": 2500, "FLOUR": None}
    with pytest.raises(CountFileUnreadable):
        inv.import_counts(count.number, b"not a workbook")


def test_a_retried_scan_submit_counts_once(stocked):
    count = inv.open_inventory("DEP", day=DAY)
    key = "webscan-0123456789abcdef"
    inv.record_counts(count.number, [inv.CountInput(EAN, "DEP-A-01", 1000)], key=key)
    inv.record_counts(count.number, [inv.CountInput(EAN, "DEP-A-01", 1000)], key=key)
    assert [x.counted_milli for x in inv.count_lines(count) if x.item_code == "SCREW"] == [1000]


def test_count_sheets_and_the_excel_export(stocked):
    count = inv.open_inventory("DEP", day=DAY)
    inv.record_counts(count.number, [inv.CountInput("SCREW", "DEP-A-01", 9000)], mode="set")
    pdf = sheets.count_sheet_pdf(count, documents.letterhead_from_profile(), language="en")
    assert pdf.startswith(b"%PDF")
    from tests.documents.pdftext import pages_text

    text = "\n".join(pages_text(pdf))
    assert "INV/2026/00001" in text and "DEP-A-01" in text and "SCREW" in text
    workbook = load_workbook(io.BytesIO(sheets.count_xlsx(count, "en")))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("Location", "Item", "Description", "Lot", "Expected", "Counted", "Variance")
    assert ("DEP-A-01", "SCREW", "Screw", None, 10, 9, -1) in rows


def test_location_and_item_labels(stocked):
    pdf = sheets.labels_pdf([("DEP-A-01", "Aisle A row 01"), (EAN, "Screw")], documents.letterhead_from_profile(),
                            language="en")
    assert pdf.startswith(b"%PDF")
