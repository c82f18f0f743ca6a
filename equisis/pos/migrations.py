"""Migrations of the till: its tables; tickets, their lines and payments, voucher uses and counter invoices
are append-only (database triggers); a closed session is frozen."""
from equisis.pos.models import MODELS
from equisis.store import guards
from equisis.store.database import current_database
from equisis.store.migrate import Migration, PackageMigrations

# Written out: a released migration never changes.
GUARDS = [
    *guards.append_only_sql("pos_ticket"),
    *guards.append_only_sql("pos_ticket_line"),
    *guards.append_only_sql("pos_ticket_payment"),
    *guards.append_only_sql("pos_voucher_use"),
    *guards.append_only_sql("pos_counter_invoice"),
    *guards.append_only_sql("pos_counter_invoice_ticket"),
    *guards.posted_immutable_sql("pos_session", "state", ("closed",)),
]


def _tables():
    current_database().create_tables(MODELS)
    guards.install(GUARDS)


def _invoice_details():
    """Till invoices: their kind (a month's tickets or one ticket invoiced at once) and the customer as invoiced."""
    database = current_database()
    # Migration 1 creates the tables from today's models: on a new database the columns exist already.
    present = {row[1] for row in database.execute_sql('PRAGMA table_info("pos_counter_invoice")').fetchall()}
    for column in ("kind VARCHAR(8) NOT NULL DEFAULT 'month'", "language VARCHAR(2) NOT NULL DEFAULT 'fr'",
                   "party_name VARCHAR(200) NOT NULL DEFAULT ''", "party_address TEXT NOT NULL DEFAULT ''",
                   "party_vat_number VARCHAR(20) NOT NULL DEFAULT ''"):
        if column.split()[0] not in present:
            database.execute_sql(f'ALTER TABLE "pos_counter_invoice" ADD COLUMN {column}')


MIGRATIONS = PackageMigrations("pos", (
    Migration(1, "terminals, cash sessions, tickets, payments, vouchers, parked sales, print jobs, counter invoices",
              _tables),
    Migration(2, "till invoices: kind (month or one ticket), the customer's name, address, VAT number, language",
              _invoice_details),
))
