"""The 80 mm PDF ticket (fallback when paper fails, reprint) in the customer's language."""
from __future__ import annotations

import re

import pytest

from equisis.core.i18n import gettext
from equisis.pos.receipt import ReceiptLine, pdf_ticket
from tests.documents.pdftext import _objects, page_count, pages_text, pdftotext
from tests.pos.escpos_receiver import sample_receipt


def media_box(pdf: bytes) -> tuple[float, float]:
    """The page's own MediaBox (it overrides the one the page tree gives), in mm."""
    pages = [head for head, _ in _objects(pdf).values() if re.search(rb"/Type\s*/Page\b(?!s)", head)]
    assert len(pages) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0[.0]*\s+0[.0]*\s+([\d.]+)\s+([\d.]+)\s*\]", pages[0])
    return float(box.group(1)) * 25.4 / 72, float(box.group(2)) * 25.4 / 72


@pytest.mark.parametrize("lang,expected", [
    ("fr", ["TVA", "Caissier: Zoë", "19,99 €", "14 mars 2026 10:05"]),
    ("nl", ["Totaal", "Btw", "Kassier: Zoë", "€ 19,99", "14 mrt 2026 10:05"]),
    ("de", ["Gesamt", "MwSt.", "Kassierer: Zoë", "19,99 €", "14.03.2026 10:05"]),
    ("en", ["Total", "VAT", "Cashier: Zoë", "14 Mar 2026 10:05"]),
])
def test_the_pdf_ticket_speaks_the_customers_language(lang, expected):
    pdf = pdf_ticket(sample_receipt(language=lang))
    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 1
    text = pages_text(pdf)[0].replace("\u202f", " ").replace("\xa0", " ")
    for piece in expected + ["Déco Façade SRL", "Rue de l'Étuve 1, 1000 Bruxelles", "Crème brûlée à la française",
                             "Straße Müller Öl Äpfel", "12,99 A", "é è ç à ü ö ä ß €", "T010000123",
                             gettext("Ticket {number}", locale=lang, number="T01-2026-000123")]:
        assert piece in text, (lang, piece, text)
    for msgid in ("Cash rounding", "To pay", "Change given", "Rate", "Base", "Paid in cash"):
        assert gettext(msgid, locale=lang) in text, (lang, msgid)
    assert gettext("DUPLICATE", locale=lang) not in text


def test_the_pdf_is_80_mm_wide_and_as_long_as_the_ticket():
    short = pdf_ticket(sample_receipt())
    width, height = media_box(short)
    assert round(width, 1) == 80.0
    many = tuple(ReceiptLine(f"Article n° {n}", 1000, "", 100, 100, "A") for n in range(120))
    long = pdf_ticket(sample_receipt(lines=many))
    long_width, long_height = media_box(long)
    assert round(long_width, 1) == 80.0 and page_count(long) == 1
    assert long_height > height + 120 * 3  # one long page, no page breaks
    assert "Article n° 119" in pages_text(long)[0]


def test_a_reprinted_pdf_shows_the_copy_mark():
    for lang in ("fr", "nl", "de", "en"):
        text = pages_text(pdf_ticket(sample_receipt(language=lang, copy=True)))[0]
        assert text.count(f"*** {gettext('DUPLICATE', locale=lang)} ***") == 2


def test_a_refund_pdf_is_marked():
    text = pages_text(pdf_ticket(sample_receipt(refund=True, total_cents=-1999)))[0]
    assert f"*** {gettext('REFUND', locale='fr')} ***" in text and "-19,99 €" in text.replace("\xa0", " ")


def test_the_pdf_draws_the_ticket_barcode():
    pdf = pdf_ticket(sample_receipt())
    content = b"".join(data for _, data in _objects(pdf).values() if data and b" re" in data)
    assert len(re.findall(rb"re\s+f", content)) > 20  # the bars, as filled rectangles


def test_poppler_reads_the_pdf_ticket(tmp_path):
    path = tmp_path / "ticket.pdf"
    path.write_bytes(pdf_ticket(sample_receipt(language="nl", copy=True)))
    text = pdftotext(path)
    if text is None:
        pytest.skip("pdftotext is not installed")
    assert "Déco Façade SRL" in text and "Totaal" in text and gettext("DUPLICATE", locale="nl") in text
