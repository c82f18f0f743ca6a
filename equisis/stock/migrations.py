"""Migrations of the stock: its tables, the triggers that keep the move ledger append-only, a first warehouse."""
from equisis.stock.models import MODELS, Location, Warehouse
from equisis.store import guards
from equisis.store.database import IMMUTABLE_MARK, current_database
from equisis.store.migrate import Migration, PackageMigrations


def _refuse(table: str) -> str:
    return f"SELECT RAISE(ABORT, '{IMMUTABLE_MARK}{table}');"


# Written out, not generated: a released migration never changes.
GUARDS = [
    # a validated or cancelled inventory is frozen, and so are its counts
    *guards.posted_immutable_sql("inventory", "state", ("validated", "cancelled")),
    'CREATE TRIGGER IF NOT EXISTS "inventory_count_closed_insert" BEFORE INSERT ON "inventory_count" '
    'WHEN (SELECT "state" FROM "inventory" WHERE "id" = NEW."inventory_id") <> \'counting\' '
    f"BEGIN {_refuse('inventory_count')} END",
    'CREATE TRIGGER IF NOT EXISTS "inventory_count_closed_update" BEFORE UPDATE ON "inventory_count" '
    'WHEN (SELECT "state" FROM "inventory" WHERE "id" = OLD."inventory_id") <> \'counting\' '
    f"BEGIN {_refuse('inventory_count')} END",
    'CREATE TRIGGER IF NOT EXISTS "inventory_count_closed_delete" BEFORE DELETE ON "inventory_count" '
    'WHEN (SELECT "state" FROM "inventory" WHERE "id" = OLD."inventory_id") <> \'counting\' '
    f"BEGIN {_refuse('inventory_count')} END",
    # a lot or serial number keeps its item and code once it has moved
    'CREATE TRIGGER IF NOT EXISTS "lot_used_no_change" BEFORE UPDATE OF "item_id", "code", "is_serial" ON "lot" '
    'WHEN EXISTS (SELECT 1 FROM "move" WHERE "lot_id" = OLD."id") '
    f"BEGIN {_refuse('lot')} END",
    'CREATE TRIGGER IF NOT EXISTS "lot_used_no_delete" BEFORE DELETE ON "lot" '
    'WHEN EXISTS (SELECT 1 FROM "move" WHERE "lot_id" = OLD."id") '
    f"BEGIN {_refuse('lot')} END",
]
INDEXES = [
    'CREATE INDEX IF NOT EXISTS "move_by_lot" ON "move" ("lot_id") WHERE "lot_id" IS NOT NULL',
    'CREATE INDEX IF NOT EXISTS "quantity_by_item_nonzero" ON "quantity" ("item_id") WHERE "qty_milli" <> 0',
]


def _stock_tables():
    current_database().create_tables(MODELS)
    guards.install(guards.append_only_sql("move"))
    guards.install(GUARDS)
    guards.install(INDEXES)
    main = Warehouse.create(code="MAIN", name="Main warehouse")
    Location.create(warehouse=main, code="MAIN", is_main=True)


MIGRATIONS = PackageMigrations("stock", (
    Migration(1, "warehouses, locations, moves, quantities, lots, valuation, inventories", _stock_tables),
))
