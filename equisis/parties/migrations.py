"""Migrations of the parties package."""
from equisis.parties.models import MODELS
from equisis.store.database import current_database
from equisis.store.migrate import Migration, PackageMigrations

MIGRATIONS = PackageMigrations("parties", (
    Migration(1, "parties", lambda: current_database().create_tables(MODELS)),
))
