"""The ordered list of packages that own tables, lower layers first (DESIGN §2)."""
from equisis.store.migrate import PackageMigrations


def all_migrations() -> list[PackageMigrations]:
    from equisis.company.migrations import MIGRATIONS as company
    from equisis.documents.migrations import MIGRATIONS as documents
    from equisis.store.migrations import MIGRATIONS as store
    from equisis.users.migrations import MIGRATIONS as users

    return [store, users, company, documents]
