"""Barcode labels as PDF: a 3 × 8 sheet of 70 × 37 mm labels on A4, or one 62 × 29 mm label per page.

Each label shows the item's name (in the label language), its code, its price
including VAT and its barcode: the item's first EAN-13, else EAN-8, else Code
128; an item without any barcode gets a Code 128 of its item code. The bars
come from python-barcode as SVG (vector, sharp on any printer) and are placed
with fpdf2; the digits are printed by us under the bars in the document font.

:func:`render` touches no database; :func:`labels_pdf` reads the items first.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import barcode
from barcode.writer import SVGWriter
from fpdf import FPDF

from equisis.catalog import rules
from equisis.catalog import service
from equisis.core.i18n import BABEL_LOCALES, normalise_language
from equisis.core.money import format_money
from equisis.documents.pdf import FONT, FONT_DIR, FONT_FILES


@dataclass(frozen=True)
class Layout:
    page: tuple[float, float] | str      # fpdf format: "A4" or (width, height) in mm
    columns: int
    rows: int
    width: float                          # one label, mm
    height: float
    left: float = 0.0                     # page margins, mm
    top: float = 0.0
    padding: float = 2.5


LAYOUTS = {
    # 24 labels of 70 × 37.125 mm on A4, edge to edge (Avery 3475 / Herma 4453-style sheets)
    "sheet": Layout("A4", 3, 8, 70.0, 37.125, padding=3.5),
    # a roll label printer (Brother DK-11209 / Dymo 62 × 29 mm): one label per page
    "single": Layout((62.0, 29.0), 1, 1, 62.0, 29.0, padding=1.5),
}


@dataclass(frozen=True)
class LabelData:
    code: str
    name: str
    price_incl_vat_cents: int
    barcode: str
    kind: str       # ean13 | ean8 | code128


def _svg(code: str, kind: str) -> bytes:
    symbology = {"ean13": "ean13", "ean8": "ean8", "code128": "code128"}[kind]
    source = code[:-1] if kind in ("ean13", "ean8") else code   # python-barcode adds the check digit
    buffer = io.BytesIO()
    barcode.get(symbology, source, writer=SVGWriter()).write(
        buffer, options={"write_text": False, "quiet_zone": 1.0, "module_height": 10.0, "compress": False})
    return buffer.getvalue()   # no viewBox: fpdf2 takes width/height (in mm) as the viewBox, as it should


def _fit(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def render(labels: list[LabelData], *, layout: str = "sheet", language: str = "fr") -> bytes:
    """The PDF of these labels, in order, filling sheets row by row."""
    spec = LAYOUTS[layout]
    locale = BABEL_LOCALES[normalise_language(language)]
    pdf = FPDF(orientation="P", unit="mm", format=spec.page)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    for style in ("", "B"):
        pdf.add_font(FONT, style, str(FONT_DIR / FONT_FILES[style]))
    pdf.set_creator("Equisis")
    pdf.set_title("Labels")
    per_page = spec.columns * spec.rows
    small = layout == "single"
    images: dict = {}
    for index, data in enumerate(labels):
        if index % per_page == 0:
            pdf.add_page()
        slot = index % per_page
        x = spec.left + (slot % spec.columns) * spec.width + spec.padding
        y = spec.top + (slot // spec.columns) * spec.height + spec.padding
        inner_w = spec.width - 2 * spec.padding
        inner_h = spec.height - 2 * spec.padding
        pdf.set_font(FONT, "B", 8 if small else 9)
        pdf.set_xy(x, y)
        pdf.cell(inner_w, 3.6, _fit(pdf, data.name, inner_w))
        pdf.set_font(FONT, "", 6.5 if small else 7)
        pdf.set_xy(x, y + 3.8)
        pdf.cell(inner_w / 2, 3, _fit(pdf, data.code, inner_w / 2))
        pdf.set_font(FONT, "B", 11 if small else 13)
        price = format_money(data.price_incl_vat_cents, locale)
        pdf.set_xy(x + inner_w / 2, y + 3.6)
        pdf.cell(inner_w / 2, 5, price, align="R")
        bars_top = y + 9.5
        text_h = 3.0
        bars_h = max(6.0, inner_h - (bars_top - y) - text_h)
        key = (data.barcode, data.kind)
        if key not in images:
            images[key] = _svg(data.barcode, data.kind)
        bars_w = min(inner_w, 38.0 if data.kind != "code128" else inner_w)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            pdf.image(io.BytesIO(images[key]), x=x + (inner_w - bars_w) / 2, y=bars_top, w=bars_w, h=bars_h)
        pdf.set_font(FONT, "", 6.5 if small else 7)
        pdf.set_xy(x, bars_top + bars_h)
        pdf.cell(inner_w, text_h, data.barcode, align="C")
    if not labels:
        pdf.add_page()
    return bytes(pdf.output())


def label_data(item, language: str) -> LabelData:
    primary = service.primary_barcode(item)
    code, kind = (primary.code, primary.kind) if primary else (item.code, "code128")
    return LabelData(code=item.code, name=service.label(item, language),
                     price_incl_vat_cents=rules.price_incl_vat_cents(item.sale_price_e4, item.vat_rate_bp),
                     barcode=code, kind=kind)


def labels_pdf(codes: list[str], *, layout: str = "sheet", language: str | None = None, copies: int = 1) -> bytes:
    """Labels of these items (codes, in order, ``copies`` of each) in ``language`` (default the company's)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown label layout {layout!r}")
    language = normalise_language(language or service.company_language())
    data = []
    for code in codes:
        item = service.find_item(code)
        data.extend([label_data(item, language)] * max(1, int(copies)))
    return render(data, layout=layout, language=language)
