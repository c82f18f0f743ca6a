"""Printing and sending sales documents: the PDF (archived on every print and send), mail, the batch.

Every PDF of a posted document that leaves the system — opened to print,
attached to a mail, part of a batch to print — is archived first
(:func:`equisis.documents.service.archive_document`: its sha256 kept, never
replaced), and a ``sales_delivery`` row says when and how it went out. A draft
can be previewed (marked DRAFT, not archived). The batch sends every posted
document not yet sent or printed to the customers who asked for invoices by
e-mail and lists the others to print, with one PDF holding them all.

Nothing here runs inside a write transaction: rendering and SMTP are I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_, gettext
from equisis.documents import mail
from equisis.documents import service as documents
from equisis.documents.rules import format_iban
from equisis.ledger.models import Period
from equisis.parties import service as parties
from equisis.sales import pdf, rules, service
from equisis.sales.errors import NoEmailAddress, NotPostedYet
from equisis.sales.models import SalesInvoice


def letterhead(place):
    folder = getattr(place, "folder", None)
    return documents.letterhead_from_profile(Path(folder) if folder else None)


def printed_of(invoice: SalesInvoice, head=None) -> pdf.PrintedInvoice:
    """Everything the PDF prints, read from the stored document (no database access while rendering)."""
    result = service.tax_result_of(invoice)
    credited = service.find_invoice(invoice.credited_invoice_id) if invoice.credited_invoice_id else None
    lines = tuple(pdf.PrintedLine(x.description, x.qty_milli, x.unit_price_e4, x.discount_bp, x.vat_rate_bp,
                                  x.net_cents) for x in service.lines_of(invoice))
    groups = tuple(pdf.PrintedGroup(g.category, g.rate_bp, g.base_cents, g.vat_cents) for g in result.groups)
    return pdf.PrintedInvoice(
        letterhead=head or documents.letterhead_from_profile(None), kind=invoice.kind, number=invoice.number or "",
        date=invoice.date, language=invoice.language, customer_name=invoice.party_name,
        customer_address=tuple(x for x in invoice.party_address.splitlines() if x.strip()),
        customer_vat_number=invoice.party_vat_number, lines=lines, groups=groups, mentions=result.mentions,
        net_cents=invoice.net_cents, vat_cents=invoice.vat_cents, total_cents=invoice.total_cents,
        due_date=invoice.due_date, ogm=invoice.ogm, credited_number=credited.number if credited else None,
        credited_date=credited.date if credited else None, customer_reference=invoice.customer_reference,
        notes=invoice.notes, draft=not invoice.is_posted)


def file_name(invoice: SalesInvoice) -> str:
    title = gettext(N_("Credit note") if invoice.kind == rules.CREDIT_NOTE else N_("Invoice"), locale=invoice.language)
    return f"{title} {invoice.number or 'draft'} {invoice.party_name}"


def _period_code(invoice: SalesInvoice) -> str:
    period = Period.select().where((Period.start <= invoice.date) & (Period.end >= invoice.date)).first()
    return period.code if period else invoice.date.strftime("%Y-%m")


def archive(place, invoice: SalesInvoice, content: bytes):
    """Keep this copy for good under documents/<year>/<period>/<VEN|VNC>/."""
    return documents.archive_document(
        place, content, kind=invoice.kind, journal=rules.JOURNALS[invoice.kind],
        year=(invoice.fiscal_year or str(invoice.date.year)).replace("/", "-"), period=_period_code(invoice),
        object_type=service.SOURCE_TYPE, object_id=invoice.id, language=invoice.language,
        file_name=file_name(invoice))


def render_pdf(place, invoice: SalesInvoice) -> bytes:
    return pdf.render(printed_of(invoice, letterhead(place)))


def print_invoice(place, invoice_id: int) -> tuple[bytes, object | None]:
    """The PDF to open or print; a posted document is archived (and its print recorded) each time."""
    invoice = service.find_invoice(invoice_id)
    content = render_pdf(place, invoice)
    if not invoice.is_posted:
        return content, None
    row = archive(place, invoice, content)
    service.record_delivery(invoice, "print", document_id=row.id)
    return content, row


def mail_text(invoice: SalesInvoice, head) -> tuple[str, str]:
    """(subject, body) in the customer's language."""
    lang = invoice.language
    title = gettext(N_("Credit note") if invoice.kind == rules.CREDIT_NOTE else N_("Invoice"), locale=lang)
    subject = f"{title} {invoice.number} – {head.name}"
    from equisis.documents.rules import format_amount, format_day

    if invoice.kind == rules.INVOICE:
        body = gettext(N_("Hello,\n\nPlease find attached our invoice {number} of {amount}, due on {due_date}.\n"
                          "Please pay it to {iban} with the structured communication {ogm}.\n\n"
                          "Kind regards,\n{company}"), locale=lang, number=invoice.number,
                       amount=format_amount(invoice.total_cents, lang),
                       due_date=format_day(invoice.due_date, lang) if invoice.due_date else "",
                       iban=format_iban(head.iban or ""), ogm=rules.format_ogm(invoice.ogm) if invoice.ogm else "",
                       company=head.name)
    else:
        body = gettext(N_("Hello,\n\nPlease find attached our credit note {number} of {amount}.\n\n"
                          "Kind regards,\n{company}"), locale=lang, number=invoice.number,
                       amount=format_amount(invoice.total_cents, lang), company=head.name)
    return subject, body


def send_invoice(place, invoice_id: int, *, to: str | None = None, settings=None, timeout: float | None = None):
    """Mail the posted document's PDF (archived first) to ``to`` or the customer's invoice address."""
    invoice = service.find_invoice(invoice_id)
    if not invoice.is_posted:
        raise NotPostedYet(field="state")
    recipient = (to or "").strip() or _address_of(invoice)
    head = letterhead(place)
    content = pdf.render(printed_of(invoice, head))
    row = archive(place, invoice, content)
    subject, body = mail_text(invoice, head)
    options = {"settings": settings} if settings else {}
    if timeout:
        options["timeout"] = timeout
    sent = mail.send_mail([recipient], subject, body,
                          attachments=[mail.MailAttachment(row.file_name, content)],
                          about=(service.SOURCE_TYPE, invoice.id), **options)
    service.record_delivery(invoice, "email", recipients=recipient, message_id=sent.message_id, document_id=row.id)
    return sent


def _address_of(invoice: SalesInvoice) -> str:
    party = parties.find_party(invoice.party_id)
    address = parties.email_for_invoices(party) or party.email
    if not address:
        raise NoEmailAddress(customer=invoice.party_name, field="to")
    return address


@dataclass
class BatchResult:
    sent: list = field(default_factory=list)        # (invoice, SentMail)
    to_print: list = field(default_factory=list)    # invoices of customers who did not ask for e-mail
    failed: list = field(default_factory=list)      # (invoice, EquisisError)


def batch_plan() -> tuple[list[SalesInvoice], list[SalesInvoice]]:
    """(to send by e-mail, to print) among the posted documents never sent nor printed."""
    by_email, by_post = [], []
    for invoice in service.unsent_posted():
        party = parties.find_party(invoice.party_id)
        (by_email if parties.email_for_invoices(party) else by_post).append(invoice)
    return by_email, by_post


def send_batch(place, *, settings=None) -> BatchResult:
    """Send every unsent posted document whose customer asked for e-mail; list the others to print."""
    result = BatchResult()
    by_email, by_post = batch_plan()
    for invoice in by_email:
        try:
            result.sent.append((invoice, send_invoice(place, invoice.id, settings=settings)))
        except EquisisError as exc:
            result.failed.append((invoice, exc))
    result.to_print = by_post
    return result


def print_batch(place, invoice_ids) -> bytes:
    """One PDF with the given posted documents to print; each is archived and recorded as printed."""
    head = letterhead(place)
    docs = []
    for invoice_id in invoice_ids:
        invoice = service.find_invoice(invoice_id)
        printed = printed_of(invoice, head)
        if invoice.is_posted:
            row = archive(place, invoice, pdf.render(printed))
            service.record_delivery(invoice, "print", document_id=row.id)
        docs.append(printed)
    return pdf.render_many(docs)
