"""The audit log: who did what, when, with the record before and after.

Every create, post, cancel and setting change calls :func:`record` inside its
own write transaction, so the event exists exactly when the change does. Events
are append-only (database triggers) and chained: each event's hash covers its
content and the previous event's hash, so ``equisis doctor`` proves that
nothing was edited or removed afterwards.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from equisis.store.database import in_write_transaction
from equisis.store.errors import NotInTransaction
from equisis.store.models import AuditEvent

GENESIS = "0" * 64
ACTIONS = ("create", "update", "post", "cancel", "delete", "setting", "login", "restore")

_actor = contextvars.ContextVar("equisis_actor", default="system")
_clock = contextvars.ContextVar("equisis_clock", default=None)


def current_actor() -> str:
    return _actor.get()


@contextlib.contextmanager
def acting_as(actor: str):
    """Attribute every audit event in the block to ``actor`` ('user:sophie', 'cli:root', 'job:backup')."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def cli_actor() -> str:
    """The actor of a command typed on this machine: 'cli:<system user>' (or 'cli' where there is no name)."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


def now_iso() -> str:
    clock = _clock.get()
    moment = clock() if clock else dt.datetime.now(dt.timezone.utc)
    return moment.isoformat(timespec="microseconds")


def canonical(value) -> str | None:
    """Stable JSON for before/after snapshots (sorted keys, no spaces, dates as ISO)."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def chain_hash(prev_hash: str, at: str, actor: str, action: str, object_type: str, object_id: str,
               before_json: str | None, after_json: str | None) -> str:
    payload = "\x1f".join([prev_hash, at, actor, action, object_type, object_id,
                           before_json or "", after_json or ""])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(action: str, object_type: str, object_id, *, before=None, after=None) -> AuditEvent:
    """Append an event; call it inside the write() that makes the change."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if not in_write_transaction():
        raise NotInTransaction("audit.record() outside a write() transaction")
    last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    fields = dict(at=now_iso(), actor=current_actor(), action=action, object_type=object_type,
                  object_id=str(object_id), before_json=canonical(before), after_json=canonical(after))
    prev = last.hash if last else GENESIS
    return AuditEvent.create(prev_hash=prev, hash=chain_hash(prev, **fields), **fields)


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def verify_chain() -> list[ChainBreak]:
    """Recompute every hash in order; each mismatch or broken link is returned."""
    breaks, prev = [], GENESIS
    query = AuditEvent.select().order_by(AuditEvent.id).iterator()
    for event in query:
        if event.prev_hash != prev:
            breaks.append(ChainBreak(event.id, "link"))
        expected = chain_hash(event.prev_hash, event.at, event.actor, event.action, event.object_type,
                              event.object_id, event.before_json, event.after_json)
        if expected != event.hash:
            breaks.append(ChainBreak(event.id, "content"))
        prev = event.hash
    return breaks


def diff(before: dict | None, after: dict | None) -> dict:
    """Only the keys that changed, as {key: [before, after]} (for setting changes)."""
    before, after = before or {}, after or {}
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}
