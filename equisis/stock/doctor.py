"""``equisis doctor`` checks of the stock: what the stock maintains equals what its moves say.

* the current quantity per item × location × lot equals the sum of the moves;
* per item, the valuation layers hold the quantity of the moves and the sum of the moves' values, every move
  has its value, and the item's totals and monthly summaries agree with them;
* the quantity per item × warehouse × month equals the moves';
* a serial number is never in stock more than once.
"""
from __future__ import annotations

from collections import defaultdict

from peewee import fn

from equisis.stock import rules
from equisis.stock.models import ItemMonth, ItemValue, Layer, Location, Move, MoveValue, Quantity, WarehouseMonth
from equisis.store.doctor import Problem


def checks(store) -> list[tuple[str, object]]:
    return [
        ("stock: quantities equal the moves", check_quantities),
        ("stock: valuation consistent with the moves", check_valuation),
        ("stock: serial numbers in stock once", check_serials),
    ]


def moved_quantities() -> dict[tuple[int, int, int], int]:
    """{(item, location, lot): qty} recomputed from every move."""
    sums: dict = defaultdict(int)
    for item, location, lot, qty in (Move.select(Move.item, Move.to_location, Move.lot, fn.SUM(Move.qty_milli))
                                     .where(Move.to_location.is_null(False))
                                     .group_by(Move.item, Move.to_location, Move.lot).tuples()):
        sums[(item, location, lot or 0)] += qty
    for item, location, lot, qty in (Move.select(Move.item, Move.from_location, Move.lot, fn.SUM(Move.qty_milli))
                                     .where(Move.from_location.is_null(False))
                                     .group_by(Move.item, Move.from_location, Move.lot).tuples()):
        sums[(item, location, lot or 0)] -= qty
    return {k: v for k, v in sums.items() if v}


def check_quantities() -> list[Problem]:
    computed = moved_quantities()
    stored = {(i, loc, lot): q for i, loc, lot, q in
              Quantity.select(Quantity.item, Quantity.location, Quantity.lot_id, Quantity.qty_milli)
              .where(Quantity.qty_milli != 0).tuples()}
    problems = []
    for key in sorted(set(computed) | set(stored)):
        if computed.get(key, 0) != stored.get(key, 0):
            problems.append(Problem("quantity", f"item {key[0]} location {key[1]} lot {key[2]}: stored "
                                                f"{stored.get(key, 0)}, moves give {computed.get(key, 0)} (milli)"))
    # the quantity per warehouse and month
    warehouse_of = dict(Location.select(Location.id, Location.warehouse).tuples())
    per_month: dict = defaultdict(int)
    for item, src, dst, day, qty in Move.select(Move.item, Move.from_location, Move.to_location, Move.day,
                                                Move.qty_milli).tuples().iterator():
        month = str(day)[:7]
        src_wh, dst_wh = warehouse_of.get(src), warehouse_of.get(dst)
        if src_wh != dst_wh:
            if src_wh:
                per_month[(item, src_wh, month)] -= qty
            if dst_wh:
                per_month[(item, dst_wh, month)] += qty
    stored = {(i, w, m): q for i, w, m, q in WarehouseMonth.select(WarehouseMonth.item, WarehouseMonth.warehouse,
                                                                  WarehouseMonth.month, WarehouseMonth.qty_milli)
              .tuples()}
    for key in sorted(set(per_month) | set(stored)):
        if per_month.get(key, 0) != stored.get(key, 0):
            problems.append(Problem("warehouse month", f"item {key[0]} warehouse {key[1]} {key[2]}: stored "
                                                       f"{stored.get(key, 0)}, moves give {per_month.get(key, 0)}"))
    return problems


def check_valuation() -> list[Problem]:
    problems = []
    qty_by_item: dict = defaultdict(int)
    months: dict = defaultdict(lambda: [0, 0])
    values = dict(MoveValue.select(MoveValue.move, MoveValue.value_cents).tuples())
    value_by_item: dict = defaultdict(int)
    for move_id, item, kind, src, dst, day, qty in (Move.select(Move.id, Move.item, Move.kind, Move.from_location,
                                                                Move.to_location, Move.day, Move.qty_milli)
                                                    .tuples().iterator()):
        direction = rules.direction_of(kind, src, dst)
        delta = {"in": qty, "out": -qty}.get(direction, 0)
        qty_by_item[item] += delta
        if move_id not in values:
            problems.append(Problem("move value", f"move {move_id} has no value"))
            continue
        value_by_item[item] += values[move_id]
        months[(item, str(day)[:7])][0] += delta
        months[(item, str(day)[:7])][1] += values[move_id]
    layers = {i: (q or 0, v or 0) for i, q, v in Layer.select(Layer.item, fn.SUM(Layer.qty_milli),
                                                                fn.SUM(Layer.value_cents))
              .group_by(Layer.item).tuples()}
    states = {i: (q, v) for i, q, v in ItemValue.select(ItemValue.item, ItemValue.qty_milli,
                                                        ItemValue.value_cents).tuples()}
    for item in sorted(set(qty_by_item) | set(layers) | set(states)):
        want = (qty_by_item.get(item, 0), value_by_item.get(item, 0))
        if tuple(layers.get(item, (0, 0))) != want:
            problems.append(Problem("layers", f"item {item}: layers hold {layers.get(item, (0, 0))}, "
                                              f"moves give {want} (qty milli, cents)"))
        if tuple(states.get(item, (0, 0))) != want:
            problems.append(Problem("item value", f"item {item}: totals {states.get(item, (0, 0))}, "
                                                  f"moves give {want} (qty milli, cents)"))
    stored = {(i, m): (q, v) for i, m, q, v in ItemMonth.select(ItemMonth.item, ItemMonth.month, ItemMonth.qty_milli,
                                                                ItemMonth.value_cents).tuples()}
    for key in sorted(set(stored) | set(months)):
        if tuple(stored.get(key, (0, 0))) != tuple(months.get(key, (0, 0))):
            problems.append(Problem("item month", f"item {key[0]} {key[1]}: stored {stored.get(key, (0, 0))}, "
                                                  f"moves give {tuple(months.get(key, (0, 0)))}"))
    return problems


def check_serials() -> list[Problem]:
    from equisis.stock.models import Lot

    rows = (Quantity.select(Lot.code, fn.SUM(Quantity.qty_milli)).join(Lot, on=(Quantity.lot_id == Lot.id))
            .where(Lot.is_serial == True).group_by(Lot.id)  # noqa: E712
            .having(fn.SUM(Quantity.qty_milli) > rules.ONE).tuples())
    return [Problem("serial", f"serial {code} is in stock {rules.format_quantity(qty)} times") for code, qty in rows]
