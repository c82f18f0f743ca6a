"""The accountant pack's VAT section: the filed returns (XML and PDF as filed) and the listings.

Registered in ``equisis.reports.pack.SECTION_MODULES``. ``collect`` runs inside
the pack's read snapshot and yields (file name, bytes): the archived XML and PDF
of every return whose period lies in the pack's range (rendered from the frozen
grids if the archive lacks them), the annual client listing of every calendar
year the range covers, and the intra-Community listing of each return period
in the range that has intra-Community operations.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_
from equisis.documents import service as documents
from equisis.vat import rules, service
from equisis.vat.models import VatReturn


@dataclass(frozen=True)
class VatSection:
    key: str
    order: int
    folder: str
    description: str
    collect: Callable[[object], Iterable]


def pack_sections() -> list[VatSection]:
    return [VatSection("vat", 80, N_("VAT"),
                       N_("The filed VAT returns as filed (Intervat XML and PDF, corrective ones included), the "
                          "annual client listing and the intra-Community listings of the period (XML)."),
                       collect)]


def _archived(request, row: VatReturn, mime_type: str) -> bytes | None:
    for document in documents.documents_of(service.OBJECT_TYPE, row.id):
        if document.mime_type == mime_type:
            return documents.verified_content(request.store, document)
    return None


def collect(request) -> Iterator[tuple[str, bytes]]:
    from equisis.vat import pdf

    start, end = request.start.isoformat(), request.end.isoformat()
    rows = VatReturn.select().where((VatReturn.start >= start) & (VatReturn.end <= end)).order_by(VatReturn.id)
    for row in rows:
        name = service.return_file_name(row)
        yield f"{row.period}/{name}.xml", service.xml_of(row)
        content = _archived(request, row, documents.PDF_MIME)
        if content is None:
            content = pdf.return_pdf(row, documents.letterhead_from_profile(getattr(request.store, "folder", None)),
                                     language=request.language)
        yield f"{row.period}/{name}.pdf", content
    for year in range(request.start.year, request.end.year + 1):
        try:
            yield f"client-listing-{year}.xml", service.client_listing_xml(year)
        except EquisisError as exc:
            yield f"client-listing-{year}-problem.txt", exc.message(request.language).encode("utf-8")
        for period in rules.periods_of_year(year, service.filing()):
            if period.start < request.start or period.end > request.end:
                continue
            _, lines = service.intra_lines(period.code)
            if not lines:
                continue
            try:
                yield f"intra-listing-{period.code}.xml", service.intra_listing_xml(period.code)
            except EquisisError as exc:
                yield f"intra-listing-{period.code}-problem.txt", exc.message(request.language).encode("utf-8")
