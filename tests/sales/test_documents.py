"""The invoice PDF (legal mentions, customer's language, EPC QR), its archive, mail and the batch."""
from __future__ import annotations

import email
from email import policy

import pytest

from equisis.core.i18n import language
from equisis.documents import service as documents
from equisis.documents.errors import MailFailed
from equisis.parties import service as parties
from equisis.sales import delivery, pdf
from equisis.sales import service as sales
from equisis.sales.errors import NotPostedYet
from equisis.sales.models import SalesDelivery
from tests.documents.pdftext import pages_text
from tests.documents.test_mail import configure, smtp_server  # noqa: F401 (fixture)
from tests.sales.conftest import DAY, doc, line


def text_of(content: bytes) -> str:
    return "\n".join(pages_text(content)).replace("\n", " ")


def test_the_pdf_carries_the_legal_mentions_and_the_ogm(store, posted_invoice):
    content, row = delivery.print_invoice(store, posted_invoice.id)
    text = text_of(content)
    for expected in ("Déco Sophie SRL", "Rue de Fer 12", "0403.170.701", "BE68 5390 0754 7034",   # seller
                     "Maison Dupont SRL", "Rue Haute 5", "BE0403170701",                            # customer
                     "F2026/00001", "+++261/0000/00149+++", "21 %", "121,00"):
        assert expected in text, expected
    assert content.startswith(b"%PDF-") and b"/Subtype /Image" in content  # the QR code is embedded
    assert row.sha256 and documents.documents_of("sales_invoice", posted_invoice.id)[0].id == row.id


@pytest.fixture
def store(company):
    return company


def test_every_print_is_archived(store, posted_invoice):
    delivery.print_invoice(store, posted_invoice.id)
    delivery.print_invoice(store, posted_invoice.id)
    archived = documents.documents_of("sales_invoice", posted_invoice.id)
    assert [d.journal for d in archived] == ["VEN", "VEN"] and archived[0].file_name != archived[1].file_name
    assert SalesDelivery.select().where(SalesDelivery.channel == "print").count() == 2


def test_a_draft_prints_marked_draft_and_is_not_archived(store, customer, chair):
    draft = sales.create_invoice(doc(customer, line("CHAIR")))
    content, row = delivery.print_invoice(store, draft.id)
    assert row is None and "BROUILLON" in text_of(content)  # the customer writes French
    assert delivery.printed_of(draft).qr_payload() is None


def test_the_epc_qr_code_pays_the_invoice_with_its_ogm(posted_invoice):
    payload = delivery.printed_of(posted_invoice).qr_payload()
    assert payload.split("\n") == ["BCD", "002", "1", "SCT", "", "Déco Sophie SRL", "BE68539007547034", "EUR121.00",
                                   "", posted_invoice.ogm]
    assert pdf.qr_png(payload).startswith(b"\x89PNG")


def test_the_pdf_speaks_the_customers_language(store, flemish, chair, monkeypatch):
    from equisis.core import i18n
    seen = []
    real = i18n.gettext

    def spy(message, locale=None, **params):
        seen.append(locale or i18n.current_language())
        return real(message, locale=locale, **params)

    monkeypatch.setattr("equisis.documents.pdf.gettext", spy)
    invoice = sales.post_invoice(sales.create_invoice(doc(flemish, line("CHAIR"))).id)
    with language("fr"):
        content, _ = delivery.print_invoice(store, invoice.id)
    assert set(seen) == {"nl"}
    text = text_of(content)
    assert "Eiken stoel" in text and "Pagina 1" in text and "10 mrt 2026" in text, text


def test_intra_eu_invoice_prints_the_legal_mention(store, eu_customer, chair):
    invoice = sales.post_invoice(sales.create_invoice(doc(eu_customer, line("CHAIR"))).id)
    text = text_of(delivery.print_invoice(store, invoice.id)[0])
    assert "article 39bis" in text and "FR40303265045" in text


def test_a_credit_note_names_the_invoice_it_credits(store, posted_invoice):
    note = sales.post_invoice(sales.credit_invoice(posted_invoice.id, day=DAY).id)
    text = text_of(delivery.print_invoice(store, note.id)[0])
    assert "NC2026/00001" in text and "F2026/00001" in text
    assert delivery.printed_of(note).qr_payload() is None


def test_mailing_sends_the_archived_pdf(store, posted_invoice, smtp_server):  # noqa: F811
    handler, port = smtp_server()
    configure(port)
    sent = delivery.send_invoice(store, posted_invoice.id)
    assert sent.recipients == ("compta@dupont.example",)
    [envelope] = handler.envelopes
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert "F2026/00001" in message["Subject"]
    [attachment] = [p for p in message.iter_attachments()]
    archived = documents.documents_of("sales_invoice", posted_invoice.id)[-1]
    assert attachment.get_content() == documents.read_document(store, archived.id)
    assert "+++261/0000/00149+++" in message.get_body().get_content()
    [row] = SalesDelivery.select().where(SalesDelivery.channel == "email")
    assert row.message_id == sent.message_id and row.document_id == archived.id


def test_a_draft_is_not_sent_and_a_failed_mail_records_nothing(store, customer, chair, smtp_server):  # noqa: F811
    draft = sales.create_invoice(doc(customer, line("CHAIR")))
    with pytest.raises(NotPostedYet):
        delivery.send_invoice(store, draft.id)
    posted = sales.post_invoice(draft.id)
    configure(1)  # nothing listens there
    with pytest.raises(MailFailed):
        delivery.send_invoice(store, posted.id, timeout=2)
    assert SalesDelivery.select().where(SalesDelivery.channel == "email").count() == 0


def test_batch_sends_to_who_asked_for_email_and_lists_the_others(store, customer, flemish, chair,
                                                                  smtp_server):  # noqa: F811
    handler, port = smtp_server()
    configure(port)
    by_mail = sales.post_invoice(sales.create_invoice(doc(flemish, line("CHAIR"))).id)
    by_post = sales.post_invoice(sales.create_invoice(doc(customer, line("CHAIR"))).id)
    result = delivery.send_batch(store)
    assert [i.id for i, _ in result.sent] == [by_mail.id] and [i.id for i in result.to_print] == [by_post.id]
    assert handler.envelopes[0].rcpt_tos == ["boekhouding@peeters.example"]
    assert delivery.batch_plan() == ([], [by_post])
    combined = delivery.print_batch(store, [by_post.id])
    assert "F2026/00002" in text_of(combined)
    assert delivery.batch_plan() == ([], [])
    assert delivery.send_batch(store).sent == []


def test_one_pdf_for_several_invoices_each_in_its_language(store, customer, flemish, chair):
    a = sales.post_invoice(sales.create_invoice(doc(customer, line("CHAIR"))).id)
    b = sales.post_invoice(sales.create_invoice(doc(flemish, line("CHAIR"))).id)
    pages = pages_text(delivery.print_batch(store, [a.id, b.id]))
    assert len(pages) == 2
    assert "Chaise en chêne" in pages[0] and "Eiken stoel" in pages[1]
    assert "Maison Dupont" in pages[0] and "Bakkerij Peeters" in pages[1]
