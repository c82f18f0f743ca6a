"""/api/v1/parties: list and search, get, create, update, VIES; JSON errors with field names; roles."""
from __future__ import annotations

import pytest

from equisis.parties.models import Party
from equisis.users import service as user_service
from tests.parties.vies_standin import vies_server
from tests.web.conftest import add_user, app, client, instance_path, make_app, slug, store  # noqa: F401

DUPONT = {"name": "Maison Dupont SRL", "vat_number": "BE 0403.170.701", "is_customer": True, "language": "fr",
          "addresses": [{"kind": "invoicing", "street": "Rue de Fer 12", "postcode": "5000", "city": "Namur"}],
          "contacts": [{"name": "Marie Dupont", "email": "marie@dupont.example"}], "categories": ["Horeca"]}


@pytest.fixture
def token(store):
    with store.session():
        return user_service.issue_token(store.slug, "sophie", "test")


def call(client, method, path, token, **kwargs):
    return client.open(f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}",
                                                                 **kwargs.pop("headers", {})}, **kwargs)


def test_create_get_update_and_list(client, store, token):
    response = call(client, "POST", "/parties", token, json=DUPONT)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["vat_number"], body["enterprise_number"], body["peppol_id"], body["vat_regime"]) == (
        "BE0403170701", "0403170701", "0208:0403170701", "be")
    assert body["addresses"] == [{"kind": "invoicing", "label": "", "street": "Rue de Fer 12", "postcode": "5000",
                                  "city": "Namur", "country": "BE"}]
    assert body["contacts"][0]["name"] == "Marie Dupont" and body["categories"] == ["Horeca"]
    assert body["vies"] == {"status": None, "checked_at": None, "name": None, "address": None}
    party_id = body["id"]
    assert call(client, "GET", f"/parties/{party_id}", token).get_json() == body
    response = call(client, "PATCH", f"/parties/{party_id}", token, json={"payment_terms_days": 60,
                                                                         "is_supplier": True})
    assert response.status_code == 200
    assert (response.get_json()["payment_terms_days"], response.get_json()["is_supplier"],
            response.get_json()["addresses"][0]["city"]) == (60, True, "Namur")
    call(client, "POST", "/parties", token, json={"name": "Textiles Janssens BV", "is_supplier": True})
    assert [p["name"] for p in call(client, "GET", "/parties?q=dupont", token).get_json()["items"]] == [
        "Maison Dupont SRL"]
    assert [p["name"] for p in call(client, "GET", "/parties?role=customer", token).get_json()["items"]] == [
        "Maison Dupont SRL"]
    page = call(client, "GET", "/parties?limit=1", token).get_json()
    assert len(page["items"]) == 1 and page["next_after"] == party_id
    assert len(call(client, "GET", f"/parties?after={party_id}", token).get_json()["items"]) == 1


def test_invalid_input_names_each_field(client, store, token):
    response = call(client, "POST", "/parties", token, json={
        "name": "Dupont", "vat_number": "0403170701", "iban": "BE68 5390 0754 7035", "vat_regime": "eu",
        "addresses": [{"street": "Rue de Fer 12", "postcode": "50", "city": "Namur"}]})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "ValidationErrors"
    problems = {p["field"]: p for p in body["problems"]}
    assert set(problems) == {"vat_number", "iban", "addresses-1-postcode"}  # the regime waits for a valid number
    assert problems["vat_number"]["suggestion"] == "BE0403170701"
    assert problems["vat_number"]["message"] == ("VAT number “0403170701”: it must start with the country code "
                                                 "(BE, FR, NL…). Did you mean BE0403170701?")
    response = call(client, "POST", "/parties", token, json={"name": "Dupont", "vat_regime": "eu"})
    assert response.get_json()["problems"][0]["field"] == "vat_regime"
    with store.session():
        assert Party.select().count() == 0


@pytest.mark.parametrize("body, fields", [
    ({"name": 12}, ["name"]),
    ({"name": "X", "colour": "red"}, ["colour"]),
    ({"name": "X", "is_customer": "yes", "payment_terms_days": "30"}, ["is_customer", "payment_terms_days"]),
    ({"name": "X", "addresses": "Rue de Fer 12"}, ["addresses"]),
    ({"name": "X", "contacts": [{"nom": "Marie"}]}, ["contacts-1-nom"]),
    ({"vat_number": "BE0403170701"}, ["name"]),
])
def test_wrong_types_and_unknown_fields(client, store, token, body, fields):
    response = call(client, "POST", "/parties", token, json=body)
    assert response.status_code == 422
    assert [p["field"] for p in response.get_json()["problems"]] == fields


def test_a_body_that_is_not_an_object(client, store, token):
    response = call(client, "POST", "/parties", token, data="name=x", content_type="text/plain")
    assert response.status_code == 400
    assert response.get_json() == {"error": "PartyBodyRequired", "message": "Send the party as a JSON object."}


def test_duplicates_are_an_error_unless_forced(client, store, token):
    first = call(client, "POST", "/parties", token, json=DUPONT).get_json()
    response = call(client, "POST", "/parties", token, json={"name": "Dupont BV", "vat_number": "BE0403170701"})
    assert response.status_code == 409
    assert response.get_json()["duplicates"] == [{"id": first["id"], "name": "Maison Dupont SRL",
                                                  "reason": "vat_number"}]
    response = call(client, "POST", "/parties", token, json={"name": "Dupont BV", "vat_number": "BE0403170701",
                                                             "force": True})
    assert response.status_code == 201
    other = call(client, "POST", "/parties", token, json={"name": "Atelier Claes"}).get_json()
    assert call(client, "PATCH", f"/parties/{other['id']}", token, json={"name": "Maison Dupond"}).status_code == 409


def test_idempotency_key(client, store, token):
    headers = {"Idempotency-Key": "k" * 20}
    first = call(client, "POST", "/parties", token, json={"name": "Jan Peeters"}, headers=headers)
    second = call(client, "POST", "/parties", token, json={"name": "Jan Peeters"}, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["id"] == second.get_json()["id"]


def test_unknown_party(client, store, token):
    for method in ("GET", "PATCH"):
        response = call(client, method, "/parties/999", token, json={})
        assert response.status_code == 404
        assert response.get_json()["error"] == "PartyNotFound"


def test_vies_through_the_api(app, client, store, token):
    party_id = call(client, "POST", "/parties", token, json=DUPONT).get_json()["id"]
    with vies_server() as (base, _):
        app.config["VIES_URL"] = base
        body = call(client, "POST", f"/parties/{party_id}/vies", token).get_json()
    assert (body["vies"]["status"], body["vies"]["name"]) == ("valid", "SRL MAISON DUPONT")


@pytest.mark.parametrize("role, read, write", [("sales", 200, 201), ("accountant", 200, 201),
                                               ("warehouse", 200, 403), ("cashier", 403, 403)])
def test_roles(client, store, role, read, write):
    add_user(store, "someone", role)
    with store.session():
        token = user_service.issue_token(store.slug, "someone", "test")
    assert call(client, "GET", "/parties", token).status_code == read
    assert call(client, "POST", "/parties", token, json={"name": "Jan Peeters"}).status_code == write


def test_openapi_documents_the_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/parties"]) == {"get", "post"}
    assert set(paths["/parties/{party_id}"]) == {"get", "patch"}
    assert "post" in paths["/parties/{party_id}/vies"]
