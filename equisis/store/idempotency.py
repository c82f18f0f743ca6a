"""Idempotent submits: the same key twice yields one document.

Each form carries a random key rendered with it (POS tickets: a UUID made by
the till). The use case runs inside one write transaction that first looks the
key up: a double click, a retried request or a browser "resubmit" finds the key
and gets the first result back instead of creating a second document. Since
``BEGIN IMMEDIATE`` serialises writers, two simultaneous submits cannot both
miss the key.
"""
from __future__ import annotations

import re
from typing import Callable

from equisis.store import audit
from equisis.store.database import write
from equisis.store.errors import IdempotencyConflict
from equisis.store.models import IdempotencyKey

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{16,80}\Z")


def is_valid_key(key: str | None) -> bool:
    return bool(key) and bool(KEY_PATTERN.match(key))


def once(key: str | None, scope: str, create: Callable[[], object]) -> tuple[str, bool]:
    """Run ``create()`` once per key; return (ref, created).

    ``create`` runs inside the same write transaction and returns the reference
    of what it made (an id or a document number, turned into text). Without a
    key (scripts, tests) it simply runs.
    """
    with write():
        if key is not None:
            if not is_valid_key(key):
                raise IdempotencyConflict()
            seen = IdempotencyKey.get_or_none(IdempotencyKey.key == key)
            if seen is not None:
                if seen.scope != scope:
                    raise IdempotencyConflict()
                return seen.ref, False
        ref = str(create())
        if key is not None:
            IdempotencyKey.create(key=key, scope=scope, ref=ref, created_at=audit.now_iso(),
                                  actor=audit.current_actor())
        return ref, True
