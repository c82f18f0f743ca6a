"""The invoice and credit note PDF, in the customer's language, with every Belgian legal mention.

What a Belgian invoice must show (VAT Code art. 53 §2, Royal Decree no. 1 art. 5):
the date and the unique number, the seller's name, address and VAT number
(and, CSA/WVV art. 2:20, legal form, enterprise number; the letterhead and the
footer of :class:`~equisis.documents.pdf.BusinessDocument`), the customer's name,
address and VAT number, per line the description, quantity, unit price, discount
and VAT rate, the taxable base and VAT per rate, the legal mention of an exempt
or reverse-charged operation, the due date; a credit note names the invoice it
corrects. Invoices also print the structured communication (OGM) and an EPC
"SCT QR" code (EPC069-12) that Belgian banking apps scan to fill in the transfer.

Rendering touches no database: :class:`PrintedInvoice` holds everything
(built by :func:`equisis.sales.delivery.printed_of`), so a PDF is made outside
any write transaction and a batch of them on several cores.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from equisis.core.i18n import N_, language as in_language
from equisis.documents.pdf import FONT, BusinessDocument, TableColumn
from equisis.documents.rules import Letterhead, format_iban
from equisis.sales import rules

QR_SIZE_MM = 32


@dataclass(frozen=True)
class PrintedLine:
    description: str
    qty_milli: int
    unit_price_e4: int
    discount_bp: int
    vat_rate_bp: int
    net_cents: int


@dataclass(frozen=True)
class PrintedGroup:
    """One row of the VAT summary: the rate (or the category when exempt / reverse-charged)."""

    category: str
    rate_bp: int
    base_cents: int
    vat_cents: int


@dataclass(frozen=True)
class PrintedInvoice:
    letterhead: Letterhead
    kind: str
    number: str
    date: dt.date
    language: str
    customer_name: str
    customer_address: tuple[str, ...]
    customer_vat_number: str | None
    lines: tuple[PrintedLine, ...]
    groups: tuple[PrintedGroup, ...]
    mentions: tuple[str, ...]          # msgids from the tax engine, translated when printed
    net_cents: int
    vat_cents: int
    total_cents: int
    due_date: dt.date | None = None
    ogm: str | None = None
    credited_number: str | None = None
    credited_date: dt.date | None = None
    customer_reference: str = ""
    notes: str = ""
    draft: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def title_msgid(self) -> str:
        return N_("Credit note") if self.kind == rules.CREDIT_NOTE else N_("Invoice")

    def qr_payload(self) -> str | None:
        """The EPC QR payload, when there is something to pay by transfer (a posted invoice, IBAN known)."""
        if self.kind != rules.INVOICE or self.draft or self.total_cents <= 0 or not self.letterhead.iban:
            return None
        return rules.epc_qr_payload(name=self.letterhead.name, iban=self.letterhead.iban, bic=self.letterhead.bic,
                                    amount_cents=self.total_cents, ogm=self.ogm)


def qr_png(payload: str) -> bytes:
    """The QR code of ``payload`` as a PNG (error correction M, as EPC069-12 asks)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=6, border=4)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


LINE_COLUMNS = (
    TableColumn(N_("Description"), 5.0),
    TableColumn(N_("Quantity"), 1.7, "quantity"),
    TableColumn(N_("Unit price"), 1.9, "money"),
    TableColumn(N_("Discount"), 1.7, "rate"),
    TableColumn(N_("VAT"), 1.1, "rate"),
    TableColumn(N_("Amount excl. VAT"), 2.2, "money"),
)
SUMMARY_COLUMNS = (
    TableColumn(N_("VAT rate"), 3), TableColumn(N_("Taxable base"), 2, "money"), TableColumn(N_("VAT"), 2, "money"),
)
CATEGORY_LABELS = {"K": N_("Intra-Community supply"), "AE": N_("Reverse charge"), "G": N_("Export"),
                   "O": N_("Outside the scope of VAT"), "E": N_("Exempt"), "Z": N_("0 %")}


DRAFT = N_("DRAFT")


class InvoiceDocument(BusinessDocument):
    """Draws one or several invoices (a batch to print), each starting on a new page in its own language."""

    def __init__(self, first: PrintedInvoice):
        super().__init__(first.letterhead, language=first.language, title=self._title(first))
        self._current: PrintedInvoice = first
        self._pending: PrintedInvoice | None = None

    @staticmethod
    def _title(doc: PrintedInvoice) -> str:
        from equisis.core.i18n import gettext

        title = gettext(doc.title_msgid, locale=doc.language)
        return f"{title} {doc.number}" if doc.number else title

    def header(self) -> None:
        # The footer of the previous page is drawn before this header: only now does the next document
        # (of a batch) take over the language, the title and the page label.
        if self._pending is not None:
            doc, self._pending = self._pending, None
            self._current, self.language, self.title = doc, doc.language, self._title(doc)
            self._full_letterhead()
            self.set_font(FONT, "", 10)
            return
        super().header()

    def page_label(self) -> str:
        label = super().page_label()
        return f"{self._current.number} · {label}" if self._current.number else label

    def draw(self, doc: PrintedInvoice) -> None:
        self._pending = doc
        with in_language(doc.language):
            self.add_page()
            self._customer(doc)
            self._heading(doc)
            self.lines_table(LINE_COLUMNS, [
                [x.description, x.qty_milli, Decimal(x.unit_price_e4).scaleb(-4).normalize()
                 if x.unit_price_e4 % 100 else x.unit_price_e4 // 100,
                 x.discount_bp or None, x.vat_rate_bp, x.net_cents] for x in doc.lines])
            self._summary(doc)
            self._mentions(doc)
            self._payment(doc)

    def _customer(self, doc: PrintedInvoice) -> None:
        lines = [doc.customer_name, *doc.customer_address]
        if doc.customer_vat_number:
            lines.append(self._(N_("VAT {number}"), number=doc.customer_vat_number))
        self.recipient_block(lines)

    def _heading(self, doc: PrintedInvoice) -> None:
        details = [(N_("Number"), doc.number or self._(N_("draft (not numbered yet)"))),
                   (N_("Date"), self.day(doc.date))]
        if doc.kind == rules.INVOICE and doc.due_date:
            details.append((N_("Due date"), self.day(doc.due_date)))
        if doc.customer_vat_number:
            details.append((N_("Your VAT number"), doc.customer_vat_number))
        if doc.customer_reference and doc.kind == rules.INVOICE:
            details.append((N_("Your reference"), doc.customer_reference))
        if doc.credited_number:
            details.append((N_("Credits invoice"), f"{doc.credited_number} · {self.day(doc.credited_date)}"
                            if doc.credited_date else doc.credited_number))
        if doc.ogm:
            details.append((N_("Communication"), rules.format_ogm(doc.ogm)))
        title = self.title if not doc.draft else f"{self.title} — {self._(DRAFT)}"
        self.title_block(title, details)

    def _summary(self, doc: PrintedInvoice) -> None:
        rows = []
        for group in doc.groups:
            label = self.rate(group.rate_bp) if group.category == "S" else self._(CATEGORY_LABELS.get(
                group.category, N_("Exempt")))
            rows.append([label, group.base_cents, group.vat_cents])
        self.lines_table(SUMMARY_COLUMNS, rows)
        last = N_("Total credited") if doc.kind == rules.CREDIT_NOTE else N_("Total to pay")
        self.totals([(N_("Total excl. VAT"), doc.net_cents), (N_("VAT"), doc.vat_cents), (last, doc.total_cents)])

    def _mentions(self, doc: PrintedInvoice) -> None:
        for msgid in doc.mentions:
            self.paragraph(self._(msgid), size=9, style="B")
        if doc.notes:
            self.paragraph(doc.notes, size=9)

    def _payment(self, doc: PrintedInvoice) -> None:
        payload = doc.qr_payload()
        if not payload:
            return
        if self.get_y() + QR_SIZE_MM + 4 > self.page_break_trigger:
            self.add_page()
        top = self.get_y()
        text = self._(N_("Please pay {amount} by {due_date} to {iban} with the structured communication {ogm}."),
                      amount=self.money(doc.total_cents), due_date=self.day(doc.due_date) if doc.due_date else "",
                      iban=format_iban(doc.letterhead.iban), ogm=rules.format_ogm(doc.ogm) if doc.ogm else "")
        self.set_font(FONT, "", 9.5)
        self.multi_cell(self.epw - QR_SIZE_MM - 6, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 8)
        self.multi_cell(self.epw - QR_SIZE_MM - 6, 4, self._(N_("Scan the QR code with your banking app.")),
                        new_x="LMARGIN", new_y="NEXT")
        self.image(io.BytesIO(qr_png(payload)), x=self.w - self.r_margin - QR_SIZE_MM, y=top, w=QR_SIZE_MM,
                   h=QR_SIZE_MM, title="EPC QR")
        self.set_y(max(self.get_y(), top + QR_SIZE_MM + 2))
        self.set_font(FONT, "", 10)


def render(doc: PrintedInvoice) -> bytes:
    """One invoice or credit note as a PDF, in ``doc.language``."""
    pdf = InvoiceDocument(doc)
    pdf.draw(doc)
    return pdf.to_bytes()


def render_many(docs: list[PrintedInvoice]) -> bytes:
    """Several documents in one PDF to print at once (each from a new page, in its own language)."""
    if not docs:
        raise ValueError("nothing to print")
    pdf = InvoiceDocument(docs[0])
    for doc in docs:
        pdf.draw(doc)
    return pdf.to_bytes()
