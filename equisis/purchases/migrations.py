"""Migrations of purchases: the documents and their lines, frozen by triggers once posted."""
from equisis.purchases.models import MODELS
from equisis.store import guards
from equisis.store.database import IMMUTABLE_MARK, current_database
from equisis.store.migrate import Migration, PackageMigrations


def _refuse(table: str) -> str:
    return f"SELECT RAISE(ABORT, '{IMMUTABLE_MARK}{table}');"


_POSTED = '(SELECT "state" FROM "purchase_invoice" WHERE "id" = {row}."invoice_id") = \'posted\''

# Written out, not generated: a released migration never changes.
POSTED_LINE_GUARDS = [
    'CREATE TRIGGER IF NOT EXISTS "purchase_line_posted_no_insert" BEFORE INSERT ON "purchase_line" '
    f"WHEN {_POSTED.format(row='NEW')} BEGIN {_refuse('purchase_line')} END",
    'CREATE TRIGGER IF NOT EXISTS "purchase_line_posted_no_update" BEFORE UPDATE ON "purchase_line" '
    f"WHEN {_POSTED.format(row='OLD')} OR {_POSTED.format(row='NEW')} BEGIN {_refuse('purchase_line')} END",
    'CREATE TRIGGER IF NOT EXISTS "purchase_line_posted_no_delete" BEFORE DELETE ON "purchase_line" '
    f"WHEN {_POSTED.format(row='OLD')} BEGIN {_refuse('purchase_line')} END",
]


def _documents():
    current_database().create_tables(MODELS)
    guards.install(guards.posted_immutable_sql("purchase_invoice"))
    guards.install(POSTED_LINE_GUARDS)


MIGRATIONS = PackageMigrations("purchases", (
    Migration(1, "purchase invoices and credit notes, their lines, posted rows frozen", _documents),
))
