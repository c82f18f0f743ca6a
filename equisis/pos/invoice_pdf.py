"""The PDF of a till invoice (one ticket invoiced at once, or a customer's tickets of a month) and its archive.

The sales invoice layout (:mod:`equisis.sales.pdf`) draws it, in the customer's language, with the
Belgian mentions: the seller's name, address, VAT and enterprise numbers (letterhead and footer),
the customer's name, invoicing address and VAT number, the date and the number (``POSF/<year>/<n>``),
per line the description (prefixed by the ticket number), quantity, unit price excl. VAT, discount,
VAT rate and net, the base and VAT per rate, the legal mentions of the tax engine (exempt or
reverse-charged operations), the total, and the notice naming the ticket(s) it refers to. The
figures are the tickets' own (their VAT as charged at the till, posted at the session close); a
VAT-inclusive price rounding and gift vouchers sold (outside VAT) appear as their own total rows.
There is no payment QR code: the ticket was paid at the till or sits on the customer's account.

:func:`pdf_of` returns the archived copy when there is one, else renders the invoice and archives it
(:func:`equisis.documents.service.archive_document`, outside write transactions: call it after the
commit) under ``documents/<year>/<period>/POSF/``: it then appears in the documents archive and the
accountant pack of its period.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from equisis.catalog import service as catalog
from equisis.catalog.models import Item
from equisis.core.i18n import N_, gettext
from equisis.documents import service as documents
from equisis.documents.models import ArchivedDocument
from equisis.ledger.models import FiscalYear, Period
from equisis.pos import counter
from equisis.pos.models import CounterInvoice, TicketLine
from equisis.sales import pdf as sales_pdf
from equisis.sales import rules as sales_rules
from equisis.vat import tax

KIND = "pos_invoice"
NOTICE_TICKET = N_("This invoice refers to till ticket N° {number} of {date}.")
NOTICE_MONTH = N_("This invoice groups the till tickets N° {numbers} ({month}).")
PRICE_ROUNDING = N_("VAT-inclusive price rounding")
VOUCHERS_SOLD = N_("Gift vouchers sold (outside the scope of VAT)")


@dataclass(frozen=True)
class TillInvoice(sales_pdf.PrintedInvoice):
    """A till invoice as printed: settled at the till or on account, so no payment QR code."""

    def qr_payload(self) -> str | None:
        return None


class TillInvoiceDocument(sales_pdf.InvoiceDocument):
    """The sales layout, with the tickets' own adjustments between the VAT and the total."""

    def _summary(self, doc: TillInvoice) -> None:
        rows = []
        for group in doc.groups:
            label = self.rate(group.rate_bp) if group.category == "S" else self._(sales_pdf.CATEGORY_LABELS.get(
                group.category, N_("Exempt")))
            rows.append([label, group.base_cents, group.vat_cents])
        self.lines_table(sales_pdf.SUMMARY_COLUMNS, rows)
        totals = [(N_("Total excl. VAT"), doc.net_cents), (N_("VAT"), doc.vat_cents)]
        totals += [(msgid, cents) for msgid, cents in doc.extra.get("adjustments", ()) if cents]
        totals.append((N_("Total"), doc.total_cents))
        self.totals(totals)


def _lines_and_groups(invoice: CounterInvoice):
    """Printed lines, VAT groups (category, rate) and mentions of the invoice's tickets, as charged."""
    lines, groups, mentions = [], {}, []
    untaxed = rounding = 0
    for ticket in counter.tickets_of(invoice):
        rounding += ticket.price_rounding_cents
        rows = list(ticket.lines.order_by(TicketLine.position))
        taxed = [x for x in rows if x.kind == "item"]
        result = tax.compute([tax.TaxableLine(abs(x.net_cents), x.vat_rate_bp, x.nature) for x in taxed],
                             tax.Treatment(tax.SALE, ticket.vat_regime, credit_note=ticket.kind == "refund"))
        category = {}
        for group in result.groups:
            for index in group.line_indexes:
                category[index] = (group.category, group.rate_bp)
        for msgid in result.mentions:
            if msgid not in mentions:
                mentions.append(msgid)
        for index, x in enumerate(taxed):
            key = category.get(index, ("S", x.vat_rate_bp))
            base, vat = groups.get(key, (0, 0))
            groups[key] = (base + x.net_cents, vat + x.vat_cents)
        for x in rows:
            if x.kind != "item":
                untaxed += x.amount_cents
            rate = x.vat_rate_bp if x.kind == "item" else 0
            unit = tax.round_div(x.unit_price_e4 * tax.FULL, tax.FULL + rate)
            net = x.net_cents if x.kind == "item" else x.amount_cents
            description = _label(x, invoice.language)
            if invoice.kind == "month":
                description = f"{ticket.number} · {description}"
            lines.append(sales_pdf.PrintedLine(description[:200], x.quantity_milli, unit, x.discount_bp, rate, net))
    printed_groups = tuple(sales_pdf.PrintedGroup(cat, rate, base, vat)
                           for (cat, rate), (base, vat) in sorted(groups.items(), key=lambda g: -g[0][1]))
    adjustments = ((PRICE_ROUNDING, rounding), (VOUCHERS_SOLD, untaxed))
    return tuple(lines), printed_groups, tuple(mentions), adjustments


def _label(line: TicketLine, language: str) -> str:
    """The item's name in the customer's language (the ticket has it in the cashier's)."""
    item = Item.get_or_none(Item.id == line.item_id) if line.item_id else None
    if item is None:
        return line.description if line.kind == "item" else gettext(N_("Gift voucher"), locale=language)
    return catalog.label(item, language) or line.description


def notice(invoice: CounterInvoice) -> str:
    from equisis.documents.rules import format_day

    found = counter.tickets_of(invoice)
    if invoice.kind == "ticket" and found:
        return gettext(NOTICE_TICKET, locale=invoice.language, number=found[0].number,
                       date=format_day(found[0].day, invoice.language))
    return gettext(NOTICE_MONTH, locale=invoice.language, numbers=", ".join(t.number for t in found),
                   month=invoice.month)


def printed_of(invoice: CounterInvoice, head=None) -> TillInvoice:
    """Everything the PDF prints, read from the stored invoice and its tickets."""
    lines, groups, mentions, adjustments = _lines_and_groups(invoice)
    return TillInvoice(
        letterhead=head or documents.letterhead_from_profile(None), kind=sales_rules.INVOICE,
        number=invoice.number, date=invoice.day, language=invoice.language, customer_name=invoice.party_name,
        customer_address=tuple(x for x in (invoice.party_address or "").splitlines() if x.strip()),
        customer_vat_number=invoice.party_vat_number or None, lines=lines, groups=groups, mentions=mentions,
        net_cents=invoice.net_cents, vat_cents=invoice.vat_cents, total_cents=invoice.total_cents,
        notes=notice(invoice), extra={"adjustments": adjustments})


def render(invoice: CounterInvoice, *, company_folder: Path | None = None) -> bytes:
    doc = printed_of(invoice, documents.letterhead_from_profile(company_folder))
    pdf = TillInvoiceDocument(doc)
    pdf.draw(doc)
    return pdf.to_bytes()


def archived(invoice: CounterInvoice) -> ArchivedDocument | None:
    return (ArchivedDocument.select().where((ArchivedDocument.object_type == counter.SOURCE_TYPE)
                                            & (ArchivedDocument.object_id == str(invoice.id))
                                            & (ArchivedDocument.kind == KIND))
            .order_by(ArchivedDocument.id).first())


def period_of(day) -> tuple[str, str]:
    """(fiscal year code, period code) of a day, for the archive folders."""
    period = Period.select(Period, FiscalYear).join(FiscalYear).where(
        (Period.start <= day) & (Period.end >= day)).first()
    if period is None:
        return str(day.year), day.strftime("%Y-%m")
    return period.fiscal_year.code.replace("/", "-"), period.code


def file_name(invoice: CounterInvoice) -> str:
    return f"{gettext(N_('Invoice'), locale=invoice.language)} {invoice.number} {invoice.party_name}"


def archive(place, invoice: CounterInvoice) -> ArchivedDocument:
    """Render and archive the invoice once (a second call returns the first copy). Outside write()."""
    found = archived(invoice)
    if found is not None:
        return found
    content = render(invoice, company_folder=_folder(place))
    year, period = period_of(invoice.day)
    return documents.archive_document(place, content, kind=KIND, journal=counter.JOURNAL, year=year, period=period,
                                      object_type=counter.SOURCE_TYPE, object_id=invoice.id,
                                      language=invoice.language, file_name=file_name(invoice))


def pdf_of(place, invoice: CounterInvoice) -> bytes:
    """The invoice's PDF: the archived copy (archived now if it was not yet)."""
    row = archive(place, invoice)
    return documents.read_document(place, row.id)


def _folder(place) -> Path | None:
    folder = getattr(place, "folder", None)
    return Path(folder) if folder else None
