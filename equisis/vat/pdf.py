"""The VAT return as a printable PDF, in the company's language (or the one asked)."""
from __future__ import annotations

import datetime as dt
from typing import Mapping

from equisis.core.i18n import N_
from equisis.documents.pdf import BusinessDocument, TableColumn
from equisis.vat import rules


def grids_pdf(letterhead, period_code: str, grids: Mapping[str, int], *, language: str,
              details: list[tuple[str, str]] = (), note: str = "",
              differences: Mapping[str, int] | None = None) -> bytes:
    """Every part of the form with its grids; the balance (71 or 72) last."""
    doc = BusinessDocument(letterhead, language=language, title=doc_title(language, period_code))
    doc.add_page()
    doc.title_block(details=list(details))
    if note:
        doc.paragraph(note, size=9)
    columns = [TableColumn(N_("Grid"), 0.6), TableColumn(N_("Description"), 5),
               TableColumn(N_("Amount"), 1.6, "money")]
    if differences:
        columns.append(TableColumn(N_("Difference"), 1.6, "money"))
    for title, section in rules.SECTIONS:
        doc.paragraph(doc._(title), size=10.5, style="B")
        rows = []
        for grid in section:
            row = [grid, doc._(rules.GRID_LABELS[grid]), grids.get(grid, 0)]
            if differences:
                row.append(differences.get(grid) or None)
            rows.append(row)
        doc.lines_table(columns, rows)
    if grids.get("72", 0) > 0:
        doc.totals([(N_("VAT due by the State"), grids["72"])])
    else:
        doc.totals([(N_("VAT due to the State"), grids.get("71", 0))])
    return doc.to_bytes()


def doc_title(language: str, period_code: str) -> str:
    from equisis.core.i18n import gettext

    return gettext(N_("Periodic VAT return {period}"), locale=language, period=period_code)


def return_pdf(row, letterhead, *, language: str) -> bytes:
    """The PDF of a filed return (its frozen grids; a corrective one shows what it changes)."""
    from equisis.core.i18n import gettext

    from equisis.vat import service

    filed = dt.datetime.fromisoformat(row.filed_at).astimezone().strftime("%d/%m/%Y %H:%M")
    kind = N_("Original return") if row.kind == "original" else N_("Corrective return")
    details = [(N_("Return"), gettext(kind, locale=language)), (N_("Filed on"), filed),
               (N_("Filed by"), row.filed_by)]
    if row.replaced_reference:
        details.append((N_("Replaces"), row.replaced_reference))
    note = row.reason if row.kind == "corrective" else ""
    return grids_pdf(letterhead, row.period, row.grids, language=language, details=details, note=note,
                     differences=service.differences_of(row) or None)


def preview_pdf(view, letterhead, *, language: str) -> bytes:
    """The PDF of a return as the books give it now (not filed)."""
    from equisis.core.i18n import gettext

    state = N_("Filed") if view.filed else N_("Not filed: computed from the books")
    details = [(N_("Status"), gettext(state, locale=language)),
               (N_("Printed on"), dt.date.today().strftime("%d/%m/%Y"))]
    return grids_pdf(letterhead, view.period.code, view.grids, language=language, details=details)
