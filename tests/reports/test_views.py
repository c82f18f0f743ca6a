"""The report screens: each answers, drill-down links lead from a total to the entry, files download."""
from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest

from equisis.store.audit import acting_as
from tests.reports.conftest import build_books
from tests.web.conftest import USER_PASSWORD, add_user, sign_in, text_of

YEAR = {"from": "2026-01-01", "to": "2026-12-31"}
PAGES = [
    ("/", {}, "Reports"),
    ("/trial-balance", {**YEAR, "compare": "1"}, "Trial balance"),
    ("/general-ledger", YEAR, "General ledger"),
    ("/general-ledger", {**YEAR, "account": "400"}, "VEN/2026/00001"),
    ("/journals", {**YEAR, "journal": "VEN"}, "VEN/2026/00002"),
    ("/balances/customers", YEAR, "Maison Dupont SRL"),
    ("/balances/suppliers", {**YEAR, "compare": "1"}, "Textiles Janssens BV"),
    ("/ledgers/customers", YEAR, "Atelier Claes BV"),
    ("/ledgers/suppliers", YEAR, "ACH/2026/00001"),
    ("/aged/customers", {"at": "2026-03-31"}, "Maison Dupont SRL"),
    ("/aged/suppliers", {"at": "2026-03-01", "detail": "0"}, "Textiles Janssens BV"),
    ("/aged/customers", {"at": "2025-06-30", "format": "csv"}, "Partner"),
    ("/internal-accounts", YEAR, "Internal accounts"),
    ("/chart-of-accounts", {}, "Customers"),
    ("/nbb", {**YEAR, "model": "abbr"}, "TOTAL ASSETS"),
    ("/nbb", {**YEAR, "model": "micro", "compare": "0"}, "Micro model"),
]


@pytest.fixture
def with_books(store):
    with store.session(), acting_as("test"):
        return build_books()


def links_of(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]


@pytest.mark.parametrize("path, args, expected", PAGES)
def test_each_report_page_answers(admin, slug, with_books, path, args, expected):
    response = admin.get(f"/c/{slug}/reports{path}", query_string=args)
    assert response.status_code == 200, text_of(response)[:2000]
    assert expected in text_of(response)


def test_drill_down_from_the_trial_balance_to_the_entry(admin, slug, with_books):
    page = text_of(admin.get(f"/c/{slug}/reports/trial-balance", query_string=YEAR))
    assert "14.025,00" in page  # the debit and credit totals (en_BE)
    ledger_url = next(u for u in links_of(page) if "general-ledger" in u and "account=400" in u)
    assert "from=2026-01-01" in ledger_url and "to=2026-12-31" in ledger_url
    ledger_page = admin.get(ledger_url)
    assert ledger_page.status_code == 200
    entry_id = with_books.entries.f1.id
    entry_url = next(u for u in links_of(text_of(ledger_page)) if u.endswith(f"/entries/{entry_id}"))
    entry_page = admin.get(entry_url)
    assert entry_page.status_code == 200 and "VEN/2026/00001" in text_of(entry_page)


def test_partner_and_aged_balances_drill_into_the_partner_ledger(admin, slug, with_books):
    page = text_of(admin.get(f"/c/{slug}/reports/aged/customers", query_string={"at": "2026-03-31"}))
    url = next(u for u in links_of(page) if f"partner={with_books.dupont.id}" in u)
    assert "to=2026-03-31" in url
    ledger_page = text_of(admin.get(url))
    assert "Maison Dupont SRL" in ledger_page and "Atelier Claes BV" not in ledger_page
    page = text_of(admin.get(f"/c/{slug}/reports/balances/customers", query_string=YEAR))
    assert any(f"partner={with_books.claes.id}" in u for u in links_of(page))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("fmt, mimetype, magic", [
    ("pdf", "application/pdf", b"%PDF-"), ("xlsx", XLSX, b"PK"), ("csv", "text/csv", b"\xef\xbb\xbf")])
def test_reports_download_as_files(admin, slug, with_books, fmt, mimetype, magic):
    response = admin.get(f"/c/{slug}/reports/trial-balance",
                         query_string={**YEAR, "format": fmt, "lang": "nl"})
    assert response.status_code == 200
    assert response.mimetype == mimetype and response.data.startswith(magic)
    assert "trial-balance-2026-01-01-2026-12-31" in response.headers["Content-Disposition"]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        assert any(isinstance(c.value, (int, float)) for row in sheet.iter_rows() for c in row)


def test_the_page_offers_the_three_downloads(admin, slug, with_books):
    page = text_of(admin.get(f"/c/{slug}/reports/general-ledger", query_string={**YEAR, "account": "400"}))
    downloads = [u for u in links_of(page) if "format=" in u]
    assert {re.search(r"format=(\w+)", u).group(1) for u in downloads} == {"pdf", "xlsx", "csv"}
    assert all("account=400" in u for u in downloads)


@pytest.mark.parametrize("path, args, status", [
    ("/trial-balance", {"from": "2026-02-01", "to": "2026-01-01"}, 400),
    ("/trial-balance", {"from": "31/02/2026"}, 400),
    ("/trial-balance", {"format": "docx"}, 400),
    ("/balances/employees", {}, 404),
    ("/general-ledger", {"account": "999999"}, 404),
    ("/nbb", {"model": "full"}, 404),
])
def test_bad_parameters_are_user_errors(admin, slug, with_books, path, args, status):
    assert admin.get(f"/c/{slug}/reports{path}", query_string=args).status_code == status


def test_reports_are_for_accountants(client, store, slug):
    add_user(store, "karim", "sales")
    sign_in(client, slug, "karim", USER_PASSWORD)
    assert client.get(f"/c/{slug}/reports/trial-balance").status_code == 403
    add_user(store, "dubois", "accountant")
    client.post(f"/c/{slug}/logout")
    accountant = client
    sign_in(accountant, slug, "dubois", USER_PASSWORD)
    assert accountant.get(f"/c/{slug}/reports/trial-balance").status_code == 200
    assert f"/c/{slug}/reports/" in accountant.get(f"/c/{slug}/reports/").get_data(as_text=True)


def test_a_long_report_is_cut_on_screen_but_whole_in_the_file(admin, slug, with_books, monkeypatch):
    from equisis.reports import views

    monkeypatch.setattr(views, "SCREEN_ROWS", 5)
    page = text_of(admin.get(f"/c/{slug}/reports/general-ledger", query_string=YEAR))
    assert "The screen shows the first 5 rows" in page
    data = admin.get(f"/c/{slug}/reports/general-ledger", query_string={**YEAR, "format": "csv"}).data
    assert data.decode("utf-8-sig").count("\n") > 20


def test_screens_issue_a_fixed_number_of_queries(admin, slug, store):
    """No query per row in the templates either (links, names, amounts)."""
    from tests.reports.test_queries import grow

    pages = [("/trial-balance", YEAR), ("/aged/customers", {"at": "2026-11-30"}),
             ("/ledgers/customers", YEAR), ("/nbb", YEAR), ("/journals", YEAR)]

    def counts():
        result = []
        connection = store.database.connection()
        for path, args in pages:
            statements = []
            connection.exec_trace = lambda _cursor, sql, _bindings: statements.append(sql) or True
            try:
                assert admin.get(f"/c/{slug}/reports{path}", query_string=args).status_code == 200
            finally:
                connection.exec_trace = None
            result.append(len(statements))
        return result

    with store.session(), acting_as("test"):
        grow(0, 5)
    small = counts()
    with store.session(), acting_as("test"):
        grow(5, 60)
    assert counts() == small and min(small) > 3


def test_drill_down_reaches_the_source_document(admin, slug, store, with_books):
    from equisis.documents.service import archive_document
    from equisis.ledger import service as ledger
    from tests.ledger.notation import draft

    with store.session(), acting_as("test"):
        entry = ledger.post_entry(draft("VEN 2026-05-02 Invoice 42", "400 121,00 D partner=1 ref=F42 "
                                        "due=2026-06-01\n7000 121,00 C", source=("sales.invoice", 42)),
                                  role="accountant")
        document = archive_document(store, b"%PDF-1.4 invoice 42", kind="invoice", journal="VEN", year="2026",
                                    period="2026-05", object_type="sales.invoice", object_id=42,
                                    language="fr", file_name="Facture 42")
    page = text_of(admin.get(f"/c/{slug}/reports/trial-balance", query_string=YEAR))
    ledger_page = text_of(admin.get(next(u for u in links_of(page) if "account=400" in u)))
    entry_url = next(u for u in links_of(ledger_page) if u.endswith(f"/entries/{entry.id}"))
    entry_page = text_of(admin.get(entry_url))
    document_url = next(u for u in links_of(entry_page) if u.endswith(f"/documents/{document.id}"))
    assert admin.get(document_url).status_code == 200
