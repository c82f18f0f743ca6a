"""Numbered, forward-only migrations per package, recorded in the database.

Each package that owns tables lists its migrations in ``<package>/migrations.py``
(``MIGRATIONS = [Migration(1, "users and tokens", apply), ...]``); the ordered
list of packages is :mod:`equisis.schema`. A migration never changes once
released: a new need is a new number. A database that has a migration this code
does not know was written by a newer Equisis and is refused untouched.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: Callable[[], None]


@dataclass(frozen=True)
class PackageMigrations:
    package: str
    migrations: tuple[Migration, ...]

    def __post_init__(self):
        numbers = [m.number for m in self.migrations]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"{self.package}: migrations must be numbered 1..n without gaps, got {numbers}")

    @property
    def latest(self) -> int:
        return len(self.migrations)


@dataclass(frozen=True)
class AppliedMigration:
    package: str
    number: int
    app_version: str


def unknown_migrations(applied: Iterable[AppliedMigration], schema: list[PackageMigrations]) -> list[AppliedMigration]:
    """Applied migrations this code does not know: the mark of a database from a newer version."""
    latest = {p.package: p.latest for p in schema}
    return [a for a in applied if a.number > latest.get(a.package, 0)]


def pending_migrations(applied: Iterable[AppliedMigration], schema: list[PackageMigrations]
                       ) -> list[tuple[str, Migration]]:
    """What remains to apply, in schema order then by number."""
    done = {(a.package, a.number) for a in applied}
    return [(p.package, m) for p in schema for m in p.migrations if (p.package, m.number) not in done]


def describe(applied: Iterable[AppliedMigration]) -> str:
    return ", ".join(f"{a.package}#{a.number} (Equisis {a.app_version})" for a in applied)
