"""The demo shop's stock: the shop in Namur ("MAG") and the small depot ("DEP"), as in STORIES.md.

* places: the shop with its shop window; the depot's aisles A and B, two rows of two bins each
  (``DEP-A-01-1`` … ``DEP-B-02-2``), each family with its default bin in the depot;
* opening stock received on 1 January at the catalog's purchase prices (paint by the box of 6 or 4, fabric by
  the metre, plants straight into the shop), the LED candles by lot with the batteries' expiry date;
* a few transfers depot → shop (Tom's pallets), minimums and maximums per warehouse so that the shortage list
  has something to order;
* Tom's evening count of the depot's aisle B: an open partial inventory with some counts entered.

Built through the stock service like any user would (a second or two); call after the catalog exists.
"""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from equisis.catalog import service as catalog
from equisis.demo.catalog import ITEMS
from equisis.stock import inventory, service as stock
from equisis.store import audit

SHOP, DEPOT = "MAG", "DEP"
WAREHOUSES = [(SHOP, "Magasin — Rue de Fer, Namur"), (DEPOT, "Dépôt")]
SHOP_WINDOW = "MAG-VITRINE"
BINS = [f"DEP-{aisle}-{row}-{bin_}" for aisle in "AB" for row in ("01", "02") for bin_ in "12"]
#: the depot bin each family lives in
FAMILY_BIN = {"PAINT": "DEP-A-01-1", "WALL": "DEP-A-02-1", "CURT": "DEP-B-01-1", "CUSH": "DEP-B-01-2",
              "LIGHT": "DEP-B-02-1", "DECO": "DEP-B-02-2"}
#: opening stock: (depot, shop) in the purchase unit for the depot (boxes of paint), in pieces/metres in the shop
OPENING = {
    "PNT-MAT-W25": (4, 6), "PNT-MAT-G25": (2, 3), "PNT-SAT-B1": (3, 4), "PNT-PRIM-10": (2, 2),
    "WP-LIN-NAT": (30, 8), "WP-JUNGLE": (12, 3), "WP-GLUE": (20, 6),
    "FAB-VELV-GR": (60, 15), "FAB-LIN-WH": (80, 20), "CURT-RAIL-2": (10, 2),
    "CUSH-VELV": (24, 6), "THROW-WOOL": (8, 3),
    "LAMP-FLOOR": (3, 1), "LAMP-TABLE": (6, 2), "PENDANT-RAT": (4, 1),
    "VASE-GLASS": (15, 5), "FRAME-OAK": (30, 10), "MIRROR-ROUND": (2, 1),
    "PLANT-OLIVE": (0, 4), "PLANT-MONST": (0, 6), "PLANT-ORCH": (0, 12),
}
#: the LED candles come by lot; the batteries inside expire (first-expired-first-out at the till)
CANDLES = "CANDLE-LED"
CANDLE_LOTS = [("LED-A", 2, 3, 48), ("LED-B", 3, 9, 36)]     # code, years after this one, month, pieces
#: (item, warehouse, minimum, maximum): the shop keeps a few of each on the shelves
LIMITS = [
    ("LAMP-TABLE", SHOP, 4, 8), ("CANDLE-LED", SHOP, 30, 60), ("PNT-MAT-W25", SHOP, 12, 24),
    ("PLANT-ORCH", SHOP, 15, 30), ("CUSH-VELV", SHOP, 6, 12), ("WP-JUNGLE", DEPOT, 15, 30),
    ("FRAME-OAK", SHOP, 5, 15),
]
#: (days before today, item, quantity): Tom's pallets from the depot to the shop
TRANSFERS = [(20, "CUSH-VELV", 4), (20, "FRAME-OAK", 6), (20, "CANDLE-LED", 12), (6, "LAMP-TABLE", 1),
             (6, "WP-LIN-NAT", 4), (2, "FAB-LIN-WH", 10)]
#: Tom's evening count of aisle B: (item, location, counted) - a cushion missing, one more frame
COUNTS = [("CUSH-VELV", "DEP-B-01-2", 19), ("FAB-VELV-GR", "DEP-B-01-1", 60), ("VASE-GLASS", "DEP-B-02-2", 15),
          ("FRAME-OAK", "DEP-B-02-2", 25)]


def _milli(quantity) -> int:
    return int(quantity * 1000)


def _unit_cost_cents(item, quantity_in_purchase_unit) -> int:
    """What the quantity cost at the catalog's purchase price (per purchase unit), rounded to the cent."""
    return (item.purchase_price_e4 * quantity_in_purchase_unit + 50) // 100


def build_places() -> None:
    for code, name in WAREHOUSES:
        stock.create_warehouse(code, name)
    stock.create_location(SHOP, SHOP_WINDOW, aisle="VITRINE")
    for code in BINS:
        _dep, aisle, row, bin_ = code.split("-")
        stock.create_location(DEPOT, code, aisle=aisle, row=row, bin=bin_)


def build_stock(today: dt.date) -> dict:
    """The demo's warehouses, locations, opening stock, transfers, minimums and Tom's open count of aisle B.

    Returns what was made (for tests and the demo's summary): {'moves': n, 'inventory': number}.
    """
    build_places()
    new_year = dt.date(today.year, 1, 1)
    families = {code: family for code, family, *_rest in ITEMS}
    stock.set_item_tracking(CANDLES, tracking="lot", expiry_required=True)
    for code, family in families.items():
        if family in FAMILY_BIN:
            stock.set_item_warehouse(code, DEPOT, default_location=FAMILY_BIN[family])
    for code, warehouse, minimum, maximum in LIMITS:
        default = FAMILY_BIN.get(families[code]) if warehouse == DEPOT else None
        stock.set_item_warehouse(code, warehouse, default_location=default, min_qty_milli=_milli(minimum),
                                 max_qty_milli=_milli(maximum))
    requests = []
    for n, (code, (in_depot, in_shop)) in enumerate(OPENING.items(), start=1):
        item = catalog.find_item(code)
        per_purchase_unit = catalog.factor(item, item.purchase_unit_id)
        if in_depot:
            # the depot's stock in the supplier's unit: 4 boxes of 6 pots add 24 pots
            requests.append(stock.MoveRequest("receipt", code, _milli(in_depot), unit=item.purchase_unit_id,
                                              to_location=DEPOT, cost_cents=_unit_cost_cents(item, in_depot),
                                              day=new_year, reason="Stock d'ouverture",
                                              source=stock.Source("opening", str(today.year), n)))
        if in_shop:
            cost = _unit_cost_cents(item, Fraction(in_shop) / per_purchase_unit)     # pots, not boxes
            requests.append(stock.MoveRequest("receipt", code, _milli(in_shop), to_location=SHOP,
                                              cost_cents=int(cost), day=new_year, reason="Stock d'ouverture",
                                              source=stock.Source("opening", str(today.year), 100 + n)))
    candle = catalog.find_item(CANDLES)
    for n, (lot, years, month, pieces) in enumerate(CANDLE_LOTS, start=1):
        requests.append(stock.MoveRequest("receipt", CANDLES, _milli(pieces), to_location=FAMILY_BIN["DECO"],
                                          lot=lot, expiry=dt.date(today.year + years, month, 1) - dt.timedelta(1),
                                          cost_cents=_unit_cost_cents(candle, pieces), day=new_year,
                                          source=stock.Source("opening", str(today.year), 200 + n)))
    results = stock.post_moves(requests)
    for n, (days, code, quantity) in enumerate(TRANSFERS, start=1):
        day = max(new_year, today - dt.timedelta(days=days))
        src = FAMILY_BIN[families[code]]
        results += stock.post_moves([stock.MoveRequest("transfer", code, _milli(quantity), from_location=src,
                                                       to_location=SHOP, day=day,
                                                       source=stock.Source("demo-transfer", str(n), 1))])
    with audit.acting_as("tom"):
        count = inventory.open_inventory(DEPOT, day=today, location_prefix="DEP-B")
        inventory.record_counts(count.id, [inventory.CountInput(code, location, _milli(qty), row=n)
                                           for n, (code, location, qty) in enumerate(COUNTS, start=1)], mode="set")
    return {"moves": sum(len(r.move_ids) for r in results), "inventory": count.number}
