"""The users screen: create (once per form), edit the role, set a PIN, issue and revoke API tokens."""
from __future__ import annotations

import re

import pytest

from equisis.store.models import AuditEvent
from equisis.users import service as user_service
from equisis.users.models import ApiToken, User
from tests.web.conftest import USER_PASSWORD, add_user, csrf_in, form_token, sign_in, text_of


def _form(client, url):
    html = client.get(url).get_data(as_text=True)
    idem = re.search(r'name="_idem" value="([^"]+)"', html)
    return {"_csrf": csrf_in(html), **({"_idem": idem.group(1)} if idem else {})}


def _new_user(admin, slug, **fields):
    data = {**_form(admin, f"/c/{slug}/users/new"), "username": "julie", "display_name": "Julie Martin",
            "password": USER_PASSWORD, "role": "sales", "language": "en", **fields}
    return admin.post(f"/c/{slug}/users/new", data=data), data


def test_admin_creates_a_user(admin, slug, store, app):
    response, _ = _new_user(admin, slug)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/c/{slug}/users/"
    listing = admin.get(response.headers["Location"])
    assert "User created." in text_of(listing)
    assert "Julie Martin" in text_of(listing)
    with store.session():
        julie = User.get(User.username == "julie")
        assert (julie.role, julie.language, julie.display_name) == ("sales", "en", "Julie Martin")
        event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        assert (event.action, event.object_type, event.actor) == ("create", "user", "user:sophie")
        assert "password" not in (event.after_json or "") and "hash" not in (event.after_json or "")
    other = app.test_client()
    assert sign_in(other, slug, username="julie", password=USER_PASSWORD).status_code == 303


def test_double_submit_creates_one_user(admin, slug, store):
    first, data = _new_user(admin, slug)
    second = admin.post(f"/c/{slug}/users/new", data=data)  # the same form (same _idem) again
    assert first.status_code == 303
    assert second.status_code == 303, text_of(second)
    with store.session():
        assert User.select().where(User.username == "julie").count() == 1
        assert AuditEvent.select().where((AuditEvent.action == "create") & (AuditEvent.object_type == "user")
                                         ).count() == 2  # sophie at setup, julie once


def test_new_form_twice_with_a_new_key_is_refused_as_a_duplicate(admin, slug, store):
    assert _new_user(admin, slug)[0].status_code == 303
    response, _ = _new_user(admin, slug)  # a fresh form for the same user name
    assert response.status_code == 409
    page = text_of(response)
    assert "A user “julie” already exists." in page.split('id="username-error">', 1)[1]


@pytest.mark.parametrize("field,value,words", [
    ("username", "a b", "cannot be a user name"),
    ("password", "short", "at least 8 characters"),
    ("role", "boss", "is not a role"),
    ("pin", "12", "4 to 6 digits"),
])
def test_invalid_user_is_not_created(admin, slug, store, field, value, words):
    response, _ = _new_user(admin, slug, **{field: value})
    assert response.status_code == 400
    page = text_of(response)
    assert words in page.split(f'id="{field}-error">', 1)[1].split("</span>", 1)[0]
    with store.session():
        assert User.select().count() == 1


def test_admin_edits_role_and_pin(admin, slug, store, app):
    user = add_user(store, "karim", "sales", display_name="Karim")
    url = f"/c/{slug}/users/{user.id}"
    response = admin.post(url, data={**_form(admin, url), "display_name": "Karim Benali", "role": "cashier",
                                     "language": "fr", "active": "on", "pin": "4321"})
    assert response.status_code == 303
    with store.session():
        karim = User.get_by_id(user.id)
        assert (karim.role, karim.display_name, karim.language, karim.active) == ("cashier", "Karim Benali", "fr",
                                                                                   True)
        assert karim.pin_hash and "4321" not in karim.pin_hash
        assert user_service.authenticate_pin(user.id, "4321").id == user.id
        assert AuditEvent.select().where((AuditEvent.object_type == "user") & (AuditEvent.action == "update")
                                         ).count() == 2  # the edit, the PIN
    # The PIN works at the till.
    till = app.test_client()
    token = form_token(till, f"/c/{slug}/pin")
    assert till.post(f"/c/{slug}/pin", data={"_csrf": token, "user_id": user.id, "pin": "4321"}).status_code == 303


def test_edit_with_a_taken_pin_is_refused(admin, slug, store):
    add_user(store, "els", "cashier", pin="5678")
    user = add_user(store, "karim", "cashier")
    url = f"/c/{slug}/users/{user.id}"
    response = admin.post(url, data={**_form(admin, url), "display_name": "Karim B.", "role": "admin",
                                     "language": "en", "active": "on", "pin": "5678"})
    assert response.status_code == 400
    assert "already has this PIN" in text_of(response).split('id="pin-error">', 1)[1]
    with store.session():
        karim = User.get_by_id(user.id)
        # Nothing of the refused form was saved, not even the fields before the PIN.
        assert (karim.pin_hash, karim.role, karim.display_name) == (None, "cashier", "karim")


def test_admin_changes_a_password(admin, slug, store, app):
    user = add_user(store, "julie", "sales")
    url = f"/c/{slug}/users/{user.id}"
    response = admin.post(url, data={**_form(admin, url), "display_name": "Julie", "role": "sales",
                                     "language": "en", "active": "on", "password": "brand-new-pass"})
    assert response.status_code == 303
    other = app.test_client()
    assert sign_in(other, slug, username="julie", password=USER_PASSWORD).status_code == 401
    assert sign_in(other, slug, username="julie", password="brand-new-pass").status_code == 303


def test_unknown_user_page(admin, slug):
    assert admin.get(f"/c/{slug}/users/999").status_code == 404


def test_issue_and_revoke_a_token(admin, slug, store, client):
    user = add_user(store, "dubois", "accountant")
    url = f"/c/{slug}/users/{user.id}"
    response = admin.post(f"{url}/tokens", data={**_form(admin, url), "label": "webshop"})
    assert response.status_code == 303
    page = text_of(admin.get(response.headers["Location"]))
    found = re.search(rf"shown only once\): ({re.escape(slug)}\.[A-Za-z0-9_-]+)", page)
    assert found, "the new token is shown once"
    token = found.group(1)
    auth = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=auth)
    assert me.status_code == 200 and me.get_json()["username"] == "dubois"
    assert "webshop" in page
    assert token not in text_of(admin.get(url))  # shown once only

    with store.session():
        row = ApiToken.get(ApiToken.label == "webshop")
        assert token not in row.token_hash
    response = admin.post(f"/c/{slug}/users/tokens/{row.id}/revoke", data=_form(admin, url))
    assert response.status_code == 303
    assert "Token revoked." in text_of(admin.get(response.headers["Location"]))
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    with store.session():
        assert ApiToken.get_by_id(row.id).revoked_at is not None
        assert AuditEvent.select().where((AuditEvent.object_type == "api_token") & (AuditEvent.action == "cancel")
                                         ).count() == 1


def test_token_form_submitted_twice_issues_one_token(admin, slug, store):
    user = add_user(store, "dubois", "accountant")
    url = f"/c/{slug}/users/{user.id}"
    data = {**_form(admin, url), "label": "twice"}
    assert admin.post(f"{url}/tokens", data=data).status_code == 303
    second = admin.post(f"{url}/tokens", data=data)
    assert second.status_code == 303
    assert "already submitted" in text_of(admin.get(second.headers["Location"]))
    with store.session():
        assert ApiToken.select().where(ApiToken.label == "twice").count() == 1


def test_tokens_for_unknown_users_or_tokens_are_404(admin, slug):
    token = form_token(admin, f"/c/{slug}/users/new")
    assert admin.post(f"/c/{slug}/users/999/tokens", data={"_csrf": token}).status_code == 404
    assert admin.post(f"/c/{slug}/users/tokens/999/revoke", data={"_csrf": token}).status_code == 404


def test_users_list_search_and_role_filter(admin, slug, store):
    add_user(store, "karim", "cashier", display_name="Karim Benali")
    add_user(store, "els", "cashier", display_name="Els Peeters")
    add_user(store, "dubois", "accountant", display_name="Fiduciaire Dubois")
    cashiers = text_of(admin.get(f"/c/{slug}/users/?role=cashier"))
    assert "Karim Benali" in cashiers and "Els Peeters" in cashiers and "Fiduciaire Dubois" not in cashiers
    found = text_of(admin.get(f"/c/{slug}/users/?q=peet"))
    assert "Els Peeters" in found and "Karim Benali" not in found


def test_preferences_change_language_and_password(admin, slug, store, app):
    url = f"/c/{slug}/me"
    wrong = admin.post(url, data={**_form(admin, url), "language": "nl", "current_password": "nope",
                                  "password": "another-pass"})
    assert wrong.status_code == 401
    assert "Unknown user name or wrong password." in text_of(wrong)
    with store.session():
        assert User.get(User.username == "sophie").language == "en"  # the refused form saved nothing
    ok = admin.post(url, data={**_form(admin, url), "language": "en", "current_password": "correct horse",
                               "password": "another-pass"})
    assert ok.status_code == 303
    assert sign_in(app.test_client(), slug, password="another-pass").status_code == 303


@pytest.mark.parametrize("number", ["999", "99999999999999999999"])
def test_ids_beyond_the_table_or_sqlite_are_404(admin, slug, number):
    token = form_token(admin, f"/c/{slug}/users/new")
    assert admin.get(f"/c/{slug}/users/{number}").status_code == 404
    assert admin.post(f"/c/{slug}/users/{number}/tokens", data={"_csrf": token}).status_code == 404
    assert admin.post(f"/c/{slug}/users/tokens/{number}/revoke", data={"_csrf": token}).status_code == 404
