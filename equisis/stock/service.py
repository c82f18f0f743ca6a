"""The one door every stock movement goes through: the till, sales, purchases, inventories and manual moves.

A caller describes what its document moves as :class:`MoveRequest` lines, each
naming the document that caused it (:class:`Source`: document type, id, line),
and calls :func:`post_moves` (all lines of a document in one transaction, all or
nothing) or one of the shortcuts :func:`receive`, :func:`deliver`,
:func:`customer_return`, :func:`supplier_return`, :func:`transfer`,
:func:`correct`, :func:`revalue`.

* Idempotent: a line's key is ``"<doc type>:<doc id>:<line>"`` (or the ``key`` it
  gives); a retried document finds its moves and moves nothing twice.
* Units: the quantity is in the line's unit (a purchase in boxes) and converted
  exactly to the stock unit with the catalog's conversions (a box of 12 adds 12
  pieces); a unit without a conversion is refused.
* Kits: moving a composite item moves its components (each move remembers the kit).
* Lots and serials: a lot-tracked item needs a lot when it comes in (and an
  expiry if the item requires one); going out without a lot, the lots are taken
  first-expired-first-out. A serial-tracked item moves one unit per serial number;
  a serial already in stock cannot come in again, one not in the location cannot leave it.
* Negative stock: the company's policy allows it, warns (the result carries the
  warnings) or blocks (NegativeStock).
* In the same transaction: the move row (append-only), the current quantity per item ×
  location × lot, and the valuation (:mod:`equisis.stock.valuation`).
"""
from __future__ import annotations

import contextvars
import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from peewee import fn

from equisis.catalog import service as catalog
from equisis.catalog.models import Item
from equisis.core.errors import EquisisError
from equisis.core.i18n import lazy_gettext
from equisis.stock import hot, places, rules, valuation
from equisis.stock.errors import (BackdatedMoveRefused, DuplicateSerial, ExpiryRequired, InvalidMoveKind,
                                  KitExplosionElsewhere,
                                  InvalidQuantity, LocationNotFound, LocationRequired, LotExpiryMismatch,
                                  LotNotFound, LotNotTracked, LotRequired, NegativeStock, NothingToRevalue,
                                  NotStocked, QuantityNotExact, ReasonRequired, SameLocation, SerialAlreadyInStock,
                                  SerialCountMismatch, SerialNotInStock, SerialRequired)
from equisis.stock.models import Inventory, ItemValue, Layer, Location, Lot, Move, Quantity
from equisis.stock.places import (create_location, create_warehouse, find_location, find_warehouse,  # noqa: F401
                                  item_settings, locations, negative_policy, set_item_tracking,
                                  set_item_warehouse, set_negative_policy, set_valuation_method, warehouses)
from equisis.store import audit
from equisis.store.database import write


@dataclass(frozen=True)
class Source:
    """The document that caused a move: ('sales_invoice', '42', 3), ('pos_ticket', '<uuid>', 1)…"""

    doc_type: str = "manual"
    doc_id: str = ""
    line: int = 0

    def key(self) -> str | None:
        return f"{self.doc_type}:{self.doc_id}:{self.line}" if self.doc_id else None


@dataclass(frozen=True)
class MoveRequest:
    """One line of stock movement. ``quantity_milli`` is in ``unit`` (None: the item's stock unit).

    ``from_location`` / ``to_location`` are location codes, or a warehouse's code (the item's default
    location there, else the main one). ``cost_cents`` is the value of an incoming quantity (a purchase
    line's net amount), or the signed change of a revaluation.
    """

    kind: str
    item: str | int | Item
    quantity_milli: int
    unit: str | None = None
    from_location: str | Location | None = None
    to_location: str | Location | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    serials: tuple[str, ...] = ()
    cost_cents: int | None = None
    day: dt.date | None = None
    source: Source | None = None
    party_id: int | None = None
    reason: str = ""
    key: str | None = None


@dataclass
class MoveResult:
    move_ids: list[int]
    created: bool = True
    warnings: list[EquisisError] = field(default_factory=list)

    @property
    def moves(self) -> list[Move]:
        return list(Move.select().where(Move.id.in_(self.move_ids)).order_by(Move.id))


@dataclass
class _Spec:
    """One row to write, after checks."""

    item: Item
    qty_milli: int
    entered_qty_milli: int
    entered_unit: str
    from_location: Location | None
    to_location: Location | None
    lot: Lot | None
    cost_cents: int | None
    kit_item: Item | None = None


# what one post_moves() call looked up already (items, locations, settings): a document of 100 lines reads its
# items and places once; nothing in it changes inside the transaction
_memo: contextvars.ContextVar = contextvars.ContextVar("equisis_stock_memo", default=None)


def _cached(key: tuple, compute):
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


# ----------------------------------------------------------------------------- public shortcuts

def post_moves(requests: list[MoveRequest]) -> list[MoveResult]:
    """Write the moves of one document, all or nothing; a line already written is returned, not moved again."""
    token = _memo.set({})
    try:
        with write():
            policy, results = places.negative_policy(), []
            for request in requests:
                results.append(_post_one(request, policy))
    finally:
        _memo.reset(token)
    return results


def move(kind: str, item, quantity_milli: int, **fields) -> MoveResult:
    return post_moves([MoveRequest(kind, item, quantity_milli, **fields)])[0]


def receive(item, quantity_milli: int, *, to: str, **fields) -> MoveResult:
    """Goods come in from a supplier (``cost_cents``: what the purchase line says they cost)."""
    return move("receipt", item, quantity_milli, to_location=to, **fields)


def deliver(item, quantity_milli: int, *, from_: str, **fields) -> MoveResult:
    """Goods leave to a customer (a sale, a till ticket)."""
    return move("delivery", item, quantity_milli, from_location=from_, **fields)


def customer_return(item, quantity_milli: int, *, to: str, **fields) -> MoveResult:
    return move("customer_return", item, quantity_milli, to_location=to, **fields)


def supplier_return(item, quantity_milli: int, *, from_: str, **fields) -> MoveResult:
    return move("supplier_return", item, quantity_milli, from_location=from_, **fields)


def transfer(item, quantity_milli: int, *, from_: str, to: str, **fields) -> MoveResult:
    return move("transfer", item, quantity_milli, from_location=from_, to_location=to, **fields)


def correct(item, delta_milli: int, *, location: str, reason: str, **fields) -> MoveResult:
    """A manual correction: ``delta`` > 0 adds to ``location``, < 0 takes from it; the reason is required."""
    if delta_milli > 0:
        return move("correction", item, delta_milli, to_location=location, reason=reason, **fields)
    return move("correction", item, -delta_milli, from_location=location, reason=reason, **fields)


def revalue(item, delta_cents: int, *, reason: str, day: dt.date | None = None, **fields) -> MoveResult:
    """A devaluation (< 0) or revaluation (> 0) of what is in stock, with its reason."""
    return move("revaluation", item, 0, cost_cents=delta_cents, reason=reason, day=day, **fields)


# ----------------------------------------------------------------------------- checks and writing

def _existing(key: str | None) -> MoveResult | None:
    if key is None:
        return None
    first = hot.move_id_by_key(key)
    if first is None:
        return None
    # the lines a kit, serials or lots split into carry "<key>#2", "<key>#3"…: a range on the unique index
    ids = [first] + [i for (i,) in Move.select(Move.id).where((Move.source_key > key + "#")
                                                                 & (Move.source_key < key + "$"))
                        .order_by(Move.id).tuples()]
    return MoveResult(ids, created=False)


def _stock_milli(item: Item, quantity_milli: int, unit: str) -> int:
    factor = _cached(("factor", item.id, unit), lambda: catalog.factor(item, unit))  # UnitConversionMissing
    qty = rules.to_stock_milli(quantity_milli, factor)
    if qty is None:
        raise QuantityNotExact(quantity=rules.format_quantity(quantity_milli), unit=unit, item=item.code,
                               stock_unit=item.stock_unit_id, field="quantity")
    return qty


def _closed_until(locations_touched) -> dt.date | None:
    warehouses = frozenset(x.warehouse_id for x in locations_touched if x is not None)
    return _cached(("closed", warehouses), lambda: _closed_until_of(warehouses))


def _closed_until_of(warehouses: frozenset) -> dt.date | None:
    closed = _cached(("closed setting",), places.closed_until)
    if warehouses:
        last = (Inventory.select(fn.MAX(Inventory.day))
                .where(Inventory.warehouse.in_(list(warehouses)) & (Inventory.state == "validated")
                       & (Inventory.scope == "full")).scalar())
        if last is not None:
            last = last if isinstance(last, dt.date) else dt.date.fromisoformat(str(last))
            closed = last if closed is None or last > closed else closed
    return closed


def _quantity(item_id: int, location_id: int, lot_id: int = 0) -> int:
    row = valuation.sql('SELECT "qty_milli" FROM "quantity" WHERE "item_id" = ? AND "location_id" = ? AND "lot_id" = ?',
                        (item_id, location_id, lot_id)).fetchone()
    return row[0] if row else 0


def _add_quantity(item_id: int, location_id: int, lot_id: int, delta: int) -> None:
    cursor = valuation.sql('UPDATE "quantity" SET "qty_milli" = "qty_milli" + ? '
                           'WHERE "item_id" = ? AND "location_id" = ? AND "lot_id" = ?',
                           (delta, item_id, location_id, lot_id))
    if not valuation.changed(cursor):
        valuation.sql('INSERT INTO "quantity" ("item_id", "location_id", "lot_id", "qty_milli") VALUES (?, ?, ?, ?)',
                      (item_id, location_id, lot_id, delta))


def _find_or_make_lot(item: Item, code: str, *, serial: bool, expiry: dt.date | None, required_expiry: bool,
                      incoming: bool) -> Lot:
    try:
        code = rules.check_code(code)
    except ValueError:
        raise LotNotFound(item=item.code, lot=code, field="lot") from None
    lot = Lot.get_or_none((Lot.item == item) & (Lot.code == code))
    if lot is None:
        if not incoming:
            raise LotNotFound(item=item.code, lot=code, field="lot")
        if required_expiry and expiry is None:
            raise ExpiryRequired(item=item.code, lot=code, field="expiry")
        return Lot.create(item=item, code=code, is_serial=serial, expiry=expiry, created_at=audit.now_iso())
    if incoming and expiry is not None and lot.expiry is not None and lot.expiry != expiry:
        raise LotExpiryMismatch(item=item.code, lot=code, expiry=lot.expiry.strftime("%d/%m/%Y"),
                                given=expiry.strftime("%d/%m/%Y"), field="expiry")
    return lot


def _split_by_tracking(request: MoveRequest, item: Item, qty: int, src: Location | None, dst: Location | None,
                       direction: str, policy: str) -> list[tuple[Lot | None, int]]:
    """[(lot, qty)] the line becomes: one per serial, the lot given, or lots chosen first-expired-first-out."""
    settings = _settings(item)
    incoming = direction == "in"
    if settings.tracking == "none":
        if request.lot or request.serials:
            raise LotNotTracked(item=item.code, field="lot")
        return [(None, qty)]
    if settings.tracking == "serial":
        serials = list(request.serials) or ([request.lot] if request.lot else [])
        if not serials:
            raise SerialRequired(item=item.code, count=rules.format_quantity(qty), field="serials")
        if qty != rules.ONE * len(serials):
            raise SerialCountMismatch(item=item.code, count=len(serials), quantity=rules.format_quantity(qty),
                                      field="serials")
        seen, out = set(), []
        for text in serials:
            lot = _find_or_make_lot(item, text, serial=True, expiry=None, required_expiry=False, incoming=incoming)
            if lot.code in seen:
                raise DuplicateSerial(serial=lot.code, field="serials")
            seen.add(lot.code)
            if incoming:
                where = (Quantity.select(Location.code).join(Location)
                         .where((Quantity.item == item) & (Quantity.lot_id == lot.id) & (Quantity.qty_milli > 0))
                         .scalar())
                if where:
                    raise SerialAlreadyInStock(serial=lot.code, item=item.code, location=where, field="serials")
            elif _quantity(item.id, src.id, lot.id) < rules.ONE:
                raise SerialNotInStock(serial=lot.code, item=item.code, location=src.code, field="serials")
            out.append((lot, rules.ONE))
        return out
    # lot
    if request.lot:
        lot = _find_or_make_lot(item, request.lot, serial=False, expiry=request.expiry,
                                required_expiry=bool(settings.expiry_required), incoming=incoming)
        return [(lot, qty)]
    if incoming:
        raise LotRequired(item=item.code, field="lot")
    return suggest_lots(item, src, qty, fill=policy != "block")


def _settings(item: Item):
    return _cached(("settings", item.id), lambda: hot.item_stock(item))


def _item(item) -> Item:
    """The item of a request (code or id): fixed SQL, the catalog's lookup for the error when unknown."""
    if isinstance(item, Item):
        return item
    return _cached(("item", item), lambda: hot.item(item) or places.item_of(item))


def _resolve(code, item: Item) -> Location | None:
    """:func:`places.resolve_location` on the hot path: places read once per document, fixed SQL."""
    if code is None or isinstance(code, Location):
        return code
    text = (code or "").strip().upper()
    if not text:
        return None
    location, warehouse = _cached(("place", text), lambda: hot.place(text))
    if warehouse is not None:
        default = hot.default_location_id(item.id, warehouse.id)
        if default:
            return _cached(("location", default), lambda: hot.location(default))
        return location or _cached(("main", warehouse.id), lambda: hot.main_location(warehouse.id))
    if location is None:
        raise LocationNotFound(code=code, field="location")
    return location


def _method(item: Item) -> str:
    own = _settings(item).valuation_method
    return own or _cached(("company method",), places.valuation_method)


def suggest_lots(item: Item, location: Location, qty_milli: int, *, fill: bool = False
                 ) -> list[tuple[Lot | None, int]]:
    """The lots to take ``qty`` from in ``location``, earliest expiry first; ``fill`` puts what the lots lack on
    the last lot (else the shortfall is left for the negative-stock check to refuse)."""
    rows = (Quantity.select(Lot.id, Lot.code, Lot.expiry, Quantity.qty_milli).join(Lot, on=(Quantity.lot_id == Lot.id))
            .where((Quantity.item == item) & (Quantity.location == location) & (Quantity.qty_milli > 0)).tuples())
    plan = rules.first_expired_first_out([rules.LotStock(*row) for row in rows], qty_milli)
    out = [(Lot.get_by_id(lot.lot_id), part) for lot, part in plan]
    short = qty_milli - sum(part for _, part in out)
    if short:
        if out and fill:
            out[-1] = (out[-1][0], out[-1][1] + short)
        elif fill:
            # none of the item's lots is here (a sale the till cannot refuse): the lot that expires first
            # wherever it is, else the latest lot; the negative quantity shows where the count is wrong
            elsewhere = (Lot.select().join(Quantity, on=(Quantity.lot_id == Lot.id))
                         .where((Quantity.item == item) & (Quantity.qty_milli > 0))
                         .order_by(Lot.expiry.asc(nulls="LAST"), Lot.id).first()
                         or Lot.select().where(Lot.item == item).order_by(Lot.id.desc()).first())
            out.append((elsewhere, short))
        else:
            out.append((out[-1][0] if out else None, short))
    return out


def _lines_of(request: MoveRequest, item: Item) -> list[tuple[Item, int, int, str, Item | None]]:
    """[(item, stock qty, entered qty, entered unit, kit)]: a kit becomes its components."""
    unit = request.unit or item.stock_unit_id
    components = _cached(("kit", item.id), lambda: hot.kit_components(item.id))
    # a kit explosion moves the kit itself (out) and its components (in): see equisis.stock.kits
    if not components or request.kind in ("revaluation", "kit_explosion"):
        qty = _stock_milli(item, request.quantity_milli, unit) if request.quantity_milli else 0
        return [(item, qty, request.quantity_milli, unit, None)]
    kits = _stock_milli(item, request.quantity_milli, unit)
    out = []
    for component, per_kit_milli in components:
        entered = Fraction(kits * per_kit_milli, rules.ONE)
        if entered.denominator != 1:
            raise QuantityNotExact(quantity=rules.format_quantity(request.quantity_milli), unit=unit,
                                   item=item.code, stock_unit=item.stock_unit_id, field="quantity")
        out.append((component, _stock_milli(component, int(entered), component.sale_unit_id), int(entered),
                    component.sale_unit_id, item))
    return out


def _post_one(request: MoveRequest, policy: str) -> MoveResult:
    key = request.key or (request.source.key() if request.source else None)
    seen = _existing(key)
    if seen is not None:
        return seen
    if request.kind not in rules.MOVE_KINDS:
        raise InvalidMoveKind(request.kind, field="kind")
    if request.kind == "kit_explosion" and not (key or "").startswith("kit_explosion:"):
        raise KitExplosionElsewhere(field="kind")        # only equisis.stock.kits.explode moves kits apart
    item = _item(request.item)
    if item.nature == "services":
        raise NotStocked(item=item.code, field="item")
    day = request.day or dt.date.today()
    reason = (request.reason or "").strip()[:200]
    if request.kind in ("correction", "revaluation") and not reason:
        raise ReasonRequired(field="reason")
    if request.kind == "revaluation":
        return _revaluation(request, item, day, reason, key)
    if request.quantity_milli <= 0:
        raise InvalidQuantity(rules.format_quantity(request.quantity_milli), field="quantity")
    specs = []
    for line_item, qty, entered, unit, kit in _lines_of(request, item):
        src = _resolve(request.from_location, line_item)
        dst = _resolve(request.to_location, line_item)
        direction = _check_ends(request.kind, src, dst)
        lines = _split_by_tracking(request, line_item, qty, src, dst, direction, policy)
        cost = request.cost_cents if direction == "in" and kit is None else None
        given = 0
        for index, (lot, part) in enumerate(lines):
            part_cost = None
            if cost is not None:
                part_cost = cost - given if index == len(lines) - 1 else rules.share(cost, part, qty)
                given += part_cost
            part_entered = entered if len(lines) == 1 else rules.share(entered, part, qty)
            specs.append(_Spec(line_item, part, part_entered, unit, src, dst, lot, part_cost, kit))
    closed = _closed_until([x for s in specs for x in (s.from_location, s.to_location)])
    if rules.is_backdated_refused(day, closed):
        raise BackdatedMoveRefused(closed_until=closed.strftime("%d/%m/%Y"), day=day.strftime("%d/%m/%Y"),
                                   field="day")
    result = MoveResult([])
    for index, spec in enumerate(specs):
        if spec.from_location is not None:
            lot_id = spec.lot.id if spec.lot else 0
            available = _quantity(spec.item.id, spec.from_location.id, lot_id)
            if spec.qty_milli > available:
                problem = NegativeStock(item=spec.item.code, location=spec.from_location.code,
                                        available=rules.format_quantity(available),
                                        wanted=rules.format_quantity(spec.qty_milli), field="quantity")
                if rules.is_refused_as_negative(policy, available, spec.qty_milli):
                    raise problem
                if policy == "warn":
                    result.warnings.append(problem)
        line_key = None if key is None else (key if index == 0 else f"{key}#{index + 1}")
        result.move_ids.append(_write(request, spec, day, reason, line_key))
    return result


def _check_ends(kind: str, src: Location | None, dst: Location | None) -> str:
    direction = rules.MOVE_KINDS[kind]
    if direction == "in" and (dst is None or src is not None):
        raise LocationRequired(kind=lazy_gettext(rules.KIND_LABELS.get(kind, kind)), field="to_location")
    if direction == "out" and (src is None or dst is not None):
        raise LocationRequired(kind=lazy_gettext(rules.KIND_LABELS.get(kind, kind)), field="from_location")
    if direction == "move":
        if src is None or dst is None:
            raise LocationRequired(kind=lazy_gettext(rules.KIND_LABELS.get(kind, kind)), field="to_location" if src else "from_location")
        if src.id == dst.id:
            raise SameLocation(code=src.code, field="to_location")
    if direction == "either" and (src is None) == (dst is None):
        raise LocationRequired(kind=lazy_gettext(rules.KIND_LABELS.get(kind, kind)), field="location")
    return rules.direction_of(kind, src, dst)


def _write(request: MoveRequest, spec: _Spec, day: dt.date, reason: str, key: str | None) -> int:
    source = request.source or Source()
    row = hot.insert_move(kind=request.kind, day=day, at=audit.now_iso(), item=spec.item, qty_milli=spec.qty_milli,
                      entered_qty_milli=spec.entered_qty_milli, entered_unit=spec.entered_unit,
                      from_location=spec.from_location, to_location=spec.to_location, lot=spec.lot,
                      cost_cents=spec.cost_cents, kit_item=spec.kit_item, doc_type=source.doc_type,
                      doc_id=str(source.doc_id), doc_line=source.line, source_key=key, party_id=request.party_id,
                      reason=reason, actor=audit.current_actor())
    lot_id = spec.lot.id if spec.lot else 0
    month = rules.month_of(day)
    if spec.from_location is not None:
        _add_quantity(spec.item.id, spec.from_location.id, lot_id, -spec.qty_milli)
    if spec.to_location is not None:
        _add_quantity(spec.item.id, spec.to_location.id, lot_id, spec.qty_milli)
    src_wh = spec.from_location.warehouse_id if spec.from_location else None
    dst_wh = spec.to_location.warehouse_id if spec.to_location else None
    if src_wh != dst_wh:
        if src_wh:
            valuation.bump_warehouse_month(spec.item.id, src_wh, month, -spec.qty_milli)
        if dst_wh:
            valuation.bump_warehouse_month(spec.item.id, dst_wh, month, spec.qty_milli)
    valuation.apply_move(row, rules.direction_of(request.kind, spec.from_location, spec.to_location), spec.item,
                         method=_method(spec.item))
    return row.id


def _revaluation(request: MoveRequest, item: Item, day: dt.date, reason: str, key: str | None) -> MoveResult:
    closed = places.closed_until()
    if rules.is_backdated_refused(day, closed):
        raise BackdatedMoveRefused(closed_until=closed.strftime("%d/%m/%Y"), day=day.strftime("%d/%m/%Y"),
                                   field="day")
    state = ItemValue.get_or_none(ItemValue.item == item.id)
    in_stock = (Layer.select(fn.SUM(Layer.qty_milli)).where((Layer.item == item.id) & (Layer.qty_milli > 0))
                .scalar() or 0)
    if state is None or in_stock <= 0 or not request.cost_cents:
        raise NothingToRevalue(item=item.code, day=day.strftime("%d/%m/%Y"), field="item")
    spec = _Spec(item, 0, 0, item.stock_unit_id, None, None, None, request.cost_cents)
    move_id = _write(request, spec, day, reason, key)
    audit.record("create", "stock_revaluation", move_id, after={"item": item.code, "delta_cents": request.cost_cents,
                                                                 "reason": reason, "day": day.isoformat()})
    return MoveResult([move_id])


# ----------------------------------------------------------------------------- reading

def quantity_of(item, *, location: str | None = None, warehouse: str | None = None) -> int:
    """What is in stock now of an item: in one location, one warehouse, or everywhere."""
    item = places.item_of(item)
    query = Quantity.select(fn.SUM(Quantity.qty_milli)).where(Quantity.item == item)
    if location:
        query = query.where(Quantity.location == places.find_location(location))
    if warehouse:
        query = query.join(Location).where(Location.warehouse == places.find_warehouse(warehouse))
    return query.scalar() or 0


def stock_of(item) -> list[dict]:
    """The item's stock per location and lot (non-zero rows), with warehouse, lot and expiry."""
    item = places.item_of(item)
    from equisis.stock.models import Warehouse

    rows = (Quantity.select(Quantity.qty_milli, Location.code, Warehouse.code, Quantity.lot_id)
            .join(Location).join(Warehouse)
            .where((Quantity.item == item) & (Quantity.qty_milli != 0))
            .order_by(Warehouse.code, Location.code, Quantity.lot_id).tuples())
    lots = {lot.id: lot for lot in Lot.select().where(Lot.item == item)}
    out = []
    for qty, location, warehouse, lot_id in rows:
        lot = lots.get(lot_id)
        out.append({"warehouse": warehouse, "location": location, "lot": lot.code if lot else "",
                    "expiry": lot.expiry if lot else None, "qty_milli": qty})
    return out
