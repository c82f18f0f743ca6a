"""Warehouses, locations, per-item stock settings and the company's stock settings.

A warehouse has one *main* location (code = the warehouse's code) for stock that
has no precise place yet; more locations (aisle / row / column / bin) are added as
needed. A location's code is unique in the company: it is what its label's
barcode reads, so WebScan recognises "this is a location" from a scan alone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from equisis.catalog import service as catalog
from equisis.catalog.models import Item
from equisis.company import service as company_service
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.stock import rules
from equisis.stock.errors import (DuplicateLocation, DuplicateWarehouse, InvalidCode, InvalidLimits, InvalidPolicy,
                                  InvalidTracking, InvalidValuationMethod, LocationNotFound, TrackingInUse,
                                  WarehouseNotFound)
from equisis.stock.models import ItemStock, ItemWarehouse, Location, Move, Warehouse
from equisis.store import audit
from equisis.store.database import write

NEGATIVE_POLICY = "stock.negative_policy"
VALUATION_METHOD = "stock.valuation_method"
CLOSED_UNTIL = "stock.closed_until"
STOCK_ACCOUNT = "stock.stock_account"
VARIATION_ACCOUNT = "stock.variation_account"
DEFAULTS = {NEGATIVE_POLICY: "warn", VALUATION_METHOD: "average", CLOSED_UNTIL: None,
            STOCK_ACCOUNT: "340", VARIATION_ACCOUNT: "6094"}


# ----------------------------------------------------------------------------- company settings

def setting(key: str):
    value = company_service.get_setting(key)
    return DEFAULTS.get(key) if value is None else value


def negative_policy() -> str:
    return setting(NEGATIVE_POLICY)


def valuation_method() -> str:
    return setting(VALUATION_METHOD)


def closed_until() -> dt.date | None:
    value = setting(CLOSED_UNTIL)
    return dt.date.fromisoformat(value) if value else None


def set_negative_policy(policy: str) -> None:
    if policy not in rules.NEGATIVE_POLICIES:
        raise InvalidPolicy(policy, field="negative_policy")
    company_service.set_settings({NEGATIVE_POLICY: policy})


def set_accounts(stock_account: str, variation_account: str) -> None:
    company_service.set_settings({STOCK_ACCOUNT: stock_account.strip(), VARIATION_ACCOUNT: variation_account.strip()})


def close_until(day: dt.date) -> None:
    """Close the stock up to ``day`` (inside or outside a write): later moves dated on or before it are refused."""
    current = closed_until()
    if current is None or day > current:
        company_service.set_settings({CLOSED_UNTIL: day.isoformat()})


# ----------------------------------------------------------------------------- warehouses and locations

def _code(text: str, field: str) -> str:
    try:
        return rules.check_code(text)
    except ValueError:
        raise InvalidCode(text, field=field) from None


def warehouses(*, active_only: bool = False) -> list[Warehouse]:
    query = Warehouse.select().order_by(Warehouse.code)
    if active_only:
        query = query.where(Warehouse.active == True)  # noqa: E712
    return list(query)


def find_warehouse(code: str) -> Warehouse:
    row = Warehouse.get_or_none(Warehouse.code == (code or "").strip().upper())
    if row is None:
        raise WarehouseNotFound(code=code, field="warehouse")
    return row


def create_warehouse(code: str, name: str) -> Warehouse:
    """A warehouse (a shop, a depot) with its main location of the same code."""
    code = _code(code, "code")
    with write():
        if Warehouse.get_or_none(Warehouse.code == code) or Location.get_or_none(Location.code == code):
            raise DuplicateWarehouse(code=code, field="code")
        warehouse = Warehouse.create(code=code, name=(name or code).strip()[:120])
        Location.create(warehouse=warehouse, code=code, is_main=True)
        audit.record("create", "warehouse", code, after={"code": code, "name": warehouse.name})
    return warehouse


def main_location(warehouse: Warehouse) -> Location:
    return Location.get((Location.warehouse == warehouse) & (Location.is_main == True))  # noqa: E712


def find_location(code: str) -> Location:
    row = Location.get_or_none(Location.code == (code or "").strip().upper())
    if row is None:
        raise LocationNotFound(code=code, field="location")
    return row


def create_location(warehouse_code: str, code: str, *, aisle: str = "", row: str = "", column: str = "",
                    bin: str = "") -> Location:  # noqa: A002 - the trade's word
    """A location in a warehouse; its code is unique in the company ('DEP-B-01-02')."""
    code = _code(code, "code")
    with write():
        warehouse = find_warehouse(warehouse_code)
        if Location.get_or_none(Location.code == code) or Warehouse.get_or_none(Warehouse.code == code):
            raise DuplicateLocation(code=code, field="code")
        location = Location.create(warehouse=warehouse, code=code, aisle=aisle.strip()[:10], row=row.strip()[:10],
                                   column=column.strip()[:10], bin=bin.strip()[:10])
        audit.record("create", "location", code, after={"warehouse": warehouse.code, "code": code,
                                                        "aisle": aisle, "row": row, "column": column, "bin": bin})
    return location


def locations(warehouse: Warehouse | None = None) -> list[Location]:
    query = Location.select(Location, Warehouse).join(Warehouse).order_by(Warehouse.code, Location.code)
    if warehouse is not None:
        query = query.where(Location.warehouse == warehouse)
    return list(query)


def resolve_location(code: str | Location | None, item: Item | None = None) -> Location | None:
    """A location from its code; a warehouse's code means the item's default location there, else the main one."""
    if code is None or isinstance(code, Location):
        return code
    text = (code or "").strip().upper()
    if not text:
        return None
    location = Location.get_or_none(Location.code == text)
    warehouse = Warehouse.get_or_none(Warehouse.code == text)
    if warehouse is not None and item is not None:
        row = ItemWarehouse.get_or_none((ItemWarehouse.item == item) & (ItemWarehouse.warehouse == warehouse))
        if row is not None and row.default_location_id:
            return Location.get_by_id(row.default_location_id)
    if location is not None:
        return location
    if warehouse is not None:
        return main_location(warehouse)
    raise LocationNotFound(code=code, field="location")


# ----------------------------------------------------------------------------- items

def item_of(item: Item | str | int) -> Item:
    if isinstance(item, Item):
        return item
    if isinstance(item, int):
        return Item.get_by_id(item)
    return catalog.find_item(item)


def item_settings(item: Item) -> ItemStock:
    row = ItemStock.get_or_none(ItemStock.item == item)
    return row if row is not None else ItemStock(item=item, tracking="none", expiry_required=False)


def method_for(item: Item, settings: ItemStock | None = None) -> str:
    settings = settings or item_settings(item)
    return settings.valuation_method or valuation_method()


def set_item_tracking(item_code: str, *, tracking: str = "none", expiry_required: bool = False,
                      valuation_method: str | None = None) -> ItemStock:
    """How the stock follows an item; tracking cannot change once the item has moved."""
    if tracking not in rules.TRACKING:
        raise InvalidTracking(tracking, field="tracking")
    if valuation_method and valuation_method not in rules.VALUATION_METHODS:
        raise InvalidValuationMethod(valuation_method, field="valuation_method")
    with write():
        item = item_of(item_code)
        row = ItemStock.get_or_none(ItemStock.item == item) or ItemStock(item=item)
        before = {"tracking": row.tracking, "expiry_required": bool(row.expiry_required),
                  "valuation_method": row.valuation_method} if row.id else None
        current = row.tracking if row.id else "none"
        if current != tracking and Move.select().where(Move.item == item).exists():
            raise TrackingInUse(item=item.code, field="tracking")
        method_changed = (row.valuation_method or None) != (valuation_method or None)
        row.tracking, row.expiry_required = tracking, bool(expiry_required and tracking == "lot")
        row.valuation_method = valuation_method or None
        row.save()
        audit.record("update", "item_stock", item.code, before=before,
                     after={"tracking": tracking, "expiry_required": row.expiry_required,
                            "valuation_method": row.valuation_method})
        if method_changed:
            from equisis.stock import valuation

            valuation.recompute_item(item)
    return row


def set_valuation_method(method: str) -> None:
    """The company's valuation method; every item without its own method is revalued from its moves."""
    if method not in rules.VALUATION_METHODS:
        raise InvalidValuationMethod(method, field="valuation_method")
    from equisis.stock import valuation

    with write():
        company_service.set_settings({VALUATION_METHOD: method})
        valuation.recompute_all()


def set_item_warehouse(item_code: str, warehouse_code: str, *, default_location: str | None = None,
                       min_qty_milli: int = 0, max_qty_milli: int = 0) -> ItemWarehouse:
    """The item's default location, minimum and maximum in one warehouse (0: no maximum)."""
    with write():
        item, warehouse = item_of(item_code), find_warehouse(warehouse_code)
        if max_qty_milli and max_qty_milli < min_qty_milli:
            raise InvalidLimits(item=item.code, field="max_qty")
        location = None
        if default_location:
            location = find_location(default_location)
            if location.warehouse_id != warehouse.id:
                raise LocationNotFound(code=default_location, field="default_location")
        row = ItemWarehouse.get_or_none((ItemWarehouse.item == item) & (ItemWarehouse.warehouse == warehouse)) \
            or ItemWarehouse(item=item, warehouse=warehouse)
        row.default_location, row.min_qty_milli, row.max_qty_milli = location, min_qty_milli, max_qty_milli
        row.save()
        audit.record("update", "item_warehouse", f"{item.code}@{warehouse.code}",
                     after={"default_location": location.code if location else None,
                            "min_qty_milli": min_qty_milli, "max_qty_milli": max_qty_milli})
    return row


@dataclass(frozen=True)
class WarehouseLimits:
    """What an item's stock settings screen says of one warehouse (quantities in the stock unit's thousandths)."""

    warehouse: str
    default_location: str | None = None
    min_qty_milli: int = 0
    max_qty_milli: int = 0

    @property
    def empty(self) -> bool:
        return not (self.default_location or self.min_qty_milli or self.max_qty_milli)


def item_warehouses(item) -> list[tuple[Warehouse, ItemWarehouse | None, list[Location]]]:
    """Per active warehouse: (warehouse, the item's settings there or None, the warehouse's locations)."""
    item = item_of(item)
    own = {r.warehouse_id: r for r in ItemWarehouse.select().where(ItemWarehouse.item == item)}
    places_by = {}
    for location in locations():
        places_by.setdefault(location.warehouse_id, []).append(location)
    return [(w, own.get(w.id), places_by.get(w.id, [])) for w in warehouses(active_only=True)]


def save_item_stock(item_code: str, *, tracking: str, expiry_required: bool, valuation_method: str | None,
                    limits: list[WarehouseLimits]) -> None:
    """The item's stock settings screen in one transaction, all or nothing: tracking, expiry, valuation method,
    and per warehouse the default location, minimum and maximum. Every problem at once; a warehouse's problem
    names its field with the warehouse ('max_qty-DEP')."""
    problems: list[EquisisError] = []
    with write():
        item = item_of(item_code)
        try:
            set_item_tracking(item.code, tracking=tracking, expiry_required=expiry_required,
                              valuation_method=valuation_method)
        except EquisisError as exc:
            problems.append(exc)
        for limit in limits:
            warehouse = find_warehouse(limit.warehouse)
            known = ItemWarehouse.get_or_none((ItemWarehouse.item == item) & (ItemWarehouse.warehouse == warehouse))
            if known is None and limit.empty:
                continue
            try:
                if limit.min_qty_milli < 0 or limit.max_qty_milli < 0:
                    raise InvalidLimits(item=item.code, field="min_qty")
                set_item_warehouse(item.code, warehouse.code, default_location=limit.default_location,
                                   min_qty_milli=limit.min_qty_milli, max_qty_milli=limit.max_qty_milli)
            except EquisisError as exc:
                exc.field = f"{exc.field}-{warehouse.code}"
                problems.append(exc)
        if problems:
            raise ValidationErrors(problems)
