"""Migrations of the spine tables (store package)."""
from equisis.store import guards
from equisis.store.database import current_database
from equisis.store.migrate import Migration, PackageMigrations
from equisis.store.models import SPINE_MODELS


def _spine_tables():
    current_database().create_tables(SPINE_MODELS)
    guards.install(guards.append_only_sql("audit_event"))


MIGRATIONS = PackageMigrations("store", (
    Migration(1, "migrations, numbering, idempotency keys, audit log, settings", _spine_tables),
))
