"""Pairing, heartbeat and revoking on a real company database."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.core.errors import NotFound
from equisis.lan import rules, service
from equisis.lan.errors import InvalidPairingCode, InvalidTerminalName, NotATerminal
from equisis.lan.models import PairingCode, Terminal
from equisis.store import audit
from equisis.store.models import AuditEvent
from equisis.users import service as users
from equisis.users.errors import InvalidCredentials, InvalidToken
from equisis.users.models import ApiToken, User
from tests.factories import make_company

T0 = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.timezone.utc)


def pair(company, code, name="Till 1", now=T0 + dt.timedelta(minutes=1), **kw):
    return service.pair_terminal([company], code, name, now=now, **kw)


def test_a_code_pairs_a_terminal_once(company):
    issued = service.create_pairing_code(now=T0)
    assert rules.normalise_pairing_code(issued.code) and "-" in issued.code
    assert issued.expires_at == T0 + dt.timedelta(minutes=10)

    paired = pair(company, issued.code.lower(), "  Till 1 ", remote_addr="10.0.0.7")
    assert (paired.company, paired.name) == (company.slug, "Till 1")
    assert paired.token.startswith(f"{company.slug}.")

    user = users.user_for_token(paired.token)
    assert user.role == "cashier" and user.display_name == "Till 1" and user.username.startswith("terminal.")
    with pytest.raises(InvalidCredentials):  # nobody knows its password
        users.authenticate(user.username, "")
    terminal = Terminal.get_by_id(paired.terminal_id)
    assert (terminal.user_id, terminal.paired_from, terminal.revoked_at) == (user.id, "10.0.0.7", None)
    assert terminal.token.user_id == user.id
    assert PairingCode.get().used_at is not None

    with pytest.raises(InvalidPairingCode):  # once
        pair(company, issued.code, "Till 2")
    assert Terminal.select().count() == 1


def test_only_the_hash_of_a_code_is_kept(company):
    issued = service.create_pairing_code(now=T0)
    row = PairingCode.get()
    assert row.code_hash == rules.pairing_code_digest(rules.normalise_pairing_code(issued.code))
    assert issued.code.replace("-", "") not in repr(row.__data__)


@pytest.mark.parametrize("code", ["ABCD-EFGH", "", "not a code", "K7RM-3QX"])
def test_a_wrong_code_pairs_nothing(company, code):
    service.create_pairing_code(now=T0)
    with pytest.raises(InvalidPairingCode) as raised:
        pair(company, code)
    assert raised.value.status == 401
    assert Terminal.select().count() == 0
    assert User.select().count() == 1  # the administrator only


@pytest.mark.parametrize("minutes,accepted", [(9.9, True), (10, False), (60, False)])
def test_a_code_expires_after_ten_minutes(company, minutes, accepted):
    issued = service.create_pairing_code(now=T0)
    later = T0 + dt.timedelta(minutes=minutes)
    if accepted:
        assert pair(company, issued.code, now=later).terminal_id
    else:
        with pytest.raises(InvalidPairingCode):
            pair(company, issued.code, now=later)
        assert PairingCode.get().used_at is None


def test_a_bad_terminal_name_is_refused_before_the_code_is_spent(company):
    issued = service.create_pairing_code(now=T0)
    with pytest.raises(InvalidTerminalName):
        pair(company, issued.code, name="")
    assert pair(company, issued.code, name="Till 1").terminal_id


def test_the_code_of_another_company_pairs_with_that_company(instance):
    first = instance.get(make_company(instance, slug="first"))
    second = instance.get(make_company(instance, slug="second"))
    with second.session():
        issued = service.create_pairing_code(now=T0)
    paired = service.pair_terminal([first, second], issued.code, "Till", now=T0)
    assert paired.company == "second"
    with first.session():
        assert Terminal.select().count() == 0
    with second.session():
        assert Terminal.select().count() == 1


def test_pending_codes(company):
    service.create_pairing_code(now=T0)
    used = service.create_pairing_code(now=T0 + dt.timedelta(minutes=5))
    pair(company, used.code, now=T0 + dt.timedelta(minutes=6))
    assert len(service.pending_codes(now=T0 + dt.timedelta(minutes=9))) == 1
    assert service.pending_codes(now=T0 + dt.timedelta(minutes=10)) == []


def test_revoking_a_terminal_revokes_its_token_and_user(company):
    paired = pair(company, service.create_pairing_code(now=T0).code)
    revoked = service.revoke_terminal(paired.terminal_id, now=T0 + dt.timedelta(hours=1))
    assert revoked.revoked_at is not None
    with pytest.raises(InvalidToken):
        users.user_for_token(paired.token)
    assert ApiToken.get_by_id(revoked.token_id).revoked_at is not None
    assert User.get_by_id(revoked.user_id).active is False
    assert service.revoke_terminal(paired.terminal_id).revoked_at == revoked.revoked_at  # twice: no change
    with pytest.raises(NotFound):
        service.revoke_terminal(999)


def test_pairing_and_revoking_are_audited(company):
    with audit.acting_as("user:sophie"):
        paired = pair(company, service.create_pairing_code(now=T0).code, "Till 1")
        service.revoke_terminal(paired.terminal_id)
    events = [(e.actor, e.action, e.object_type) for e in AuditEvent.select().order_by(AuditEvent.id)
              if e.object_type in ("pairing_code", "terminal")]
    assert events == [("user:sophie", "create", "pairing_code"), ("terminal:Till 1", "create", "terminal"),
                      ("user:sophie", "cancel", "terminal")]
    assert audit.verify_chain() == []


def test_heartbeat_records_when_and_where_at_most_once_a_minute(company):
    paired = pair(company, service.create_pairing_code(now=T0).code)
    user = users.user_for_token(paired.token)
    seen = service.record_heartbeat(user.id, remote_addr="10.0.0.7", now=T0 + dt.timedelta(minutes=2))
    assert (seen.last_seen_at[:16], seen.last_seen_from) == ("2026-03-02T14:02", "10.0.0.7")
    again = service.record_heartbeat(user.id, remote_addr="10.0.0.7",
                                     now=T0 + dt.timedelta(minutes=2, seconds=30))
    assert again.last_seen_at == seen.last_seen_at
    moved = service.record_heartbeat(user.id, remote_addr="10.0.0.8",
                                     now=T0 + dt.timedelta(minutes=2, seconds=31))
    assert moved.last_seen_from == "10.0.0.8"


def test_heartbeat_of_a_user_who_is_no_terminal(company):
    admin = User.get(User.username == "sophie")
    with pytest.raises(NotATerminal):
        service.record_heartbeat(admin.id)


def test_terminals_lists_active_ones_first(company):
    first = pair(company, service.create_pairing_code(now=T0).code, "First")
    pair(company, service.create_pairing_code(now=T0).code, "Second")
    service.revoke_terminal(first.terminal_id)
    pair(company, service.create_pairing_code(now=T0).code, "Third")
    assert [t.name for t in service.terminals()] == ["Third", "Second", "First"]


def test_server_id_is_made_once_and_kept(tmp_path):
    made = service.server_id(tmp_path / "instance")
    assert len(made) == 16 and int(made, 16) >= 0
    assert service.server_id(tmp_path / "instance") == made
    assert [p.name for p in (tmp_path / "instance").iterdir()] == ["server_id"]
