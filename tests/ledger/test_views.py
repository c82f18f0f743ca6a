"""The ledger screens through the Flask client: the entry screen, import, reconciliation, fiscal years, chart."""
from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest

from equisis.documents import service as documents
from equisis.ledger import rules
from equisis.ledger import service as ledger
from equisis.ledger.models import Entry, FiscalYear
from equisis.parties import service as parties
from equisis.store.audit import acting_as
from tests.ledger.notation import draft
from tests.web.conftest import (add_user, admin, app, client, csrf_in, form_token, instance_path,  # noqa: F401
                                make_app, sign_in, slug, store, text_of)

D = dt.date


@pytest.fixture
def books(store):
    """Run service code on the company's database: ``with books(): ...``."""
    def enter():
        import contextlib

        stack = contextlib.ExitStack()
        stack.enter_context(store.session())
        stack.enter_context(acting_as("test:setup"))
        return stack
    return enter


@pytest.fixture
def customer(books):
    with books():
        return parties.create_party("Maison Dupont SRL", vat_number="BE0403170701", is_customer=True)


def entries_count(books) -> int:
    with books():
        return Entry.select().count()


def url(slug, path=""):
    return f"/c/{slug}/ledger/{path}"


def post_entry_form(client, slug, lines, *, journal="OD", date="15/03/2026", description="Rent March",
                    key=None, **extra):
    """Fill the entry screen like a user: lines are dicts of column -> typed text."""
    data = {"_csrf": form_token(client, url(slug, "entries/new")), "_idem": key or secrets.token_urlsafe(18),
            "journal": journal, "date": date, "description": description, **extra}
    for n, line in enumerate(lines, start=1):
        for column, value in line.items():
            data[f"lines-{n}-{column}"] = value
    return client.post(url(slug, "entries/new"), data=data)


RENT = [{"account": "6100", "description": "March", "debit": "500,00"},
        {"account": "550001", "credit": "500,00"}]


def post_form(client, slug, path, data=None, *, page=None):
    """POST a form of ``page`` (default: the ledger home) with its CSRF token and a fresh form key."""
    token = form_token(client, url(slug, page or ""))
    return client.post(url(slug, path), data={"_csrf": token, "_idem": secrets.token_urlsafe(18), **(data or {})})


# --------------------------------------------------------------------------- access

def test_the_ledger_is_in_the_menu_of_the_accountant_only(client, slug, store, admin):
    home = admin.get(f"/c/{slug}/")
    assert url(slug) in home.get_data(as_text=True)
    add_user(store, "julie", "sales")
    other = client.application.test_client()
    sign_in(other, slug, "julie", "password-xxxx")
    assert url(slug) not in other.get(f"/c/{slug}/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["cashier", "sales", "warehouse"])
def test_other_roles_cannot_open_or_post_entries(app, slug, store, books, role):
    add_user(store, "someone", role)
    client = app.test_client()
    assert sign_in(client, slug, "someone", "password-xxxx").status_code == 303
    assert client.get(url(slug, "entries/new")).status_code == 403
    token = csrf_in(client.get(f"/c/{slug}/me").get_data(as_text=True))
    response = client.post(url(slug, "entries/new"), data={
        "_csrf": token, "journal": "OD", "date": "15/03/2026", "lines-1-account": "6100", "lines-1-debit": "1",
        "lines-2-account": "550001", "lines-2-credit": "1"})
    assert response.status_code == 403
    assert entries_count(books) == 0
    for path in ("", "accounts/", "years/", "reconcile/", "entries/import", "accounts/search?q=4"):
        assert client.get(url(slug, path)).status_code == 403, path


def test_an_accountant_posts(app, slug, store, books):
    add_user(store, "dubois", "accountant")
    client = app.test_client()
    sign_in(client, slug, "dubois", "password-xxxx")
    assert post_entry_form(client, slug, RENT).status_code == 303
    with books():
        assert Entry.get().posted_by == "user:dubois"


# --------------------------------------------------------------------------- the entry screen

def test_an_od_posted_through_the_form(admin, slug, books):
    response = post_entry_form(admin, slug, RENT + [{}, {"description": ""}])   # blank lines are left out
    assert response.status_code == 303
    assert "posted=" in response.headers["Location"] and "journal=OD" in response.headers["Location"]
    with books():
        entry = Entry.get()
        lines = ledger.entry_lines(entry.id)
    assert (entry.reference, entry.date, entry.description) == ("OD/2026/00001", D(2026, 3, 15), "Rent March")
    assert [(x.account.code, x.debit_cents, x.credit_cents, x.description) for x in lines] == [
        ("6100", 50000, 0, "March"), ("550001", 0, 50000, "")]

    page = admin.get(response.headers["Location"])
    text = text_of(page)
    assert "Entry posted:" in text and "OD/2026/00001" in text
    assert 'value="15/03/2026"' in text                       # the next entry starts on the same date


def test_amounts_are_typed_the_belgian_way_and_parsed_exactly(admin, slug, books):
    response = post_entry_form(admin, slug, [{"account": "6100", "debit": "1.234,56"},
                                             {"account": "6120", "debit": "0.10"},
                                             {"account": "550001", "credit": "1234,66"}])
    assert response.status_code == 303
    with books():
        assert [x.debit_cents + x.credit_cents for x in ledger.entry_lines(Entry.get().id)] == [123456, 10, 123466]


def test_an_unbalanced_entry_is_refused_with_the_difference_shown(admin, slug, books):
    response = post_entry_form(admin, slug, [{"account": "6100", "debit": "500,00"},
                                             {"account": "550001", "credit": "450,00"}])
    assert response.status_code == 422
    text = text_of(response)
    assert re.search(r"The entry is not balanced: debits .*500,00.* and credits .*450,00.* differ by .*50,00", text)
    assert 'data-difference>' in text and "50,00" in text.split("data-difference>")[1][:40]
    assert 'value="500,00"' in text and 'value="450,00"' in text   # what was typed stays on screen
    assert entries_count(books) == 0


def test_each_bad_line_is_reported_with_its_number(admin, slug, books, customer):
    response = post_entry_form(admin, slug, [
        {"account": "6100", "debit": "12,3x"},
        {"account": "999999", "debit": "10,00"},
        {"account": "400", "credit": "10,00"},
        {"account": "550001", "debit": "1,005"},
    ])
    assert response.status_code == 422
    text = text_of(response)
    assert "Line 1: “12,3x” is not an amount; type it like 12,50." in text
    assert "Line 4: “1,005” has more than two decimals." in text
    assert re.search(r'name="lines-1-debit" value="12,3x"[^>]*aria-invalid="true"', text)
    assert entries_count(books) == 0

    fixed = post_entry_form(admin, slug, [{"account": "6100", "debit": "12,30"},
                                          {"account": "999999", "debit": "10,00"},
                                          {"account": "400", "credit": "22,30"}])
    assert fixed.status_code == 422
    text = text_of(fixed)
    assert "Line 2: there is no account 999999." in text
    assert "Line 3: account 400 needs a customer or supplier." in text
    assert "Line 3: account 400 needs a due date." in text
    assert re.search(r'name="lines-2-account" value="999999"[^>]*aria-invalid="true"', text)
    assert entries_count(books) == 0


def test_a_partner_line_takes_the_picked_partner_or_the_name_typed(admin, slug, books, customer):
    common = {"account": "400", "document_ref": "F1", "due_date": "15/04/2026"}
    picked = post_entry_form(admin, slug, [{**common, "partner": str(customer.id), "partner_name": "Maison Dupont SRL",
                                            "credit": "121,00"}, {"account": "550001", "debit": "121,00"}])
    typed = post_entry_form(admin, slug, [{**common, "partner_name": "maison dupont", "credit": "10,00"},
                                          {"account": "550001", "debit": "10,00"}])
    unknown = post_entry_form(admin, slug, [{**common, "partner_name": "Nobody", "credit": "10,00"},
                                            {"account": "550001", "debit": "10,00"}])
    assert (picked.status_code, typed.status_code, unknown.status_code) == (303, 303, 422)
    assert "Line 1: no customer or supplier matches “Nobody”; pick one from the list." in text_of(unknown)
    with books():
        receivables = [ledger.entry_lines(e.id)[0] for e in Entry.select().order_by(Entry.id)]
    assert [(x.partner_id, x.document_ref, x.due_date) for x in receivables] == [
        (customer.id, "F1", D(2026, 4, 15))] * 2


def test_a_double_submit_posts_one_entry(admin, slug, books):
    key = secrets.token_urlsafe(18)
    first = post_entry_form(admin, slug, RENT, key=key)
    second = post_entry_form(admin, slug, RENT, key=key)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert entries_count(books) == 1


def test_add_line_without_javascript_keeps_what_was_typed(admin, slug, books):
    response = post_entry_form(admin, slug, RENT, add_line="1")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'name="lines-1-debit" value="500,00"' in text and 'name="lines-4-account"' in text
    assert entries_count(books) == 0


def test_the_account_search_answers_by_code_prefix_or_name(admin, slug):
    by_code = admin.get(url(slug, "accounts/search?q=400")).get_data(as_text=True)
    assert re.findall(r'data-value="(\d+)"', by_code)[:2] == ["400", "4001"]
    assert 'data-value="400" data-label="Customers"' in by_code and 'data-partner="yes"' in by_code
    by_name = text_of(admin.get(url(slug, "accounts/search?q=rent")))
    assert 'data-value="6100"' in by_name
    assert admin.get(url(slug, "accounts/search?q=")).status_code == 200


def test_the_account_search_speaks_the_users_language(app, slug, store):
    add_user(store, "dubois", "accountant", language="fr")
    client = app.test_client()
    sign_in(client, slug, "dubois", "password-xxxx")
    found = text_of(client.get(url(slug, "accounts/search?q=loyer")))   # "Loyers" in French
    assert 'data-value="6100"' in found


def test_the_partner_search(admin, slug, customer):
    for query in ("dupont", "0403", "BE0403170701"):
        found = text_of(admin.get(url(slug, f"partners/search?q={query}")))
        assert f'data-value="{customer.id}" data-label="Maison Dupont SRL"' in found, query
    assert "No customer or supplier matches." in text_of(admin.get(url(slug, "partners/search?q=zzz")))


@pytest.mark.parametrize("query,code,name,rank", [
    ("40", "400", "Customers", 1),
    ("400", "400", "Customers", 0),
    ("401", "400", "Customers", None),
    ("créances", "416", "Autres creances", 3),
    ("frais de", "6130", "Frais de port", 2),
    ("40 cust", "400", "Customers", 2),
    ("44 cust", "400", "Customers", None),
    ("", "400", "Customers", None),
])
def test_account_match_rank(query, code, name, rank):
    assert rules.account_match_rank(query, code, name) == rank


# --------------------------------------------------------------------------- locks and fiscal years

def test_a_locked_period_refuses_the_entry(admin, slug, books):
    assert post_form(admin, slug, "years/2026/periods/2026-03/lock", page="years/").status_code == 303
    response = post_entry_form(admin, slug, RENT)
    assert response.status_code == 422
    assert "Period 2026-03 is locked: nothing can be posted on 15/03/2026." in text_of(response)
    assert entries_count(books) == 0
    years = text_of(admin.get(url(slug, "years/?year=2026")))
    assert re.search(r'data-period="2026-03">.*?locked \(by hand\)', years, re.S)

    assert post_form(admin, slug, "years/2026/periods/2026-03/unlock", page="years/").status_code == 303
    assert post_entry_form(admin, slug, RENT).status_code == 303


def test_lock_dates_per_role(admin, slug, books, store, app):
    response = post_form(admin, slug, "years/lock-dates", {"lock_date": "31/03/2026",
                                                           "lock_date_accountant": "31/01/2026"}, page="years/")
    assert response.status_code == 303
    assert post_entry_form(admin, slug, RENT, date="15/01/2026").status_code == 422
    assert post_entry_form(admin, slug, RENT, date="15/03/2026").status_code == 303   # the accountant may
    with books():
        assert ledger.lock_dates() == (D(2026, 3, 31), D(2026, 1, 31))

    wrong = post_form(admin, slug, "years/lock-dates", {"lock_date": "31/01/2026",
                                                        "lock_date_accountant": "31/03/2026"}, page="years/")
    assert wrong.status_code == 400
    assert "cannot be later than everyone's lock date" in text_of(wrong)
    bad = post_form(admin, slug, "years/lock-dates", {"lock_date": "31/13/2026"}, page="years/")
    assert bad.status_code == 400 and "“31/13/2026” is not a date" in text_of(bad)


def test_close_and_reopen_a_year_through_the_screen(admin, slug, books):
    post_entry_form(admin, slug, [{"account": "6100", "debit": "500,00"}, {"account": "550001", "credit": "500,00"}])
    response = post_form(admin, slug, "years/2026/close", page="years/")
    assert response.status_code == 303
    with books():
        years = {y.code: y.state for y in FiscalYear.select()}
        journals = sorted(e.journal.code for e in Entry.select())
    assert years == {"2026": "closed", "2027": "open"}
    assert journals == ["CLO", "OD", "OUV"]
    page = text_of(admin.get(url(slug, "years/?year=2026")))
    assert "locked (year-end closing)" in page

    refused = post_entry_form(admin, slug, RENT)
    assert refused.status_code == 422 and "Fiscal year 2026 is closed" in text_of(refused)

    again = post_form(admin, slug, "years/2026/close", page="years/")
    assert again.status_code == 409 and "Fiscal year 2026 is already closed." in text_of(again)
    with books():
        closing = Entry.get(Entry.kind == "closing")
    detail = text_of(admin.get(url(slug, f"entries/{closing.id}")))
    assert "Year-end closing" in detail and "Reverse this entry" not in detail   # the year-end undoes itself
    forced = post_form(admin, slug, f"entries/{closing.id}/reverse", {"date": "31/12/2026", "reason": "x"},
                       page=f"entries/{closing.id}")
    assert forced.status_code == 409 and "reopen the fiscal year instead" in text_of(forced)

    no_reason = post_form(admin, slug, "years/2026/reopen", {"reason": " "}, page="years/")
    assert no_reason.status_code == 400 and "Give the reason" in text_of(no_reason)
    reopened = post_form(admin, slug, "years/2026/reopen", {"reason": "late supplier invoice"}, page="years/")
    assert reopened.status_code == 303
    with books():
        assert FiscalYear.get(FiscalYear.code == "2026").state == "open"
    assert post_entry_form(admin, slug, RENT).status_code == 303


def test_create_the_next_fiscal_year(admin, slug, books):
    key = secrets.token_urlsafe(18)
    token = form_token(admin, url(slug, "years/"))
    for _ in range(2):   # a double click creates one year
        response = admin.post(url(slug, "years/next"), data={"_csrf": token, "_idem": key})
        assert response.status_code == 303
    with books():
        assert [y.code for y in FiscalYear.select().order_by(FiscalYear.start)] == ["2026", "2027"]
    assert "2027-12" in text_of(admin.get(url(slug, "years/?year=2027")))


# --------------------------------------------------------------------------- import

GOOD = """entry;journal;date;description;account;debit;credit;partner;reference;due_date;vat_grids
1;OD;15/03/2026;Rent March;6100;500,00;;;;;
1;OD;15/03/2026;;550001;;500,00;;;;
"""


def upload(client, slug, text, name="entries.csv"):
    import io

    token = form_token(client, url(slug, "entries/import"))
    return client.post(url(slug, "entries/import"), content_type="multipart/form-data", data={
        "_csrf": token, "_idem": secrets.token_urlsafe(18), "file": (io.BytesIO(text.encode()), name)})


def test_import_with_bad_lines_reports_each_and_imports_nothing(admin, slug, books):
    bad = (GOOD.replace(";550001;", ";999999;")
           + "2;OD;31/02/2026;x;6100;1O,00;;;;;\n2;OD;31/02/2026;;550001;;10,00;;;;\n")
    response = upload(admin, slug, bad)
    assert response.status_code == 422
    text = text_of(response)
    cells = re.findall(r"<tr><td>([\d-]+)</td><td>([a-z_/]+)</td><td>([^<]+)</td></tr>", text)
    assert [(row, column) for row, column, _ in cells] == [
        ("3", "account"), ("4", "date"), ("4", "debit"), ("5", "date")]
    assert cells[0][2] == "there is no account 999999"
    assert entries_count(books) == 0


def test_import_a_good_file(admin, slug, books):
    response = upload(admin, slug, GOOD, name="écritures mars.csv")
    assert response.status_code == 303
    assert "1 entry imported." in text_of(admin.get(response.headers["Location"]))
    with books():
        entry = Entry.get()
    assert (entry.source_type, entry.source_id) == ("import", "ecritures_mars.csv")


def test_import_without_a_file_or_with_a_wrong_one(admin, slug, books):
    token = form_token(admin, url(slug, "entries/import"))
    empty = admin.post(url(slug, "entries/import"), data={"_csrf": token})
    assert empty.status_code == 400 and "Choose a CSV or Excel file to import." in text_of(empty)
    missing = upload(admin, slug, "a;b\n1;2\n")
    assert missing.status_code == 400 and "The file lacks the column(s)" in text_of(missing)
    broken = upload(admin, slug, "not a workbook", name="entries.xlsx")
    assert broken.status_code == 400 and "cannot be read as CSV or Excel" in text_of(broken)
    template = admin.get(url(slug, "entries/import/template.csv"))
    assert template.status_code == 200
    assert template.get_data(as_text=True).lstrip("\ufeff").startswith("entry;journal;date")


# --------------------------------------------------------------------------- entries and their detail

def test_the_entry_detail_shows_lines_seal_source_and_reverses(admin, slug, books, store, customer):
    with books():
        entry = ledger.post_entry(draft("VEN 2026-03-10 Invoice 42", f"""
            400  121,00 D partner={customer.id} ref=F42 due=2026-04-09
            7000 100,00 C grids=03
            451   21,00 C grids=54
        """, source=("invoice", "42")), role="accountant")
    with store.session():
        archived = documents.archive_document(store, b"%PDF-1.4 test", kind="invoice", journal="VEN", year="2026",
                                              period="2026-03", object_type="invoice", object_id="42",
                                              language="fr", file_name="Facture 42")
    page = text_of(admin.get(url(slug, f"entries/{entry.id}")))
    assert "VEN/2026/00001" in page and entry.hash in page and "Maison Dupont SRL" in page
    assert f"/c/{slug}/documents/{archived.id}" in page
    assert "open: " in page and "121,00" in page

    token = csrf_in(page)
    refused = admin.post(url(slug, f"entries/{entry.id}/reverse"), data={"_csrf": token, "date": "31/03/2026"})
    assert refused.status_code == 400 and "Give the reason" in text_of(refused)
    response = admin.post(url(slug, f"entries/{entry.id}/reverse"), data={
        "_csrf": token, "_idem": secrets.token_urlsafe(18), "date": "31/03/2026", "reason": "wrong customer"})
    assert response.status_code == 303
    reversal = text_of(admin.get(response.headers["Location"]))
    assert "VEN/2026/00002" in reversal and "Reversal of VEN/2026/00001: wrong customer" in reversal
    assert "Reverse this entry" not in reversal
    with books():
        reversal_id = Entry.get(Entry.reference == "VEN/2026/00002").id
    again = admin.post(url(slug, f"entries/{reversal_id}/reverse"), data={
        "_csrf": token, "_idem": secrets.token_urlsafe(18), "date": "31/03/2026", "reason": "undo"})
    assert again.status_code == 409 and "is itself a reversal" in text_of(again)
    assert admin.get(url(slug, "entries/999999")).status_code == 404


def test_the_entries_list_filters_and_exports(admin, slug, books):
    post_entry_form(admin, slug, RENT)
    post_entry_form(admin, slug, RENT, journal="BNK1", description="Bank fees")
    listing = text_of(admin.get(url(slug, "entries/?journal=BNK1")))
    assert "BNK1/2026/00001" in listing and "OD/2026/00001" not in listing
    export = admin.get(url(slug, "entries/?export=csv&sort=reference&dir=asc"))
    rows = export.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0].startswith("Entry;Date;Journal") and len(rows) == 3


# --------------------------------------------------------------------------- reconciliation

def test_reconcile_two_lines_then_undo(admin, slug, books, customer):
    with books():
        invoice = ledger.post_entry(draft("VEN 2026-03-10 Invoice F1", f"""
            400  121,00 D partner={customer.id} ref=F1 due=2026-04-09
            7000 121,00 C
        """), role="accountant")
        payment = ledger.post_entry(draft("BNK1 2026-03-20 Payment", f"""
            550001 121,00 D
            400    121,00 C partner={customer.id} ref=F1 due=2026-03-20
        """), role="accountant")
        lines = [ledger.entry_lines(invoice.id)[0].id, ledger.entry_lines(payment.id)[1].id]

    overview = text_of(admin.get(url(slug, "reconcile/")))
    assert "Maison Dupont SRL" in overview and "VEN/2026/00001" in overview
    screen_url = url(slug, f"reconcile/items?account=400&partner={customer.id}")
    screen = text_of(admin.get(screen_url))
    assert "same reference" in screen and screen.count('name="line"') >= 2

    token = csrf_in(screen)
    form = {"_csrf": token, "account": "400", "partner": str(customer.id), "at": ""}
    matched = admin.post(url(slug, "reconcile/match"), data={**form, "_idem": secrets.token_urlsafe(18),
                                                             "line": [str(i) for i in lines]})
    assert matched.status_code == 303 and matched.headers["Location"].endswith(screen_url.split("/ledger/")[1])
    with books():
        assert ledger.open_items(partner_id=customer.id) == []
        group = ledger.match_groups(account="400")[0]
    after = text_of(admin.get(screen_url))
    assert "No open item." in after and "VEN/2026/00001, BNK1/2026/00001" in after

    # open items at a date before the payment still show the invoice
    at = text_of(admin.get(screen_url + "&at=15/03/2026"))
    assert "Open items at 15/03/2026" in at and "VEN/2026/00001" in at.split("Open items at 15/03/2026")[1]

    no_reason = admin.post(url(slug, f"reconcile/{group.group_id}/undo"), data={**form, "reason": ""})
    assert no_reason.status_code == 400 and "Give the reason" in text_of(no_reason)
    undone = admin.post(url(slug, f"reconcile/{group.group_id}/undo"),
                        data={**form, "_idem": secrets.token_urlsafe(18), "reason": "wrong invoice"})
    assert undone.status_code == 303
    with books():
        assert sorted(i.line_id for i in ledger.open_items(partner_id=customer.id)) == sorted(lines)
        assert ledger.match_groups(account="400") == []
        from equisis.store.models import AuditEvent
        assert "wrong invoice" in (AuditEvent.select().order_by(AuditEvent.id.desc()).first().after_json or "")


def test_a_partial_match_leaves_the_rest_open_and_lines_of_two_partners_are_refused(admin, slug, books, customer):
    with books():
        other = parties.create_party("Textiles Janssens BV", is_customer=True)
        invoice = ledger.post_entry(draft("VEN 2026-03-10 F1", f"""
            400  100,00 D partner={customer.id} ref=F1 due=2026-04-09
            7000 100,00 C
        """), role="accountant")
        paid = ledger.post_entry(draft("BNK1 2026-03-20 P", f"""
            550001 40,00 D
            400    40,00 C partner={customer.id} ref=P1 due=2026-03-20
        """), role="accountant")
        foreign = ledger.post_entry(draft("BNK1 2026-03-21 P", f"""
            550001 60,00 D
            400    60,00 C partner={other.id} ref=P2 due=2026-03-21
        """), role="accountant")
        ids = [ledger.entry_lines(e.id)[i].id for e, i in ((invoice, 0), (paid, 1), (foreign, 1))]
    token = form_token(admin, url(slug, "reconcile/items?account=400"))
    refused = admin.post(url(slug, "reconcile/match"), data={
        "_csrf": token, "_idem": secrets.token_urlsafe(18), "account": "400", "line": [str(i) for i in ids]})
    assert refused.status_code == 400 and "one account and one partner" in text_of(refused)
    partial = admin.post(url(slug, "reconcile/match"), data={
        "_csrf": token, "_idem": secrets.token_urlsafe(18), "account": "400", "line": [str(i) for i in ids[:2]]})
    assert partial.status_code == 303
    with books():
        assert [(i.line_id, i.residual_cents) for i in ledger.open_items(partner_id=customer.id)] == [(ids[0], 6000)]
    nothing = admin.post(url(slug, "reconcile/match"), data={"_csrf": token, "account": "400"})
    assert nothing.status_code == 400 and "Choose at least one open debit and one open credit" in text_of(nothing)


# --------------------------------------------------------------------------- chart and journals

def test_add_rename_block_and_delete_accounts(admin, slug, books):
    token = form_token(admin, url(slug, "accounts/new"))
    data = {"_csrf": token, "_idem": secrets.token_urlsafe(18), "code": "619900", "kind": "expense",
            "name_fr": "Frais divers", "name_en": "Sundry costs", "postable": "on"}
    created = admin.post(url(slug, "accounts/new"), data=data)
    assert created.status_code == 303 and created.headers["Location"].endswith("/accounts/619900")
    again = admin.post(url(slug, "accounts/new"), data={**data, "_idem": secrets.token_urlsafe(18)})
    assert again.status_code == 409 and "Account 619900 already exists." in text_of(again)
    bad = admin.post(url(slug, "accounts/new"), data={**data, "_idem": secrets.token_urlsafe(18), "code": "9x"})
    assert bad.status_code == 400 and "is not an account code" in text_of(bad)

    page = text_of(admin.get(url(slug, "accounts/619900")))
    assert "Sundry costs" in page and "6 " in page        # its place in the chart starts with class 6
    renamed = admin.post(url(slug, "accounts/619900"), data={"_csrf": token, "name_fr": "Frais divers",
                                                            "name_nl": "Diverse kosten", "name_en": "Various costs"})
    assert renamed.status_code == 303
    with books():
        account = ledger.find_account("619900")
        assert (account.name_nl, account.name_en, account.name_de) == ("Diverse kosten", "Various costs",
                                                                       "Frais divers")
    assert admin.post(url(slug, "accounts/619900/block"), data={"_csrf": token, "blocked": "1"}).status_code == 303
    refused = post_entry_form(admin, slug, [{"account": "619900", "debit": "1,00"},
                                            {"account": "550001", "credit": "1,00"}])
    assert refused.status_code == 422 and "Line 1: account 619900 is blocked." in text_of(refused)
    assert "619900" not in admin.get(url(slug, "accounts/search?q=6199")).get_data(as_text=True)

    assert admin.post(url(slug, "accounts/619900/block"), data={"_csrf": token, "blocked": "0"}).status_code == 303
    assert post_entry_form(admin, slug, [{"account": "619900", "debit": "1,00"},
                                         {"account": "550001", "credit": "1,00"}]).status_code == 303
    in_use = admin.post(url(slug, "accounts/619900/delete"), data={"_csrf": token})
    assert in_use.status_code == 409 and "can be renamed or blocked, never deleted" in text_of(in_use)
    admin.post(url(slug, "accounts/new"), data={**data, "_idem": secrets.token_urlsafe(18), "code": "619901"})
    assert admin.post(url(slug, "accounts/619901/delete"), data={"_csrf": token}).status_code == 303
    assert admin.get(url(slug, "accounts/619901")).status_code == 404


def test_the_chart_lists_searches_and_exports(admin, slug):
    page = text_of(admin.get(url(slug, "accounts/?q=customers")))
    assert "4001" in page
    export = admin.get(url(slug, "accounts/?export=xlsx&q=customers"))
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")


def test_add_bank_and_cash_journals(admin, slug, books):
    token = form_token(admin, url(slug, "journals/"))
    bank = admin.post(url(slug, "journals/bank"), data={"_csrf": token, "_idem": secrets.token_urlsafe(18),
                                                        "iban": "BE71 0961 2345 6769"})
    assert bank.status_code == 303
    cash = admin.post(url(slug, "journals/cash"), data={"_csrf": token, "_idem": secrets.token_urlsafe(18),
                                                        "name": "Till 2"})
    assert cash.status_code == 303
    wrong = admin.post(url(slug, "journals/bank"), data={"_csrf": token, "_idem": secrets.token_urlsafe(18),
                                                         "iban": "BE71 0961 2345 6760"})
    assert wrong.status_code == 400 and "IBAN" in text_of(wrong)
    with books():
        journals = {j.code: (j.kind, j.account.code, j.name) for j in ledger.journals() if j.account_id}
    assert journals["BNK2"] == ("bank", "550002", "Bank BE71 0961 2345 6769")
    assert journals["CSH2"] == ("cash", "570002", "Till 2")
    listing = text_of(admin.get(url(slug, "journals/")))
    assert "BNK2" in listing and "CSH2" in listing
    # a new bank journal is offered on the entry screen at once
    assert 'value="BNK2"' in admin.get(url(slug, "entries/new")).get_data(as_text=True)


def test_the_home_page_links_every_screen(admin, slug, app):
    page = admin.get(url(slug)).get_data(as_text=True)
    for path in ("entries/new?journal=OD", "entries/", "accounts/", "journals/", "years/", "reconcile/",
                 "entries/import"):
        assert url(slug, path) in page, path
    if "reports.trial_balance" in app.view_functions:   # the reports blueprint, once registered
        with app.test_request_context():
            from flask import url_for

            assert url_for("reports.trial_balance", slug=slug) in page
