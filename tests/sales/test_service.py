"""Sales invoices and credit notes on a real company: saving, every bad input, posting, crediting."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.catalog import service as catalog
from equisis.core.errors import ValidationErrors
from equisis.ledger import service as ledger
from equisis.ledger.errors import PeriodLocked
from equisis.parties.models import Party
from equisis.sales import service as sales
from equisis.sales.errors import (CreditOfDraft, IntraEuWithoutVatNumber, InvoiceNotDraft, NegativePriceOnInvoice,
                                  NoLines, PriceTooPrecise, UnknownItem, ZeroQuantity)
from equisis.sales.models import SalesInvoice, SalesInvoiceLine
from equisis.store.database import current_database
from equisis.store.errors import PostedRowImmutable
from tests.sales.conftest import CREDIT_NOTE, DAY, doc, line


def refused(document, **options):
    with pytest.raises(ValidationErrors) as caught:
        sales.create_invoice(document, **options)
    return caught.value.problems


# --------------------------------------------------------------------------- saving

def test_a_draft_takes_the_catalog_price_label_in_the_customers_language_and_margin(customer, chair):
    invoice = sales.create_invoice(doc(customer, line("CHAIR", "2")))
    [row] = sales.lines_of(invoice)
    assert (row.description, row.qty_milli, row.unit_price_e4, row.vat_rate_bp) == ("Chaise en chêne", 2000,
                                                                                    500_000, 2100)
    assert (row.net_cents, row.vat_cents, row.cost_cents, row.margin_cents) == (10_000, 2100, 6000, 4000)
    assert (invoice.state, invoice.number, invoice.total_cents, invoice.margin_cents) == ("draft", None, 12_100, 4000)
    assert invoice.due_date == DAY + dt.timedelta(days=30)
    assert invoice.party_address == "Rue Haute 5\n1000 Bruxelles"


def test_dutch_customer_gets_dutch_descriptions(flemish, chair):
    invoice = sales.create_invoice(doc(flemish, line("CHAIR")))
    assert sales.lines_of(invoice)[0].description == "Eiken stoel"
    assert invoice.language == "nl"


def test_item_found_by_barcode_and_eco_fee_added_as_its_own_line(customer, fridge):
    invoice = sales.create_invoice(doc(customer, line("5410000000019", "2")))
    rows = sales.lines_of(invoice)
    assert [(x.item_code, x.qty_milli, x.net_cents, x.is_fee) for x in rows] == [
        ("FRIDGE", 2000, 80_000, False), ("RECUPEL", 2000, 2000, True)]
    assert invoice.net_cents == 82_000


def test_the_customers_price_list_applies(customer, chair):
    price_list = catalog.create_price_list("Dupont net prices", party_id=customer.id)
    catalog.add_price_rule(price_list.id, item="CHAIR", net_price="42,50")
    invoice = sales.create_invoice(doc(customer, line("CHAIR", "2")))
    [row] = sales.lines_of(invoice)
    assert (row.unit_price_e4, row.price_source, row.net_cents) == (425_000, "Dupont net prices", 8500)


def test_a_typed_price_and_discount_win_over_the_price_list(customer, chair):
    invoice = sales.create_invoice(doc(customer, line("CHAIR", "1", unit_price="48,1234", discount="10")))
    [row] = sales.lines_of(invoice)
    assert (row.unit_price_e4, row.discount_bp, row.net_cents) == (481_234, 1000, 4331)


def test_free_text_line_without_item(customer):
    invoice = sales.create_invoice(doc(customer, dict(description="Conseil", quantity="3", unit_price="80",
                                                      vat_rate="21", nature="services")))
    [row] = sales.lines_of(invoice)
    assert (row.item_id, row.income_account, row.net_cents, row.cost_cents) == (None, "7001", 24_000, 0)


def test_intra_eu_services_and_goods_get_their_accounts_and_no_vat(eu_customer, chair, service_item):
    invoice = sales.create_invoice(doc(eu_customer, line("CHAIR"), line("INSTALL")))
    assert [x.income_account for x in sales.lines_of(invoice)] == ["7006", "70061"]
    assert (invoice.vat_cents, invoice.total_cents) == (0, 9500)
    assert len(sales.tax_result_of(invoice).mentions) == 2


# --------------------------------------------------------------------------- bad input (issue 4)

def test_an_invoice_without_lines_is_refused(customer):
    assert [type(p) for p in refused(doc(customer))] == [NoLines]


def test_a_zero_quantity_is_refused_naming_the_line(customer, chair):
    problems = refused(doc(customer, line("CHAIR", "1"), line("CHAIR", "0")))
    assert [type(p) for p in problems] == [ZeroQuantity]
    assert problems[0].field == "lines-2-quantity"


def test_a_negative_price_on_an_invoice_must_be_a_credit_note(customer):
    problems = refused(doc(customer, dict(description="Remise", quantity="1", unit_price="-10")))
    assert [type(p) for p in problems] == [NegativePriceOnInvoice]
    assert problems[0].message() == "Line 1: a negative price is not allowed on an invoice; use a credit note."


def test_a_price_with_too_many_decimals_is_refused(customer, chair):
    problems = refused(doc(customer, line("CHAIR", "1", unit_price="12,34567")))
    assert [type(p) for p in problems] == [PriceTooPrecise]


def test_an_intra_eu_invoice_to_a_customer_without_a_valid_eu_vat_number(company, eu_customer, chair):
    Party.update(vat_number=None).where(Party.id == eu_customer.id).execute()  # data from before the checks
    problems = refused(doc(eu_customer, line("CHAIR")))
    assert [type(p) for p in problems] == [IntraEuWithoutVatNumber]
    assert problems[0].field == "customer"


def test_an_invoice_dated_in_a_locked_period(customer, chair):
    ledger.lock_period("2026-03")
    problems = refused(doc(customer, line("CHAIR")))
    assert [type(p) for p in problems] == [PeriodLocked]
    assert "Period 2026-03 is locked" in problems[0].message()


def test_an_invoice_whose_period_was_locked_after_saving_is_not_posted(customer, chair):
    invoice = sales.create_invoice(doc(customer, line("CHAIR")))
    ledger.lock_period("2026-03")
    with pytest.raises(ValidationErrors) as caught:
        sales.post_invoice(invoice.id)
    assert [type(p) for p in caught.value.problems] == [PeriodLocked]
    assert sales.find_invoice(invoice.id).number is None
    invoice = sales.create_invoice(doc(customer, line("CHAIR"), day=dt.date(2026, 4, 1)))
    assert sales.post_invoice(invoice.id).number == "F2026/00001"  # the refused posting took no number


def test_every_problem_is_reported_at_once(customer, chair):
    problems = refused(doc(customer, line("NOPE"), line("CHAIR", "0"), line("CHAIR", "1", unit_price="1,000001")))
    assert [type(p) for p in problems] == [UnknownItem, ZeroQuantity, PriceTooPrecise]


# --------------------------------------------------------------------------- posting

def test_posting_numbers_without_gaps_and_books_the_entry(customer, chair, service_item):
    first = sales.post_invoice(sales.create_invoice(doc(customer, line("CHAIR", "2"), line("INSTALL"))).id)
    second = sales.post_invoice(sales.create_invoice(doc(customer, line("CHAIR"))).id)
    assert (first.number, second.number) == ("F2026/00001", "F2026/00002")
    assert first.ogm != second.ogm and first.state == "posted"
    entry = ledger.find_entry(first.entry_id)
    assert (entry.journal.code, entry.source_type, entry.source_id) == ("VEN", "sales_invoice", str(first.id))
    lines = [(x.account.code, x.debit_cents, x.credit_cents, x.vat_grids, x.partner_id, x.document_ref)
             for x in ledger.entry_lines(entry.id)]
    assert lines == [("400", 17_545, 0, "", customer.id, "F2026/00001"),
                     ("7000", 0, 10_000, "03", customer.id, "F2026/00001"),
                     ("7001", 0, 4_500, "03", customer.id, "F2026/00001"),
                     ("451", 0, 3_045, "54", customer.id, "F2026/00001")]
    customer_line = ledger.entry_lines(entry.id)[0]
    assert "+++261/0000/00149+++" in customer_line.description
    assert customer_line.due_date == DAY + dt.timedelta(days=30)


def test_posting_twice_posts_once(customer, chair):
    invoice = sales.create_invoice(doc(customer, line("CHAIR")))
    assert sales.post_invoice(invoice.id).number == sales.post_invoice(invoice.id).number == "F2026/00001"
    assert len(ledger.entries_of_source("sales_invoice", invoice.id)) == 1


def test_the_same_key_creates_one_document(customer, chair):
    key = "form-key-0123456789abcdef"
    first = sales.create_invoice(doc(customer, line("CHAIR")), key=key)
    again = sales.create_invoice(doc(customer, line("CHAIR", "5")), key=key)
    assert first.id == again.id and SalesInvoice.select().count() == 1


def test_a_posted_invoice_is_frozen_in_the_database(posted_invoice):
    with pytest.raises(InvoiceNotDraft):
        sales.update_draft(posted_invoice.id, doc(sales.find_invoice(posted_invoice.id).party, line("CHAIR")))
    with pytest.raises(InvoiceNotDraft):
        sales.delete_draft(posted_invoice.id)
    from equisis.store.database import write

    for sql in ('UPDATE "sales_invoice" SET "total_cents" = 1 WHERE "id" = ?',
                'UPDATE "sales_invoice_line" SET "net_cents" = 1 WHERE "invoice_id" = ?',
                'DELETE FROM "sales_invoice_line" WHERE "invoice_id" = ?'):
        with pytest.raises(PostedRowImmutable):
            with write():
                current_database().execute_sql(sql, (posted_invoice.id,))
    assert SalesInvoiceLine.select().where(SalesInvoiceLine.invoice == posted_invoice.id).count() == 1


def test_a_draft_can_change_and_be_deleted(customer, chair):
    invoice = sales.create_invoice(doc(customer, line("CHAIR")))
    invoice = sales.update_draft(invoice.id, doc(customer, line("CHAIR", "3")))
    assert invoice.net_cents == 15_000
    sales.delete_draft(invoice.id)
    assert SalesInvoice.select().count() == 0


# --------------------------------------------------------------------------- credit notes

def test_crediting_an_invoice_prefills_and_posts_to_vnc_on_grids_49_and_64(posted_invoice):
    note = sales.credit_invoice(posted_invoice.id, day=DAY)
    assert (note.kind, note.credited_invoice_id, note.total_cents) == (CREDIT_NOTE, posted_invoice.id, 12_100)
    assert sales.warnings_of(note) == []
    note = sales.post_invoice(note.id)
    assert note.number == "NC2026/00001" and note.ogm is None
    lines = [(x.account.code, x.debit_cents, x.credit_cents, x.vat_grids)
             for x in ledger.entry_lines(note.entry_id)]
    assert lines == [("400", 0, 12_100, ""), ("7000", 10_000, 0, "49"), ("451", 2100, 0, "64")]
    assert ledger.find_entry(note.entry_id).journal.code == "VNC"


def test_a_partial_credit_note(posted_invoice):
    note = sales.credit_invoice(posted_invoice.id, day=DAY, quantities={1: 1000})
    assert note.net_cents == 5000


def test_a_credit_note_larger_than_its_invoice_is_a_warning_not_a_refusal(posted_invoice):
    sales.post_invoice(sales.credit_invoice(posted_invoice.id, day=DAY, quantities={1: 1000}).id)
    note = sales.credit_invoice(posted_invoice.id, day=DAY)  # the whole invoice again: 121,00 > 60,50 left
    warnings = sales.warnings_of(note)
    assert [type(w).__name__ for w in warnings] == ["CreditExceedsInvoice"]
    assert "F2026/00001" in warnings[0].message()
    assert sales.post_invoice(note.id).state == "posted"


def test_only_posted_invoices_are_credited(customer, chair):
    draft = sales.create_invoice(doc(customer, line("CHAIR")))
    with pytest.raises(CreditOfDraft):
        sales.credit_invoice(draft.id, day=DAY)


# --------------------------------------------------------------------------- statistics

def test_statistics_by_customer_item_family_and_month_count_credit_notes_negative(customer, flemish, chair,
                                                                                   service_item):
    from equisis.sales import stats

    catalog.save_family("FURN", name_fr="Meubles", name_en="Furniture")
    catalog.update_item("CHAIR", family="FURN")
    sales.post_invoice(sales.create_invoice(doc(customer, line("CHAIR", "2"))).id)           # 100 − 60
    second = sales.post_invoice(sales.create_invoice(doc(flemish, line("INSTALL"), day=dt.date(2026, 4, 2))).id)
    sales.post_invoice(sales.credit_invoice(second.id, day=dt.date(2026, 4, 3)).id)        # 45 back
    sales.create_invoice(doc(customer, line("CHAIR", "9")))                                  # a draft: not counted
    by_customer = {r.label: (r.turnover_cents, r.margin_cents) for r in stats.statistics("customer")}
    assert by_customer == {"Maison Dupont SRL": (10_000, 4000), "Bakkerij Peeters BV": (0, 0)}
    assert [(r.key, r.turnover_cents) for r in stats.statistics("family")] == [("FURN", 10_000), ("", 0)]
    assert [(r.key, r.turnover_cents) for r in stats.statistics("month")] == [("2026-03", 10_000), ("2026-04", 0)]
    assert [r.key for r in stats.statistics("item", start=dt.date(2026, 4, 1))] == ["INSTALL"]
    svg = stats.bar_chart_svg(stats.statistics("customer"))
    assert svg.startswith("<svg") and "Maison Dupont SRL" in svg
    from openpyxl import load_workbook
    import io
    sheet = load_workbook(io.BytesIO(stats.to_xlsx(stats.statistics("customer"), "customer"))).active
    assert [c.value for c in sheet[1]][:4] == ["Customer", "Turnover", "Cost", "Margin"]
    assert float(sheet.cell(2, 2).value) == 100.0 and float(sheet.cell(2, 4).value) == 40.0
