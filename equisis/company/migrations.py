from equisis.company.models import MODELS
from equisis.store.database import current_database
from equisis.store.migrate import Migration, PackageMigrations

MIGRATIONS = PackageMigrations("company", (
    Migration(1, "company profile", lambda: current_database().create_tables(MODELS)),
))
