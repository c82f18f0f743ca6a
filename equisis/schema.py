"""The ordered list of packages that own tables, lower layers first (DESIGN §2); one line per package."""
import importlib

from equisis.store.migrate import PackageMigrations

MIGRATION_MODULES = [
    "equisis.store.migrations",
    "equisis.users.migrations",
    "equisis.company.migrations",
    "equisis.documents.migrations",
    "equisis.parties.migrations",
    "equisis.catalog.migrations",
    "equisis.ledger.migrations",
    "equisis.vat.migrations",
    "equisis.stock.migrations",
    "equisis.lan.migrations",
    "equisis.purchases.migrations",
    "equisis.sales.migrations",
    "equisis.pos.migrations",
    "equisis.pos.loyalty.migrations",
]


def all_migrations() -> list[PackageMigrations]:
    return [importlib.import_module(module).MIGRATIONS for module in MIGRATION_MODULES]
