"""The sales screens and /api/v1/invoices through the Flask client, on a real company."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from equisis.catalog import service as catalog
from equisis.sales import service as sales
from equisis.sales.models import SalesInvoice
from equisis.users import service as user_service
from tests.sales.conftest import doc, line, make_customer, make_item
from tests.web.conftest import (add_user, admin, app, client, csrf_in, form_token, instance_path,  # noqa: F401
                                make_app, sign_in, slug, store, text_of)


@pytest.fixture
def shop(store):
    with store.session():
        customer = make_customer()
        make_item()
        price_list = catalog.create_price_list("Dupont prices", party_id=customer.id)
        catalog.add_price_rule(price_list.id, item="CHAIR", net_price="45")
    return customer.id


def url(slug, path=""):
    return f"/c/{slug}/sales/{path}"


def new_invoice_form(admin, slug, customer_id, **lines):
    token = form_token(admin, url(slug, "invoices/new"))
    data = {"_csrf": token, "_idem": "idem-key-0123456789abcd", "customer": str(customer_id), "date": "10/03/2026",
            "lines-1-item": "CHAIR", "lines-1-quantity": "2"}
    data.update(lines)
    return data


def test_the_entry_screen_saves_and_posts_with_the_price_list(admin, slug, store, shop):
    page = admin.get(url(slug, "invoices/new"))
    assert page.status_code == 200 and "data-invoice-form" in text_of(page)
    response = admin.post(url(slug, "invoices/new"), data={**new_invoice_form(admin, slug, shop), "then": "post"})
    assert response.status_code == 303
    detail = admin.get(response.headers["Location"])
    body = text_of(detail)
    assert "F2026/00001" in body and "Dupont prices" in body and "+++261/0000/00149+++" in body
    with store.session():
        invoice = sales.find_by_number("F2026/00001")
        assert invoice.net_cents == 9000


def test_a_double_submit_creates_one_invoice(admin, slug, store, shop):
    data = new_invoice_form(admin, slug, shop)
    first = admin.post(url(slug, "invoices/new"), data=data)
    again = admin.post(url(slug, "invoices/new"), data=data)
    assert first.headers["Location"] == again.headers["Location"]
    with store.session():
        assert SalesInvoice.select().count() == 1


@pytest.mark.parametrize("lines,message", [
    ({"lines-1-quantity": "0"}, "Line 1: the quantity is zero"),
    ({"lines-1-item": "", "lines-1-description": "Remise", "lines-1-unit_price": "-5"}, "use a credit note"),
    ({"lines-1-unit_price": "1,00001"}, "has more than 4 decimals"),
    ({"lines-1-item": "", "lines-1-quantity": ""}, "An invoice needs at least one line."),
])
def test_bad_input_comes_back_with_the_message(admin, slug, shop, lines, message):
    response = admin.post(url(slug, "invoices/new"), data=new_invoice_form(admin, slug, shop, **lines))
    assert response.status_code == 422 or response.status_code == 400
    assert message in text_of(response)


def test_live_preview_shows_the_price_list_margin_and_totals(admin, slug, shop):
    data = new_invoice_form(admin, slug, shop)
    response = admin.post(url(slug, "invoices/preview"), data=data)
    preview = response.get_json()
    [row] = preview["lines"]
    assert (row["unit_price_e4"], row["source"], row["typed"]) == (450_000, "Dupont prices", 1)
    assert preview["totals"]["total_cents"] == 10_890 and preview["totals"]["margin_cents"] == 3000


def test_search_fields(admin, slug, shop):
    assert "Maison Dupont SRL" in text_of(admin.get(url(slug, "customers/search?q=dupont")))
    found = admin.get(url(slug, "items/search?q=chair")).get_json()
    assert found["exact"] and found["items"][0]["code"] == "CHAIR"


def test_detail_actions_pdf_credit_list_and_statistics(admin, slug, store, shop):
    with store.session():
        invoice = sales.post_invoice(sales.create_invoice(doc(sales.parties.find_party(shop), line("CHAIR", "2"))).id)
    detail = admin.get(url(slug, f"invoices/{invoice.id}"))
    token = csrf_in(detail.get_data(as_text=True))
    pdf = admin.get(url(slug, f"invoices/{invoice.id}/pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-") and pdf.mimetype == "application/pdf"
    credit = admin.post(url(slug, f"invoices/{invoice.id}/credit"),
                        data={"_csrf": token, "_idem": "credit-key-0123456789ab", "date": "12/03/2026"})
    assert credit.status_code == 303 and "/edit" in credit.headers["Location"]
    edit = admin.get(credit.headers["Location"])
    assert "F2026/00001" in text_of(edit)
    listing = admin.get(url(slug, "?state=draft"))
    assert "Credit note" in text_of(listing)
    export = admin.get(url(slug, "?export=xlsx"))
    assert export.status_code == 200
    stats = admin.get(url(slug, "statistics?by=item"))
    assert "CHAIR" in text_of(stats) and "<svg" in text_of(stats)
    book = load_workbook(io.BytesIO(admin.get(url(slug, "statistics?by=month&export=xlsx")).data))
    assert [c.value for c in book.active[2]][:2] == ["2026-03", pytest.approx(90)] or \
        float(book.active.cell(2, 2).value) == 90.0


def test_sales_role_is_admitted_and_warehouse_is_not(client, slug, store, shop):
    add_user(store, "marc", "sales")
    add_user(store, "wim", "warehouse")
    sign_in(client, slug, "marc", "password-xxxx")
    assert client.get(url(slug)).status_code == 200
    client.post(f"/c/{slug}/logout", data={"_csrf": csrf_in(client.get(url(slug)).get_data(as_text=True))})
    sign_in(client, slug, "wim", "password-xxxx")
    assert client.get(url(slug)).status_code == 403


# --------------------------------------------------------------------------- API

def api(client, store, method, path, **kwargs):
    with store.session():
        token = user_service.issue_token(store.slug, "sophie", "test")
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


def test_api_create_post_credit_with_idempotency(client, store, shop):
    body = {"customer_id": shop, "date": "2026-03-10", "lines": [{"item": "CHAIR", "quantity": "2"}]}
    key = {"Idempotency-Key": "api-key-0123456789abcdef"}
    created = api(client, store, "POST", "/invoices", json=body, headers=key)
    assert created.status_code == 201, created.get_json()
    again = api(client, store, "POST", "/invoices", json=body, headers=key)
    assert again.get_json()["id"] == created.get_json()["id"]
    invoice_id = created.get_json()["id"]
    posted = api(client, store, "POST", f"/invoices/{invoice_id}/post").get_json()
    assert posted["number"] == "F2026/00001" and posted["total_cents"] == 10_890
    note = api(client, store, "POST", f"/invoices/{invoice_id}/credit",
               json={"date": "2026-03-12", "quantities": {"1": "1"}, "post": True})
    assert note.status_code == 201 and note.get_json()["number"] == "NC2026/00001"
    assert note.get_json()["total_cents"] == 5445
    listed = api(client, store, "GET", "/invoices?state=posted").get_json()
    assert [i["number"] for i in listed["items"]] == ["F2026/00001", "NC2026/00001"]
    assert api(client, store, "GET", f"/invoices/{invoice_id}").get_json()["lines"][0]["item"] == "CHAIR"


def test_api_refusals_are_translated_problems(client, store, shop):
    bad = api(client, store, "POST", "/invoices", json={"customer_id": shop, "date": "2026-03-10",
                                                       "lines": [{"item": "CHAIR", "quantity": "0"}]})
    assert bad.status_code == 422
    assert bad.get_json()["problems"][0]["field"] == "lines-1-quantity"
    assert api(client, store, "GET", "/invoices/999").status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/invoices", "/invoices/{invoice_id}", "/invoices/{invoice_id}/post",
            "/invoices/{invoice_id}/credit"} <= set(spec["paths"])
