"""Migrations of loyalty cards and sales periods: package "pos_loyalty" (its own numbering, beside the
POS core's "pos"), listed in equisis/schema.py as ``equisis.pos.loyalty.migrations``."""
from equisis.pos.loyalty.models import MODELS
from equisis.store import guards
from equisis.store.database import current_database
from equisis.store.migrate import Migration, PackageMigrations

# Written out here, not read from elsewhere: a released migration never changes.
INDEXES = [
    # a ticket earns once per card, whatever key the caller sends
    'CREATE UNIQUE INDEX IF NOT EXISTS "pos_loyalty_move_one_earn_per_ticket" '
    'ON "pos_loyalty_move" ("card_id", "ticket_id") WHERE "kind" = \'earn\' AND "ticket_id" IS NOT NULL',
    'CREATE INDEX IF NOT EXISTS "pos_loyalty_move_by_card" ON "pos_loyalty_move" ("card_id", "id")',
]


def _loyalty_tables():
    current_database().create_tables(MODELS)
    guards.install(guards.append_only_sql("pos_loyalty_move"))
    guards.install(INDEXES)
    current_database().execute_sql(
        'INSERT INTO "pos_loyalty_programme" ("id", "active", "points_per_euro_milli", "updated_at") '
        "VALUES (1, 1, 1000, '')")


MIGRATIONS = PackageMigrations("pos_loyalty", (
    Migration(1, "loyalty programme, cards, points and stamps ledger, rewards, sales periods", _loyalty_tables),
))
