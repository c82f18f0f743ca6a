"""Inventories: open a count, enter counts (screen, Excel file, WebScan), review the variances, validate.

A count covers a warehouse: all of it (``full``), the locations whose code starts with a prefix, or one
family (``partial``). Counts are stored per item × location × lot; a scan *adds* to what was counted there
(three scans of a tin = 3), a typed count *sets* it.

Variances compare the count with the quantity the location held at the end of the inventory's day (moves
dated later - the shop kept selling - do not distort it). Validation turns each variance into an
``inventory`` move, dated the inventory's day, keyed by inventory and line: the adjustments are written once
(validating again is refused with InventoryAlreadyValidated, and the database freezes a validated inventory
and its counts). A full inventory also closes its warehouse's stock up to its day (back-dated moves refused).

Which stock lines a validation sets to zero when nobody counted them: in a full inventory every line of
the warehouse; in a partial one, only the lines of the locations where something was counted (count by
location), within the family when the inventory is for one family.
"""
from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from peewee import fn

from equisis.catalog import service as catalog
from equisis.catalog.models import Family, Item
from equisis.core.errors import ValidationErrors
from equisis.core.i18n import lazy_gettext
from equisis.stock import places, rules
from equisis.stock import service as stock_service
from equisis.stock.errors import (BadCountRow, CountFileEmpty, CountFileUnreadable, InventoryAlreadyValidated,
                                  InventoryClosed, InventoryNotFound, LocationOutsideInventory, LotNotFound,
                                  OpenInventoryExists, UnknownBarcode, UnknownCountLocation)
from equisis.stock.models import Inventory, InventoryCount, Location, Lot, Move, Quantity
from equisis.store import audit, idempotency
from equisis.store.database import write
from equisis.store.numbering import format_number, take_next_number

JOURNAL = "INV"


@dataclass(frozen=True)
class CountInput:
    """One count: an item code or barcode, a location code, a lot/serial (or ''), a quantity in thousandths."""

    code: str
    location: str
    qty_milli: int
    lot: str = ""
    row: int = 0


@dataclass(frozen=True)
class CountLine:
    item_id: int
    item_code: str
    location: str
    lot: str
    lot_id: int
    expected_milli: int
    counted_milli: int | None

    @property
    def variance_milli(self) -> int:
        return 0 if self.counted_milli is None else self.counted_milli - self.expected_milli


def find_inventory(number: str | int) -> Inventory:
    if isinstance(number, int) or str(number).isdigit():
        row = Inventory.get_or_none(Inventory.id == int(number))
    else:
        row = Inventory.get_or_none(Inventory.number == str(number).strip().upper())
    if row is None:
        raise InventoryNotFound(code=number, field="inventory")
    return row


def inventories(*, state: str | None = None) -> list[Inventory]:
    query = Inventory.select().order_by(Inventory.id.desc())
    if state:
        query = query.where(Inventory.state == state)
    return list(query)


def open_inventory(warehouse: str, *, day: dt.date | None = None, location_prefix: str = "",
                   family: str | None = None) -> Inventory:
    """Start a count of ``warehouse`` (all of it, or the locations starting with a prefix, or one family)."""
    day = day or dt.date.today()
    with write():
        wh = places.find_warehouse(warehouse)
        other = Inventory.get_or_none((Inventory.warehouse == wh) & (Inventory.state == "counting"))
        if other is not None:
            raise OpenInventoryExists(code=other.number, field="warehouse")
        fam = catalog.find_family(family) if family else None
        prefix = (location_prefix or "").strip().upper()
        number = format_number(JOURNAL, str(day.year), take_next_number(JOURNAL, str(day.year)))
        inventory = Inventory.create(number=number, warehouse=wh, day=day,
                                     scope="partial" if (prefix or fam) else "full", location_prefix=prefix,
                                     family=fam, created_at=audit.now_iso(), created_by=audit.current_actor())
        audit.record("create", "inventory", number, after={"warehouse": wh.code, "day": day.isoformat(),
                                                           "scope": inventory.scope, "prefix": prefix,
                                                           "family": fam.code if fam else None})
    return inventory


def _scope_locations(inventory: Inventory) -> dict[int, str]:
    query = Location.select(Location.id, Location.code).where(Location.warehouse == inventory.warehouse_id)
    if inventory.location_prefix:
        query = query.where(Location.code.startswith(inventory.location_prefix))
    return dict(query.tuples())


def _in_family(inventory: Inventory) -> set[int] | None:
    if not inventory.family_id:
        return None
    family_ids = {inventory.family_id}
    grew = True
    while grew:  # the family and its sub-families
        children = {i for (i,) in Family.select(Family.id).where(Family.parent.in_(list(family_ids))).tuples()}
        grew = not children <= family_ids
        family_ids |= children
    return {i for (i,) in Item.select(Item.id).where(Item.family.in_(list(family_ids))).tuples()}


def expected_quantities(inventory: Inventory) -> dict[tuple[int, int, int], int]:
    """{(item, location, lot): qty at the end of the inventory's day} for the inventory's scope."""
    scope = _scope_locations(inventory)
    ids = list(scope)
    result = defaultdict(int)
    for item, location, lot, qty in (Quantity.select(Quantity.item, Quantity.location, Quantity.lot_id,
                                                     Quantity.qty_milli)
                                     .where(Quantity.location.in_(ids) & (Quantity.qty_milli != 0)).tuples()):
        result[(item, location, lot)] += qty
    later = Move.select(Move.item, Move.from_location, Move.to_location, Move.lot, Move.qty_milli) \
        .where((Move.day > inventory.day) & (Move.from_location.in_(ids) | Move.to_location.in_(ids)))
    for item, src, dst, lot, qty in later.tuples():
        if dst in scope:
            result[(item, dst, lot or 0)] -= qty
        if src in scope:
            result[(item, src, lot or 0)] += qty
    wanted = _in_family(inventory)
    return {k: v for k, v in result.items() if wanted is None or k[0] in wanted}


def count_lines(inventory: Inventory) -> list[CountLine]:
    """Every line of the inventory: what the stock expected and what was counted, by location then item."""
    expected = expected_quantities(inventory)
    counted = {(c.item_id, c.location_id, c.lot_id): c.counted_qty_milli
               for c in InventoryCount.select().where(InventoryCount.inventory == inventory)}
    keys = set(expected) | set(counted)
    items = dict(Item.select(Item.id, Item.code).where(Item.id.in_([k[0] for k in keys])).tuples()) if keys else {}
    codes = dict(Location.select(Location.id, Location.code).tuples())
    lots = dict(Lot.select(Lot.id, Lot.code).where(Lot.id.in_([k[2] for k in keys if k[2]])).tuples()) if keys else {}
    lines = [CountLine(k[0], items[k[0]], codes[k[1]], lots.get(k[2], ""), k[2], expected.get(k, 0), counted.get(k))
             for k in keys]
    return sorted(lines, key=lambda x: (x.location, x.item_code, x.lot))


def _resolve(inventory: Inventory, counts: list[CountInput], scope: dict[int, str]) -> list[tuple]:
    """[(item, location id, lot id, qty)] or ValidationErrors listing every unknown code (nothing applied)."""
    by_code = {code: i for i, code in scope.items()}
    problems, out = [], []
    for n, count in enumerate(counts, start=1):
        row = count.row or n
        text = (count.code or "").strip()
        item = catalog.find_by_barcode(text) or Item.get_or_none(Item.code == text.upper())
        if item is None:
            problems.append(UnknownBarcode(row=row, code=text, field=f"rows-{row}-code"))
            continue
        location_id = by_code.get((count.location or "").strip().upper())
        if location_id is None:
            problems.append(UnknownCountLocation(row=row, code=count.location, field=f"rows-{row}-location"))
            continue
        lot_id = 0
        if count.lot:
            lot = Lot.get_or_none((Lot.item == item) & (Lot.code == count.lot.strip().upper()))
            if lot is None:
                problems.append(LotNotFound(item=item.code, lot=count.lot, field=f"rows-{row}-lot"))
                continue
            lot_id = lot.id
        if count.qty_milli < 0:
            problems.append(BadCountRow(row=row, value=rules.format_quantity(count.qty_milli),
                                        field=f"rows-{row}-quantity"))
            continue
        out.append((item, location_id, lot_id, count.qty_milli))
    if problems:
        raise ValidationErrors(problems)
    return out


def record_counts(number: str | int, counts: list[CountInput], *, mode: str = "add", key: str | None = None) -> int:
    """Store counts (``add``: scans add up; ``set``: a typed count replaces); all or nothing. Returns the rows
    touched; a retried submit with the same ``key`` stores nothing twice."""
    def create():
        inventory = find_inventory(number)
        if inventory.state != "counting":
            raise InventoryClosed(code=inventory.number, state=lazy_gettext(rules.INVENTORY_STATE_LABELS[inventory.state]), field="inventory")
        rows = _resolve(inventory, counts, _scope_locations(inventory))
        now, actor = audit.now_iso(), audit.current_actor()
        for item, location_id, lot_id, qty in rows:
            where = ((InventoryCount.inventory == inventory) & (InventoryCount.item == item)
                     & (InventoryCount.location == location_id) & (InventoryCount.lot_id == lot_id))
            new = InventoryCount.counted_qty_milli + qty if mode == "add" else qty
            if not InventoryCount.update(counted_qty_milli=new, counted_by=actor, counted_at=now).where(where).execute():
                InventoryCount.create(inventory=inventory, item=item, location=location_id, lot_id=lot_id,
                                      counted_qty_milli=qty, counted_by=actor, counted_at=now)
        audit.record("update", "inventory", inventory.number, after={"counts": len(rows), "mode": mode})
        return len(rows)

    ref, _created = idempotency.once(key, "stock.inventory.counts", create)
    return int(ref)


def read_count_file(content: bytes) -> list[CountInput]:
    """Rows of an .xlsx count file: columns named code (or barcode), location, lot, quantity (any order)."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:  # noqa: BLE001 - any unreadable file is the user's, not a bug
        raise CountFileUnreadable(field="file") from None
    if not rows:
        raise CountFileEmpty(field="file")
    header = [str(x or "").strip().lower() for x in rows[0]]
    names = {"code": ("code", "barcode", "item", "ean"), "location": ("location", "emplacement", "locatie"),
             "lot": ("lot", "serial"), "quantity": ("quantity", "qty", "counted", "quantité", "aantal")}
    column = {key: next((header.index(a) for a in aliases if a in header), None) for key, aliases in names.items()}
    if column["code"] is None or column["quantity"] is None:
        raise CountFileEmpty(field="file")
    out, problems = [], []
    for n, values in enumerate(rows[1:], start=2):
        def cell(key):
            index = column[key]
            return values[index] if index is not None and index < len(values) else None
        code, qty = cell("code"), cell("quantity")
        if code in (None, "") and qty in (None, ""):
            continue
        try:
            milli = 0 if str(qty).strip() in ("0", "0.0") else rules.parse_quantity(str(qty))
        except (ValueError, TypeError):
            problems.append(BadCountRow(row=n, value=str(qty), field=f"rows-{n}-quantity"))
            continue
        code_text = str(int(code)) if isinstance(code, float) and code.is_integer() else str(code or "")
        out.append(CountInput(code_text, str(cell("location") or ""), milli, str(cell("lot") or ""), row=n))
    if problems:
        raise ValidationErrors(problems)
    if not out:
        raise CountFileEmpty(field="file")
    return out


def import_counts(number: str | int, content: bytes, *, default_location: str = "") -> int:
    """Counts from an Excel file (they set the counted quantity); unknown barcodes are all listed, nothing applied."""
    rows = read_count_file(content)
    if default_location:
        rows = [CountInput(r.code, r.location or default_location, r.qty_milli, r.lot, r.row) for r in rows]
    return record_counts(number, rows, mode="set")


def validate(number: str | int) -> list[int]:
    """Turn the variances into inventory moves (once); returns the ids of the adjustment moves."""
    with write():
        inventory = find_inventory(number)
        if inventory.state == "validated":
            raise InventoryAlreadyValidated(code=inventory.number, field="inventory")
        if inventory.state != "counting":
            raise InventoryClosed(code=inventory.number, state=lazy_gettext(rules.INVENTORY_STATE_LABELS[inventory.state]), field="inventory")
        lines = count_lines(inventory)
        counted_locations = {x.location for x in lines if x.counted_milli is not None}
        requests = []
        for n, line in enumerate(lines, start=1):
            counted = line.counted_milli
            if counted is None:
                if inventory.scope == "partial" and line.location not in counted_locations:
                    continue
                counted = 0
            variance = counted - line.expected_milli
            if variance == 0:
                continue
            ends = {"to_location": line.location} if variance > 0 else {"from_location": line.location}
            requests.append(stock_service.MoveRequest(
                "inventory", line.item_id, abs(variance), lot=line.lot or None, day=inventory.day,
                source=stock_service.Source("inventory", inventory.number, n),
                reason=inventory.number, **ends))
        results = stock_service.post_moves(requests)
        inventory.state, inventory.validated_at, inventory.validated_by = ("validated", audit.now_iso(),
                                                                           audit.current_actor())
        inventory.save()
        audit.record("post", "inventory", inventory.number, after={"adjustments": len(requests)})
    return [i for r in results for i in r.move_ids]


def cancel(number: str | int) -> Inventory:
    with write():
        inventory = find_inventory(number)
        if inventory.state != "counting":
            raise InventoryClosed(code=inventory.number, state=lazy_gettext(rules.INVENTORY_STATE_LABELS[inventory.state]), field="inventory")
        inventory.state = "cancelled"
        inventory.save()
        audit.record("cancel", "inventory", inventory.number)
    return inventory


def check_location(number: str | int, code: str) -> Location:
    """The location a WebScan clerk scanned, refused when the inventory does not cover it."""
    inventory = find_inventory(number)
    location = places.find_location(code)
    if location.id not in _scope_locations(inventory):
        raise LocationOutsideInventory(code=location.code, inventory=inventory.number, field="location")
    return location


def counted_total(inventory: Inventory) -> int:
    return InventoryCount.select(fn.COUNT(InventoryCount.id)).where(InventoryCount.inventory == inventory).scalar()
