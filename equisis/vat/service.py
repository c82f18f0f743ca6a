"""Use cases of the VAT return and the listings, computed from the posted ledger.

The return of a period sums the ledger's grid × period summaries
(``GridBalance``, kept up to date by posting), so it costs a few rows whatever
the number of documents; a grid's drill-down lists the ledger lines carrying it.
The listings group the period's grid lines per partner (every line of a sales
or purchase entry names its partner).

Filing (:func:`file_return`) freezes the grids and the XML in an append-only
``VatReturn`` and locks the ledger periods for good, in one transaction; the
XML and the PDF are then archived (:func:`archive_return`, outside the
transaction: file I/O never holds the writer's lock). A period is filed once;
later changes go into corrective returns, each keeping its differences from
the return it replaces.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import operator
from dataclasses import dataclass, field
from typing import Mapping

from peewee import JOIN, Value, fn

from equisis.company import service as company_service
from equisis.core.i18n import N_, lazy_gettext
from equisis.documents import service as documents
from equisis.ledger import service as ledger
from equisis.ledger.models import Account, Entry, EntryLine, GridBalance, Period
from equisis.parties.models import Party
from equisis.store import audit
from equisis.store.database import write
from equisis.vat import intervat, rules
from equisis.vat.errors import (AlreadyFiled, CompanyVatNumberMissing, Grid91OnlyInDecember, InvalidGrid,
                                InvalidReplacedReference, ListingPartnerProblem, NegativeGrid, NoOriginalReturn,
                                MonthExpected, NothingToList, PeriodNotEnded, ReasonRequired, ReturnNotFound,
                                WrongPeriodKind)
from equisis.vat.models import VatReturn

log = logging.getLogger(__name__)
OBJECT_TYPE = "vat_return"
ARCHIVE_JOURNAL = "TVA"
XML_MIME = "application/xml"
#: Sales grids (part II) whose lines must name their customer for the listings.
SALES_CODES = ("00", "01", "02", "03", "44", "45", "46", "46L", "46T", "47", "48", "48s44", "48s46L",
               "48s46T", "49")


# --------------------------------------------------------------------------- periods

def filing() -> str:
    """'monthly' or 'quarterly', from the company profile."""
    return company_service.profile().vat_filing or rules.QUARTERLY


def return_period(code: str) -> rules.VatPeriod:
    """The period of a return: a month for a monthly declarant, a quarter for a quarterly one."""
    period = rules.parse_period(code)
    mode = filing()
    if period.filing != mode:
        raise (MonthExpected if mode == rules.MONTHLY else WrongPeriodKind)(period=period.code)
    return period


def declarant() -> intervat.Declarant:
    profile = company_service.profile()
    digits = rules.belgian_vat(profile.vat_number) or rules.belgian_vat(f"BE{profile.enterprise_number or ''}")
    if not profile.vat_number or digits is None:
        raise CompanyVatNumberMissing()
    return intervat.Declarant(digits, profile.name, profile.street or "", profile.postcode or "",
                              profile.city or "", profile.country or "BE", profile.email or "", profile.phone or "")


# --------------------------------------------------------------------------- the return

def grid_totals(start: dt.date, end: dt.date) -> dict[str, tuple[int, int]]:
    """(debit, credit) per ledger grid code over the ledger periods inside [start, end]."""
    query = (GridBalance.select(GridBalance.grid, fn.SUM(GridBalance.debit_cents), fn.SUM(GridBalance.credit_cents))
             .join(Period)
             .where((Period.start >= start.isoformat()) & (Period.end <= end.isoformat()))
             .group_by(GridBalance.grid))
    return {grid: (int(d or 0), int(c or 0)) for grid, d, c in query.tuples()}


@dataclass(frozen=True)
class ReturnView:
    """A period's return as the books give it now, and what was filed for it."""

    period: rules.VatPeriod
    grids: dict[str, int]
    filed: list = field(default_factory=list)  # VatReturn rows, oldest first

    @property
    def latest(self) -> VatReturn | None:
        return self.filed[-1] if self.filed else None

    @property
    def status(self) -> str:
        return "filed" if self.filed else "open"


def compute_return(code: str, *, grid_91: int = 0, adjustments: Mapping[str, int] | None = None) -> ReturnView:
    period = return_period(code)
    grids = rules.return_grids(grid_totals(period.start, period.end), grid_91=grid_91, adjustments=adjustments)
    return ReturnView(period, grids, returns_of(period.code))


def returns_of(code: str) -> list[VatReturn]:
    return list(VatReturn.select().where(VatReturn.period == code).order_by(VatReturn.id))


def find_return(return_id: int) -> VatReturn:
    row = VatReturn.get_or_none(VatReturn.id == return_id)
    if row is None:
        raise ReturnNotFound(return_id)
    return row


def _overlapping_originals(period: rules.VatPeriod) -> list[VatReturn]:
    return list(VatReturn.select().where((VatReturn.kind == "original")
                                         & (VatReturn.start <= period.end.isoformat())
                                         & (VatReturn.end >= period.start.isoformat())))


def _check_91(period: rules.VatPeriod, grid_91: int) -> None:
    if grid_91 and not (period.kind == "month" and period.number == 12):
        raise Grid91OnlyInDecember(period=period.code, field="grid_91")
    if grid_91 < 0:
        raise NegativeGrid(grid="91", amount=grid_91, period=period.code, field="grid_91")


def _refuse_negative(period: rules.VatPeriod, grids: Mapping[str, int]) -> None:
    from equisis.ledger.errors import Amount

    for grid in rules.RETURN_GRIDS:
        if grids.get(grid, 0) < 0:
            raise NegativeGrid(grid=grid, amount=Amount(grids[grid]), period=period.code)


def client_listing_is_nil(year: int) -> bool:
    return not client_listing(year)


def return_xml(code: str, *, grid_91: int = 0, restitution: bool = False, payment_forms: bool = False) -> bytes:
    """The Intervat XML of a period as the books give it now (an export; nothing is filed)."""
    view = compute_return(code, grid_91=grid_91)
    _check_91(view.period, grid_91)
    _refuse_negative(view.period, view.grids)
    nihil = view.period.is_year_end and client_listing_is_nil(view.period.year)
    return intervat.return_xml(declarant(), view.period, view.grids, client_listing_nihil=nihil,
                               restitution=restitution and view.grids["72"] > 0, payment_forms=payment_forms)


def file_return(code: str, *, kind: str = "original", grid_91: int = 0, restitution: bool = False,
                payment_forms: bool = False, reason: str = "", adjustments: Mapping[str, int] | None = None,
                replaced_reference: str | None = None, today: dt.date | None = None) -> VatReturn:
    """File the return of a period: grids and XML frozen, the ledger periods locked, in one transaction.

    An original return is refused when the period (or one overlapping it) was filed already; a
    corrective return needs the original and a reason, and may add ``adjustments`` (cents per grid) to
    what the books say. Call :func:`archive_return` afterwards, outside any transaction.
    """
    if kind not in ("original", "corrective"):
        raise ValueError(f"return kind {kind!r}")
    period = return_period(code)
    today = today or dt.date.today()
    if period.end >= today:
        raise PeriodNotEnded(period=period.code, end=period.end.strftime("%d/%m/%Y"))
    _check_91(period, grid_91)
    adjustments = {g: int(c) for g, c in (adjustments or {}).items() if int(c)}
    for grid in adjustments:
        if grid not in rules.RETURN_GRIDS or grid in rules.COMPUTED:
            raise InvalidGrid(grid, field=f"adjust-{grid}")
    reason = (reason or "").strip()[:250]
    if kind == "corrective" and not reason:
        raise ReasonRequired(field="reason")
    if replaced_reference and not intervat.REPLACED_REFERENCE.match(replaced_reference):
        raise InvalidReplacedReference(replaced_reference, field="replaced_reference")
    who = declarant()
    with write():
        filed = _overlapping_originals(period)
        original = next((r for r in filed if r.period == period.code), None)
        if kind == "original" and filed:
            raise AlreadyFiled(period=filed[0].period, filed_at=filed[0].filed_at[:10])
        if kind == "corrective" and original is None:
            raise NoOriginalReturn(period=period.code)
        ledger.lock_periods_for_vat_return(period.start, period.end)
        grids = rules.return_grids(grid_totals(period.start, period.end), grid_91=grid_91,
                                   adjustments=adjustments)
        _refuse_negative(period, grids)
        nihil = period.is_year_end and client_listing_is_nil(period.year)
        content = intervat.return_xml(who, period, grids, client_listing_nihil=nihil,
                                      restitution=restitution and grids["72"] > 0, payment_forms=payment_forms,
                                      replaced_reference=replaced_reference)
        latest = returns_of(period.code)[-1] if kind == "corrective" else None
        row = VatReturn.create(
            period=period.code, start=period.start.isoformat(), end=period.end.isoformat(), kind=kind,
            corrects=latest.id if latest else None, grids_json=json.dumps(grids, sort_keys=True),
            adjustments_json=json.dumps(adjustments, sort_keys=True), reason=reason,
            replaced_reference=replaced_reference or None, restitution=restitution and grids["72"] > 0,
            payment_forms=payment_forms, client_listing_nihil=nihil, xml=content.decode(intervat.ENCODING),
            xml_sha256=hashlib.sha256(content).hexdigest(), filed_at=audit.now_iso(), filed_by=audit.current_actor())
        after = {"period": period.code, "kind": kind, "71": grids["71"], "72": grids["72"],
                 "xml_sha256": row.xml_sha256}
        if latest:
            after["differences"] = rules.differences(grids, latest.grids)
        audit.record("post", OBJECT_TYPE, row.id, after=after)
    return row


def xml_of(row: VatReturn) -> bytes:
    return row.xml.encode(intervat.ENCODING)


def differences_of(row: VatReturn) -> dict[str, int]:
    """What a corrective return changes in the return it replaces ({} for an original)."""
    if row.corrects_id is None:
        return {}
    return rules.differences(row.grids, find_return(row.corrects_id).grids)


def return_file_name(row: VatReturn) -> str:
    suffix = "" if row.kind == "original" else f"-corrective-{row.id}"
    return f"vat-return-{row.period}{suffix}"


def archive_return(place, row: VatReturn, *, language: str | None = None) -> list:
    """Archive the filed return's XML and PDF (once); returns their ArchivedDocuments."""
    from equisis.vat import pdf

    existing = {d.mime_type: d for d in documents.documents_of(OBJECT_TYPE, row.id)}
    language = language or company_service.profile().language
    year = row.period[:4]
    if XML_MIME not in existing:
        existing[XML_MIME] = documents.archive_document(
            place, xml_of(row), kind="vat_return_xml", journal=ARCHIVE_JOURNAL, year=year, period=row.period,
            object_type=OBJECT_TYPE, object_id=row.id, language=language, file_name=return_file_name(row),
            mime_type=XML_MIME)
    if documents.PDF_MIME not in existing:
        content = pdf.return_pdf(row, documents.letterhead_from_profile(getattr(place, "folder", None)),
                                 language=language)
        existing[documents.PDF_MIME] = documents.archive_document(
            place, content, kind="vat_return_pdf", journal=ARCHIVE_JOURNAL, year=year, period=row.period,
            object_type=OBJECT_TYPE, object_id=row.id, language=language, file_name=return_file_name(row))
    return [existing[XML_MIME], existing[documents.PDF_MIME]]


def file_and_archive(place, code: str, **options) -> VatReturn:
    """File, then archive the XML and PDF; a failed archive is logged and retried on the next download."""
    row = file_return(code, **options)
    try:
        archive_return(place, row)
    except Exception:  # noqa: BLE001 - the return is filed; its documents are archived again on demand
        log.exception("VAT return %s filed but not archived", row.id)
    return row


def return_document(place, row: VatReturn, mime_type: str) -> bytes:
    """The archived XML or PDF of a filed return (archived now if it was not yet)."""
    docs = {d.mime_type: d for d in archive_return(place, row)}
    return documents.read_document(place, docs[mime_type].id)


# --------------------------------------------------------------------------- drill-down

def grid_condition(grid: str):
    """Lines carrying one of the ledger codes of a return grid (codes are space-separated words)."""
    if grid not in rules.DRILLABLE:
        raise InvalidGrid(grid)
    padded = Value(" ").concat(EntryLine.vat_grids).concat(" ")
    return functools.reduce(operator.or_, [padded.contains(f" {code} ") for code in rules.codes_of(grid)])


def grid_lines(period: rules.VatPeriod, grid: str):
    """The ledger lines of a period on a grid (query: entry, account and partner joined)."""
    return (EntryLine.select(EntryLine, Entry, Account, Party)
            .join(Entry).switch(EntryLine).join(Account).switch(EntryLine)
            .join(Party, JOIN.LEFT_OUTER)
            .where((EntryLine.date >= period.start.isoformat()) & (EntryLine.date <= period.end.isoformat())
                   & grid_condition(grid)))


def line_amount(line: EntryLine, grid: str) -> int:
    """What one ledger line adds to a return grid."""
    codes = set(rules.codes_of(grid))
    return sum(rules.grid_value(code, line.debit_cents, line.credit_cents)
               for code in line.vat_grids.split() if code in codes)


# --------------------------------------------------------------------------- per partner

def partner_grids(start: dt.date, end: dt.date, codes: tuple[str, ...] | None = None) -> list[rules.PartnerGrids]:
    """(debit, credit) per grid code and partner of the lines dated in [start, end]."""
    query = (EntryLine.select(EntryLine.partner, EntryLine.vat_grids, fn.SUM(EntryLine.debit_cents),
                              fn.SUM(EntryLine.credit_cents))
             .where((EntryLine.date >= start.isoformat()) & (EntryLine.date <= end.isoformat())
                    & (EntryLine.vat_grids != ""))
             .group_by(EntryLine.partner, EntryLine.vat_grids))
    wanted = set(codes) if codes else None
    totals: dict = {}
    for partner_id, grids, debit, credit in query.tuples():
        for code in grids.split():
            if wanted is not None and code not in wanted:
                continue
            per = totals.setdefault(partner_id, {})
            d, c = per.get(code, (0, 0))
            per[code] = (d + int(debit or 0), c + int(credit or 0))
    ids = [p for p in totals if p is not None]
    names = {}
    for start_at in range(0, len(ids), 500):
        for pid, name, vat in (Party.select(Party.id, Party.name, Party.vat_number)
                               .where(Party.id.in_(ids[start_at:start_at + 500])).tuples()):
            names[pid] = (name, vat)
    return [rules.PartnerGrids(pid, *(names.get(pid) or ("", None)), per) for pid, per in totals.items()]


LISTING_CODES = rules.LISTING_TURNOVER + rules.LISTING_CREDIT_NOTES + rules.LISTING_VAT \
    + rules.LISTING_VAT_CREDIT_NOTES


def client_listing(year: int) -> list[rules.ClientLine]:
    period = rules.parse_period(str(year), allow_year=True)
    return rules.client_listing(partner_grids(period.start, period.end, LISTING_CODES))


def client_listing_xml(year) -> bytes:
    year = rules.parse_year(year)
    return intervat.client_listing_xml(declarant(), year, client_listing(year))


def intra_lines(code: str) -> tuple[rules.VatPeriod, list[rules.IntraLine]]:
    period = rules.parse_period(code, allow_year=True)
    return period, rules.intra_listing(partner_grids(period.start, period.end, tuple(rules.INTRA_CODES)))


def intra_listing_xml(code: str) -> bytes:
    """The NewICO XML of a period; refused while a customer lacks a valid EU VAT number or nothing is listed."""
    period, lines = intra_lines(code)
    problems = [line for line in lines if line.vat is None]
    if problems:
        first = problems[0]
        partner = rules.PartnerGrids(first.partner_id, first.name, _vat_of(first.partner_id), {})
        raise ListingPartnerProblem(party=first.name or "?", problem=lazy_gettext(rules.intra_problem(partner)
                                                                                   or N_("invalid VAT number")))
    if not lines:
        raise NothingToList(period=period.code)
    return intervat.intra_listing_xml(declarant(), period, lines)


def _vat_of(partner_id: int | None) -> str | None:
    if partner_id is None:
        return None
    row = Party.get_or_none(Party.id == partner_id)
    return row.vat_number if row else None


# --------------------------------------------------------------------------- overview

@dataclass(frozen=True)
class PeriodStatus:
    period: rules.VatPeriod
    grids: dict[str, int]
    filed: list
    ended: bool

    @property
    def status(self) -> str:
        return "filed" if self.filed else ("open" if self.ended else "current")


def overview(year: int, *, today: dt.date | None = None) -> list[PeriodStatus]:
    """Every period of a calendar year with its balance now and its filed returns."""
    today = today or dt.date.today()
    filed: dict[str, list] = {}
    for row in VatReturn.select().where(VatReturn.period.startswith(str(year))).order_by(VatReturn.id):
        filed.setdefault(row.period, []).append(row)
    out = []
    for period in rules.periods_of_year(year, filing()):
        grids = rules.return_grids(grid_totals(period.start, period.end))
        out.append(PeriodStatus(period, grids, filed.get(period.code, []), period.end < today))
    return out


def years() -> list[int]:
    """Calendar years the fiscal years cover (newest first), the current one at least."""
    found = {dt.date.today().year}
    for year in ledger.fiscal_years():
        found.update(range(year.start.year, year.end.year + 1))
    return sorted(found, reverse=True)
