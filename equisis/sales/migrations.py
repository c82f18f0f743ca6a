"""Migrations of sales: documents, lines and deliveries, frozen once posted by triggers."""
from equisis.sales.models import MODELS
from equisis.store import guards
from equisis.store.database import IMMUTABLE_MARK, current_database
from equisis.store.migrate import Migration, PackageMigrations


def _refuse(table: str) -> str:
    return f"SELECT RAISE(ABORT, '{IMMUTABLE_MARK}{table}');"


_LINE_OF_POSTED = '(SELECT "state" FROM "sales_invoice" WHERE "id" = {row}."invoice_id") = \'posted\''

# Written out: a released migration never changes.
POSTED_GUARDS = [
    *guards.posted_immutable_sql("sales_invoice"),
    # the lines of a posted document: no new line, no change, no removal
    'CREATE TRIGGER IF NOT EXISTS "sales_invoice_line_posted_no_insert" BEFORE INSERT ON "sales_invoice_line" '
    f'WHEN {_LINE_OF_POSTED.format(row="NEW")} BEGIN {_refuse("sales_invoice_line")} END',
    'CREATE TRIGGER IF NOT EXISTS "sales_invoice_line_posted_no_update" BEFORE UPDATE ON "sales_invoice_line" '
    f'WHEN {_LINE_OF_POSTED.format(row="OLD")} BEGIN {_refuse("sales_invoice_line")} END',
    'CREATE TRIGGER IF NOT EXISTS "sales_invoice_line_posted_no_delete" BEFORE DELETE ON "sales_invoice_line" '
    f'WHEN {_LINE_OF_POSTED.format(row="OLD")} BEGIN {_refuse("sales_invoice_line")} END',
    *guards.append_only_sql("sales_delivery"),
]


def _tables():
    current_database().create_tables(MODELS)
    guards.install(POSTED_GUARDS)


MIGRATIONS = PackageMigrations("sales", (
    Migration(1, "sales invoices and credit notes, lines, deliveries; posted ones frozen", _tables),
))
