"""The company's test letter: proof that letterhead, logo, fonts, language and archive all work.

An administrator prints it from the Documents screen after the setup (and
after changing the logo): it lands in the archive like any invoice will, in
``documents/<year>/<year-month>/LETTER/``, and can be mailed from there.
"""
from __future__ import annotations

import datetime as dt

from equisis.core.i18n import N_
from equisis.documents import service
from equisis.documents.pdf import BusinessDocument, TableColumn

SAMPLE_LINES = [  # (description, qty_milli, unit price cents, VAT rate bp, line total cents)
    ("Vase en grès émaillé — « Ardennes »", 2000, 3495, 2100, 6990),
    ("Bougie parfumée, cire de soja (Gent)", 3000, 1250, 2100, 3750),
    ("Kerzenständer aus Messing, Ø 12 cm", 1000, 2480, 2100, 2480),
]


def render_test_letter(letterhead, language: str, now: dt.datetime) -> bytes:
    today = now.date()
    pdf = BusinessDocument(letterhead, language=language, title=N_("Test letter"), created_at=now)
    pdf.add_page()
    pdf.recipient_block(["Mme Élise Dubois-Hoëlle", "Fiduciaire Dubois SRL", "Chaussée de Louvain 123",
                         "5020 Namur (Champion)"])
    pdf.title_block(details=[(N_("Date"), pdf.day(today))])
    pdf.paragraph(pdf._("This test letter shows your letterhead, your logo and how amounts and accents "
                        "print on your documents."))
    pdf.lines_table(
        [TableColumn(N_("Description"), 5), TableColumn(N_("Quantity"), 1.3, "quantity"),
         TableColumn(N_("Unit price"), 1.6, "money"), TableColumn(N_("VAT"), 1, "rate"),
         TableColumn(N_("Total"), 1.6, "money")],
        [list(line) for line in SAMPLE_LINES])
    net = sum(line[4] for line in SAMPLE_LINES)
    vat = (net * 21 + 50) // 100
    pdf.totals([(N_("Total excl. VAT"), net), (N_("VAT 21 %"), vat), (N_("Total"), net + vat)])
    return pdf.to_bytes()


def print_test_letter(store, language: str, now: dt.datetime):
    """Render (outside any transaction), then archive; returns the ArchivedDocument."""
    with store.session():
        letterhead = service.letterhead_from_profile(store.folder)
    content = render_test_letter(letterhead, language, now)
    today = now.date()
    return service.archive_document(
        store, content, kind="letter", journal="LETTER", year=str(today.year),
        period=f"{today.year}-{today.month:02d}", object_type="company", object_id=1, language=language,
        file_name=f"test-letter-{today.isoformat()}-{language}")
