"""The company store: folders, SQLite through apsw+peewee, locks, migrations, spine services.

Everything SQLite-specific (pragmas, backup API, locking) stays in this package.
"""
from equisis.store.company import CompanyStore, Instance, check_slug, slugify
from equisis.store.database import BaseModel, current_database, router, use_database, write

__all__ = ["BaseModel", "CompanyStore", "Instance", "check_slug", "current_database", "router", "slugify",
           "use_database", "write"]
