"""Till tickets as data, rendered to ESC/POS bytes for a receipt printer and to an 80 mm PDF.

Pure: no database, no I/O (``equisis.pos.printer`` sends the bytes). The POS core builds a
:class:`ReceiptData` from a ticket and calls :func:`escpos_ticket` (paper) or :func:`pdf_ticket`
(fallback, reprint, archive). Everything printed follows ``data.language`` (the customer's
language): texts through gettext, amounts and dates through Babel's Belgian locales.

ESC/POS encoding is done by python-escpos (its ``Dummy`` printer collects the bytes). Code page:
**CP858** (PC858, "multilingual Latin I + Euro", ``ESC t 19``) by default. It holds every letter of
French, Dutch and German (é è ê ë ç à â î ï ô û ù ü ö ä ß …) *and* the euro sign (0xD5), and Epson
and the Epson-compatible printers (Xprinter, Bixolon, Star in ESC/POS mode, …) all carry it under
number 19 — python-escpos' default profile agrees. WPC1252 (``ESC t 16``) is the alternative,
selectable per terminal with ``code_page="CP1252"`` when a printer lacks 858. The code page is
selected once, right after ``ESC @`` (which resets it); characters the page lacks are
transliterated (œ → oe, “ ” → ", – → -, narrow no-break spaces → space) or printed as "?".
Control characters in shop data (a description holding ESC p would open the drawer) are dropped.

Layout on paper: header centred (company, address lines), a DUPLICATE/REFUND mark, ticket
number, date and time, terminal and cashier; one line per article (description, amount, VAT code;
below it quantity × unit price and the discount); the total bold and double height; the cash
rounding and "to pay" when rounded; payments and change; the VAT summary per code; footer lines;
the ticket's Code128 barcode (printed by the printer: ``GS k 73``); feed and cut. The drawer pulse
(``ESC p 0 50 50``, pin 2) goes right after the init so the drawer opens while paper prints.
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import logging
import textwrap
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from babel.numbers import format_decimal

from equisis.core.i18n import N_, gettext, normalise_language
from equisis.documents import rules as doc_rules

CODE_PAGES = {"CP858": "cp858", "CP1252": "cp1252"}  # printer code page -> Python codec
DEFAULT_CODE_PAGE = "CP858"
DRAWER_PIN = 2

COPY_MARK = N_("DUPLICATE")
#: Payment labels for :class:`ReceiptPayment` ("Cash" alone already means the cash desk in the catalogs).
PAYMENT_LABELS = {
    "cash": N_("Paid in cash"),
    "card": N_("Paid by card"),
    "voucher": N_("Paid by voucher"),
    "credit": N_("Paid from customer credit"),
}
REFUND_MARK = N_("REFUND")

#: Replacements for characters the receipt code pages lack (applied only when the page lacks them).
_TRANSLIT = {
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...",
    "\u0153": "oe", "\u0152": "OE", "\u0133": "ij", "\u0132": "IJ", "\u2022": "*", "\u00b7": ".",
}
_SPACES = frozenset("\u00a0\u202f\u2009\u2007\u2002\u2003")


@dataclass(frozen=True)
class ReceiptLine:
    description: str
    quantity_milli: int
    unit: str
    unit_price_cents: int  # VAT included
    amount_cents: int
    vat_code: str  # "A" 21 %, "B" 12 %, "C" 6 %, "D" 0 %
    discount_text: str = ""


@dataclass(frozen=True)
class ReceiptPayment:
    label: str  # a msgid ("Cash") or a text; printed through gettext in the ticket's language
    amount_cents: int


@dataclass(frozen=True)
class ReceiptVat:
    code: str
    rate_bp: int
    base_cents: int
    vat_cents: int


@dataclass(frozen=True)
class ReceiptData:
    company_name: str
    company_lines: tuple[str, ...]  # address, VAT number, phone
    number: str
    moment: dt.datetime
    terminal: str
    cashier: str
    language: str  # fr | nl | de | en
    lines: tuple[ReceiptLine, ...]
    vat: tuple[ReceiptVat, ...]
    total_cents: int
    rounding_cents: int
    to_pay_cents: int
    payments: tuple[ReceiptPayment, ...]
    change_cents: int
    barcode: str  # Code128 value (printable ASCII), e.g. "T" + terminal id + number digits
    footer_lines: tuple[str, ...] = ()  # msgids or texts: loyalty balance, GKS notice, thanks
    copy: bool = False  # a reprint: marked DUPLICATE
    refund: bool = False


# --------------------------------------------------------------------------- texts


class _Texts:
    """Translation and number formatting in one ticket language."""

    def __init__(self, language: str):
        self.language = normalise_language(language)
        self.locale = doc_rules.babel_locale(self.language)

    def __call__(self, message: str, **params) -> str:
        return gettext(message, locale=self.language, **params) if message else ""

    def number(self, cents: int) -> str:
        """Cents as a plain amount for columns: 1234 -> "12,34" (fr/nl/de), "12.34" (en)."""
        return format_decimal(Decimal(cents) / 100, format="#,##0.00", locale=self.locale)

    def money(self, cents: int) -> str:
        return doc_rules.format_amount(cents, self.language)

    def quantity(self, qty_milli: int) -> str:
        return doc_rules.format_quantity(qty_milli, self.language)

    def rate(self, rate_bp: int) -> str:
        return doc_rules.format_rate(rate_bp, self.language)

    def moment(self, moment: dt.datetime) -> str:
        return f"{doc_rules.format_day(moment.date(), self.language)} {moment:%H:%M}"


def _without_controls(text: str) -> str:
    return "".join(c for c in str(text) if unicodedata.category(c) != "Cc")


def printable(text: str, code_page: str = DEFAULT_CODE_PAGE) -> str:
    """``text`` reduced to characters the printer's code page holds.

    >>> printable("Crème brûlée – “œuf”\\x1bp", "CP858")
    'Crème brûlée - "oeuf"p'
    >>> printable("Straße 5 €, ½ kg", "CP858")
    'Straße 5 €, ½ kg'
    """
    codec = CODE_PAGES[code_page]
    out = []
    for char in _without_controls(text):
        if char in _SPACES:  # Babel's no-break spaces print as plain ones
            out.append(" ")
            continue
        try:
            char.encode(codec)
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        if char in _TRANSLIT:
            out.append(_TRANSLIT[char])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        try:
            base.encode(codec)
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def _two_columns(left: str, right: str, width: int) -> list[str]:
    """``left`` wrapped, ``right`` right-aligned on the first line: ["Étagère     125,00 A"]."""
    room = max(width - len(right) - 1, 8)
    parts = textwrap.wrap(left, room) or [""]
    first = parts[0].ljust(width - len(right)) + right if right else parts[0]
    return [first] + parts[1:]


def _table_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    first, *rest = cells
    return first[:widths[0]].ljust(widths[0]) + "".join(
        cell.rjust(w) for cell, w in zip(rest, widths[1:]))


def _vat_widths(width: int) -> list[int]:
    amount = (width - 10) // 3
    return [3, 7, amount, amount, width - 10 - 2 * amount]


# --------------------------------------------------------------------------- ESC/POS


@functools.lru_cache(maxsize=1)
def _dummy_class():
    """python-escpos' Dummy printer, imported once; its import calls logging.basicConfig():
    the handler it adds to the root logger is removed so Equisis' logging stays as configured."""
    root = logging.getLogger()
    before = list(root.handlers)
    from escpos.printer import Dummy

    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
    return Dummy


class _Paper:
    """A thin writer over python-escpos' Dummy printer: the ESC/POS bytes of one print-out."""

    def __init__(self, *, width_chars: int, code_page: str):
        if code_page not in CODE_PAGES:
            raise ValueError(f"code page must be one of {sorted(CODE_PAGES)}, not {code_page!r}")
        self.width = width_chars
        self.code_page = code_page
        self.p = _dummy_class()(profile="default")
        self.p.hw("INIT")  # ESC @: clears the buffer and modes (and the code page)
        self.p.charcode(code_page)  # ESC t n, fixed for the whole print-out

    def line(self, text: str = "", *, align: str = "left", bold: bool = False) -> None:
        self.p.set(align=align, bold=bold)
        self.p.textln(printable(text, self.code_page))

    def wrapped(self, text: str, *, align: str = "left", bold: bool = False) -> None:
        for part in textwrap.wrap(printable(text, self.code_page), self.width) or [""]:
            self.line(part, align=align, bold=bold)

    def big(self, text: str, *, align: str = "left", invert: bool = False) -> None:
        """Bold, double height (not double width: the columns keep their places)."""
        self.p.set(align=align, bold=True, double_height=True, invert=invert)
        self.p.textln(printable(text, self.code_page))
        self.p.set(normal_textsize=True, bold=False, invert=False)

    def rule(self, char: str = "-") -> None:
        self.line(char * self.width)

    def barcode(self, value: str) -> None:
        if not value or not all(32 <= ord(c) < 127 for c in value) or len(value) > 250:
            raise ValueError(f"a ticket barcode is 1-250 printable ASCII characters, not {value!r}")
        # Printed by the printer (GS k 73: CODE128, code set B). _hw_barcode is python-escpos'
        # renderer behind barcode(), called directly because barcode() prints to stdout.
        self.p._hw_barcode("{B" + value, "CODE128", height=64, width=2, pos="BELOW", font="A",
                           align_ct=True, function_type="B", check=True)
        self.p.set(align="left")
        self.p.ln()

    def drawer(self) -> None:
        self.p.cashdraw(DRAWER_PIN)

    def cut(self) -> None:
        self.p.cut()  # feed 6 lines, GS V 0

    def output(self) -> bytes:
        return self.p.output


def drawer_kick() -> bytes:
    """The pulse that opens the cash drawer (pin 2): ``ESC p 0 50 50``."""
    p = _dummy_class()(profile="default")
    p.cashdraw(DRAWER_PIN)
    return p.output


def escpos_ticket(data: ReceiptData, *, width_chars: int = 42, open_drawer: bool = False,
                  code_page: str = DEFAULT_CODE_PAGE) -> bytes:
    """The ticket as ESC/POS bytes, ready for :func:`equisis.pos.printer.send`.

    ``width_chars`` is the printer's font-A width (42 on 80 mm Epson TM-T88, 48 on 576-dot
    printers, 32 on 58 mm); ``open_drawer`` adds the drawer pulse (cash payments).
    """
    t = _Texts(data.language)
    paper = _Paper(width_chars=width_chars, code_page=code_page)
    width = width_chars

    def columns(left: str, right: str) -> str:  # one line: label left, amount right
        return _two_columns(printable(left, code_page), printable(right, code_page), width)[0]

    if open_drawer:
        paper.drawer()
    paper.big(data.company_name, align="center")
    for text in data.company_lines:
        paper.wrapped(text, align="center")
    paper.line()
    _marks(paper, data, t)
    paper.line(t(N_("Ticket {number}"), number=data.number), bold=True)
    paper.line(t.moment(data.moment))
    paper.wrapped(f"{t(N_('Terminal'))}: {data.terminal}  {t(N_('Cashier'))}: {data.cashier}")
    paper.rule()
    for item in data.lines:
        right = f"{t.number(item.amount_cents)} {item.vat_code}"
        for text in _two_columns(printable(item.description, code_page), right, width):
            paper.line(text)
        if item.quantity_milli != 1000:
            unit = f" {item.unit}" if item.unit else ""
            paper.line(f"  {t.quantity(item.quantity_milli)}{unit} x {t.number(item.unit_price_cents)}")
        if item.discount_text:
            paper.wrapped(f"  {t(item.discount_text)}")
    paper.rule()
    paper.big(columns(t(N_("Total")), t.money(data.total_cents)))
    if data.rounding_cents:
        paper.line(columns(t(N_("Cash rounding")), t.number(data.rounding_cents)))
        paper.line(columns(t(N_("To pay")), t.money(data.to_pay_cents)), bold=True)
    for payment in data.payments:
        paper.line(columns(t(payment.label), t.number(payment.amount_cents)))
    if data.change_cents:
        paper.line(columns(t(N_("Change given")), t.number(data.change_cents)))
    if data.vat:
        paper.rule()
        widths = _vat_widths(width)
        paper.line(_table_row(["", t(N_("Rate")), t(N_("Base")), t(N_("VAT")), t(N_("Total"))], widths))
        for row in data.vat:
            paper.line(_table_row([row.code, t.rate(row.rate_bp), t.number(row.base_cents),
                                   t.number(row.vat_cents), t.number(row.base_cents + row.vat_cents)],
                                  widths))
    if data.footer_lines:
        paper.rule()
        for text in data.footer_lines:
            paper.wrapped(t(text), align="center")
    paper.line()
    paper.barcode(data.barcode)
    if data.copy:
        paper.big(f"*** {t(COPY_MARK)} ***", align="center")
    paper.cut()
    return paper.output()


def _marks(paper: _Paper, data: ReceiptData, t: _Texts) -> None:
    if data.copy:
        paper.big(f"*** {t(COPY_MARK)} ***", align="center", invert=True)
    if data.refund:
        paper.big(f"*** {t(REFUND_MARK)} ***", align="center")
    if data.copy or data.refund:
        paper.line()


def escpos_text_report(title: str, rows: Sequence[tuple[str, str]], language: str, *,
                       width_chars: int = 42, code_page: str = DEFAULT_CODE_PAGE) -> bytes:
    """An X or Z report (or any two-column summary) on paper.

    ``title`` and each row's label are msgids or texts (translated in ``language`` when they are
    msgids); values are printed as given, right-aligned. A row with an empty value is a heading.
    """
    t = _Texts(language)
    paper = _Paper(width_chars=width_chars, code_page=code_page)
    paper.big(t(title), align="center")
    paper.rule()
    for label, value in rows:
        if value in ("", None):
            paper.line(t(label), bold=True)
            continue
        for text in _two_columns(printable(t(label), code_page), printable(str(value), code_page),
                                 width_chars):
            paper.line(text)
    paper.rule()
    paper.cut()
    return paper.output()


# --------------------------------------------------------------------------- PDF



PDF_WIDTH_MM = 80
PDF_MARGIN_MM = 4
PDF_LINE_MM = 4
_GREY = (100, 100, 100)


def _new_pdf():
    """An empty 80 mm FPDF with the DejaVu fonts of the business documents."""
    from fpdf import FPDF

    from equisis.documents.pdf import FONT, FONT_DIR, FONT_FILES

    pdf = FPDF(orientation="P", unit="mm", format=(PDF_WIDTH_MM, 297))
    for style in ("", "B"):
        pdf.add_font(FONT, style, str(FONT_DIR / FONT_FILES[style]))
    pdf.set_margins(PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM)
    pdf.set_auto_page_break(False)
    pdf.set_creator("Equisis")
    return pdf


class _TicketPdf:
    """One rendering of a ticket on an 80 mm page of ``height_mm``; ``end_y`` says how much was used."""

    def __init__(self, data: ReceiptData, height_mm: float, pdf):
        from equisis.documents.pdf import FONT

        self.font = FONT
        self.data = data
        self.t = _Texts(data.language)
        pdf.set_title(self.t(N_("Ticket {number}"), number=data.number))
        pdf.set_author(data.company_name)
        pdf.set_lang({"fr": "fr-BE", "nl": "nl-BE", "en": "en-BE", "de": "de-BE"}[self.t.language])
        pdf.set_creation_date(data.moment)
        pdf.add_page(format=(PDF_WIDTH_MM, height_mm))
        self.pdf = pdf
        self.inner = PDF_WIDTH_MM - 2 * PDF_MARGIN_MM
        self._draw()
        self.end_y = pdf.get_y()

    # small drawing helpers
    def _font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.font, "B" if bold else "", size)

    def _text(self, text: str, *, size: float = 8, bold: bool = False, align: str = "L",
              grey: bool = False) -> None:
        self._font(size, bold)
        if grey:
            self.pdf.set_text_color(*_GREY)
        self.pdf.multi_cell(self.inner, size * 0.45, _without_controls(text), align=align,
                            new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0, 0, 0)

    def _pair(self, left: str, right: str, *, size: float = 8, bold: bool = False) -> None:
        """Label wrapped on the left, amount on the right of its first line."""
        pdf = self.pdf
        self._font(size, bold)
        right = _without_controls(right)
        right_w = pdf.get_string_width(right) + 2
        top = pdf.get_y()
        pdf.multi_cell(self.inner - right_w, size * 0.45, _without_controls(left),
                       new_x="LMARGIN", new_y="NEXT")
        bottom = pdf.get_y()
        pdf.set_xy(PDF_MARGIN_MM + self.inner - right_w, top)
        pdf.cell(right_w, size * 0.45, right, align="R")
        pdf.set_xy(PDF_MARGIN_MM, bottom)

    def _rule(self) -> None:
        pdf = self.pdf
        pdf.set_y(pdf.get_y() + 1)
        pdf.set_draw_color(160, 160, 160)
        pdf.line(PDF_MARGIN_MM, pdf.get_y(), PDF_MARGIN_MM + self.inner, pdf.get_y())
        pdf.set_y(pdf.get_y() + 1)

    def _mark(self, text: str) -> None:
        self._font(13, True)
        self.pdf.set_draw_color(0, 0, 0)
        self.pdf.cell(self.inner, 8, f"*** {text} ***", border=1, align="C", new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_y(self.pdf.get_y() + 1)

    def _barcode(self, value: str) -> None:
        from barcode import Code128

        modules = Code128(value).build()[0]
        module_w = min(0.33, self.inner / (len(modules) + 20))
        x = PDF_MARGIN_MM + (self.inner - module_w * len(modules)) / 2
        y = self.pdf.get_y() + 1
        self.pdf.set_fill_color(0, 0, 0)
        start = None
        for i, bit in enumerate(modules + "0"):
            if bit == "1" and start is None:
                start = i
            elif bit != "1" and start is not None:
                self.pdf.rect(x + start * module_w, y, (i - start) * module_w, 10, style="F")
                start = None
        self.pdf.set_y(y + 10.5)
        self._text(value, size=7, align="C")

    def _draw(self) -> None:
        data, t = self.data, self.t
        self._text(data.company_name, size=11, bold=True, align="C")
        for text in data.company_lines:
            self._text(text, size=7, align="C", grey=True)
        self.pdf.set_y(self.pdf.get_y() + 2)
        if data.copy:
            self._mark(t(COPY_MARK))
        if data.refund:
            self._mark(t(REFUND_MARK))
        self._text(t(N_("Ticket {number}"), number=data.number), size=9, bold=True)
        self._text(t.moment(data.moment))
        self._text(f"{t(N_('Terminal'))}: {data.terminal}   {t(N_('Cashier'))}: {data.cashier}")
        self._rule()
        for item in data.lines:
            self._pair(item.description, f"{t.number(item.amount_cents)} {item.vat_code}")
            if item.quantity_milli != 1000:
                unit = f" {item.unit}" if item.unit else ""
                self._text(f"   {t.quantity(item.quantity_milli)}{unit} × {t.number(item.unit_price_cents)}",
                           size=7, grey=True)
            if item.discount_text:
                self._text(f"   {t(item.discount_text)}", size=7, grey=True)
        self._rule()
        self._pair(t(N_("Total")), t.money(data.total_cents), size=11, bold=True)
        if data.rounding_cents:
            self._pair(t(N_("Cash rounding")), t.number(data.rounding_cents))
            self._pair(t(N_("To pay")), t.money(data.to_pay_cents), bold=True)
        for payment in data.payments:
            self._pair(t(payment.label), t.number(payment.amount_cents))
        if data.change_cents:
            self._pair(t(N_("Change given")), t.number(data.change_cents))
        if data.vat:
            self._rule()
            self._vat_table()
        if data.footer_lines:
            self._rule()
            for text in data.footer_lines:
                self._text(t(text), size=7, align="C")
        self.pdf.set_y(self.pdf.get_y() + 2)
        self._barcode(data.barcode)
        if data.copy:
            self.pdf.set_y(self.pdf.get_y() + 2)
            self._mark(t(COPY_MARK))

    def _vat_table(self) -> None:
        t, pdf = self.t, self.pdf
        shares = (0.08, 0.17, 0.25, 0.25, 0.25)
        widths = [self.inner * s for s in shares]
        rows = [["", t(N_("Rate")), t(N_("Base")), t(N_("VAT")), t(N_("Total"))]]
        rows += [[row.code, t.rate(row.rate_bp), t.number(row.base_cents), t.number(row.vat_cents),
                  t.number(row.base_cents + row.vat_cents)] for row in self.data.vat]
        for n, cells in enumerate(rows):
            self._font(7, bold=n == 0)
            for i, (cell, w) in enumerate(zip(cells, widths)):
                pdf.cell(w, 3.6, _without_controls(cell), align="L" if i == 0 else "R")
            pdf.ln(3.6)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def pdf_ticket(data: ReceiptData) -> bytes:
    """The ticket as an 80 mm wide PDF on one long page: the fallback when paper fails, and reprint.

    Drawn twice: on a very long page to measure it (a deep copy of the document, fonts already
    parsed: cheaper than parsing them again), then on a page of exactly that length.
    """
    pdf = _new_pdf()
    measured = _TicketPdf(data, 3000, copy.deepcopy(pdf)).end_y
    return _TicketPdf(data, max(measured + PDF_MARGIN_MM, 60), pdf).output()
