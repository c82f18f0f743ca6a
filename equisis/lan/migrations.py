"""Migrations of the lan package (paired terminals and pairing codes)."""
from equisis.lan.models import MODELS
from equisis.store.database import current_database
from equisis.store.migrate import Migration, PackageMigrations

MIGRATIONS = PackageMigrations("lan", (
    Migration(1, "terminals and pairing codes", lambda: current_database().create_tables(MODELS)),
))
