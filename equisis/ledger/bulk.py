"""Writing many rows fast: one INSERT prepared by peewee, run for every row (DB-API ``executemany``).

Building a parameterised statement per row costs more than the posting itself
(peewee renders each value); the rows here are tuples already in database form
(ISO dates, 0/1 booleans, ids for foreign keys) in the order of ``columns``.
The statement comes from peewee, so quoting and placeholders stay the
database's own.
"""
from __future__ import annotations

import functools


@functools.lru_cache(maxsize=None)
def _statement(model, columns: tuple[str, ...]) -> tuple[str, tuple[int, ...]]:
    """The INSERT for ``columns`` and, for each of its placeholders, the index of the value in a row."""
    fields = [model._meta.fields[name] for name in columns]
    sql, _params = model.insert({f: None for f in fields}).sql()
    # peewee writes the columns in the model's field order, whatever the order asked: follow it
    in_sql = [f.name for f in model._meta.sorted_fields if f.name in columns]
    listed = sql[sql.index("(") + 1:sql.index(")")]
    expected = [model._meta.fields[name].column_name for name in in_sql]
    if [c.strip().strip('"`') for c in listed.split(",")] != expected:
        raise RuntimeError(f"unexpected column order in {sql}")
    return sql, tuple(columns.index(name) for name in in_sql)


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    sql, order = _statement(model, tuple(columns))
    if order != tuple(range(len(columns))):
        rows = [tuple(row[i] for i in order) for row in rows]
    model._meta.database.cursor().executemany(sql, rows)
