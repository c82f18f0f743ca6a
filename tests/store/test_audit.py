"""The audit log: append-only, hash-chained, verifiable."""
import apsw
import pytest

from equisis.store import audit, write
from equisis.store.database import IMMUTABLE_MARK
from equisis.store.errors import NotInTransaction, PostedRowImmutable
from equisis.store.models import AuditEvent


def record_three():
    with write():
        audit.record("create", "invoice", 1, after={"total_cents": 1250})
        audit.record("post", "invoice", 1, before={"state": "draft"}, after={"state": "posted"})
        audit.record("setting", "settings", "mail.host", before={"mail.host": ""},
                     after={"mail.host": "smtp"})


def test_a_clean_chain_verifies(store):
    record_three()
    assert audit.verify_chain() == []


def test_events_link_to_their_predecessor(store):
    record_three()
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert events[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]


def test_an_empty_log_verifies(store):
    assert audit.verify_chain() == []


def test_actor_comes_from_acting_as(store):
    with audit.acting_as("user:sophie"), write():
        event = audit.record("create", "invoice", 7)
    with write():
        other = audit.record("create", "invoice", 8)
    assert (event.actor, other.actor) == ("user:sophie", "system")


def test_snapshots_are_canonical_json(store):
    with write():
        event = audit.record("create", "party", 3, after={"name": "Café Léa", "b": 1, "a": [2]})
    assert event.after_json == '{"a":[2],"b":1,"name":"Café Léa"}'
    assert event.before_json is None


def test_record_outside_write_is_a_bug(store):
    with pytest.raises(NotInTransaction):
        audit.record("create", "invoice", 1)


def test_unknown_action_is_a_bug(store):
    with pytest.raises(ValueError), write():
        audit.record("frobnicate", "invoice", 1)


def test_an_edited_event_is_reported(store):
    record_three()
    raw = store.database.connection()
    raw.execute('DROP TRIGGER "audit_event_no_update"')
    raw.execute("UPDATE audit_event SET actor = 'mallory' WHERE id = 2")
    assert audit.verify_chain() == [audit.ChainBreak(2, "content")]


def test_an_edited_snapshot_is_reported(store):
    record_three()
    raw = store.database.connection()
    raw.execute('DROP TRIGGER "audit_event_no_update"')
    raw.execute("""UPDATE audit_event SET after_json = '{"total_cents":1}' WHERE id = 1""")
    assert audit.verify_chain() == [audit.ChainBreak(1, "content")]


def test_a_removed_event_is_reported(store):
    record_three()
    raw = store.database.connection()
    raw.execute('DROP TRIGGER "audit_event_no_delete"')
    raw.execute("DELETE FROM audit_event WHERE id = 2")
    assert audit.verify_chain() == [audit.ChainBreak(3, "link")]


def test_a_rehashed_event_still_breaks_the_next_link(store):
    record_three()
    first = AuditEvent.get_by_id(1)
    forged = audit.chain_hash(first.prev_hash, first.at, "mallory", first.action, first.object_type,
                              first.object_id, first.before_json, first.after_json)
    raw = store.database.connection()
    raw.execute('DROP TRIGGER "audit_event_no_update"')
    raw.execute("UPDATE audit_event SET actor = 'mallory', hash = ? WHERE id = 1", (forged,))
    assert audit.verify_chain() == [audit.ChainBreak(2, "link")]


@pytest.mark.parametrize("change", [
    lambda: AuditEvent.update(actor="mallory").execute(),
    lambda: AuditEvent.delete().where(AuditEvent.id == 1).execute(),
])
def test_the_log_is_append_only(store, change):
    record_three()
    before = [(e.id, e.actor, e.hash) for e in AuditEvent.select()]
    with pytest.raises(PostedRowImmutable) as caught:
        with write():
            change()
    assert caught.value.params == {"what": "audit_event"}
    assert [(e.id, e.actor, e.hash) for e in AuditEvent.select()] == before


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"])
def test_the_triggers_also_stop_hand_run_sql(store, statement):
    record_three()
    with pytest.raises(apsw.ConstraintError, match=IMMUTABLE_MARK + "audit_event"):
        store.database.connection().execute(statement)
    assert AuditEvent.select().count() == 3


@pytest.mark.parametrize("before, after, changed", [
    ({"a": 1, "b": 2}, {"a": 1, "b": 3}, {"b": [2, 3]}),
    ({"a": 1}, {"a": 1, "c": 4}, {"c": [None, 4]}),
    ({"a": 1}, {}, {"a": [1, None]}),
    (None, {"a": 1}, {"a": [None, 1]}),
    ({"a": 1}, {"a": 1}, {}),
])
def test_diff_keeps_only_changed_keys(before, after, changed):
    assert audit.diff(before, after) == changed
