"""Migrations of the ledger: its tables, the triggers that freeze posted data, the report indexes."""
from equisis.ledger.models import MODELS
from equisis.store import guards
from equisis.store.database import IMMUTABLE_MARK, current_database
from equisis.store.migrate import Migration, PackageMigrations


def _refuse(table: str) -> str:
    return f"SELECT RAISE(ABORT, '{IMMUTABLE_MARK}{table}');"


# Written out, not generated from the models: a released migration never changes.
POSTED_DATA_GUARDS = [
    # An entry line can join its entry only while the entry is being posted: the entry row states how many
    # lines it has (line_count), so one more line - now or later - is refused.
    'CREATE TRIGGER IF NOT EXISTS "entry_line_closed_entry" BEFORE INSERT ON "entry_line" '
    'WHEN (SELECT COUNT(*) FROM "entry_line" WHERE "entry_id" = NEW."entry_id") >= '
    '(SELECT "line_count" FROM "entry" WHERE "id" = NEW."entry_id") '
    f"BEGIN {_refuse('entry_line')} END",
    # An account or journal that has entries keeps its code and its row.
    'CREATE TRIGGER IF NOT EXISTS "account_used_no_delete" BEFORE DELETE ON "account" '
    'WHEN EXISTS (SELECT 1 FROM "entry_line" WHERE "account_id" = OLD."id") '
    f"BEGIN {_refuse('account')} END",
    'CREATE TRIGGER IF NOT EXISTS "account_used_no_recode" BEFORE UPDATE OF "code" ON "account" '
    'WHEN NEW."code" IS NOT OLD."code" AND EXISTS (SELECT 1 FROM "entry_line" WHERE "account_id" = OLD."id") '
    f"BEGIN {_refuse('account')} END",
    'CREATE TRIGGER IF NOT EXISTS "journal_used_no_delete" BEFORE DELETE ON "journal" '
    'WHEN EXISTS (SELECT 1 FROM "entry" WHERE "journal_id" = OLD."id") '
    f"BEGIN {_refuse('journal')} END",
    'CREATE TRIGGER IF NOT EXISTS "journal_used_no_recode" BEFORE UPDATE OF "code" ON "journal" '
    'WHEN NEW."code" IS NOT OLD."code" AND EXISTS (SELECT 1 FROM "entry" WHERE "journal_id" = OLD."id") '
    f"BEGIN {_refuse('journal')} END",
    # A match is never deleted; undoing it sets undone_at/undone_by once, nothing else changes.
    'CREATE TRIGGER IF NOT EXISTS "reconciliation_no_delete" BEFORE DELETE ON "reconciliation" '
    f"BEGIN {_refuse('reconciliation')} END",
    'CREATE TRIGGER IF NOT EXISTS "reconciliation_undo_only" BEFORE UPDATE ON "reconciliation" '
    'WHEN OLD."undone_at" IS NOT NULL OR NEW."undone_at" IS NULL OR NEW."undone_by" IS NULL '
    'OR NEW."id" IS NOT OLD."id" OR NEW."group_id" IS NOT OLD."group_id" '
    'OR NEW."debit_line_id" IS NOT OLD."debit_line_id" OR NEW."credit_line_id" IS NOT OLD."credit_line_id" '
    'OR NEW."amount_cents" IS NOT OLD."amount_cents" OR NEW."date" IS NOT OLD."date" '
    'OR NEW."matched_at" IS NOT OLD."matched_at" OR NEW."matched_by" IS NOT OLD."matched_by" '
    f"BEGIN {_refuse('reconciliation')} END",
    # An open item only ever changes its residual.
    'CREATE TRIGGER IF NOT EXISTS "open_item_no_delete" BEFORE DELETE ON "open_item" '
    f"BEGIN {_refuse('open_item')} END",
    'CREATE TRIGGER IF NOT EXISTS "open_item_residual_only" BEFORE UPDATE ON "open_item" '
    'WHEN NEW."line_id" IS NOT OLD."line_id" OR NEW."account_id" IS NOT OLD."account_id" '
    'OR NEW."partner_id" IS NOT OLD."partner_id" OR NEW."amount_cents" IS NOT OLD."amount_cents" '
    'OR NEW."date" IS NOT OLD."date" OR NEW."due_date" IS NOT OLD."due_date" '
    'OR NEW."document_ref" IS NOT OLD."document_ref" '
    f"BEGIN {_refuse('open_item')} END",
]

REPORT_INDEXES = [
    # what is still open, by due date: aged balances and dunning read only these rows
    'CREATE INDEX IF NOT EXISTS "open_item_open_by_due_date" ON "open_item" ("account_id", "due_date") '
    'WHERE "residual_cents" <> 0',
    'CREATE INDEX IF NOT EXISTS "open_item_open_by_partner" '
    'ON "open_item" ("partner_id", "account_id", "due_date") '
    'WHERE "residual_cents" <> 0',
    'CREATE INDEX IF NOT EXISTS "partner_balance_by_account" '
    'ON "partner_balance" ("account_id", "period_id")',
    'CREATE INDEX IF NOT EXISTS "entry_by_period_journal" ON "entry" ("period_id", "journal_id")',
]


def _ledger_tables():
    current_database().create_tables(MODELS)
    guards.install(guards.append_only_sql("entry"))
    guards.install(guards.append_only_sql("entry_line"))
    guards.install(POSTED_DATA_GUARDS)
    guards.install(REPORT_INDEXES)


# Open items at a past date give back what was matched after it: these matches, by effective date.
MATCHES_BY_DATE = [
    'CREATE INDEX IF NOT EXISTS "reconciliation_active_by_date" ON "reconciliation" ("date") '
    'WHERE "undone_at" IS NULL',
]


def _matches_by_date():
    guards.install(MATCHES_BY_DATE)


MIGRATIONS = PackageMigrations("ledger", (
    Migration(1, "chart, journals, fiscal years, entries, balances, open items, reconciliations",
              _ledger_tables),
    Migration(2, "index of active matches by effective date (open items at a past date)", _matches_by_date),
))
