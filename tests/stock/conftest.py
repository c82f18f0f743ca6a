"""Stock fixtures: a company with items (a piece item sold by the box of 12, a kg item, a lot item, a serial
item, a kit), a depot with locations, and the moves service at hand."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.catalog import service as catalog
from equisis.stock import service as stock

DAY = dt.date(2026, 3, 10)


def make_item(code: str, **fields):
    fields.setdefault("name_fr", code.title())
    return catalog.create_item(code, **fields)


@pytest.fixture
def items(company):
    """SCREW (pce, bought by box of 12), FLOUR (kg), MILK (lots with expiry), PHONE (serials), KIT (2 SCREW + 1 kg
    FLOUR), HOUR (a service)."""
    made = {
        "SCREW": make_item("SCREW", purchase_unit="box", conversions={"box": "12"}, barcodes=["5400000000010"]),
        "FLOUR": make_item("FLOUR", stock_unit="kg", sale_unit="kg", purchase_unit="kg", conversions={"g": "0,001"}),
        "MILK": make_item("MILK"),
        "PHONE": make_item("PHONE"),
        "KIT": make_item("KIT"),
        "HOUR": make_item("HOUR", nature="services"),
    }
    catalog.set_components("KIT", [("SCREW", 2000), ("FLOUR", 1000)])
    stock.set_item_tracking("MILK", tracking="lot", expiry_required=True)
    stock.set_item_tracking("PHONE", tracking="serial")
    return made


@pytest.fixture
def depot(company):
    stock.create_warehouse("DEP", "Depot")
    stock.create_location("DEP", "DEP-A-01", aisle="A", row="01")
    stock.create_location("DEP", "DEP-B-01", aisle="B", row="01")
    return "DEP"


@pytest.fixture
def policy(company):
    def set_policy(name):
        stock.set_negative_policy(name)
    return set_policy


@pytest.fixture
def post(company):
    """post("OD 2026-03-10 text", body) -> a posted ledger entry (the ledger tests' notation)."""
    from equisis.ledger import service as ledger
    from tests.ledger.notation import draft

    def _post(header, body, *, role="accountant"):
        return ledger.post_entry(draft(header, body), role=role)
    return _post
