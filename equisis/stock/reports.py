"""What the stock screens, exports and the other chains read: histories, traces, shortages.

Read-only queries; each answers in a bounded number of queries whatever the history's size
(the item history pages through the moves and starts its running quantity from the sum before the page).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN, fn

from equisis.catalog.models import Item
from equisis.stock import places, rules
from equisis.stock.errors import LotNotFound
from equisis.stock.models import ItemWarehouse, Location, Lot, Move, MoveValue, Quantity, Warehouse


@dataclass(frozen=True)
class HistoryLine:
    move_id: int
    day: object
    kind: str
    from_location: str
    to_location: str
    lot: str
    delta_milli: int
    running_milli: int
    value_cents: int | None
    doc_type: str
    doc_id: str
    doc_line: int
    party_id: int | None
    reason: str
    actor: str


def _moves_with_places():
    source, target = Location.alias(), Location.alias()
    return (Move.select(Move, source.code.alias("src_code"), target.code.alias("dst_code"), Lot.code.alias("lot_code"),
                        MoveValue.value_cents.alias("value"))
            .join(source, JOIN.LEFT_OUTER, on=(Move.from_location == source.id))
            .switch(Move).join(target, JOIN.LEFT_OUTER, on=(Move.to_location == target.id))
            .switch(Move).join(Lot, JOIN.LEFT_OUTER, on=(Move.lot == Lot.id))
            .switch(Move).join(MoveValue, JOIN.LEFT_OUTER, on=(MoveValue.move == Move.id)))


def _delta(move, location_ids: set | None) -> int:
    """The move's effect on the company's stock, or on a set of locations (a warehouse, one location)."""
    if location_ids is None:
        return {"in": move.qty_milli, "out": -move.qty_milli}.get(
            rules.direction_of(move.kind, move.from_location_id, move.to_location_id), 0)
    delta = 0
    if move.to_location_id in location_ids:
        delta += move.qty_milli
    if move.from_location_id in location_ids:
        delta -= move.qty_milli
    return delta


def item_history(item, *, warehouse: str | None = None, page: int = 1, page_size: int = 50
                 ) -> tuple[list[HistoryLine], int]:
    """The item's moves newest first, a page at a time, each with the quantity after it; (lines, total count)."""
    item = places.item_of(item)
    location_ids = None
    condition = Move.item == item
    if warehouse:
        location_ids = {x.id for x in places.locations(places.find_warehouse(warehouse))}
        condition &= (Move.from_location.in_(list(location_ids)) | Move.to_location.in_(list(location_ids)))
    total = Move.select().where(condition).count()
    rows = list(_moves_with_places().where(condition).order_by(Move.day.desc(), Move.id.desc())
                .paginate(page, page_size).objects())
    if not rows:
        return [], total
    last = rows[-1]
    older = (Move.day < last.day) | ((Move.day == last.day) & (Move.id < last.id))
    before = 0
    for move in Move.select(Move.kind, Move.from_location, Move.to_location, Move.qty_milli) \
            .where(condition & older).iterator():
        before += _delta(move, location_ids)
    deltas = [_delta(m, location_ids) for m in reversed(rows)]
    running = list(reversed(rules.running_quantities(deltas, before)))
    out = []
    for move, after in zip(rows, running):
        out.append(HistoryLine(move.id, move.day, move.kind, move.src_code or "", move.dst_code or "",
                               move.lot_code or "", _delta(move, location_ids), after, move.value, move.doc_type,
                               move.doc_id, move.doc_line, move.party_id, move.reason, move.actor))
    return out, total


def trace_lot(item, code: str) -> dict:
    """Full traceability of a lot or serial number: where it came from, where it went (customers), where it is."""
    item = places.item_of(item)
    lot = Lot.get_or_none((Lot.item == item) & (Lot.code == (code or "").strip().upper()))
    if lot is None:
        raise LotNotFound(item=item.code, lot=code, field="lot")
    moves = list(_moves_with_places().where(Move.lot == lot).order_by(Move.day, Move.id).objects())
    received = [m for m in moves if m.kind in ("receipt", "customer_return")]
    delivered = [m for m in moves if m.kind in ("delivery", "supplier_return")]
    here = (Quantity.select(Location.code, Quantity.qty_milli).join(Location)
            .where((Quantity.lot_id == lot.id) & (Quantity.qty_milli != 0)).tuples())
    return {"lot": lot, "item": item, "moves": moves, "received": received, "delivered": delivered,
            "customers": sorted({m.party_id for m in delivered if m.kind == "delivery" and m.party_id}),
            "in_stock": list(here)}


def lots_of(item, *, in_stock_only: bool = True) -> list[dict]:
    """The item's lots (or serials) with their quantity now, earliest expiry first."""
    item = places.item_of(item)
    qty = fn.COALESCE(fn.SUM(Quantity.qty_milli), 0)
    query = (Lot.select(Lot, qty.alias("qty")).join(Quantity, JOIN.LEFT_OUTER, on=(Quantity.lot_id == Lot.id))
             .where(Lot.item == item).group_by(Lot.id))
    rows = [{"code": x.code, "expiry": x.expiry, "is_serial": x.is_serial, "qty_milli": x.qty} for x in query]
    if in_stock_only:
        rows = [r for r in rows if r["qty_milli"]]
    return sorted(rows, key=lambda r: (r["expiry"] is None, r["expiry"] or "", r["code"]))


@dataclass(frozen=True)
class Shortage:
    item_code: str
    item_id: int
    warehouse: str
    qty_milli: int
    min_qty_milli: int
    max_qty_milli: int

    @property
    def to_order_milli(self) -> int:
        """Up to the maximum when there is one, else up to the minimum."""
        return max(self.max_qty_milli or self.min_qty_milli, self.min_qty_milli) - self.qty_milli


def shortages(warehouse: str | None = None) -> list[Shortage]:
    """Items below their minimum in a warehouse (the purchase chain turns these into orders)."""
    qty_by = defaultdict(int)
    query = (Quantity.select(Quantity.item, Location.warehouse, fn.SUM(Quantity.qty_milli)).join(Location)
             .group_by(Quantity.item, Location.warehouse))
    for item_id, wh, qty in query.tuples():
        qty_by[(item_id, wh)] = qty or 0
    limits = (ItemWarehouse.select(ItemWarehouse, Item.code, Warehouse.code.alias("wh_code"))
              .join(Item).switch(ItemWarehouse).join(Warehouse)
              .where(ItemWarehouse.min_qty_milli > 0).order_by(Warehouse.code, Item.code))
    if warehouse:
        limits = limits.where(Warehouse.code == warehouse.upper())
    out = []
    for row in limits.objects():
        qty = qty_by.get((row.item_id, row.warehouse_id), 0)
        if qty < row.min_qty_milli:
            out.append(Shortage(row.code, row.item_id, row.wh_code, qty, row.min_qty_milli, row.max_qty_milli))
    return out


def stock_list_query():
    """Items with their stock now (for the stock list screen): one row per item that has moved."""
    total = fn.SUM(Quantity.qty_milli)
    return (Item.select(Item.id, Item.code, Item.name_fr, Item.name_nl, Item.name_de, Item.name_en,
                        Item.stock_unit, total.alias("qty_milli"))
            .join(Quantity, on=(Quantity.item == Item.id)).group_by(Item.id))


@dataclass(frozen=True)
class GridCell:
    item_code: str | None         # None: no variant for this combination
    qty_milli: int


@dataclass(frozen=True)
class VariantGrid:
    """A parent item's stock as a grid: rows = first axis's values, columns = second's; one grid per value of a
    third axis (``page``)."""

    row_axis: str
    column_axis: str
    page_axis: str
    columns: tuple[str, ...]
    pages: list[tuple[str, list[tuple[str, list[GridCell], int]], list[int], int]]


def variant_grid(parent, *, warehouse: str | None = None) -> VariantGrid | None:
    """The stock of a parent's variants (size × colour), everywhere or in one warehouse; None without variants."""
    from equisis.catalog import variants

    parent = places.item_of(parent)
    axes = variants.variant_axes(parent)
    if not axes:
        return None
    found = variants.variants_of(parent)
    query = (Quantity.select(Quantity.item, fn.SUM(Quantity.qty_milli))
             .where(Quantity.item.in_([v.id for v, _ in found])).group_by(Quantity.item))
    if warehouse:
        query = query.join(Location).where(Location.warehouse == places.find_warehouse(warehouse))
    qty = dict(query.tuples())
    by_values = {tuple(values.get(a.number) for a in axes): v for v, values in found}
    rows_axis, cols_axis = axes[0], axes[1] if len(axes) > 1 else None
    page_axis = axes[2] if len(axes) > 2 else None
    columns = cols_axis.values if cols_axis else ("",)
    pages = []
    for page in (page_axis.values if page_axis else (None,)):
        lines, totals = [], [0] * len(columns)
        for row_value in rows_axis.values:
            cells = []
            for n, column in enumerate(columns):
                key = (row_value,) + ((column,) if cols_axis else ()) + ((page,) if page_axis else ())
                item = by_values.get(key)
                amount = (qty.get(item.id) or 0) if item else 0
                totals[n] += amount
                cells.append(GridCell(item.code if item else None, amount))
            lines.append((row_value, cells, sum(c.qty_milli for c in cells)))
        pages.append((page or "", lines, totals, sum(totals)))
    return VariantGrid(rows_axis.name, cols_axis.name if cols_axis else "", page_axis.name if page_axis else "",
                       tuple(columns), pages)
