"""The till page (/c/<slug>/pos/till): who may open it, the short-lived API token it carries, its sign-out,
and the API routes the screen added (tills, items and customers search, purchase history, cashier release)."""
from __future__ import annotations

import re
import uuid

import pytest

from equisis.pos import service
from equisis.users.models import ApiToken
from tests.pos.core_fixtures import make_item
from tests.web.conftest import USER_PASSWORD, add_user, english_client, form_token, sign_in
from tests.web.conftest import admin, app, client, instance_path, make_app, slug, store  # noqa: F401

TOKEN = re.compile(r'<meta name="equisis-api-token" content="([^"]+)">')


def pin_in(client, slug, user_id, pin):
    token = form_token(client, f"/c/{slug}/pin")
    return client.post(f"/c/{slug}/pin?next=/c/{slug}/pos/till", data={"_csrf": token, "user_id": user_id, "pin": pin})


@pytest.fixture
def shop(app, store, slug):
    add_user(store, "karim", "cashier", pin="1234", display_name="Karim")
    add_user(store, "els", "cashier", pin="5678", display_name="Els")
    add_user(store, "dubois", "accountant", display_name="Dubois")
    with store.session():
        make_item("VASE", "12.10", barcodes=["5412345000013"])
        terminal = service.register_terminal("Counter")
        from equisis.parties import service as parties
        hotel = parties.create_party("Hôtel du Parc SRL", vat_number="BE0403170701", is_customer=True, language="fr")
    return {"terminal": terminal.id, "hotel": hotel.id}


def user_id(store, username):
    from equisis.users import service as users
    with store.session():
        return users.find_user(username).id


def till_token(client, slug):
    page = client.get(f"/c/{slug}/pos/till")
    assert page.status_code == 200, page.status_code
    return TOKEN.search(page.get_data(as_text=True)).group(1), page


def call(app, token, method, path, terminal=None, json=None):
    headers = {"Authorization": f"Bearer {token}"}
    if terminal:
        headers["X-Pos-Terminal"] = str(terminal)
    return english_client(app).open(f"/api/v1{path}", method=method, headers=headers, json=json)


def test_the_till_needs_a_signed_in_till_role(app, client, slug, store, shop):
    assert client.get(f"/c/{slug}/pos/till").status_code in (302, 303, 401)
    sign_in(client, slug, "dubois", USER_PASSWORD)
    assert client.get(f"/c/{slug}/pos/till").status_code == 403  # the accountant reads the back office only


def test_the_pin_switch_leads_to_the_till_with_a_token_of_the_cashier(app, client, slug, store, shop):
    answer = pin_in(client, slug, user_id(store, "karim"), "1234")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/c/{slug}/pos/till")
    token, page = till_token(client, slug)
    text = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "not a registered cash system" in text and 'id="till-texts"' in text and "pos/till.js" in text
    config = call(app, token, "GET", "/pos/config", shop["terminal"]).get_json()
    assert config["cashier"]["name"] == "Karim" and config["terminal"]["name"] == "Counter"
    again, _ = till_token(client, slug)
    assert again == token  # a reload keeps the token
    with store.session():
        row = ApiToken.get(ApiToken.label == "page session")
        assert row.user.username == "karim" and row.revoked_at is None


def test_another_cashier_gets_a_new_token_and_the_old_one_dies(app, client, slug, store, shop):
    pin_in(client, slug, user_id(store, "karim"), "1234")
    first, _ = till_token(client, slug)
    pin_in(client, slug, user_id(store, "els"), "5678")
    second, _ = till_token(client, slug)
    assert second != first
    assert call(app, first, "GET", "/pos/config", shop["terminal"]).status_code == 401
    assert call(app, second, "GET", "/pos/config", shop["terminal"]).get_json()["cashier"]["name"] == "Els"


def test_signing_out_of_the_till_revokes_its_token(app, client, slug, store, shop):
    pin_in(client, slug, user_id(store, "karim"), "1234")
    token, page = till_token(client, slug)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    out = client.post(f"/c/{slug}/pos/till/sign-out", data={"_csrf": csrf})
    assert out.status_code == 303 and "/pin" in out.headers["Location"]
    assert call(app, token, "GET", "/pos/config", shop["terminal"]).status_code == 401
    assert client.get(f"/c/{slug}/pos/till").status_code != 200  # signed out of the page too


def test_sign_out_without_csrf_is_refused(app, client, slug, store, shop):
    pin_in(client, slug, user_id(store, "karim"), "1234")
    token, _ = till_token(client, slug)
    assert client.post(f"/c/{slug}/pos/till/sign-out", data={}).status_code == 400
    assert call(app, token, "GET", "/pos/config", shop["terminal"]).status_code == 200


def test_the_screen_routes_tills_items_customers_and_history(app, client, slug, store, shop):
    pin_in(client, slug, user_id(store, "karim"), "1234")
    token, _ = till_token(client, slug)
    tills = call(app, token, "GET", "/pos/terminals").get_json()["items"]
    assert [(t["id"], t["name"]) for t in tills] == [(shop["terminal"], "Counter")]
    items = call(app, token, "GET", "/pos/items?q=vase").get_json()["items"]
    assert items[0]["item_code"] == "VASE" and items[0]["unit_price_e4"] == 121000
    assert call(app, token, "GET", "/pos/items?q=").get_json()["items"] == []
    found = call(app, token, "GET", "/pos/customers?q=parc").get_json()["items"]
    assert [c["id"] for c in found] == [shop["hotel"]]
    assert call(app, token, "GET", "/pos/customers/999999").status_code == 404
    session = call(app, token, "POST", "/pos/sessions", shop["terminal"], {"float_cents": 5000}).get_json()
    sold = call(app, token, "POST", "/pos/tickets", shop["terminal"], {
        "uuid": str(uuid.uuid4()), "session_id": session["id"], "customer_id": shop["hotel"],
        "lines": [{"item_code": "VASE"}], "payments": [{"method": "card", "amount_cents": 1210}]})
    assert sold.status_code == 201, sold.get_json()
    history = call(app, token, "GET", f"/pos/customers/{shop['hotel']}").get_json()["history"]
    assert [h["number"] for h in history] == [sold.get_json()["number"]] and "VASE" in history[0]["items"][0]


def test_the_page_cashier_takes_the_till_back_from_an_api_cashier(app, client, slug, store, shop):
    pin_in(client, slug, user_id(store, "karim"), "1234")
    token, _ = till_token(client, slug)
    switched = call(app, token, "POST", "/pos/cashier", shop["terminal"], {"user_id": user_id(store, "els"), "pin": "5678"})
    assert switched.status_code == 200
    assert call(app, token, "GET", "/pos/config", shop["terminal"]).get_json()["cashier"]["name"] == "Els"
    released = call(app, token, "DELETE", "/pos/cashier", shop["terminal"])
    assert released.status_code == 200 and released.get_json()["name"] == "Karim"
    assert call(app, token, "GET", "/pos/config", shop["terminal"]).get_json()["cashier"]["name"] == "Karim"


def test_the_new_routes_are_documented(app):
    paths = english_client(app).get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/pos/terminals", "/pos/items", "/pos/customers", "/pos/customers/{party_id}"):
        assert path in paths, path
    assert "delete" in paths["/pos/cashier"]
