from equisis.store.database import current_database
from equisis.store.migrate import Migration, PackageMigrations
from equisis.users.models import MODELS

MIGRATIONS = PackageMigrations("users", (
    Migration(1, "users and API tokens", lambda: current_database().create_tables(MODELS)),
))
