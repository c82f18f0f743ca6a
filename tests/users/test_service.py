"""Users in a real company database: adding, signing in, PINs, API tokens, and what the audit log keeps."""
import hashlib

import pytest
from argon2 import PasswordHasher

from equisis.store import audit
from equisis.store.models import AuditEvent
from equisis.users import service
from equisis.users.errors import (InvalidCredentials, InvalidPin, InvalidPinFormat, InvalidToken,
                                  InvalidUsername, PinAlreadyUsed, UnknownRole, UnknownUser, UserExists,
                                  WeakPassword)
from equisis.users.models import ApiToken, User
from tests.factories import ADMIN_PASSWORD

PASSWORD = "till-password-1"


def add_cashier(username="karim", pin="1234", **over):
    return service.add_user(username, PASSWORD, "cashier", pin=pin, **over)


@pytest.mark.parametrize("args, error, field", [
    (("a", PASSWORD, "sales"), InvalidUsername, "username"),
    (("marc dupont", PASSWORD, "sales"), InvalidUsername, "username"),
    (("marc", "short", "sales"), WeakPassword, "password"),
    (("marc", PASSWORD, "boss"), UnknownRole, "role"),
    (("sophie", PASSWORD, "sales"), UserExists, "username"),  # the company's admin
])
def test_add_user_refuses(company, args, error, field):
    with pytest.raises(error) as caught:
        service.add_user(*args)
    assert caught.value.field == field
    assert [u.username for u in User.select()] == ["sophie"]


@pytest.mark.parametrize("pin", ["12", "abcd", "1234567", "12 34"])
def test_add_user_refuses_a_malformed_pin(company, pin):
    with pytest.raises(InvalidPinFormat):
        add_cashier(pin=pin)
    assert User.select().count() == 1


def test_add_user_refuses_a_pin_already_used(company):
    add_cashier("karim", pin="1234")
    with pytest.raises(PinAlreadyUsed) as caught:
        add_cashier("els", pin="1234")
    assert caught.value.field == "pin"
    assert not User.select().where(User.username == "els").exists()


def test_a_pin_of_a_deactivated_user_is_free_again(company):
    karim = add_cashier("karim", pin="1234")
    service.update_user(karim.id, active=False)
    assert add_cashier("els", pin="1234").username == "els"


def test_add_user_stores_argon2id_hashes_only(company):
    user = add_cashier()
    assert user.password_hash.startswith("$argon2id$")
    assert user.pin_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash and "1234" not in user.pin_hash


def test_add_user_defaults(company):
    user = service.add_user("marc", PASSWORD, "sales")
    assert (user.display_name, user.language, user.active, user.pin_hash) == ("marc", "fr", True, None)


def test_authenticate_returns_the_user(company):
    assert service.authenticate("sophie", ADMIN_PASSWORD).username == "sophie"


@pytest.mark.parametrize("username, password", [
    ("sophie", "wrong password"),
    ("sophie", ""),
    ("sophie", None),
    ("nobody", ADMIN_PASSWORD),
    ("SOPHIE", ADMIN_PASSWORD),
])
def test_authenticate_failures_all_say_the_same(company, username, password):
    with pytest.raises(InvalidCredentials) as caught:
        service.authenticate(username, password)
    assert str(caught.value) == "Unknown user name or wrong password."
    assert caught.value.as_dict("en") == {"error": "InvalidCredentials",
                                          "message": "Unknown user name or wrong password."}
    assert caught.value.status == 401


def test_a_deactivated_user_cannot_sign_in(company):
    service.add_user("marc", PASSWORD, "sales")
    service.update_user(User.get(User.username == "marc").id, active=False)
    with pytest.raises(InvalidCredentials):
        service.authenticate("marc", PASSWORD)


def test_sign_in_upgrades_a_hash_made_with_older_costs(company, monkeypatch):
    old_hash = User.get(User.username == "sophie").password_hash
    monkeypatch.setattr(service, "_hasher", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    service.authenticate("sophie", ADMIN_PASSWORD)
    new_hash = User.get(User.username == "sophie").password_hash
    assert new_hash != old_hash and new_hash.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
    assert service.authenticate("sophie", ADMIN_PASSWORD).username == "sophie"


def test_set_password_replaces_the_old_one(company):
    service.set_password("sophie", "a new password")
    assert service.authenticate("sophie", "a new password").username == "sophie"
    with pytest.raises(InvalidCredentials):
        service.authenticate("sophie", ADMIN_PASSWORD)


def test_set_password_of_an_unknown_user(company):
    with pytest.raises(UnknownUser):
        service.set_password("nobody", "a new password")


def test_authenticate_pin(company):
    karim = add_cashier(pin="4321")
    assert service.authenticate_pin(karim.id, "4321").username == "karim"


@pytest.mark.parametrize("pin", ["1234", "", None, "43210"])
def test_authenticate_pin_refuses_a_wrong_pin(company, pin):
    karim = add_cashier(pin="4321")
    with pytest.raises(InvalidPin):
        service.authenticate_pin(karim.id, pin)


def test_authenticate_pin_of_a_user_without_pin_or_unknown(company):
    sophie = User.get(User.username == "sophie")
    with pytest.raises(InvalidPin):
        service.authenticate_pin(sophie.id, "1234")
    with pytest.raises(InvalidPin):
        service.authenticate_pin(9999, "1234")


def test_set_pin_and_pin_users(company):
    add_cashier("karim", pin="1111", display_name="Karim")
    service.set_pin("sophie", "2222")  # an admin may hold a PIN (supervisor approvals) ...
    assert [u.username for u in service.pin_users()] == ["karim"]  # ... but not sign in with it
    with pytest.raises(PinAlreadyUsed):
        service.set_pin("sophie", "1111")
    service.set_pin("karim", "1111")  # one's own PIN again is fine


def test_issued_token_names_its_company_and_finds_its_user(company):
    token = service.issue_token(company.slug, "sophie", label="stock scanner")
    assert token.startswith(company.slug + ".")
    assert service.company_of_token(token) == company.slug
    assert service.user_for_token(token).username == "sophie"


def test_only_the_token_hash_is_stored(company):
    token = service.issue_token(company.slug, "sophie")
    row = ApiToken.get()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    secret = token.split(".", 1)[1]
    for event in AuditEvent.select():
        assert secret not in (event.after_json or "") + (event.before_json or "")


def test_a_revoked_token_no_longer_works(company):
    token = service.issue_token(company.slug, "sophie")
    other = service.issue_token(company.slug, "sophie")
    service.revoke_token(ApiToken.get(ApiToken.token_hash == service._token_hash(token)).id)
    with pytest.raises(InvalidToken):
        service.user_for_token(token)
    assert service.user_for_token(other).username == "sophie"


def test_revoking_twice_records_one_event(company):
    service.issue_token(company.slug, "sophie")
    token_id = ApiToken.get().id
    service.revoke_token(token_id)
    service.revoke_token(token_id)
    assert AuditEvent.select().where((AuditEvent.object_type == "api_token")
                                     & (AuditEvent.action == "cancel")).count() == 1


def test_a_deactivated_users_token_no_longer_works(company):
    service.add_user("marc", PASSWORD, "sales")
    token = service.issue_token(company.slug, "marc")
    service.update_user(User.get(User.username == "marc").id, active=False)
    with pytest.raises(InvalidToken):
        service.user_for_token(token)


@pytest.mark.parametrize("token", ["", None, "deco-sophie-srl.not-a-real-secret", "garbage"])
def test_unknown_tokens_are_refused(company, token):
    service.issue_token(company.slug, "sophie")
    with pytest.raises(InvalidToken):
        service.user_for_token(token)


def test_issue_token_for_an_unknown_user(company):
    with pytest.raises(UnknownUser):
        service.issue_token(company.slug, "nobody")


@pytest.mark.parametrize("token, slug", [
    ("deco.abc", "deco"), ("deco-sophie-srl.x.y", "deco-sophie-srl"), ("abc", None), ("", None), (None, None),
])
def test_company_of_token(token, slug):
    assert service.company_of_token(token) == slug


def test_update_user_refuses_unknown_fields_and_roles(company):
    sophie = User.get(User.username == "sophie")
    with pytest.raises(TypeError):
        service.update_user(sophie.id, password_hash="x")
    with pytest.raises(UnknownRole):
        service.update_user(sophie.id, role="boss")


def test_user_creation_is_audited_without_any_hash(company):
    with audit.acting_as("user:sophie"):
        karim = add_cashier(display_name="Karim B.")
    event = AuditEvent.select().where((AuditEvent.object_type == "user")
                                      & (AuditEvent.object_id == str(karim.id))).get()
    assert (event.action, event.actor) == ("create", "user:sophie")
    assert event.after_json == audit.canonical({
        "username": "karim", "display_name": "Karim B.", "role": "cashier", "language": "fr", "active": True,
        "has_pin": True})


def test_no_audit_event_ever_holds_a_hash_or_secret(company):
    karim = add_cashier(pin="1234")
    service.set_password("karim", "another password")
    service.set_pin("karim", "5678")
    service.update_user(karim.id, role="sales")
    service.issue_token(company.slug, "karim")
    texts = [(e.before_json or "") + (e.after_json or "") for e in AuditEvent.select()]
    assert len(texts) >= 6
    for text in texts:
        assert "$argon2" not in text
        for secret in (PASSWORD, "another password", "1234", "5678", ADMIN_PASSWORD):
            assert secret not in text
    assert audit.verify_chain() == []


def test_failed_user_creation_leaves_no_audit_event(company):
    before = AuditEvent.select().count()
    with pytest.raises(UserExists):
        service.add_user("sophie", PASSWORD, "sales")
    assert AuditEvent.select().count() == before


def test_an_administrator_cannot_sign_in_with_a_pin(company):
    service.set_pin("sophie", "2222")
    with pytest.raises(InvalidPin):
        service.authenticate_pin(User.get(User.username == "sophie").id, "2222")


def test_the_last_active_administrator_cannot_be_demoted_or_deactivated(company):
    from equisis.users.errors import LastAdministrator

    sophie = User.get(User.username == "sophie")
    with pytest.raises(LastAdministrator):
        service.update_user(sophie.id, role="cashier")
    with pytest.raises(LastAdministrator):
        service.update_user(sophie.id, active=False)
    service.add_user("marc", "long enough", "admin")
    service.update_user(sophie.id, role="accountant")  # another admin remains
    assert User.get_by_id(sophie.id).role == "accountant"


def test_a_page_session_token_is_reused_then_replaced_for_another_user(company):
    karim = add_cashier()
    token = service.session_token(company.slug, karim.id)
    assert service.user_for_token(token).username == "karim"
    assert service.session_token(company.slug, karim.id, reuse=token) == token
    sophie = service.find_user("sophie")
    other = service.session_token(company.slug, sophie.id, reuse=token)  # another cashier took the till
    assert other != token and service.user_for_token(other).username == "sophie"
    with pytest.raises(InvalidToken):
        service.user_for_token(token)


def test_a_page_session_token_expires_and_is_replaced(company):
    import datetime as dt

    karim = add_cashier()
    token = service.session_token(company.slug, karim.id)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=service.SESSION_TOKEN_HOURS, minutes=1)
    clock = audit._clock.set(lambda: later)
    try:
        with pytest.raises(InvalidToken):
            service.user_for_token(token)
        fresh = service.session_token(company.slug, karim.id, reuse=token)
        assert fresh != token and service.user_for_token(fresh).username == "karim"
    finally:
        audit._clock.reset(clock)
    assert ApiToken.get(ApiToken.token_hash == service._token_hash(token)).revoked_at is not None


def test_revoking_a_token_by_its_value(company):
    token = service.issue_token(company.slug, "sophie", label="API")
    assert service.revoke_token_value(token) is True
    assert service.revoke_token_value(token) is False and service.revoke_token_value("nope.x") is False
    with pytest.raises(InvalidToken):
        service.user_for_token(token)
    a_label_token = service.issue_token(company.slug, "sophie")  # ordinary tokens never expire
    later = __import__("datetime").datetime(2100, 1, 1, tzinfo=__import__("datetime").timezone.utc)
    clock = audit._clock.set(lambda: later)
    try:
        assert service.user_for_token(a_label_token).username == "sophie"
    finally:
        audit._clock.reset(clock)
