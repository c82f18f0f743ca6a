"""The till settings screens, the test print, invoices at the till through the API and the back office,
the Z report archived at the close, customer prices at /pos/scan, and the till page's texts."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from equisis.documents import service as documents
from equisis.pos import counter, service
from equisis.pos.models import PosTerminal
from tests.pos.escpos_receiver import EscposReceiver, closed_port
from tests.pos.test_api_core import Till
from tests.web.conftest import add_user, english_client, form_token, sign_in
from tests.web.conftest import admin, app, client, instance_path, make_app, slug, store  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def till(app, store):
    add_user(store, "alice", "cashier", pin="1111", display_name="Alice")
    add_user(store, "marc", "sales", pin="2222", display_name="Marc")
    from equisis.catalog import service as catalog
    from equisis.parties import service as parties
    from equisis.users import service as user_service
    from tests.pos.core_fixtures import make_item
    with store.session():
        make_item("VASE", "12.10", barcodes=["5412345000013"])
        terminal = service.register_terminal("Counter")
        hotel = parties.create_party("Hôtel du Parc SRL", vat_number="BE0403170701", is_customer=True, language="fr")
        private = parties.create_party("Jean Dupont", is_customer=True, language="fr")
        plist = catalog.create_price_list("Hotels", party_id=hotel.id)
        catalog.add_price_rule(plist.id, item="VASE", net_price="8")
        token = user_service.issue_token(store.slug, "alice", "till")
        marc = user_service.find_user("marc").id
    found = Till(app, token, terminal.id, marc)
    found.hotel, found.private = hotel.id, private.id
    return found


def post_form(client, url, form_url, data):
    token = form_token(client, form_url)
    idem = re.search(r'name="_idem" value="([^"]+)"', client.get(form_url).get_data(as_text=True))
    return client.post(url, data={"_csrf": token, "_idem": idem.group(1) if idem else "", **data})


FORM = {"name": "Back counter", "warehouse": "MAIN", "cash_journal": "CSH1", "printer_kind": "none",
        "printer_address": "", "printer_timeout": "3"}


# --------------------------------------------------------------------------- till settings

def test_the_admin_lists_creates_and_edits_tills(till, admin, slug, store):
    page = admin.get(f"/c/{slug}/pos/tills/")
    assert page.status_code == 200 and "Counter" in page.get_data(as_text=True)
    created = post_form(admin, f"/c/{slug}/pos/tills/new", f"/c/{slug}/pos/tills/new", FORM)
    assert created.status_code == 303, created.get_data(as_text=True)
    with store.session():
        new = PosTerminal.get(PosTerminal.name == "Back counter")
        assert (new.code, new.warehouse, new.cash_journal, new.printer_kind) == ("T2", "MAIN", "CSH1", "none")
    url = f"/c/{slug}/pos/tills/{new.id}"
    edited = post_form(admin, url, url, {**FORM, "name": "Terrace", "printer_kind": "tcp",
                                         "printer_address": "192.168.1.50", "printer_timeout": "2,5"})
    assert edited.status_code == 303
    with store.session():
        row = service.find_terminal(new.id)
        assert (row.name, row.printer_address, row.printer_timeout_ms) == ("Terrace", "192.168.1.50:9100", 2500)
    assert "Test print" in admin.get(url).get_data(as_text=True)


def test_bad_till_settings_are_reported_together_and_nothing_changes(till, admin, slug, store):
    url = f"/c/{slug}/pos/tills/{till.terminal_id}"
    answer = post_form(admin, url, url, {"name": " ", "warehouse": "NOWHERE", "cash_journal": "VEN",
                                         "printer_kind": "tcp", "printer_address": "not a host", "printer_timeout": "3"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422, answer.status_code
    for expected in ("A till needs a name.", "NOWHERE", "VEN is not a cash journal", "not a valid receipt printer"):
        assert expected in text, expected
    timeout = post_form(admin, url, url, {**FORM, "printer_kind": "usb", "printer_address": "/dev/usb/lp0",
                                          "printer_timeout": "600"})
    assert timeout.status_code == 422 and "seconds between 0 and 60" in timeout.get_data(as_text=True)
    with store.session():
        assert service.find_terminal(till.terminal_id).name == "Counter"


def test_the_test_print_reaches_the_printer_or_shows_why_not(till, admin, slug, store):
    url = f"/c/{slug}/pos/tills/{till.terminal_id}"
    with EscposReceiver() as printer:
        with store.session():
            service.update_terminal(till.terminal_id, printer_kind="tcp", printer_address=printer.address)
        sent = post_form(admin, f"{url}/test-print", url, {})
        assert sent.status_code == 303
        payload = printer.wait_for_jobs(1)[0]
    assert payload.startswith(b"\x1b@") and b"Test page" in payload and b"Counter" in payload
    with store.session():
        service.update_terminal(till.terminal_id, printer_address=f"127.0.0.1:{closed_port()}")
    failed = post_form(admin, f"{url}/test-print", url, {})
    assert failed.status_code == 503
    assert "cannot be reached" in failed.get_data(as_text=True) and "refused" in failed.get_data(as_text=True)


def test_only_the_admin_edits_tills(till, app, slug, store):
    from tests.web.conftest import USER_PASSWORD
    add_user(store, "dubois", "accountant")
    client = english_client(app)
    sign_in(client, slug, "dubois", USER_PASSWORD)
    assert client.get(f"/c/{slug}/pos/tills/").status_code == 403
    assert client.get(f"/c/{slug}/pos/tills/{till.terminal_id}").status_code == 403
    assert client.get(f"/c/{slug}/pos/invoices/").status_code == 200


# --------------------------------------------------------------------------- invoices at the till

def test_an_invoice_at_the_till_through_the_api_and_the_back_office(till, admin, slug, store):
    session_id = till.open()
    body = {"uuid": str(uuid.uuid4()), "session_id": session_id, "customer_id": till.hotel, "invoice": True,
            "lines": [{"item_code": "VASE"}], "payments": [{"method": "card", "amount_cents": 968}]}
    answer = till.call("POST", "/tickets", body)
    assert answer.status_code == 201, answer.get_json()
    ticket = answer.get_json()
    assert ticket["to_pay_cents"] == 968 and ticket["invoice"]["number"].startswith("POSF/")
    with store.session():  # archived right after the commit
        rows = documents.documents_of(counter.SOURCE_TYPE, ticket["invoice"]["id"])
        assert [r.journal for r in rows] == ["POSF"]
    pdf = till.call("GET", f"/tickets/{ticket['id']}/invoice.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    with store.session():
        assert len(documents.documents_of(counter.SOURCE_TYPE, ticket["invoice"]["id"])) == 1
    private = till.call("POST", "/tickets", {**body, "uuid": str(uuid.uuid4()), "customer_id": till.private,
                                             "payments": [{"method": "card", "amount_cents": 1210}]})
    assert private.status_code == 400 and private.get_json()["error"] == "InvoiceNeedsVatNumber"
    plain = till.call("POST", "/tickets", {**body, "uuid": str(uuid.uuid4()), "invoice": False})
    missing = till.call("GET", f"/tickets/{plain.get_json()['id']}/invoice.pdf")
    assert missing.status_code == 404 and missing.get_json()["error"] == "TicketNotInvoiced"
    listing = admin.get(f"/c/{slug}/pos/invoices/").get_data(as_text=True)
    assert ticket["invoice"]["number"] in listing and "Hôtel du Parc SRL" in listing
    download = admin.get(f"/c/{slug}/pos/invoices/{ticket['invoice']['id']}.pdf")
    assert download.status_code == 200 and download.data == pdf.data  # the archived copy
    assert admin.get(f"/c/{slug}/pos/invoices/?export=csv").status_code == 200
    detail = admin.get(f"/c/{slug}/pos/sessions/{session_id}").get_data(as_text=True)
    assert f"/c/{slug}/pos/invoices/{ticket['invoice']['id']}.pdf" in detail


def test_the_close_archives_the_z_report(till, store):
    session_id = till.open()
    till.call("POST", "/tickets", {"uuid": str(uuid.uuid4()), "session_id": session_id,
                                   "lines": [{"item_code": "VASE"}], "payments": [{"method": "card", "amount_cents": 1210}]})
    closed = till.call("POST", f"/sessions/{session_id}/close", {"counts": {"5000": 1}})
    assert closed.status_code == 200
    with store.session():
        rows = documents.documents_of("pos_session", session_id)
        assert [(r.kind, r.journal) for r in rows] == [("pos_z_report", "POSZ")]


def test_scan_and_search_price_for_the_customer(till):
    assert till.call("GET", "/scan?code=5412345000013").get_json()["unit_price_e4"] == 121000
    found = till.call("GET", f"/scan?code=5412345000013&customer_id={till.hotel}").get_json()
    assert (found["unit_price_e4"], found["sale_label"]) == (96800, "Hotels")
    items = till.call("GET", f"/items?q=VASE&customer_id={till.hotel}").get_json()["items"]
    assert items[0]["unit_price_e4"] == 96800
    unknown = till.call("GET", "/scan?code=5412345000013&customer_id=999999")
    assert unknown.status_code == 404 and unknown.get_json()["error"] == "CustomerNotFound"


def test_the_new_routes_are_documented(till):
    paths = english_client(till.app).get("/api/v1/openapi.json").get_json()["paths"]
    assert "/pos/tickets/{ticket_id}/invoice.pdf" in paths
    assert any(p["name"] == "customer_id" for p in paths["/pos/scan"]["get"]["parameters"])


def test_the_till_page_translates_voucher_states_and_links_the_invoice():
    page = (ROOT / "templates/pos/till.html").read_text(encoding="utf-8")
    script = (ROOT / "static/pos/till.js").read_text(encoding="utf-8")
    assert '"voucher_states": {"valid": _("valid"), "expired": _("expired")' in page
    assert "TEXTS.voucher_states" in script and "state: v.state}" not in script
    assert "ticket.invoice.pdf" in script and "customer_id=" in script
