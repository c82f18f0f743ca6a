"""The purchase screens and the API through the Flask client: entry form, duplicates, detail, roles, attachments."""
from __future__ import annotations

import contextlib
import re
import secrets

import pytest

from equisis.ledger.models import Entry
from equisis.parties import service as parties
from equisis.purchases import service
from equisis.purchases.models import PurchaseInvoice
from equisis.store.audit import acting_as
from equisis.users import service as user_service
from tests.web.conftest import (add_user, admin, app, client, csrf_in, form_token, instance_path,  # noqa: F401
                                make_app, sign_in, slug, store, text_of)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def books(store):
    def enter():
        stack = contextlib.ExitStack()
        stack.enter_context(store.session())
        stack.enter_context(acting_as("test:setup"))
        return stack
    return enter


@pytest.fixture
def supplier(books):
    with books():
        return parties.create_party("Bureau Plus SRL", vat_number="BE0202239951", is_supplier=True)


@pytest.fixture
def eu_supplier(books):
    with books():
        return parties.create_party("Papier Groothandel BV", vat_number="NL004495445B01", is_supplier=True,
                                    vat_regime="eu", country="NL")


def url(slug, path=""):
    return f"/c/{slug}/purchases/{path}"


def fill(client, slug, supplier, lines, *, then="post", ref="FA-001", date="10/03/2026", **extra):
    data = {"_csrf": form_token(client, url(slug, "new")), "_idem": secrets.token_urlsafe(18),
            "supplier": str(supplier.id), "supplier_name": supplier.name, "supplier_ref": ref,
            "invoice_date": date, "then": then, **extra}
    for n, line in enumerate(lines, start=1):
        for column, value in line.items():
            data[f"lines-{n}-{column}"] = value
    return client.post(url(slug, "new"), data=data)


def invoices(books):
    with books():
        return list(PurchaseInvoice.select().order_by(PurchaseInvoice.id))


def test_enter_and_post_from_the_form(admin, slug, supplier, books):
    page = admin.get(url(slug, "new"))
    assert page.status_code == 200 and "data-purchase-form" in page.get_data(as_text=True)
    response = fill(admin, slug, supplier, [
        {"account": "604", "description": "Vases", "qty": "2", "unit_price": "50,125", "vat_rate": "21"},
        {"account": "612901", "description": "Fuel", "unit_price": "100", "vat_rate": "21", "deductible": "50"},
        {"account": "", "description": "", "unit_price": ""},  # a blank line is dropped
    ], printed_vat="42,05")
    assert response.status_code == 303
    [invoice] = invoices(books)
    assert response.headers["Location"].endswith(f"/purchases/{invoice.id}")
    assert (invoice.state, invoice.number, invoice.net_cents, invoice.vat_cents) == ("posted", "A2026/00001",
                                                                                   20_025, 4_205)
    detail = text_of(admin.get(url(slug, str(invoice.id))))
    assert "A2026/00001" in detail and "Posted" in detail and "Record a credit note" in detail
    assert re.search(r'data-entry>ACH/2026/00001<', detail)


def test_form_errors_come_back_on_their_cells(admin, slug, supplier, books):
    response = fill(admin, slug, supplier, [
        {"account": "604", "qty": "0", "unit_price": "10"},
        {"account": "604", "qty": "1", "unit_price": "1,23456"},
        {"account": "7000", "unit_price": "10"},
    ], ref="")
    assert response.status_code == 422
    page = text_of(response)
    assert "Line 2: “1,23456” has more than 4 decimals." in page
    assert 'name="lines-2-unit_price" value="1,23456"' in page  # what was typed comes back
    assert invoices(books) == []
    response = fill(admin, slug, supplier, [{"account": "604", "qty": "0", "unit_price": "10"},
                                            {"account": "7000", "unit_price": "10"}], ref="")
    page = text_of(response)
    assert response.status_code == 422
    assert "Line 1: the quantity must not be zero." in page
    assert "Line 2: account 7000 is neither an expense (class 6) nor an investment (class 2) account." in page
    assert "Type the supplier's invoice number." in page


def test_a_purchase_invoice_entered_twice_needs_confirmation(admin, slug, supplier, books):
    fill(admin, slug, supplier, [{"account": "604", "unit_price": "100"}], ref="FA-2026-7")
    response = fill(admin, slug, supplier, [{"account": "604", "unit_price": "100"}], ref="FA 2026 7")
    assert response.status_code == 303
    first, second = invoices(books)
    assert second.state == "draft"
    page = text_of(admin.get(response.headers["Location"]))
    assert "This may be entered twice: A2026/00001" in page and "data-confirm" in page
    token = csrf_in(page)
    refused = admin.post(url(slug, f"{second.id}/post"), data={"_csrf": token, "_idem": secrets.token_urlsafe(18)})
    assert refused.status_code == 409 and "Please confirm before posting" in text_of(refused)
    assert invoices(books)[1].state == "draft"
    posted = admin.post(url(slug, f"{second.id}/post"),
                        data={"_csrf": token, "_idem": secrets.token_urlsafe(18), "confirm": "1"})
    assert posted.status_code == 303 and invoices(books)[1].number == "A2026/00002"


def test_draft_edit_delete_and_credit_note(admin, slug, supplier, books):
    fill(admin, slug, supplier, [{"account": "604", "unit_price": "100"}], then="draft")
    [draft] = invoices(books)
    edit = admin.get(url(slug, f"{draft.id}/edit"))
    assert 'value="100,00"' in edit.get_data(as_text=True)
    data = {"_csrf": csrf_in(edit.get_data(as_text=True)), "supplier": str(supplier.id), "supplier_ref": "FA-001",
            "invoice_date": "10/03/2026", "lines-1-account": "604", "lines-1-unit_price": "80", "then": "post"}
    assert admin.post(url(slug, f"{draft.id}/edit"), data=data).status_code == 303
    [invoice] = invoices(books)
    assert (invoice.state, invoice.net_cents) == ("posted", 8_000)
    assert admin.post(url(slug, f"{invoice.id}/edit"), data=data).status_code == 409  # posted: frozen
    credit_form = admin.get(url(slug, f"new?credit_of={invoice.id}"))
    page = credit_form.get_data(as_text=True)
    assert 'name="credit_of" value="%d"' % invoice.id in page and 'value="80,00"' in page
    response = fill(admin, slug, supplier, [{"account": "604", "unit_price": "80"}], ref="NC-1",
                    credit_of=str(invoice.id), kind="credit_note")
    assert response.status_code == 303
    note = invoices(books)[1]
    assert (note.kind, note.number, note.credit_of_id) == ("credit_note", "AC2026/00001", invoice.id)
    fill(admin, slug, supplier, [{"account": "604", "unit_price": "1"}], then="draft", ref="GONE")
    gone = invoices(books)[2]
    token = form_token(admin, url(slug, str(gone.id)))
    assert admin.post(url(slug, f"{gone.id}/delete"), data={"_csrf": token}).status_code == 303
    assert len(invoices(books)) == 2


def test_list_filters_search_and_export(admin, slug, supplier, eu_supplier, books):
    fill(admin, slug, supplier, [{"account": "604", "unit_price": "100"}], ref="FA-1")
    fill(admin, slug, eu_supplier, [{"account": "6162", "unit_price": "30"}], ref="EU-9", date="05/04/2026")
    page = text_of(admin.get(url(slug)))
    assert "A2026/00001" in page and "A2026/00002" in page
    only = text_of(admin.get(url(slug, f"?supplier={eu_supplier.id}")))
    assert "EU-9" in only and "FA-1" not in only
    march = text_of(admin.get(url(slug, "?period=2026-03")))
    assert "FA-1" in march and "EU-9" not in march
    assert "EU-9" in text_of(admin.get(url(slug, "?q=Groothandel")))
    export = admin.get(url(slug, "?export=csv&state=posted"))
    assert export.status_code == 200 and "FA-1" in export.get_data(as_text=True)
    assert admin.get(url(slug, "?export=xlsx")).status_code == 200


def test_attach_and_view_the_suppliers_pdf(admin, slug, supplier, books):
    fill(admin, slug, supplier, [{"account": "604", "unit_price": "100"}])
    [invoice] = invoices(books)
    token = form_token(admin, url(slug, str(invoice.id)))
    import io

    response = admin.post(url(slug, f"{invoice.id}/attachments"),
                          data={"_csrf": token, "file": (io.BytesIO(PDF), "supplier.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 303
    with books():
        [row] = service.attachments(invoice.id)
    page = admin.get(url(slug, str(invoice.id))).get_data(as_text=True)
    assert f"/purchases/{invoice.id}/attachments/{row.id}" in page and "supplier.pdf" in page
    shown = admin.get(url(slug, f"{invoice.id}/attachments/{row.id}"))
    assert shown.status_code == 200 and shown.data == PDF and shown.mimetype == "application/pdf"
    assert "inline" in shown.headers["Content-Disposition"]
    fill(admin, slug, supplier, [{"account": "604", "unit_price": "5"}], ref="OTHER")
    other = invoices(books)[1]
    assert admin.get(url(slug, f"{other.id}/attachments/{row.id}")).status_code == 404


@pytest.mark.parametrize("role,status", [("accountant", 200), ("sales", 403), ("warehouse", 403),
                                         ("cashier", 403)])
def test_roles(app, store, slug, role, status):
    add_user(store, "someone", role)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, slug, "someone", "password-xxxx")
    assert client.get(url(slug)).status_code == status
    assert client.get(url(slug, "new")).status_code == status


def test_detail_is_the_drill_down_target(app, admin, store, slug, supplier, books):
    fill(admin, slug, supplier, [{"account": "604", "unit_price": "100"}])
    [invoice] = invoices(books)
    with books():
        entry = Entry.get_by_id(invoice.entry_id)
    with app.test_request_context():
        from flask import g

        from equisis.web.templating import source_url

        g.company = store
        assert source_url(entry.source_type, entry.source_id) == url(slug, str(invoice.id))
    assert admin.get(url(slug, "999")).status_code == 404


# --------------------------------------------------------------------------- API

def _token(store, username="sophie"):
    with store.session():
        return user_service.issue_token(store.slug, username, "test")


def _api(client, method, path, token, **kwargs):
    return client.open(f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}",
                                                                 **kwargs.pop("headers", {})}, **kwargs)


def test_api_create_post_get_list(client, store, supplier, eu_supplier):
    token = _token(store)
    body = {"supplier_id": eu_supplier.id, "supplier_ref": "EU-1", "invoice_date": "2026-03-10",
            "lines": [{"account": "6162", "qty_milli": 1000, "unit_price_e4": 3_000_000, "vat_rate_bp": 2100}]}
    key = secrets.token_urlsafe(18)
    created = _api(client, "POST", "/purchase-invoices", token, json=body, headers={"Idempotency-Key": key})
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert (data["state"], data["net_cents"], data["self_assessed_cents"]) == ("draft", 30_000, 6_300)
    again = _api(client, "POST", "/purchase-invoices", token, json=body, headers={"Idempotency-Key": key})
    assert again.get_json()["id"] == data["id"]
    posted = _api(client, "POST", f"/purchase-invoices/{data['id']}/post", token, json={})
    assert posted.status_code == 200 and posted.get_json()["number"] == "A2026/00001"
    assert posted.get_json()["entry"] == "ACH/2026/00001"
    one = _api(client, "GET", f"/purchase-invoices/{data['id']}", token).get_json()
    assert one["lines"][0]["purchase_category"] == "services" and one["lines"][0]["vat_cents"] == 6_300
    listed = _api(client, "GET", "/purchase-invoices?state=posted", token).get_json()
    assert [x["id"] for x in listed["items"]] == [data["id"]]
    assert _api(client, "GET", "/purchase-invoices?period=2026-04", token).get_json()["items"] == []
    note = _api(client, "POST", "/purchase-invoices", token, json={
        **body, "kind": "credit_note", "credit_of": data["id"], "supplier_ref": "EU-CN-1", "post": True,
        "lines": [{"account": "6162", "unit_price_e4": 1_000_000}]})
    assert note.status_code == 201, note.get_json()
    assert (note.get_json()["number"], note.get_json()["credit_of"]) == ("AC2026/00001", data["id"])
    assert note.get_json()["entry"] == "ANC/2026/00001"
    spec = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/purchase-invoices", "/purchase-invoices/{invoice_id}",
            "/purchase-invoices/{invoice_id}/post"} <= set(spec)


def test_api_duplicate_needs_force_and_bad_input(client, store, supplier):
    token = _token(store)
    body = {"supplier_id": supplier.id, "supplier_ref": "FA-9", "invoice_date": "2026-03-10", "post": True,
            "lines": [{"account": "604", "unit_price_e4": 1_000_000}]}
    assert _api(client, "POST", "/purchase-invoices", token, json=body).status_code == 201
    twice = _api(client, "POST", "/purchase-invoices", token, json=body)
    assert twice.status_code == 409
    error = twice.get_json()
    assert error["error"] == "ConfirmationRequired"
    assert [w["error"] for w in error["warnings"]] == ["PossibleDuplicate"]
    draft = error["invoice"]
    assert (draft["state"], draft["number"]) == ("draft", None)  # the refused document waits as a draft
    forced = _api(client, "POST", f"/purchase-invoices/{draft['id']}/post", token, json={"force": True})
    assert forced.status_code == 200 and forced.get_json()["number"] == "A2026/00002"
    bad = _api(client, "POST", "/purchase-invoices", token,
               json={**body, "lines": [{"account": "604", "qty_milli": 0, "unit_price_e4": -5}]})
    assert bad.status_code == 422
    assert {p["field"] for p in bad.get_json()["problems"]} == {"lines-1-qty", "lines-1-unit_price"}
    assert _api(client, "POST", "/purchase-invoices", token, json={**body, "lines": []}).status_code == 422


def test_api_roles(client, store, supplier):
    add_user(store, "seller", "sales")
    token = _token(store, "seller")
    assert _api(client, "GET", "/purchase-invoices", token).status_code == 403
