"""Valuation kept with the moves: layers, values of moves, monthly summaries, stock value at a date.

Every move is valued in the transaction that writes it (:func:`apply_move`). The
values are *derived* data: the moves are the facts (quantities, and the cost a
purchase document gave), so the valuation of one item can be thrown away and
replayed from its moves at any time (:func:`recompute_item`).

Back-dated moves (documented policy, tested in tests/stock/test_valuation.py):

* a move dated on or before the stock's closing date (``stock.closed_until``:
  the last validated full inventory, or the year-end stock closing) is refused;
* otherwise a move dated before the item's latest move is accepted and the
  item's valuation - and only that item's - is replayed from its moves in date
  order, so later deliveries get the cost they would have had.

The stock value at a date sums the monthly changes (:class:`ItemMonth`) of the
months before the date's month and the values of the moves of that month up to
the date: a year-end value reads about twelve summary rows per item, not the
history.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN, fn

from equisis.catalog.models import Family, Item
from equisis.stock import hot, places, rules
from equisis.stock.hot import changed, sql  # noqa: F401 - the hot path's fixed SQL
from equisis.stock.models import ItemMonth, ItemValue, Layer, Location, Move, MoveValue, Warehouse, WarehouseMonth


def _delta(move: Move, direction: str) -> int:
    return {"in": move.qty_milli, "out": -move.qty_milli}.get(direction, 0)


def _load_layers(item_id: int) -> list[rules.Layer]:
    return [rules.Layer(*row) for row in
            sql('SELECT "ref", "qty_milli", "value_cents" FROM "layer" WHERE "item_id" = ? ORDER BY "id"', (item_id,))]


def _store_layers(item_id: int, layers: list[rules.Layer]) -> None:
    sql('DELETE FROM "layer" WHERE "item_id" = ?', (item_id,))
    for x in layers:
        sql('INSERT INTO "layer" ("item_id", "ref", "qty_milli", "value_cents") VALUES (?, ?, ?, ?)',
            (item_id, x.ref, x.qty_milli, x.value_cents))


def _bump_month(item_id: int, month: str, qty: int, value: int) -> None:
    cursor = sql('UPDATE "item_month" SET "qty_milli" = "qty_milli" + ?, "value_cents" = "value_cents" + ? '
                 'WHERE "item_id" = ? AND "month" = ?', (qty, value, item_id, month))
    if not changed(cursor):
        sql('INSERT INTO "item_month" ("item_id", "month", "qty_milli", "value_cents") VALUES (?, ?, ?, ?)',
            (item_id, month, qty, value))


def bump_warehouse_month(item_id: int, warehouse_id: int, month: str, qty: int) -> None:
    cursor = sql('UPDATE "warehouse_month" SET "qty_milli" = "qty_milli" + ? '
                 'WHERE "item_id" = ? AND "warehouse_id" = ? AND "month" = ?', (qty, item_id, warehouse_id, month))
    if not changed(cursor):
        sql('INSERT INTO "warehouse_month" ("item_id", "warehouse_id", "month", "qty_milli") VALUES (?, ?, ?, ?)',
            (item_id, warehouse_id, month, qty))


def _value_one(move: Move, direction: str, method: str, layers: list, last_cost_e4: int
               ) -> tuple[int, list, int]:
    """(value of the move, layers after it, last unit cost) - the engine of rules.py applied to one move."""
    if direction == "in":
        if move.cost_cents is not None:
            value = move.cost_cents
        else:
            value = rules.value_at_cost(move.qty_milli, rules.current_unit_cost(layers, last_cost_e4))
        layers = rules.receive(layers, method, move.id, move.qty_milli, value)
        if move.qty_milli:
            last_cost_e4 = rules.unit_cost_e4(value, move.qty_milli) if value >= 0 else last_cost_e4
        return value, layers, last_cost_e4
    if direction == "out":
        value, layers = rules.issue(layers, method, move.qty_milli, last_cost_e4=last_cost_e4)
        return -value, layers, last_cost_e4
    if direction == "value":
        try:
            return move.cost_cents, rules.revalue(layers, move.cost_cents), last_cost_e4
        except ValueError:  # replayed onto a day without stock: the revaluation no longer applies
            return 0, layers, last_cost_e4
    return 0, layers, last_cost_e4


def apply_move(move: Move, direction: str, item: Item, *, method: str | None = None) -> int:
    """Value one new move (inside its write()); a back-dated one replays the item. Returns the move's value."""
    state = hot.item_value(item.id)
    method = method or places.method_for(item)
    if state is not None and (state.method != method or (state.last_day and move.day < state.last_day)):
        recompute_item(item)
        return MoveValue.get_by_id(move.id).value_cents
    new = state is None
    if new:
        state = ItemValue(item=item.id, method=method, qty_milli=0, value_cents=0, last_cost_e4=0)
    layers = _load_layers(item.id)
    value, layers, last_cost = _value_one(move, direction, method, layers, state.last_cost_e4)
    _store_layers(item.id, layers)
    sql('INSERT INTO "move_value" ("move_id", "item_id", "day", "value_cents") VALUES (?, ?, ?, ?)',
        (move.id, item.id, move.day.isoformat(), value))
    qty = _delta(move, direction)
    _bump_month(item.id, rules.month_of(move.day), qty, value)
    state.qty_milli += qty
    state.value_cents += value
    state.last_cost_e4 = last_cost
    state.last_day = move.day if state.last_day is None or move.day > state.last_day else state.last_day
    hot.save_item_value(state, new=new)
    return value


def move_direction(move: Move) -> str:
    return rules.direction_of(move.kind, move.from_location_id, move.to_location_id)


def replay(moves, method: str) -> tuple[list, dict, list, int, dt.date | None]:
    """Value ``moves`` (in date order) from nothing: (layers, {move id: value}, [(month, qty, value)], last cost,
    last day)."""
    layers, values, months, last_cost, last_day = [], {}, defaultdict(lambda: [0, 0]), 0, None
    for move in moves:
        direction = move_direction(move)
        value, layers, last_cost = _value_one(move, direction, method, layers, last_cost)
        values[move.id] = (move.day, value)
        month = months[rules.month_of(move.day)]
        month[0] += _delta(move, direction)
        month[1] += value
        last_day = move.day
    return layers, values, months, last_cost, last_day


def recompute_item(item: Item) -> None:
    """Throw away the item's valuation and replay it from its moves in date order (inside a write())."""
    method = places.method_for(item)
    moves = list(Move.select().where(Move.item == item.id).order_by(Move.day, Move.id))
    layers, values, months, last_cost, last_day = replay(moves, method)
    MoveValue.delete().where(MoveValue.item == item.id).execute()
    ItemMonth.delete().where(ItemMonth.item == item.id).execute()
    _store_layers(item.id, layers)
    rows = [(move_id, item.id, day, value) for move_id, (day, value) in values.items()]
    for start in range(0, len(rows), 500):
        MoveValue.insert_many(rows[start:start + 500], fields=[MoveValue.move, MoveValue.item, MoveValue.day,
                                                               MoveValue.value_cents]).execute()
    for month, (qty, value) in months.items():
        ItemMonth.insert(item=item.id, month=month, qty_milli=qty, value_cents=value).execute()
    qty, value = sum(q for q, _ in months.values()), sum(v for _, v in months.values())
    ItemValue.insert(item=item.id, method=method, qty_milli=qty, value_cents=value, last_cost_e4=last_cost,
                     last_day=last_day).on_conflict_replace().execute()


def recompute_all() -> int:
    """Replay every item that has moves (a change of the company's method); returns how many."""
    count = 0
    for item_id in Move.select(Move.item).distinct().tuples():
        recompute_item(Item.get_by_id(item_id[0]))
        count += 1
    return count


# ----------------------------------------------------------------------------- value at a date

@dataclass(frozen=True)
class ItemStockValue:
    item_id: int
    code: str
    family: str
    qty_milli: int
    value_cents: int


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def quantities_values_at(day: dt.date, *, item_ids=None) -> dict[int, list[int]]:
    """{item id: [qty, value]} of the stock at the end of ``day``, from the monthly summaries and that month's
    moves."""
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    month = rules.month_of(day)
    query = (ItemMonth.select(ItemMonth.item, fn.SUM(ItemMonth.qty_milli), fn.SUM(ItemMonth.value_cents))
             .where(ItemMonth.month < month).group_by(ItemMonth.item))
    if item_ids is not None:
        query = query.where(ItemMonth.item.in_(list(item_ids)))
    for item_id, qty, value in query.tuples():
        result[item_id][0] += qty or 0
        result[item_id][1] += value or 0
    query = (MoveValue.select(Move.item, Move.kind, Move.from_location, Move.to_location, Move.qty_milli,
                              MoveValue.value_cents)
             .join(Move, on=(MoveValue.move == Move.id))
             .where((MoveValue.day >= _month_start(day)) & (MoveValue.day <= day)))
    if item_ids is not None:
        query = query.where(Move.item.in_(list(item_ids)))
    for item_id, kind, from_id, to_id, qty, value in query.tuples():
        direction = rules.direction_of(kind, from_id, to_id)
        result[item_id][0] += {"in": qty, "out": -qty}.get(direction, 0)
        result[item_id][1] += value
    return result


def warehouse_quantities_at(day: dt.date, *, item_ids=None) -> dict[tuple[int, int], int]:
    """{(item id, warehouse id): qty} at the end of ``day``."""
    result: dict = defaultdict(int)
    month = rules.month_of(day)
    query = (WarehouseMonth.select(WarehouseMonth.item, WarehouseMonth.warehouse, fn.SUM(WarehouseMonth.qty_milli))
             .where(WarehouseMonth.month < month).group_by(WarehouseMonth.item, WarehouseMonth.warehouse))
    if item_ids is not None:
        query = query.where(WarehouseMonth.item.in_(list(item_ids)))
    for item_id, warehouse_id, qty in query.tuples():
        result[(item_id, warehouse_id)] += qty or 0
    source = Location.alias()
    target = Location.alias()
    query = (Move.select(Move.item, source.warehouse, target.warehouse, Move.qty_milli)
             .join(source, JOIN.LEFT_OUTER, on=(Move.from_location == source.id))
             .switch(Move).join(target, JOIN.LEFT_OUTER, on=(Move.to_location == target.id))
             .where((Move.day >= _month_start(day)) & (Move.day <= day)))
    if item_ids is not None:
        query = query.where(Move.item.in_(list(item_ids)))
    for item_id, from_wh, to_wh, qty in query.tuples():
        if from_wh:
            result[(item_id, from_wh)] -= qty
        if to_wh:
            result[(item_id, to_wh)] += qty
    return result


def stock_value_at(day: dt.date, *, by: str = "item", family: str | None = None,
                   warehouse: str | None = None) -> list[dict]:
    """The stock value at the end of ``day``: rows by item, by family or by warehouse.

    A warehouse's share of an item's value follows its share of the quantity (the
    valuation is per item for the company; DESIGN: one cost price per item).
    """
    items = {i: (c, f or "") for i, c, f in Item.select(Item.id, Item.code, Family.code)
             .join(Family, JOIN.LEFT_OUTER).tuples()}
    wanted = None
    if family:
        wanted = {i for i, (_c, f) in items.items() if f == family.upper()}
    totals = quantities_values_at(day, item_ids=wanted)
    if by == "warehouse" or warehouse:
        names = dict(Warehouse.select(Warehouse.id, Warehouse.code).tuples())
        per = warehouse_quantities_at(day, item_ids=wanted)
        rows = defaultdict(lambda: [0, 0])
        by_item = defaultdict(dict)
        for (item_id, wh), qty in per.items():
            by_item[item_id][wh] = qty
        for item_id, (qty, value) in totals.items():
            shares = rules.allocate_by_quantity(value, by_item.get(item_id, {}))
            for wh, qty_wh in by_item.get(item_id, {}).items():
                if warehouse and names[wh] != warehouse.upper():
                    continue
                key = names[wh] if by == "warehouse" else item_id
                rows[key][0] += qty_wh
                rows[key][1] += shares.get(wh, 0)
        if by == "warehouse":
            return [{"warehouse": k, "qty_milli": q, "value_cents": v} for k, (q, v) in sorted(rows.items())]
        totals = rows
    if by == "family":
        rows = defaultdict(lambda: [0, 0])
        for item_id, (qty, value) in totals.items():
            rows[items[item_id][1]][0] += qty
            rows[items[item_id][1]][1] += value
        return [{"family": k, "qty_milli": q, "value_cents": v} for k, (q, v) in sorted(rows.items())]
    return sorted(({"item": items[i][0], "family": items[i][1], "qty_milli": q, "value_cents": v}
                   for i, (q, v) in totals.items() if q or v), key=lambda r: r["item"])


def total_value_at(day: dt.date) -> int:
    return sum(v for _q, v in quantities_values_at(day).values())


def value_by_replay(day: dt.date) -> int:
    """The stock value at ``day`` recomputed from every move (what the summaries save; the bench compares)."""
    by_item = defaultdict(list)
    for move in Move.select().where(Move.day <= day).order_by(Move.item, Move.day, Move.id).iterator():
        by_item[move.item_id].append(move)
    total_cents = 0
    for item_id, moves in by_item.items():
        layers, *_ = replay(moves, places.method_for(Item.get_by_id(item_id)))
        total_cents += rules.total(layers)[1]
    return total_cents
