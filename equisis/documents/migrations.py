from equisis.store.migrate import PackageMigrations

MIGRATIONS = PackageMigrations("documents", ())
