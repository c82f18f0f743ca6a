"""The JSON API: bearer tokens '<company>.<secret>', roles, JSON errors in the asker's language."""
from __future__ import annotations

import pytest

from equisis.core import i18n
from equisis.users import service as user_service
from equisis.users.models import ApiToken
from tests.factories import make_company
from tests.web.conftest import add_user

TOKEN_MESSAGE = "Missing, unknown or revoked API token."


def _token(store, username, label="test"):
    with store.session():
        return user_service.issue_token(store.slug, username, label)


def _get(client, path, token=None, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(f"/api/v1{path}", headers=headers)


def test_me_with_a_token(client, store):
    token = _token(store, "sophie")
    assert token.startswith(store.slug + ".")
    response = _get(client, "/me", token)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"username": "sophie", "display_name": "Sophie Lambert", "role": "admin",
                                   "language": "en", "company": store.slug}


def test_company_with_a_token(client, store):
    response = _get(client, "/company", _token(store, "sophie"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "Déco Sophie SRL"
    assert body["enterprise_number"] == "0403170701"
    assert body["vat_number"] == "BE0403170701"


def test_bearer_scheme_is_case_insensitive(client, store):
    token = _token(store, "sophie")
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {token}"}).status_code == 200


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Basic c29waGllOnB3", "Bearer no-dot-in-it", "Bearer no-such-company.secret",
    "Bearer ../../etc.secret", "Bearer deco-sophie-srl.not-the-secret", "Bearer deco-sophie-srl.",
])
def test_missing_or_unknown_token(client, store, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert response.get_json() == {"error": "InvalidToken", "message": TOKEN_MESSAGE}


def test_revoked_token(client, store):
    token = _token(store, "sophie")
    assert _get(client, "/me", token).status_code == 200
    with store.session():
        user_service.revoke_token(ApiToken.select().order_by(ApiToken.id.desc()).first().id)
    response = _get(client, "/me", token)
    assert response.status_code == 401
    assert response.get_json() == {"error": "InvalidToken", "message": TOKEN_MESSAGE}


def test_token_of_a_deactivated_user(client, store):
    add_user(store, "julie", "sales")
    token = _token(store, "julie")
    with store.session():
        user_service.update_user(user_service.find_user("julie").id, active=False)
    assert _get(client, "/me", token).status_code == 401


def test_token_only_opens_its_own_company(app, client, store):
    other = make_company(app.extensions["equisis.instance"], slug="other-co", name="Other Co SA", language="en")
    token = _token(store, "sophie")
    secret = token.split(".", 1)[1]
    response = _get(client, "/me", f"{other}.{secret}")  # the secret of company A, sent to company B
    assert response.status_code == 401
    assert _get(client, "/company", token).get_json()["name"] == "Déco Sophie SRL"


def test_role_is_enforced_with_json(client, store):
    add_user(store, "karim", "cashier")
    add_user(store, "dubois", "accountant")
    cashier, accountant = _token(store, "karim"), _token(store, "dubois")
    assert _get(client, "/me", cashier).status_code == 200
    response = _get(client, "/audit", cashier)
    assert response.status_code == 403
    assert response.mimetype == "application/json"
    assert response.get_json() == {"error": "Forbidden", "message": "Your role does not allow this action."}
    assert _get(client, "/audit", accountant).status_code == 200


def test_audit_pages(client, store):
    token = _token(store, "sophie")
    with store.session():
        for n in range(7):
            user_service.add_user(f"user{n}", "password-xxxx", "sales")
    everything = _get(client, "/audit?limit=500", token).get_json()
    ids = [item["id"] for item in everything["items"]]
    assert ids == sorted(ids) and len(ids) >= 9
    assert everything["next_after"] is None
    first = _get(client, "/audit?limit=3", token).get_json()
    assert [i["id"] for i in first["items"]] == ids[:3]
    assert first["next_after"] == ids[2]
    second = _get(client, f"/audit?limit=3&after={first['next_after']}", token).get_json()
    assert [i["id"] for i in second["items"]] == ids[3:6]
    assert {"at", "actor", "action", "object_type", "object_id", "before", "after", "hash"} <= set(first["items"][0])


@pytest.mark.parametrize("query", ["after=99999999999999999999", "after=-5&limit=-1", "limit=abc", "after=x"])
def test_audit_odd_parameters(client, store, query):
    response = _get(client, f"/audit?{query}", _token(store, "sophie"))
    assert response.status_code == 200
    assert isinstance(response.get_json()["items"], list)


def test_api_does_not_need_csrf_nor_open_session_pages(client, store):
    token = _token(store, "sophie")
    # A bearer token is not a session: the back-office pages still ask to sign in.
    response = client.get(f"/c/{store.slug}/settings", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302


def test_unknown_api_path_answers_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["message"] == "This page does not exist."


def test_openapi_is_public(client):
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_health_is_public_json(client, store):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


# ---------------------------------------------------------------- language of the answers


class _Marked:
    """A stand-in catalog that marks each message with its language: shows which language was chosen."""

    def __init__(self, language):
        self.language = language

    def gettext(self, message):
        return f"[{self.language}] {message}"

    def ngettext(self, singular, plural, n):
        return f"[{self.language}] {singular if n == 1 else plural}"


@pytest.fixture
def marked_catalogs(monkeypatch):
    monkeypatch.setattr(i18n, "translations", _Marked)


def test_error_language_follows_accept_language(app, store, marked_catalogs):
    client = app.test_client()  # sends no Accept-Language unless told
    add_user(store, "karim", "cashier", language="fr")
    cashier = _token(store, "karim")
    # No token: nobody known yet, the header decides.
    assert _get(client, "/me", **{"Accept-Language": "nl-BE,nl;q=0.9"}).get_json()["message"] == \
        f"[nl] {TOKEN_MESSAGE}"
    assert _get(client, "/me", **{"Accept-Language": "de"}).get_json()["message"] == f"[de] {TOKEN_MESSAGE}"
    # A known user: the header still decides when there is one ...
    assert _get(client, "/audit", cashier, **{"Accept-Language": "nl"}).get_json()["message"] == \
        "[nl] Your role does not allow this action."
    # ... else the user's own language.
    plain = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {cashier}"})
    assert plain.get_json()["message"] == "[fr] Your role does not allow this action."
    assert _get(client, "/nothing-here", **{"Accept-Language": "nl"}).get_json()["message"] == \
        "[nl] This page does not exist."


def test_dutch_message_from_the_real_catalog(client, store):
    if not (i18n.CATALOG_DIR / "nl" / "LC_MESSAGES" / "messages.mo").exists():
        pytest.skip("no compiled Dutch catalog (equisis/translations/nl/LC_MESSAGES/messages.mo)")
    dutch = i18n.gettext(TOKEN_MESSAGE, locale="nl")
    if dutch == TOKEN_MESSAGE:
        pytest.skip("the Dutch catalog does not translate the token message yet")
    response = _get(client, "/me", "nope", **{"Accept-Language": "nl"})
    assert response.status_code == 401
    assert response.get_json()["message"] == dutch
