"""Reads and writes of the move path in fixed SQL: what one move costs is mostly building queries.

Profiling ``post_moves`` (bench/stock.py) showed peewee's query builder taking about three quarters of a
move's time: an item has some thirty columns and every ``Item.get_or_none`` compiles them anew. The statements
here are written once (per model and condition) and only executed; rows are turned into the same model
instances peewee would give (every column loaded, Python values converted by the fields), so the callers do
not know the difference. Plain portable SQL; the placeholder follows the database.
"""
from __future__ import annotations

from equisis.catalog.models import Item
from equisis.stock.models import ItemStock, ItemValue, Location, Move, Warehouse
from equisis.store.database import current_database

_SELECTS: dict = {}


def sql(text: str, params: tuple = ()):
    database = current_database()
    return database.execute_sql(text.replace("?", database.param), params)


def changed(cursor=None) -> int:
    """Rows the last statement changed (the UPDATE-then-INSERT upserts of the summaries)."""
    return current_database().connection().changes()


def rows(model, where: str, params: tuple) -> list:
    """``model`` instances WHERE ``where`` (fixed text with ? placeholders), every column loaded."""
    fields = model._meta.sorted_fields
    text = _SELECTS.get((model, where))
    if text is None:
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        text = _SELECTS[(model, where)] = f'SELECT {columns} FROM "{model._meta.table_name}" WHERE {where}'
    out = []
    for row in sql(text, params):
        obj = model(__no_default__=1, **{f.name: (None if v is None else f.python_value(v))
                                         for f, v in zip(fields, row)})
        obj._dirty.clear()
        out.append(obj)
    return out


def one(model, where: str, params: tuple):
    found = rows(model, where, params)
    return found[0] if found else None


def item(code_or_id: str | int) -> Item | None:
    if isinstance(code_or_id, int):
        return one(Item, '"id" = ?', (code_or_id,))
    return one(Item, '"code" = ?', ((code_or_id or "").strip().upper(),))


def kit_components(item_id: int) -> list[tuple[Item, int]]:
    pairs = list(sql('SELECT "component_id", "quantity_milli" FROM "kit_component" WHERE "kit_id" = ? ORDER BY "id"',
                     (item_id,)))
    return [(item(component_id), milli) for component_id, milli in pairs]


def item_stock(item_obj: Item) -> ItemStock:
    row = one(ItemStock, '"item_id" = ?', (item_obj.id,))
    return row if row is not None else ItemStock(item=item_obj, tracking="none", expiry_required=False)


def place(code: str) -> tuple[Location | None, Warehouse | None]:
    """(the location of that code, the warehouse of that code) - either may be None."""
    return one(Location, '"code" = ?', (code,)), one(Warehouse, '"code" = ?', (code,))


def default_location_id(item_id: int, warehouse_id: int) -> int | None:
    found = sql('SELECT "default_location_id" FROM "item_warehouse" WHERE "item_id" = ? AND "warehouse_id" = ?',
                (item_id, warehouse_id)).fetchone()
    return found[0] if found else None


def main_location(warehouse_id: int) -> Location:
    return one(Location, '"warehouse_id" = ? AND "is_main" = 1', (warehouse_id,))


def location(location_id: int) -> Location:
    return one(Location, '"id" = ?', (location_id,))


def move_id_by_key(key: str) -> int | None:
    found = sql('SELECT "id" FROM "move" WHERE "source_key" = ?', (key,)).fetchone()
    return found[0] if found else None


_MOVE_FIELDS = [f for f in Move._meta.sorted_fields if f.name != "id"]
_INSERT_MOVE = 'INSERT INTO "move" ({}) VALUES ({})'.format(
    ", ".join(f'"{f.column_name}"' for f in _MOVE_FIELDS), ", ".join("?" for _ in _MOVE_FIELDS))


def insert_move(**values) -> Move:
    """Write one move row (the append-only ledger) and return it as a :class:`Move` (not read back)."""
    params = tuple(f.db_value(values.get(f.name)) for f in _MOVE_FIELDS)
    cursor = sql(_INSERT_MOVE, params)
    move = Move(__no_default__=1, id=current_database().last_insert_id(cursor), **values)
    move._dirty.clear()
    return move


def item_value(item_id: int) -> ItemValue | None:
    return one(ItemValue, '"item_id" = ?', (item_id,))


def save_item_value(state: ItemValue, *, new: bool) -> None:
    params = (state.method, state.qty_milli, state.value_cents, state.last_cost_e4,
              state.last_day.isoformat() if state.last_day else None, state.item_id)
    if new:
        sql('INSERT INTO "item_value" ("method", "qty_milli", "value_cents", "last_cost_e4", "last_day", "item_id") '
            'VALUES (?, ?, ?, ?, ?, ?)', params)
    else:
        sql('UPDATE "item_value" SET "method" = ?, "qty_milli" = ?, "value_cents" = ?, "last_cost_e4" = ?, '
            '"last_day" = ? WHERE "item_id" = ?', params)

