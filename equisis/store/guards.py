"""Database triggers that make posted rows immutable, enforced by SQLite itself.

Python checks can be bypassed by a bug or a hand-run UPDATE; a trigger cannot.
A violation aborts the statement with a message ``equisis:immutable:<table>``
that :func:`equisis.store.database.write` turns into ``PostedRowImmutable``.
"""
from __future__ import annotations

from equisis.store.database import IMMUTABLE_MARK, current_database


def _raise(table: str) -> str:
    return f"SELECT RAISE(ABORT, '{IMMUTABLE_MARK}{table}');"


def append_only_sql(table: str) -> list[str]:
    """Triggers forbidding any UPDATE or DELETE on ``table`` (audit log, archives)."""
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_update" BEFORE UPDATE ON "{table}" '
        f"BEGIN {_raise(table)} END",
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_delete" BEFORE DELETE ON "{table}" '
        f"BEGIN {_raise(table)} END",
    ]


def posted_immutable_sql(table: str, state_column: str = "state",
                         frozen_states: tuple[str, ...] = ("posted",)) -> list[str]:
    """Triggers forbidding UPDATE and DELETE of a row once its state is one of ``frozen_states``.

    A draft may still be edited, deleted or posted (the UPDATE that posts it sees
    OLD.state = 'draft' and passes); after that the row is frozen for good.
    """
    states = ", ".join("'" + s.replace("'", "''") + "'" for s in frozen_states)
    condition = f'OLD."{state_column}" IN ({states})'
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{table}_posted_no_update" BEFORE UPDATE ON "{table}" '
        f"WHEN {condition} BEGIN {_raise(table)} END",
        f'CREATE TRIGGER IF NOT EXISTS "{table}_posted_no_delete" BEFORE DELETE ON "{table}" '
        f"WHEN {condition} BEGIN {_raise(table)} END",
    ]


def install(statements: list[str]) -> None:
    database = current_database()
    for statement in statements:
        database.execute_sql(statement)
