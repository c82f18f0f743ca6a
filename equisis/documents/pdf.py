"""The PDF base of every business document: A4, DejaVu fonts, letterhead, footer, lines table, totals.

Domain packages (sales, purchases, pos, vat…) subclass or drive
:class:`BusinessDocument` and call :meth:`BusinessDocument.to_bytes`, then hand
the bytes to :func:`equisis.documents.service.archive_document`. Rendering
touches no database: build it before or after a write() transaction, never
inside one (DESIGN §3: never hold SQLite's writer lock across I/O).

Everything printed follows the *document's* language, not the user's: a
Flemish customer gets "Pagina 1 / 2" and "€ 1.234,56" even when a French
speaker prints the invoice. Texts go through ``gettext(msgid, locale=…)`` and
amounts through Babel's Belgian locale of that language (``fr_BE``, ``nl_BE``,
``en_BE``, ``de_BE``). Money is int cents, Decimal or Money — never a float.

Layout (mm, A4 210 × 297): margins 18 left/right; the letterhead sits top left;
:meth:`recipient_block` writes the address where a right-window envelope (DL
or C5, window 45–90 mm from the top, 20 mm from the right edge) shows it; the
footer carries the legal mentions of CSA/WVV art. 2:20 and "Page N / M".
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Sequence

from fpdf import FPDF, FontFace
from fpdf.errors import FPDFException

from equisis.core.i18n import N_, gettext, language as in_language, normalise_language
from equisis.core.money import Money
from equisis.documents import rules
from equisis.documents.rules import Letterhead

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
GREY = (110, 110, 110)
LINE_GREY = (190, 190, 190)
HEADING_FILL = (236, 236, 236)
MARGIN_MM = 18
FOOTER_ROOM_MM = 30
RECIPIENT_X_MM = 110
RECIPIENT_Y_MM = 48
LOGO_BOX_MM = (45, 18)
COLUMN_KINDS = ("text", "money", "quantity", "rate")


@dataclass(frozen=True)
class TableColumn:
    """One column of a lines table.

    ``title`` is an English msgid (translated in the document's language);
    ``width`` is a share of the table width (the shares need not add up to 1);
    ``kind`` says how a cell value prints: text as is, money (int cents, Decimal,
    Money), quantity (int ``qty_milli``) or rate (int basis points). Numbers
    align right unless ``align`` says otherwise ("LEFT", "CENTER", "RIGHT").
    """

    title: str
    width: float
    kind: str = "text"
    align: str | None = None

    def __post_init__(self):
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column kind must be one of {COLUMN_KINDS}, not {self.kind!r}")

    @property
    def alignment(self) -> str:
        return self.align or ("LEFT" if self.kind == "text" else "RIGHT")


class BusinessDocument(FPDF):
    """An A4 business document in one language, from one company; ``to_bytes()`` gives the PDF.

    >>> pdf = BusinessDocument(letterhead, language="nl", title="Factuur 2026/0001")
    >>> pdf.add_page()
    >>> pdf.recipient_block(["Dupont BV", "Kerkstraat 1", "9000 Gent"])
    >>> pdf.title_block(details=[(N_("Date"), pdf.day(issue_date))])
    >>> pdf.lines_table([TableColumn(N_("Description"), 4), TableColumn(N_("Amount"), 1, "money")],
    ...                 [["Étagère en chêne", 12500]])
    >>> pdf.totals([(N_("Total"), 12500)])
    >>> data = pdf.to_bytes()
    """

    def __init__(self, letterhead: Letterhead | dict, *, language: str, title: str,
                 created_at: dt.datetime | None = None, subject: str | None = None):
        super().__init__(orientation="P", unit="mm", format="A4")
        if not isinstance(letterhead, Letterhead):
            letterhead = Letterhead.from_mapping(letterhead)
        self.letterhead = letterhead
        self.language = normalise_language(language)
        self.title = title
        self._font_styles: set[str] = set()
        for style in ("", "B"):  # used on every page; the oblique is parsed only when asked (~70 ms)
            self._register_font_style(style)
        self.set_margins(MARGIN_MM, 15, MARGIN_MM)
        self.set_auto_page_break(True, margin=FOOTER_ROOM_MM)
        self.alias_nb_pages()
        self.set_title(title)
        self.set_author(self.letterhead.name)
        self.set_creator("Equisis")
        self.set_lang({"fr": "fr-BE", "nl": "nl-BE", "en": "en-BE", "de": "de-BE"}[self.language])
        if subject:
            self.set_subject(subject)
        if created_at is not None:
            self.set_creation_date(created_at)
        self.set_font(FONT, "", 10)

    def _register_font_style(self, style: str) -> None:
        if style not in self._font_styles:
            self.add_font(FONT, style, str(FONT_DIR / FONT_FILES[style]))
            self._font_styles.add(style)

    def set_font(self, family=None, style="", size=0):
        if (family or self.font_family) == FONT.lower() or family == FONT:
            wanted = (style or "").upper()
            for letter in "BI":
                if letter in wanted:
                    self._register_font_style(letter)
        super().set_font(family, style, size)

    # -- language-bound helpers -------------------------------------------------------------------

    def _(self, message: str, **params) -> str:
        """Translate ``message`` (an English msgid) into the document's language."""
        return gettext(message, locale=self.language, **params)

    def money(self, value: int | Decimal | Money) -> str:
        return rules.format_amount(value, self.language)

    def quantity(self, qty_milli: int) -> str:
        return rules.format_quantity(qty_milli, self.language)

    def rate(self, rate_bp: int) -> str:
        return rules.format_rate(rate_bp, self.language)

    def day(self, value: dt.date) -> str:
        return rules.format_day(value, self.language)

    # -- page furniture (called by fpdf on every page) ----------------------------------------------

    def header(self) -> None:
        if self.page_no() == 1:
            self._full_letterhead()
        else:
            self.set_font(FONT, "B", 9)
            self.set_text_color(*GREY)
            self.cell(self.epw / 2, 5, self.letterhead.name)
            self.cell(self.epw / 2, 5, self.title, align="R", new_x="LMARGIN", new_y="NEXT")
            self.set_draw_color(*LINE_GREY)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.set_text_color(0, 0, 0)
            self.set_y(self.get_y() + 6)
        self.set_font(FONT, "", 10)

    def _full_letterhead(self) -> None:
        head = self.letterhead
        self.set_xy(self.l_margin, self.t_margin)
        if head.logo_path and self._draw_logo(head.logo_path):
            self.set_y(self.t_margin + LOGO_BOX_MM[1] + 2)
        self.set_font(FONT, "B", 14)
        self.cell(0, 7, head.name, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9)
        self.set_text_color(*GREY)
        for line in rules.address_lines(head) + rules.contact_lines(head, self.language):
            self.cell(RECIPIENT_X_MM - self.l_margin - 4, 4.5, line, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_y(self.get_y() + 4)

    def _draw_logo(self, logo_path: str) -> bool:
        path = Path(logo_path)
        if not path.is_file():
            log.warning("company logo %s not found; letterhead printed without it", path)
            return False
        try:
            self.image(str(path), x=self.l_margin, y=self.t_margin, w=LOGO_BOX_MM[0], h=LOGO_BOX_MM[1],
                       keep_aspect_ratio=True)
        except (OSError, ValueError, FPDFException) as exc:  # a broken logo must not stop an invoice
            log.warning("company logo %s unreadable (%s); letterhead printed without it", path, exc)
            return False
        return True

    def footer(self) -> None:
        self.set_y(-FOOTER_ROOM_MM + 6)
        self.set_draw_color(*LINE_GREY)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_y(self.get_y() + 1.5)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        for line in rules.legal_lines(self.letterhead, self.language):
            self.multi_cell(0, 3.6, line, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(-12)
        self.cell(0, 4, self.page_label(), align="R")
        self.set_text_color(0, 0, 0)

    def page_label(self) -> str:
        """'Page 2 / {nb}' in the document's language; fpdf replaces the alias by the page count."""
        return self._(N_("Page {page} / {pages}"), page=self.page_no(), pages=self.str_alias_nb_pages)

    # -- content blocks ------------------------------------------------------------------------------

    def recipient_block(self, lines: Iterable[str]) -> None:
        """The addressee, placed for a right-window envelope; the cursor returns below the letterhead."""
        back_to = self.get_y()
        self.set_xy(RECIPIENT_X_MM, RECIPIENT_Y_MM)
        self.set_font(FONT, "", 10.5)
        for line in lines:
            self.set_x(RECIPIENT_X_MM)
            self.multi_cell(self.w - self.r_margin - RECIPIENT_X_MM, 5, line, new_x="LEFT", new_y="NEXT")
        self.set_font(FONT, "", 10)
        self.set_xy(self.l_margin, max(back_to, self.get_y() + 8))

    def title_block(self, title: str | None = None, details: Sequence[tuple[str, str]] = ()) -> None:
        """The title in bold, then label/value lines (labels are msgids): number, date, due date…"""
        self.set_x(self.l_margin)
        self.set_font(FONT, "B", 15)
        self.multi_cell(0, 8, title if title is not None else self.title, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9.5)
        for label, value in details:
            self.cell(40, 5, self._(label), new_x="RIGHT")
            self.cell(0, 5, str(value), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 10)
        self.ln(4)

    def paragraph(self, text: str, *, size: float = 10, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 10)
        self.ln(2)

    def format_cell(self, column: TableColumn, value) -> str:
        if value is None:
            return ""
        if column.kind == "money":
            return self.money(value)
        if column.kind == "quantity":
            return self.quantity(value)
        if column.kind == "rate":
            return self.rate(value)
        return str(value)

    def lines_table(self, columns: Sequence[TableColumn], rows: Iterable[Sequence]) -> None:
        """A table of lines over the full text width; long descriptions wrap, headings repeat on each page."""
        columns = list(columns)
        self.set_font(FONT, "", 9)
        self.set_draw_color(*LINE_GREY)
        with self.table(col_widths=tuple(c.width for c in columns), width=self.epw,
                        text_align=tuple(c.alignment for c in columns), borders_layout="HORIZONTAL_LINES",
                        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
                        line_height=4.8, padding=(1.2, 1.5), v_align="TOP") as table:
            heading = table.row()
            for column in columns:
                heading.cell(self._(column.title))
            for values in rows:
                values = list(values)
                if len(values) != len(columns):
                    raise ValueError(f"a row has {len(values)} cells for {len(columns)} columns")
                row = table.row()
                for column, value in zip(columns, values):
                    row.cell(self.format_cell(column, value))
        self.set_font(FONT, "", 10)
        self.ln(3)

    def totals(self, rows: Sequence[tuple[str, int | Decimal | Money]], *, emphasize_last: bool = True,
               label_width: float = 55, amount_width: float = 35) -> None:
        """Label/amount pairs against the right margin (net, VAT per rate, total); the last one bold."""
        needed = 6 * len(rows) + 2
        if self.get_y() + needed > self.page_break_trigger:
            self.add_page()
        x = self.w - self.r_margin - label_width - amount_width
        for index, (label, amount) in enumerate(rows):
            last = emphasize_last and index == len(rows) - 1
            self.set_font(FONT, "B" if last else "", 11 if last else 10)
            if last:
                self.set_draw_color(0, 0, 0)
                self.line(x, self.get_y(), self.w - self.r_margin, self.get_y())
            self.set_x(x)
            self.cell(label_width, 6, self._(label), new_x="RIGHT")
            self.cell(amount_width, 6, self.money(amount), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 10)
        self.ln(3)

    # -- output ------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The finished PDF. The last footer is drawn here, so the document's language is made current."""
        if self.page == 0:
            self.add_page()
        with in_language(self.language):
            return bytes(self.output())
