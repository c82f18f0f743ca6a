"""Entering and posting purchase documents: bad input, duplicates, VAT check, immutability, idempotency,
attachments, items from the catalog."""
from __future__ import annotations

import secrets

import pytest

from equisis.catalog import service as catalog
from equisis.core.errors import ValidationErrors
from equisis.ledger import service as ledger
from equisis.ledger.models import Entry
from equisis.purchases import rules, service
from equisis.purchases.errors import (ConfirmationRequired, CreditExceedsInvoice, NotADraft, PossibleDuplicate,
                                      TooManyDecimals, VatMismatch, VatRounding)
from equisis.purchases.models import PurchaseInvoice, PurchaseLine
from equisis.store.database import write
from equisis.store.errors import PostedRowImmutable
from equisis.store.models import AuditEvent
from tests.purchases.conftest import D, document, line, table


def problems_of(exc) -> dict:
    return {p.field: type(p).__name__ for p in exc.value.problems}


def test_a_purchase_invoice_entered_twice(suppliers, enter):
    first = enter(suppliers["be"], line("604", "1000"), ref="FA-2026-001")
    again = service.create_invoice(document(suppliers["be"], line("604", "1000"), ref="fa 2026 001"))
    with pytest.raises(ConfirmationRequired) as refused:
        service.post_invoice(again.id, role="accountant")
    [warning] = refused.value.warnings
    assert isinstance(warning, PossibleDuplicate)
    assert warning.message() == "This may be entered twice: A2026/00001 from the same supplier has the same " \
                                "reference FA-2026-001."
    assert service.find_invoice(again.id).state == "draft"
    assert Entry.select().count() == 1  # nothing posted, no number taken
    # same total on the same date, another reference
    other = service.create_invoice(document(suppliers["be"], line("604", "1000"), ref="FA-2026-999"))
    warnings = service.preview(other.id).warnings
    assert [w.params["other"] for w in warnings] == ["A2026/00001", f"#{again.id} (fa 2026 001)"]
    assert "the same total" in warnings[0].message() and "on the same date 10/03/2026" in warnings[0].message()
    # the user confirms: posted, and the confirmation is kept
    posted = service.post_invoice(again.id, role="accountant", force=True)
    assert posted.number == "A2026/00002" and "entered twice" in posted.confirmed_warnings
    assert first.number == "A2026/00001"


def test_another_supplier_or_date_is_no_duplicate(suppliers, enter):
    enter(suppliers["be"], line("604", "1000"), ref="X1")
    other = service.create_invoice(document(suppliers["cocontractor"], line("604", "1000"), ref="X1"))
    later = service.create_invoice(document(suppliers["be"], line("604", "1000"), ref="X2", day=D(2026, 3, 11)))
    assert service.preview(other.id).warnings == [] and service.preview(later.id).warnings == []


@pytest.mark.parametrize("lines,fields", [
    ((), {"lines": "NoLines"}),
    ((line("604", "10", qty=0),), {"lines-1-qty": "ZeroQuantity"}),
    ((line("604", "-10"),), {"lines-1-unit_price": "NegativeAmount"}),
    ((line("999999", "10"),), {"lines-1-account": "AccountUnknown"}),
    ((line("7000", "10"),), {"lines-1-account": "AccountNotAllowed"}),
    ((line("604", "10", rate=1900),), {"lines-1-vat_rate": "InvalidRate"}),
    ((line("604", "10", deductible=12_000),), {"lines-1-deductible": "InvalidDeductible"}),
    ((line("604", "10", category="food"),), {"lines-1-category": "InvalidCategory"}),
    ((line("", "10"),), {"lines-1-account": "AccountOrItemRequired"}),
    ((line("604", None),), {"lines-1-unit_price": "PriceRequired"}),
    ((line(item="NOPE"),), {"lines-1-item": "ItemUnknown"}),
])
def test_bad_lines_are_refused_all_at_once(suppliers, actor, lines, fields):
    with pytest.raises(ValidationErrors) as refused:
        service.create_invoice(document(suppliers["be"], *lines))
    assert problems_of(refused) == fields
    assert PurchaseInvoice.select().count() == 0


def test_header_problems(suppliers, actor):
    data = rules.InvoiceInput(None, " ", None, (line("604", "10", qty=0),))
    with pytest.raises(ValidationErrors) as refused:
        service.create_invoice(data)
    assert problems_of(refused) == {"supplier": "SupplierRequired", "supplier_ref": "SupplierReferenceRequired",
                                    "invoice_date": "InvoiceDateRequired", "lines-1-qty": "ZeroQuantity"}
    with pytest.raises(ValidationErrors) as refused:
        service.create_invoice(document(suppliers["be"], line(), due_date=D(2026, 3, 1)))
    assert problems_of(refused) == {"due_date": "DueBeforeInvoice"}


def test_a_price_with_more_decimals_than_the_scale():
    with pytest.raises(TooManyDecimals) as refused:
        rules.scaled("1,23456", 4, line=3, column="unit_price")
    assert refused.value.field == "lines-3-unit_price"


def test_an_invoice_booked_in_a_locked_period(suppliers, enter):
    ledger.lock_period("2026-03", fiscal_year="2026")
    draft = enter(suppliers["be"], line(), post=False, booking_date=D(2026, 3, 12))
    with pytest.raises(ValidationErrors) as refused:
        service.post_invoice(draft.id, role="accountant")
    assert [type(p).__name__ for p in refused.value.problems] == ["PeriodLocked"]
    assert service.find_invoice(draft.id).number is None
    # booked on receipt in April, the invoice of 10 March goes through, numbered as the first
    posted = enter(suppliers["be"], line("604", "5"), ref="LATE", booking_date=D(2026, 4, 2))
    assert posted.number == "A2026/00001" and Entry.get_by_id(posted.entry_id).date == D(2026, 4, 2)


def test_a_late_invoice_goes_into_the_next_open_period_never_silently_into_a_declared_one(suppliers, enter):
    """Mme Dubois filed Q1: an invoice of 10 March arriving in April is booked on 1 April, once confirmed."""
    ledger.lock_periods_for_vat_return(D(2026, 1, 1), D(2026, 3, 31))
    draft = enter(suppliers["be"], line(), post=False, ref="LATE-2")
    assert draft.booking_date == D(2026, 4, 1) and draft.invoice_date == D(2026, 3, 10)
    with pytest.raises(ConfirmationRequired) as asked:
        service.post_invoice(draft.id, role="accountant")
    assert [type(w).__name__ for w in asked.value.warnings] == ["BookedInNextOpenPeriod"]
    assert "2026" in asked.value.warnings[0].message("en")
    posted = service.post_invoice(draft.id, role="accountant", force=True)
    assert Entry.get_by_id(posted.entry_id).date == D(2026, 4, 1)
    # an invoice of an open period keeps its date and asks nothing
    assert enter(suppliers["be"], line(), ref="ON-TIME", day=D(2026, 4, 3)).booking_date == D(2026, 4, 3)


def test_no_fiscal_year_for_the_booking_date(suppliers, enter):
    draft = enter(suppliers["be"], line(), post=False, day=D(2027, 3, 1))
    with pytest.raises(Exception) as refused:
        service.post_invoice(draft.id, role="accountant")
    assert type(refused.value).__name__ == "NoFiscalYearFor"


def test_printed_vat_within_rounding_is_a_warning_beyond_it_is_refused(suppliers, enter):
    # three lines of 0,33 € at 21 %: 0,21 € computed on 0,99 €; the supplier rounded per line (0,07 × 3)
    lines = [line("6120", "0,33")] * 3
    draft = enter(suppliers["be"], *lines, post=False, printed_vat_cents=21)
    assert service.preview(draft.id).vat_check is None
    draft = enter(suppliers["be"], *lines, post=False, printed_vat_cents=22, ref="R2")
    check = service.preview(draft.id).vat_check
    assert isinstance(check, VatRounding) and "rounding difference of 0,01" in check.message("en")
    with pytest.raises(ConfirmationRequired):
        service.post_invoice(draft.id, role="accountant")
    posted = service.post_invoice(draft.id, role="accountant", force=True)
    assert posted.vat_cents == 21  # the engine's VAT is booked, never the printed one
    wrong = enter(suppliers["be"], *lines, post=False, printed_vat_cents=30, ref="R3")
    with pytest.raises(VatMismatch):
        service.post_invoice(wrong.id, role="accountant", force=True)
    assert service.find_invoice(wrong.id).state == "draft"


def test_credit_note_larger_than_its_invoice_is_a_warning(suppliers, enter):
    invoice = enter(suppliers["be"], line("604", "100"))
    note = service.create_credit_note(invoice.id, supplier_ref="NC1", invoice_date=D(2026, 3, 12),
                                      lines=(line("604", "150"),))
    with pytest.raises(ConfirmationRequired) as refused:
        service.post_invoice(note.id, role="accountant")
    assert [type(w) for w in refused.value.warnings] == [CreditExceedsInvoice]
    assert service.post_invoice(note.id, role="accountant", force=True).state == "posted"


def test_credit_note_needs_a_posted_invoice(suppliers, enter):
    draft = enter(suppliers["be"], line(), post=False)
    with pytest.raises(Exception) as refused:
        service.create_credit_note(draft.id, supplier_ref="NC", invoice_date=D(2026, 3, 12))
    assert type(refused.value).__name__ == "NotPosted"


def test_posted_documents_are_immutable(suppliers, enter):
    invoice = enter(suppliers["be"], line())
    with pytest.raises(NotADraft):
        service.update_invoice(invoice.id, document(suppliers["be"], line("604", "1")))
    with pytest.raises(NotADraft):
        service.delete_draft(invoice.id)
    with pytest.raises(PostedRowImmutable):  # the database itself refuses
        with write():
            PurchaseInvoice.update(total_cents=1).where(PurchaseInvoice.id == invoice.id).execute()
    with pytest.raises(PostedRowImmutable):
        with write():
            PurchaseLine.update(unit_price_e4=1).where(PurchaseLine.invoice == invoice.id).execute()
    with pytest.raises(PostedRowImmutable):
        with write():
            PurchaseLine.delete().where(PurchaseLine.invoice == invoice.id).execute()
    with pytest.raises(PostedRowImmutable):
        with write():
            row = PurchaseLine.get(PurchaseLine.invoice == invoice.id)
            PurchaseLine.create(**{**row.__data__, "id": None, "position": 2})


def test_drafts_change_and_go(suppliers, enter):
    draft = enter(suppliers["be"], line("604", "10"), post=False)
    changed = service.update_invoice(draft.id, document(suppliers["be"], line("604", "20"), line("6120", "5")))
    assert (changed.net_cents, len(service.lines_of(changed))) == (2_500, 2)
    service.delete_draft(draft.id)
    assert PurchaseInvoice.select().count() == 0
    assert {e.action for e in AuditEvent.select().where(AuditEvent.object_type == "purchase_invoice")} == {
        "create", "update", "delete"}


def test_creation_and_posting_are_idempotent(suppliers, actor):
    key = secrets.token_urlsafe(18)
    data = document(suppliers["be"], line())
    first = service.create_invoice(data, key=key)
    assert service.create_invoice(data, key=key).id == first.id
    post_key = secrets.token_urlsafe(18)
    posted = service.post_invoice(first.id, role="accountant", key=post_key)
    assert service.post_invoice(first.id, role="accountant", key=post_key).number == posted.number
    assert service.post_invoice(first.id, role="accountant").number == posted.number  # posted already
    assert PurchaseInvoice.select().count() == 1 and Entry.select().count() == 1
    both = service.create_and_post(document(suppliers["be"], line("604", "7"), ref="B"), role="accountant", key=key + "x")
    assert service.create_and_post(document(suppliers["be"], line("604", "7"), ref="B"), role="accountant",
                                   key=key + "x").id == both.id
    assert Entry.select().count() == 2


def test_lines_on_items_take_the_catalog_defaults(suppliers, enter):
    catalog.create_item("PAPER-A4", name_en="A4 paper", name_fr="Papier A4", nature="goods",
                        purchase_price_e4=35_000, vat_rate_bp=2100, expense_account="601")
    catalog.create_item("AUDIT", name_en="Audit", nature="services", purchase_price_e4=1_000_000, vat_rate_bp=2100)
    invoice = enter(suppliers["eu"], line(item="paper-a4", price=None, qty=10_000),
                    line(item="AUDIT", price="900"))
    rows = service.lines_of(invoice)
    assert [(x.item.code, x.account.code, x.description, x.unit_price_e4, x.purchase_category) for x in rows] == [
        ("PAPER-A4", "601", "A4 paper", 35_000, "resale"), ("AUDIT", "61329", "Audit", 9_000_000, "services")]
    assert table(invoice)[1:3] == [("601", 3_500, 0, "81 86"), ("61329", 90_000, 0, "82 88")]


def test_the_suppliers_pdf_is_attached(company, suppliers, enter):
    invoice = enter(suppliers["be"], line())
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    row = service.attach_file(company, invoice.id, pdf, "facture fournisseur.pdf")
    assert [a.id for a in service.attachments(invoice.id)] == [row.id]
    found, content = service.read_attachment(company, invoice.id, row.id)
    assert content == pdf and found.mime_type == "application/pdf"
    other = enter(suppliers["be"], line(), ref="OTHER", day=D(2026, 3, 11))
    with pytest.raises(Exception) as refused:
        service.read_attachment(company, other.id, row.id)
    assert type(refused.value).__name__ == "AttachmentNotFound"
