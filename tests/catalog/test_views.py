"""The catalog screens and /api/v1/items through the Flask client, on a real company."""
from __future__ import annotations

import contextlib
import secrets

import pytest

from equisis.catalog import service as catalog
from equisis.store.audit import acting_as
from equisis.users import service as user_service
from tests.web.conftest import (add_user, admin, app, client, form_token, instance_path,  # noqa: F401
                                make_app, sign_in, slug, store, text_of)


@pytest.fixture
def books(store):
    @contextlib.contextmanager
    def enter():
        with store.session(), acting_as("test:setup"):
            yield
    return enter


@pytest.fixture
def lamp(books):
    with books():
        catalog.create_item("LAMP", name_en="Desk lamp", name_fr="Lampe", sale_price="30", purchase_price="18",
                            barcodes=["4006381333931"])
        catalog.create_item("RECUPEL", name_en="Recupel fee", sale_price="0,50", is_eco_fee=True)


def url(path=""):
    return f"/c/{{slug}}/catalog/{path}"


def post(client, slug, path, data, *, page=""):
    token = form_token(client, f"/c/{slug}/catalog/{page}")
    return client.post(f"/c/{slug}/catalog/{path}", data={"_csrf": token, "_idem": secrets.token_urlsafe(18),
                                                         **data})


ITEM_FORM = {"code": "CHAIR", "name_en": "Office chair", "nature": "goods", "vat_rate": "21", "sale_price": "120",
             "purchase_price": "80", "stock_unit": "pce", "sale_unit": "pce", "purchase_unit": "pce",
             "active": "on"}


def test_catalog_in_the_menu_and_list_with_search_filter_export(admin, slug, lamp):
    home = admin.get(f"/c/{slug}/").get_data(as_text=True)
    assert f"/c/{slug}/catalog/" in home
    page = text_of(admin.get(f"/c/{slug}/catalog/"))
    assert "LAMP" in page and "Desk lamp" in page and "RECUPEL" in page
    by_barcode = text_of(admin.get(f"/c/{slug}/catalog/?q=333931"))
    assert "LAMP" in by_barcode and "RECUPEL" not in by_barcode
    assert "LAMP" not in text_of(admin.get(f"/c/{slug}/catalog/?active=no"))
    assert "LAMP" in text_of(admin.get(f"/c/{slug}/catalog/?active=yes&vat=2100&nature=goods"))
    export = admin.get(f"/c/{slug}/catalog/?export=csv")
    assert export.status_code == 200 and "LAMP" in export.get_data(as_text=True)
    assert admin.get(f"/c/{slug}/catalog/?export=xlsx").status_code == 200


def test_create_an_item_through_the_form_once(admin, slug, books):
    key = secrets.token_urlsafe(18)
    data = {"_csrf": form_token(admin, f"/c/{slug}/catalog/items/new"), "_idem": key, **ITEM_FORM,
            "barcode": "96385074"}
    first = admin.post(f"/c/{slug}/catalog/items/new", data=data)
    again = admin.post(f"/c/{slug}/catalog/items/new", data=data)
    assert first.status_code == again.status_code == 303
    with books():
        chair = catalog.find_item("CHAIR")
        assert chair.sale_price_e4 == 1200000 and [b.code for b in catalog.barcodes_of(chair)] == ["96385074"]
    page = text_of(admin.get(first.headers["Location"]))
    assert "40,00\xa0€" in page and "33,33 %" in page     # margin 40 € = 33.33 % of the sale price (en_BE)


def test_bad_input_on_the_form_comes_back_next_to_the_fields(admin, slug, books):
    data = {**ITEM_FORM, "sale_price": "1,23456", "purchase_unit": "box", "barcode": "4006381333932"}
    response = post(admin, slug, "items/new", data, page="items/new")
    assert response.status_code == 422
    page = text_of(response)
    assert "more than 4 decimals" in page
    assert "Item CHAIR has no conversion between box and pce." in page
    assert "the check digit is 2, it should be 1" in page
    with books():
        assert catalog.lookup("CHAIR") == []


def test_edit_units_barcodes_fees_kit_links(admin, slug, lamp, books):
    data = {**ITEM_FORM, "code": "LAMP", "name_en": "Desk lamp", "purchase_unit": "box", "purchase_factor": "12",
            "purchase_price": "216"}
    assert post(admin, slug, "items/LAMP", data, page="items/LAMP").status_code == 303
    assert post(admin, slug, "items/LAMP/barcodes", {"generate": "1"}, page="items/LAMP").status_code == 303
    assert post(admin, slug, "items/LAMP/barcodes", {"barcode": "LAMP-BLUE"}, page="items/LAMP").status_code == 303
    assert post(admin, slug, "items/LAMP/fees", {"fees": "RECUPEL 1"}, page="items/LAMP").status_code == 303
    with books():
        catalog.create_item("BULB", name_en="Bulb", sale_price="4")
    assert post(admin, slug, "items/LAMP/links/accessory", {"codes": "BULB"}, page="items/LAMP").status_code == 303
    with books():
        catalog.create_item("KIT", name_en="Kit", sale_price="50")
    assert post(admin, slug, "items/KIT/components", {"components": "LAMP 1\nBULB 2"},
                page="items/KIT").status_code == 303
    with books():
        lamp = catalog.find_item("LAMP")
        assert catalog.convert(lamp, 1000, "box", "pce") == 12000
        assert [b.kind for b in catalog.barcodes_of(lamp)] == ["ean13", "code128"]   # it had an EAN-13 already
        assert [(f.item.code, f.quantity_milli) for f in catalog.fee_lines(lamp, 2000)] == [("RECUPEL", 2000)]
        assert [(c.code, q) for c, q in catalog.kit_components(catalog.find_item("KIT"))] == \
            [("LAMP", 1000), ("BULB", 2000)]
    page = text_of(admin.get(f"/c/{slug}/catalog/items/LAMP"))
    assert "LAMP-BLUE" in page and "RECUPEL 1" in page and "12.0000" not in page
    duplicate = post(admin, slug, "items/BULB/barcodes", {"barcode": "4006381333931"}, page="items/BULB")
    assert duplicate.status_code == 400 and "already used by item LAMP" in text_of(duplicate)
    not_a_fee = post(admin, slug, "items/LAMP/fees", {"fees": "BULB 1"}, page="items/LAMP")
    assert not_a_fee.status_code == 422 and "not flagged as an eco-fee" in text_of(not_a_fee)


def test_eco_fee_without_amount_on_the_form(admin, slug, books):
    data = {**ITEM_FORM, "code": "BEBAT", "sale_price": "0", "is_eco_fee": "on"}
    response = post(admin, slug, "items/new", data, page="items/new")
    assert response.status_code == 422
    assert "Item BEBAT is an eco-fee: it needs its fee amount" in text_of(response)


def test_live_margin(admin, slug):
    response = admin.get(f"/c/{slug}/catalog/margin?sale_price=3&purchase_price=24&stock_unit=pce&sale_unit=pce"
                         "&purchase_unit=box&purchase_factor=12")
    assert "1,00\xa0€" in text_of(response) and "33,33 %" in text_of(response)
    assert "—" in text_of(admin.get(f"/c/{slug}/catalog/margin?sale_price=x"))


def test_families_axes_and_labels_pdf(admin, slug, lamp):
    assert post(admin, slug, "families", {"code": "LIGHT", "name_en": "Lighting"}, page="families").status_code == 303
    assert post(admin, slug, "families", {"code": "DESKL", "parent": "LIGHT", "name_en": "Desk lamps"},
                page="families").status_code == 303
    assert post(admin, slug, "axes", {"axis_1": "Colour"}, page="families").status_code == 303
    page = text_of(admin.get(f"/c/{slug}/catalog/families"))
    assert "DESKL" in page and "Colour" in page
    pdf = admin.get(f"/c/{slug}/catalog/labels.pdf?items=LAMP&layout=single")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    missing = admin.get(f"/c/{slug}/catalog/labels.pdf?items=NOPE")
    assert missing.status_code == 404


def test_price_lists_screens(admin, slug, lamp, books):
    response = post(admin, slug, "pricelists/", {"name": "Dupont", "party_id": "7", "active": "on"},
                    page="pricelists/")
    assert response.status_code == 303
    edit_path = response.headers["Location"].split("/catalog/")[1]
    assert post(admin, slug, f"{edit_path}/rules", {"item": "LAMP", "net_price": "27,50"},
                page=edit_path).status_code == 303
    too_precise = post(admin, slug, f"{edit_path}/rules", {"item": "LAMP", "net_price": "27,123456"},
                       page=edit_path)
    assert too_precise.status_code == 422 and "more than 4 decimals" in text_of(too_precise)
    bad_dates = post(admin, slug, edit_path, {"name": "Dupont", "valid_from": "10/03/2026", "valid_to": "01/03/2026"},
                     page=edit_path)
    assert bad_dates.status_code == 422
    import datetime as dt
    with books():
        quote = catalog.price_for(catalog.find_item("LAMP"), party_id=7, quantity_milli=1000, day=dt.date.today())
    assert (quote.unit_price_e4, quote.source) == (275000, "Dupont")
    assert "27.50" in text_of(admin.get(f"/c/{slug}/catalog/{edit_path}"))


def test_warehouse_reads_but_does_not_edit(client, slug, store, lamp):
    add_user(store, "walter", "warehouse")
    sign_in(client, slug, "walter", "password-xxxx")
    page = client.get(f"/c/{slug}/catalog/items/LAMP")
    assert page.status_code == 200 and "disabled" in page.get_data(as_text=True)
    assert client.get(f"/c/{slug}/catalog/items/new").status_code == 403
    token = form_token(client, f"/c/{slug}/catalog/items/LAMP")
    refused = client.post(f"/c/{slug}/catalog/items/LAMP", data={"_csrf": token, **ITEM_FORM, "code": "LAMP"})
    assert refused.status_code == 403
    add_user(store, "carl", "cashier")
    other = client.application.test_client()
    sign_in(other, slug, "carl", "password-xxxx")
    assert other.get(f"/c/{slug}/catalog/").status_code == 403


# --------------------------------------------------------------------------- API

def _token(store, username="sophie"):
    with store.session():
        return {"Authorization": f"Bearer {user_service.issue_token(store.slug, username, 'test')}"}


def test_api_items_list_get_barcode_create_update(client, store, lamp):
    auth = _token(store)
    listed = client.get("/api/v1/items?q=lamp", headers=auth).get_json()
    assert [i["code"] for i in listed["items"]] == ["LAMP"]
    assert [i["code"] for i in client.get("/api/v1/items?limit=1&after=LAMP", headers=auth).get_json()["items"]] \
        == ["RECUPEL"]
    one = client.get("/api/v1/items/lamp", headers=auth).get_json()
    assert one["sale_price"] == "30.00" and one["margin"] == {"amount": "12.0000", "percent": "40.00"}
    assert client.get("/api/v1/items/barcode/4006381333931", headers=auth).get_json()["code"] == "LAMP"
    assert client.get("/api/v1/items/barcode/123", headers=auth).status_code == 404
    assert client.get("/api/v1/items/NOPE", headers=auth).status_code == 404
    created = client.post("/api/v1/items", headers=auth, data='{"code": "mug", "names": {"nl": "Mok"}, '
                          '"sale_price": 7.25, "vat_rate": "21", "barcodes": ["96385074"]}',
                          content_type="application/json")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["code"] == "MUG" and body["sale_price_e4"] == 72500 and body["barcodes"][0]["kind"] == "ean8"
    changed = client.patch("/api/v1/items/MUG", headers=auth, json={"sale_price": "7,5", "active": False})
    assert changed.status_code == 200 and changed.get_json()["sale_price"] == "7.50"
    assert changed.get_json()["active"] is False


def test_api_bad_input_answers_json_problems(client, store, lamp):
    auth = _token(store)
    response = client.post("/api/v1/items", headers=auth, json={"code": "X1", "names": {"en": "X"},
                                                                "sale_price": "1.00001", "is_eco_fee": True,
                                                                "barcodes": ["4006381333932"]})
    assert response.status_code == 422
    fields = {p["field"]: p["message"] for p in response.get_json()["problems"]}
    assert "more than 4 decimals" in fields["sale_price"]
    assert "it should be 1" in fields["barcode"]
    duplicate = client.post("/api/v1/items", headers=auth, json={"code": "X2", "names": {"en": "X"},
                                                                 "barcodes": ["4006381333931"]})
    assert duplicate.status_code == 422 and "already used by item LAMP" in duplicate.get_data(as_text=True)
    assert client.post("/api/v1/items", headers=auth, data="[1]", content_type="application/json").status_code == 400


def test_api_roles(client, store, lamp):
    add_user(store, "carl", "cashier")
    cashier = _token(store, "carl")
    assert client.get("/api/v1/items/barcode/4006381333931", headers=cashier).status_code == 200
    assert client.post("/api/v1/items", headers=cashier, json={"code": "Z"}).status_code == 403
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/items"]) and "patch" in spec["paths"]["/items/{code}"]
