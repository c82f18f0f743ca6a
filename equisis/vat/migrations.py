"""Migrations of the VAT module: the filed returns, append-only."""
from equisis.store import guards
from equisis.store.database import current_database
from equisis.store.migrate import Migration, PackageMigrations

# Written out, not generated from the models: a released migration never changes.
_VAT_RETURN = [
    'CREATE TABLE IF NOT EXISTS "vat_return" ('
    '"id" INTEGER NOT NULL PRIMARY KEY, "period" VARCHAR(8) NOT NULL, "start" VARCHAR(10) NOT NULL, '
    '"end" VARCHAR(10) NOT NULL, "kind" VARCHAR(12) NOT NULL, '
    '"corrects_id" INTEGER REFERENCES "vat_return" ("id") ON DELETE RESTRICT, '
    '"grids_json" TEXT NOT NULL, "adjustments_json" TEXT NOT NULL DEFAULT \'{}\', '
    '"reason" VARCHAR(250) NOT NULL DEFAULT \'\', "replaced_reference" VARCHAR(40), '
    '"restitution" INTEGER NOT NULL DEFAULT 0, "payment_forms" INTEGER NOT NULL DEFAULT 0, '
    '"client_listing_nihil" INTEGER NOT NULL DEFAULT 0, "xml" TEXT NOT NULL, "xml_sha256" VARCHAR(64) NOT NULL, '
    '"filed_at" VARCHAR(40) NOT NULL, "filed_by" VARCHAR(80) NOT NULL)',
    'CREATE INDEX IF NOT EXISTS "vat_return_period" ON "vat_return" ("period")',
    'CREATE INDEX IF NOT EXISTS "vat_return_corrects_id" ON "vat_return" ("corrects_id")',
    # one original return per period, whatever the concurrency
    'CREATE UNIQUE INDEX IF NOT EXISTS "vat_return_one_original" ON "vat_return" ("period") '
    'WHERE "kind" = \'original\'',
]


def _returns():
    database = current_database()
    for statement in _VAT_RETURN:
        database.execute_sql(statement)
    guards.install(guards.append_only_sql("vat_return"))


MIGRATIONS = PackageMigrations("vat", (
    Migration(1, "filed VAT returns", _returns),
))
