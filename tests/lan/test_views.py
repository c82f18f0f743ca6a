"""The Terminals page and the terminals' JSON endpoints, through the Flask client."""
from __future__ import annotations

import re

import pytest

from equisis.lan import service
from equisis.lan.models import Terminal
from equisis.users.models import ApiToken
from tests.web.conftest import USER_PASSWORD, add_user, csrf_in, form_token, sign_in, text_of

CODE_IN_FLASH = re.compile(r"Pairing code: ([2-9A-Z]{4}-[2-9A-Z]{4})")


def new_code(admin, slug) -> str:
    token = form_token(admin, f"/c/{slug}/terminals/")
    response = admin.post(f"/c/{slug}/terminals/codes", data={"_csrf": token}, follow_redirects=True)
    assert response.status_code == 200
    found = CODE_IN_FLASH.search(text_of(response))
    assert found, text_of(response)
    return found.group(1)


def pair(client, code, name="Till 1", **kw):
    return client.post("/api/v1/pair", json={"code": code, "name": name}, **kw)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_pair_then_revoke_from_the_terminals_page(admin, client, slug):
    code = new_code(admin, slug)
    response = pair(client, code, "Till 1")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["company"] == slug and body["till_url"] == f"/c/{slug}/"
    assert body["terminal"]["name"] == "Till 1"
    assert body["server"]["id"] and body["server"]["name"] == "Equisis"

    me = client.get("/api/v1/me", headers=bearer(body["token"]))
    assert me.status_code == 200
    assert me.get_json()["role"] == "cashier" and me.get_json()["display_name"] == "Till 1"

    page = admin.get(f"/c/{slug}/terminals/")
    assert "Till 1" in text_of(page) and "active" in text_of(page)
    revoke = admin.post(f"/c/{slug}/terminals/{body['terminal']['id']}/revoke",
                        data={"_csrf": csrf_in(page.get_data(as_text=True))}, follow_redirects=True)
    assert revoke.status_code == 200
    assert "Terminal “Till 1” revoked" in text_of(revoke)

    refused = client.get("/api/v1/me", headers=bearer(body["token"]))
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "InvalidToken"
    assert client.post("/api/v1/terminal/heartbeat", headers=bearer(body["token"])).status_code == 401


def test_an_unpaired_terminal_gets_401(client, slug):
    response = client.get("/api/v1/me", headers=bearer(f"{slug}.not-a-paired-terminal"))
    assert response.status_code == 401
    assert response.get_json()["message"] == "Missing, unknown or revoked API token."


def test_a_wrong_code_is_a_401_json_message(client, slug):
    response = pair(client, "ABCD-EFGH")
    assert response.status_code == 401
    assert response.get_json() == {
        "error": "InvalidPairingCode",
        "message": "Wrong or expired pairing code. Create a new code on the server's Terminals page."}


def test_the_message_follows_accept_language(client, slug):
    response = pair(client, "ABCD-EFGH", headers={"Accept-Language": "nl"})
    assert response.status_code == 401
    assert response.get_json()["message"].startswith("Verkeerde of verlopen koppelcode.")


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_wrong_codes_are_rate_limited_per_address(admin, client, slug):
    for _ in range(3):
        assert pair(client, "ABCD-EFGH").status_code == 401
    code = new_code(admin, slug)
    blocked = pair(client, code)
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.get_json()["message"]
    other = pair(client, code, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # another address is not slowed down


def test_pairing_needs_a_json_body(admin, client, slug):
    code = new_code(admin, slug)
    # A form (what a page of another site could send) is refused before the code is looked at.
    response = client.post("/api/v1/pair", data={"code": code, "name": "Till"})
    assert response.status_code == 400
    assert pair(client, code).status_code == 200


@pytest.mark.parametrize("body,status", [
    (None, 400), ([], 400), ({"code": 5, "name": "x"}, 401), ({"name": "x"}, 401),
    ({"code": "VALID", "name": None}, 400), ({"code": "VALID", "name": ["x"]}, 400),
])
def test_pairing_with_a_strange_body(admin, client, slug, store, body, status):
    if isinstance(body, dict) and body.get("code") == "VALID":
        body = {**body, "code": new_code(admin, slug)}
    response = client.post("/api/v1/pair", json=body)
    assert response.status_code == status
    assert response.is_json and response.get_json()["message"]
    with store.session():
        assert Terminal.select().count() == 0


def test_heartbeat_records_the_terminal(admin, client, slug, store):
    token = pair(client, new_code(admin, slug)).get_json()["token"]
    response = client.post("/api/v1/terminal/heartbeat", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["terminal"]["name"] == "Till 1" and response.get_json()["company"] == slug
    with store.session():
        assert Terminal.get().last_seen_at is not None
        assert Terminal.get().last_seen_from == "127.0.0.1"
    assert "never" not in text_of(admin.get(f"/c/{slug}/terminals/")).split("Till 1")[1].split("</tr>")[0]


def test_heartbeat_with_a_user_token_is_refused(client, slug, store):
    from equisis.users import service as users

    with store.session():
        token = users.issue_token(slug, "sophie")
    response = client.post("/api/v1/terminal/heartbeat", headers=bearer(token))
    assert response.status_code == 403
    assert response.get_json()["error"] == "NotATerminal"


def test_server_identity_is_public(client, app):
    body = client.get("/api/v1/server").get_json()
    assert body["id"] == service.server_id(app.extensions["equisis.instance"].root)
    assert body["name"] == "Equisis" and body["version"]


def test_the_terminals_page_is_for_administrators(client, store, slug):
    add_user(store, "karim", "cashier")
    sign_in(client, slug, "karim", USER_PASSWORD)
    assert client.get(f"/c/{slug}/terminals/").status_code == 403
    token = form_token(client, f"/c/{slug}/")
    assert client.post(f"/c/{slug}/terminals/codes", data={"_csrf": token}).status_code == 403


def test_the_menu_shows_terminals_to_administrators(admin, slug):
    page = text_of(admin.get(f"/c/{slug}/"))
    assert f'href="/c/{slug}/terminals/"' in page


def test_the_page_lists_pending_codes_without_showing_them(admin, slug):
    code = new_code(admin, slug)
    page = text_of(admin.get(f"/c/{slug}/terminals/"))
    assert "1 unused pairing code" in page
    assert code not in page
    assert "No terminal is paired yet." in page


def test_a_double_submitted_form_makes_one_code(admin, slug, store):
    page = admin.get(f"/c/{slug}/terminals/").get_data(as_text=True)
    data = {"_csrf": csrf_in(page), "_idem": re.search(r'name="_idem" value="([^"]+)"', page).group(1)}
    admin.post(f"/c/{slug}/terminals/codes", data=data)
    second = admin.post(f"/c/{slug}/terminals/codes", data=data, follow_redirects=True)
    assert "already submitted" in text_of(second)
    with store.session():
        assert len(service.pending_codes()) == 1


def test_revoking_an_unknown_terminal_is_a_404(admin, slug):
    token = form_token(admin, f"/c/{slug}/terminals/")
    assert admin.post(f"/c/{slug}/terminals/999/revoke", data={"_csrf": token}).status_code == 404


def test_terminal_tokens_show_on_their_user(admin, client, slug, store):
    pair(client, new_code(admin, slug))
    with store.session():
        token = ApiToken.get()
    assert token.label == "Terminal Till 1"


def test_openapi_documents_pairing_without_a_token(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["paths"]["/pair"]["post"]["security"] == []
    assert spec["paths"]["/pair"]["post"]["requestBody"]["required"] is True
    assert spec["paths"]["/server"]["get"]["security"] == []
    assert spec["paths"]["/terminal/heartbeat"]["post"]["security"] == [{"token": []}]
