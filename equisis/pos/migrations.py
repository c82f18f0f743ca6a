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


MIGRATIONS = PackageMigrations("pos", (
    Migration(1, "terminals, cash sessions, tickets, payments, vouchers, parked sales, print jobs, counter invoices",
              _tables),
))
