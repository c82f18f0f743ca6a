"""The VAT screens through the Flask client: periods, return, drill-down, check, filing, corrections,
downloads, listings, and who may see them."""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import secrets

import pytest
from lxml import etree

from equisis.ledger.models import Period
from equisis.store.audit import acting_as
from equisis.vat import intervat
from equisis.vat.models import VatReturn
from equisis.web import templating
from tests.vat.conftest import Books, make_party, needs_intervat_schemas
from tests.vat.scenario import post_quarter
from tests.web.conftest import (add_user, admin, app, client, form_token, instance_path,  # noqa: F401
                                make_app, sign_in, slug, store, text_of)

D = dt.date


@pytest.fixture
def books(store):
    """Run service code on the company's database: ``with books() as b: b.sell(...)``."""
    @contextlib.contextmanager
    def enter():
        with store.session(), acting_as("test:setup"):
            yield Books()
    return enter


@pytest.fixture
def quarter(books):
    with books() as b:
        class Cast:
            dupont = make_party("Maison Dupont SRL", "BE0477472701")
            brasserie = make_party("Brasserie Peeters BV", "BE0202239951")
            consumer = make_party("Jean Martin")
            paris = make_party("Boutique Paris SARL", "FR40303265045", regime="eu", country="FR")
            berlin = make_party("Berlin Design GmbH", "DE136695976", regime="eu", country="DE")
            geneva = make_party("Genève Concept SA", regime="non_eu", country="CH")
            builder = make_party("Construct Lambert SRL", "BE0417497106", regime="cocontractor")
            wholesaler = make_party("Groothandel Janssens NV", "BE0403170701", customer=False, supplier=True)
            amsterdam = make_party("Amsterdam Supplies BV", "NL004495445B01", regime="eu", country="NL",
                                   customer=False, supplier=True)
        post_quarter(b, Cast)
    return Cast


@pytest.fixture
def sources(monkeypatch):
    """Invoices open on a screen (the sales module's own is another helper's; the ledger's entry stands in)."""
    monkeypatch.setitem(templating.SOURCE_ENDPOINTS, "sales_invoice", ("ledger.entry_detail", "entry_id"))


def url(slug, path=""):
    return f"/c/{slug}/vat/{path}"


def test_menu_and_overview(admin, slug, quarter):
    home = text_of(admin.get(f"/c/{slug}/"))
    assert f'href="/c/{slug}/vat/"' in home
    page = text_of(admin.get(url(slug, "?year=2026")))
    assert 'data-period="2026-Q1" data-status="open"' in page
    assert 'data-period="2026-Q4" data-status="current"' in page or 'data-period="2026-Q4" data-status="open"' in page
    assert "1.135,50" in page or "1,135.50" in page


def test_return_shows_every_grid_with_its_drill_down(admin, slug, quarter):
    page = text_of(admin.get(url(slug, "return/2026-Q1")))
    for grid in ("00", "01", "02", "03", "44", "45", "46", "47", "48", "49", "54", "55", "56", "57", "59", "61",
                 "62", "63", "64", "81", "82", "83", "84", "85", "86", "87", "88", "91", "71", "72"):
        assert f'data-grid="{grid}"' in page
    assert f'href="/c/{slug}/vat/return/2026-Q1/grid/03"' in page
    assert f'href="/c/{slug}/vat/return/2026-Q1/grid/72"' not in page  # computed, not drillable


def test_drill_down_links_the_document_and_the_entry(admin, slug, quarter, sources):
    page = text_of(admin.get(url(slug, "return/2026-Q1/grid/03")))
    documents = re.findall(r'<a href="([^"]+)" data-source>([^<]+)</a>', page)
    assert sorted(text for _, text in documents) == ["F2026/00001", "F2026/00003"]
    assert all(href.startswith(f"/c/{slug}/ledger/entries/") for href, _ in documents)
    assert len(re.findall(r"data-entry>VEN/2026/\d+<", page)) == 2
    assert "1.150,00" in page or "1,150.00" in page
    export = admin.get(url(slug, "return/2026-Q1/grid/03?export=csv"))
    assert export.status_code == 200 and "F2026/00003" in export.get_data(as_text=True)


def test_drill_down_of_an_unknown_grid(admin, slug):
    assert admin.get(url(slug, "return/2026-Q1/grid/99")).status_code == 404
    assert admin.get(url(slug, "return/2026-Q7")).status_code == 400


def test_check_screen(admin, slug, books):
    with books() as b:
        nowhere = make_party("Sans Numéro SARL", regime="eu", country="FR")
        b.sell(nowhere, [(10_000, 2100)], D(2026, 2, 2))
    page = text_of(admin.get(url(slug, "return/2026-Q1/check")))
    assert 'data-finding="intra-vat"' in page and "Sans Numéro SARL" in page
    assert f'href="/c/{slug}/vat/return/2026-Q1/grid/46"' in page
    assert f'href="/c/{slug}/ledger/entries/' in page


@needs_intervat_schemas
def test_downloads_of_the_books_return(admin, slug, quarter):
    xml = admin.get(url(slug, "return/2026-Q1/xml"))
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert intervat.schema("return").validate(etree.fromstring(xml.data))
    pdf = admin.get(url(slug, "return/2026-Q1/pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def file_form(client, slug, period, **extra):
    token = form_token(client, url(slug, f"return/{period}"))
    return client.post(url(slug, f"return/{period}/file"),
                       data={"_csrf": token, "_idem": secrets.token_urlsafe(18), **extra})


def test_filing_locks_the_period_and_is_done_once(admin, slug, store, quarter):
    response = file_form(admin, slug, "2026-Q1", payment_forms="1")
    assert response.status_code == 303
    page = text_of(admin.get(url(slug, "return/2026-Q1")))
    assert 'data-status="filed"' in page and "File a corrective return" in page
    with store.session():
        row = VatReturn.get()
        assert row.grids["72"] == 113_550 and row.payment_forms
        assert {p.state for p in Period.select() if p.code in ("2026-01", "2026-02", "2026-03")} == {"locked"}
    xml = admin.get(url(slug, f"returns/{row.id}.xml"))
    assert xml.data == row.xml.encode("iso-8859-1")
    assert admin.get(url(slug, f"returns/{row.id}.pdf")).data.startswith(b"%PDF-")
    # the form is gone; a replayed POST with another key is refused
    again = admin.post(url(slug, "return/2026-Q1/file"),
                       data={"_csrf": form_token(admin, url(slug, "return/2026-Q1/correct")),
                             "_idem": secrets.token_urlsafe(18)})
    assert again.status_code == 409 and "already filed" in text_of(again)
    listing = text_of(admin.get(url(slug, "returns/")))
    assert "2026-Q1" in listing


def test_filing_a_running_period_is_refused(admin, slug, store):
    from equisis.ledger import service as ledger

    today = dt.date.today()
    with store.session(), acting_as("test:setup"):
        while ledger.fiscal_years()[-1].end < today:
            ledger.create_next_fiscal_year()
    period = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    response = file_form(admin, slug, period)
    assert response.status_code == 400 and "not over yet" in text_of(response)


def test_corrective_return_through_the_form(admin, slug, store, quarter):
    assert file_form(admin, slug, "2026-Q1").status_code == 303
    token = form_token(admin, url(slug, "return/2026-Q1/correct"))
    missing = admin.post(url(slug, "return/2026-Q1/correct"),
                         data={"_csrf": token, "_idem": secrets.token_urlsafe(18), "adjust-83": "500,00"})
    assert missing.status_code == 400 and "Say why" in text_of(missing)
    bad = admin.post(url(slug, "return/2026-Q1/correct"),
                     data={"_csrf": token, "_idem": secrets.token_urlsafe(18), "reason": "x", "adjust-83": "abc"})
    assert bad.status_code == 422
    done = admin.post(url(slug, "return/2026-Q1/correct"),
                      data={"_csrf": token, "_idem": secrets.token_urlsafe(18), "reason": "Investment",
                            "adjust-83": "500,00", "adjust-59": "105,00"})
    assert done.status_code == 303
    with store.session():
        rows = list(VatReturn.select().order_by(VatReturn.id))
        assert [r.kind for r in rows] == ["original", "corrective"]
        assert rows[1].grids["83"] == 300_000 and rows[1].grids["72"] == 113_550 + 10_500
    assert "Differences" in text_of(admin.get(url(slug, "return/2026-Q1")))


@needs_intervat_schemas
def test_listings_pages_and_downloads(admin, slug, quarter):
    page = text_of(admin.get(url(slug, "listings/clients?year=2026")))
    assert 'data-client="0477472701"' in page and 'data-client="0417497106"' in page
    xml = admin.get(url(slug, "listings/clients.xml?year=2026"))
    assert intervat.schema("client-listing").validate(etree.fromstring(xml.data))
    page = text_of(admin.get(url(slug, "listings/intra?period=2026-Q1")))
    assert 'data-intra="FR40303265045-L"' in page
    assert "1.750,00" in page or "1,750.00" in page
    xml = admin.get(url(slug, "listings/intra.xml?period=2026-Q1"))
    assert intervat.schema("intra-listing").validate(etree.fromstring(xml.data))
    empty = admin.get(url(slug, "listings/intra.xml?period=2026-Q3"))
    assert empty.status_code == 409


@pytest.mark.parametrize("role,status", [("accountant", 200), ("sales", 403), ("cashier", 403),
                                         ("warehouse", 403)])
def test_roles(client, slug, store, role, status):
    add_user(store, "user1", role)
    assert sign_in(client, slug, "user1", "password-xxxx").status_code == 303
    for path in ("", "return/2026-Q1", "return/2026-Q1/grid/03", "return/2026-Q1/check", "returns/",
                 "listings/clients?year=2026", "listings/intra?period=2026-Q1"):
        assert client.get(url(slug, path)).status_code == status, path


def test_signed_out_users_are_sent_to_the_login(client, slug):
    response = client.get(url(slug, ""))
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
