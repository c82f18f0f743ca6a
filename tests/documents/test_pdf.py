"""The PDF base: Unicode text really printed, letterhead, footer in the document's language, amounts."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest

from equisis.core.i18n import N_, language
from equisis.documents import service
from equisis.documents.pdf import BusinessDocument, TableColumn
from tests.documents.conftest import LETTERHEAD
from tests.documents.pdftext import page_count, pages_text, pdftotext

COLUMNS = [TableColumn(N_("Description"), 5), TableColumn(N_("Qty"), 1, "quantity"),
           TableColumn(N_("VAT"), 1, "rate"), TableColumn(N_("Amount"), 1.6, "money")]


def flat(text: str) -> str:
    """Whitespace (line breaks, Babel's no-break spaces) as single spaces."""
    return " ".join(text.replace("\u202f", " ").split())


def invoice_pdf(lang: str, *, lines: int = 3, letterhead=LETTERHEAD) -> bytes:
    pdf = BusinessDocument(letterhead, language=lang, title="Facture VEN-2026-0001",
                           created_at=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone.utc))
    pdf.add_page()
    pdf.recipient_block(["Brasserie Ëlsa & Fils", "Große Straße 5", "4700 Eupen"])
    pdf.title_block(details=[(N_("Date"), pdf.day(dt.date(2026, 3, 1)))])
    rows = [[f"Étagère en chêne n°{i} — façon ß, garçon", 1500, 2100, 123456] for i in range(lines)]
    pdf.lines_table(COLUMNS, rows)
    pdf.totals([(N_("Net"), 123456 * lines), (N_("Total"), Decimal("1493.82") * lines)])
    return pdf.to_bytes()


def test_pdf_prints_accents_and_euro():
    data = invoice_pdf("fr")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert page_count(data) == 1
    text = flat(pages_text(data)[0])
    for expected in ("Déco Sophie SRL", "Brasserie Ëlsa & Fils", "Große Straße 5",
                     "Étagère en chêne n°0 — façon ß, garçon", "1 234,56 €", "21 %", "1,5", "1 mars 2026",
                     "0403.170.701", "BE 0403.170.701", "IBAN BE68 5390 0754 7034", "BIC GKCCBEBB"):
        assert expected in text, expected


def test_pdf_embeds_the_dejavu_font():
    data = invoice_pdf("fr")
    assert b"DejaVuSans" in data and b"/ToUnicode" in data


def test_footer_follows_the_document_language_not_the_users(catalogs):
    with language("de"):  # the user reads German; the documents are for a French and a Flemish customer
        french, dutch = invoice_pdf("fr"), invoice_pdf("nl")
    french_text, dutch_text = flat(pages_text(french)[0]), flat(pages_text(dutch)[0])
    assert "Page 1 / 1" in french_text and "TVA BE 0403.170.701" in french_text
    assert "N° d’entreprise 0403.170.701" in french_text and "Montant" in french_text
    assert "Pagina 1 / 1" in dutch_text and "btw BE 0403.170.701" in dutch_text
    assert "Ondernemingsnr. 0403.170.701" in dutch_text and "Omschrijving" in dutch_text
    assert "Pagina" not in french_text and "Page 1" not in dutch_text
    assert "€ 1.234,56" in dutch_text and "1 234,56 €" in french_text


def test_long_document_numbers_every_page_out_of_the_total(catalogs):
    data = invoice_pdf("nl", lines=60)
    pages = [flat(text) for text in pages_text(data)]
    assert page_count(data) == len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Pagina {number} / {len(pages)}" in text
        assert "Omschrijving" in text  # the table headings repeat on each page
    assert "Facture VEN-2026-0001" in pages[1]  # the short header of the following pages
    assert "Totaal" in pages[-1]


def test_float_amounts_are_refused():
    pdf = BusinessDocument(LETTERHEAD, language="fr", title="x")
    pdf.add_page()
    with pytest.raises(TypeError):
        pdf.lines_table(COLUMNS, [["x", 1000, 2100, 12.5]])


def test_row_with_wrong_cell_count_is_a_bug():
    pdf = BusinessDocument(LETTERHEAD, language="fr", title="x")
    pdf.add_page()
    with pytest.raises(ValueError):
        pdf.lines_table(COLUMNS, [["only one cell"]])


def test_letterhead_may_be_a_plain_dict():
    data = invoice_pdf("en", letterhead={"name": "Bäckerei Müller", "city": "Eupen", "postcode": "4700",
                                         "enterprise_number": "0403170701", "unknown": "ignored"})
    text = flat(pages_text(data)[0])
    assert "Bäckerei Müller" in text and "Enterprise no. 0403.170.701" in text and "Page 1 / 1" in text


def test_logo_is_drawn_when_present_and_skipped_when_missing(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (20, 80, 160)).save(logo)
    with_logo = invoice_pdf("fr", letterhead=dataclasses.replace(LETTERHEAD, logo_path=str(logo)))
    assert b"/Subtype /Image" in with_logo
    no_file = dataclasses.replace(LETTERHEAD, logo_path=str(tmp_path / "none.png"))
    missing = invoice_pdf("fr", letterhead=no_file)
    assert b"/Subtype /Image" not in missing and "Déco Sophie SRL" in flat(pages_text(missing)[0])


def test_oblique_font_is_loaded_on_demand():
    pdf = BusinessDocument(LETTERHEAD, language="fr", title="x")
    pdf.add_page()
    pdf.paragraph("Conditions générales — en italique", style="I")
    data = pdf.to_bytes()
    assert b"DejaVuSansOblique" in data
    assert "Conditions générales — en italique" in flat(pages_text(data)[0])


def test_empty_document_still_has_a_page():
    data = BusinessDocument(LETTERHEAD, language="fr", title="x").to_bytes()
    assert page_count(data) == 1


def test_pdftotext_agrees_when_installed(tmp_path):
    path = tmp_path / "invoice.pdf"
    path.write_bytes(invoice_pdf("fr"))
    text = pdftotext(path)
    if text is None:
        pytest.skip("poppler's pdftotext is not installed; the built-in extractor covers the assertions")
    assert "Déco Sophie SRL" in text and "€" in text and "Étagère" in text


def test_letterhead_from_the_company_profile(company):
    head = service.letterhead_from_profile(company.folder)
    assert (head.name, head.legal_form, head.enterprise_number, head.vat_number) == \
        ("Déco Sophie SRL", "SRL / BV", "0403170701", "BE0403170701")
    assert head.iban == "BE68539007547034" and head.email == "sophie@deco.example"
    data = BusinessDocument(head, language="fr", title="Facture").to_bytes()
    assert "Rue de Fer 12" in flat(pages_text(data)[0])


def test_rendering_never_touches_the_database():
    # no company routed: a BusinessDocument needs only its letterhead
    assert invoice_pdf("de").startswith(b"%PDF")
    assert io.BytesIO(invoice_pdf("en")).read(4) == b"%PDF"
