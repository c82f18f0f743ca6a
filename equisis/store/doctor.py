"""Health checks of one company database; each returns a list of problems (empty = healthy)."""
from __future__ import annotations

from dataclasses import dataclass

from equisis.store import audit
from equisis.store.database import current_database
from equisis.store.migrate import PackageMigrations, pending_migrations
from equisis.store.models import SchemaMigration
from equisis.store.migrate import AppliedMigration


@dataclass(frozen=True)
class Problem:
    check: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.detail}"


def check_integrity() -> list[Problem]:
    rows = current_database().execute_sql("PRAGMA integrity_check").fetchall()
    return [] if rows == [("ok",)] else [Problem("integrity", str(r[0])) for r in rows]


def check_foreign_keys() -> list[Problem]:
    rows = current_database().execute_sql("PRAGMA foreign_key_check").fetchall()
    return [Problem("foreign keys", f"{table} row {rowid} → {parent}") for table, rowid, parent, _ in rows]


def check_migrations(schema: list[PackageMigrations]) -> list[Problem]:
    applied = [AppliedMigration(r.package, r.number, r.app_version) for r in SchemaMigration.select()]
    return [Problem("migrations", f"{package}#{m.number} {m.name} not applied")
            for package, m in pending_migrations(applied, schema)]


def check_audit_chain() -> list[Problem]:
    return [Problem("audit chain", f"event {b.event_id}: {b.reason} altered") for b in audit.verify_chain()]
