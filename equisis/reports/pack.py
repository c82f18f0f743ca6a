"""The accountant pack: the books of a period in one zip, for the accountant or the tax office.

``build_pack(store, start, end, language=…, out_path=…)`` writes one zip with a
numbered folder per section, named in the chosen language (``01 Journaux``,
``02 Balance des comptes généraux``…), a ``README.txt`` in that language and a
``manifest.json`` with the company, the range, the time, the application
version and the size and sha256 of every file (the backup manifest's shape:
``{"path", "size", "sha256"}``).

==================  ===========================================================
section             files
==================  ===========================================================
journals            one PDF + one xlsx per journal with entries in the range
trial balance       PDF + xlsx + CSV, beside the same days a year earlier
general ledger      PDF + xlsx, every account
partner balances    customers' and suppliers' balances over the range, aged
                    receivables and payables at its last day (PDF + xlsx)
partner ledgers     customers' and suppliers' ledgers (xlsx)
NBB schema          the company's model (abbreviated or micro; PDF + xlsx)
chart of accounts   xlsx
documents           every archived document whose period lies in the range,
                    copied byte for byte once its sha256 matched
attachments         the files attached to the range's entries (or their sources)
audit log           the audit events of the range (CSV)
==================  ===========================================================

A file whose checksum fails is left out and listed as a problem in the
manifest and the README: the pack never passes on a document that changed after
it was stored.

Two phases, so the pack runs beside a selling till: every report and file list
is read inside one read transaction (one consistent snapshot of the books,
never the writer's lock), then the transaction ends and the files are rendered,
verified and zipped. The zip is written under a temporary name beside
``out_path`` and renamed when complete and synced.

Extra sections (the VAT returns and listings of the VAT module) register in
:data:`SECTION_MODULES`, like the doctor's MODULE_CHECKS: a module whose
``pack_sections()`` returns sections (anything with ``key``, ``order``,
``folder``, ``description`` and ``collect(request)``). ``collect`` runs in the
snapshot and yields :class:`SheetFile`, :class:`BytesFile`, :class:`StoredFile`
or plain ``(file name, bytes)`` tuples, so a lower layer needs nothing from here.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import json
import os
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator

from equisis.backup.archive import fsync_dir
from equisis.company import service as company_service
from equisis.core.errors import EquisisError
from equisis.core.i18n import N_, gettext, normalise_language
from equisis.documents import service as documents
from equisis.documents.models import ArchivedDocument, Attachment
from equisis.ledger import service as ledger
from equisis.ledger.models import Entry, FiscalYear, Period
from equisis.reports import excel, layout, nbb, pdf, rules, service, values
from equisis.store.database import current_database
from equisis.store.models import AuditEvent
from equisis.version import __version__

FORMAT = "equisis-accountant-pack"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
README = "README.txt"
ZIP_MIME = "application/zip"
TEMP_SUFFIX = ".partial"
#: The section a VAT module registers; until one does, the README says the pack has no VAT returns.
VAT_SECTION = "vat"
#: Generated files that are already compressed are stored as they are; text is deflated.
DEFLATED = (".csv", ".txt", ".json", ".xml")
#: Characters no Windows, macOS or Linux folder or file name may hold.
UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')

# --------------------------------------------------------------------------- what sections yield

@dataclass(frozen=True)
class PackRequest:
    """What every section's ``collect`` reads: the company, the range, the language."""

    store: object                 # the CompanyStore (``documents_dir``, ``folder``)
    range: rules.DateRange
    language: str
    company: str                  # the company's name
    chart_model: str              # the ledger's chart model (full, abbr, micro, asso)

    @property
    def start(self) -> dt.date:
        return self.range.start

    @property
    def end(self) -> dt.date:
        return self.range.end


@dataclass(frozen=True)
class SheetFile:
    """A report sheet, rendered after the snapshot as ``<name>.<format>`` for each of ``formats``."""

    name: str                     # file name without extension, already in the pack's language
    sheet: layout.Sheet
    formats: tuple[str, ...]


@dataclass(frozen=True)
class BytesFile:
    """A file whose bytes the section made itself (an XML return, a text)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class StoredFile:
    """An archived document or attachment: copied only if its size and sha256 still match its row."""

    name: str                     # path inside the section's folder ('2026/2026-01/VEN/F1.pdf')
    row: ArchivedDocument | Attachment


@dataclass(frozen=True)
class PackSection:
    key: str
    order: int
    folder: str                   # msgid: the folder's name
    description: str              # msgid: its line in the README
    collect: Callable[[PackRequest], Iterable]


@dataclass(frozen=True)
class PackProblem:
    """A file left out of the pack, and why (in the pack's language)."""

    path: str
    error: str
    message: str

    def as_dict(self) -> dict:
        return {"path": self.path, "error": self.error, "message": self.message}


# --------------------------------------------------------------------------- names

def file_part(text: str, fallback: str = "file") -> str:
    """A folder or file name every system accepts: 'NBB schema — Micro model', 'VEN Sales', not 'a/b:c'.

    Characters Windows forbids become '-', spaces and dots at the ends go (Windows drops them).
    """
    cleaned = UNSAFE_NAME.sub("-", str(text)).strip().strip(".").strip()
    return cleaned[:120].strip() or fallback


def folder_name(position: int, msgid: str, language: str) -> str:
    """'01 Journals' in English, '01 Journaux' in French: numbered so file managers keep the order."""
    return f"{position:02d} {file_part(gettext(msgid, locale=language), 'section')}"


def period_spans() -> dict[str, tuple[dt.date, dt.date]]:
    """{period code: first day, last day} of the ledger's periods (a month split between two fiscal
    years counts whole) and fiscal years (one query each)."""
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for table in (Period, FiscalYear):
        for code, start, end in table.select(table.code, table.start, table.end).tuples():
            first, last = spans.get(code, (start, end))
            spans[code] = (min(first, start), max(last, end))
    return spans


def period_span(code: str, known: dict[str, tuple[dt.date, dt.date]]) -> tuple[dt.date, dt.date] | None:
    """The days an archived document's period code covers, or None when the code says no dates.

    A ledger period or fiscal year code is looked up; otherwise '2026-03' is March, '2026-Q2' April to
    June, '2026' the calendar year (the VAT return of a quarter is archived under '2026-Q2').
    """
    if code in known:
        return known[code]
    found = re.fullmatch(r"(\d{4})(?:-(\d{2})|-Q([1-4]))?", code or "")
    if not found:
        return None
    year = int(found[1])
    if found[2]:
        first_month = last_month = int(found[2])
        if not 1 <= first_month <= 12:
            return None
    elif found[3]:
        first_month = 3 * int(found[3]) - 2
        last_month = first_month + 2
    else:
        first_month, last_month = 1, 12
    after = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return dt.date(year, first_month, 1), after - dt.timedelta(days=1)


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or 'name (2).ext', 'name (3).ext'… when the folder already holds it."""
    if name not in taken:
        taken.add(name)
        return name
    path = PurePosixPath(name)
    for n in range(2, 10_000):
        candidate = str(path.with_name(f"{path.stem} ({n}){path.suffix}"))
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    raise ValueError(f"too many files named {name}")


# --------------------------------------------------------------------------- the built-in sections

def _title(sheet: layout.Sheet, language: str) -> str:
    return file_part(layout.render(sheet.title, language), sheet.name)


def _journals(request: PackRequest) -> Iterator[SheetFile]:
    report = service.journal_report(request.start, request.end)
    for journal in report.journals:
        single = values.JournalReport(report.range, (journal,), report.documents)
        name = file_part(f"{journal.code} {journal.name}", journal.code)
        yield SheetFile(name, layout.journal_sheet(single), ("pdf", "xlsx"))


def _trial_balance(request: PackRequest) -> Iterator[SheetFile]:
    sheet = layout.trial_balance_sheet(service.trial_balance(request.start, request.end, compare=True,
                                                             language=request.language))
    yield SheetFile(_title(sheet, request.language), sheet, ("pdf", "xlsx", "csv"))


def _general_ledger(request: PackRequest) -> Iterator[SheetFile]:
    sheet = layout.general_ledger_sheet(service.general_ledger(request.start, request.end,
                                                               language=request.language))
    yield SheetFile(_title(sheet, request.language), sheet, ("pdf", "xlsx"))


def _partner_balances(request: PackRequest) -> Iterator[SheetFile]:
    for kind in service.PARTNER_KINDS:
        sheet = layout.partner_balance_sheet(service.partner_balance(kind, request.start, request.end))
        yield SheetFile(_title(sheet, request.language), sheet, ("pdf", "xlsx"))
    for kind in service.PARTNER_KINDS:
        sheet = layout.aged_balance_sheet(service.aged_balance(kind, request.end),
                                          since=service.default_range(request.end).start)
        yield SheetFile(_title(sheet, request.language), sheet, ("pdf", "xlsx"))


def _partner_ledgers(request: PackRequest) -> Iterator[SheetFile]:
    for kind in service.PARTNER_KINDS:
        sheet = layout.partner_ledger_sheet(service.partner_ledger(kind, request.start, request.end))
        yield SheetFile(_title(sheet, request.language), sheet, ("xlsx",))


def nbb_model(chart_model: str) -> str:
    """The NBB model of a chart model: abbreviated or micro as chosen; the full chart files at least the
    abbreviated model; anything else (associations) the micro one, as the NBB screen does."""
    if chart_model in nbb.MODELS:
        return chart_model
    return "abbr" if chart_model == "full" else "micro"


def _nbb(request: PackRequest) -> Iterator[SheetFile]:
    report = service.nbb_schema(nbb_model(request.chart_model), request.start, request.end, compare=True,
                                language=request.language)
    summary = layout.nbb_sheet(report, request.language)
    yield SheetFile(_title(summary, request.language), summary, ("pdf",))
    # The spreadsheet lists the accounts under each rubric: what the accountant checks the mapping with.
    detail = layout.nbb_sheet(report, request.language, detail=True)
    yield SheetFile(_title(summary, request.language), detail, ("xlsx",))


def _chart(request: PackRequest) -> Iterator[SheetFile]:
    sheet = layout.chart_sheet(service.chart_of_accounts(request.language))
    yield SheetFile(_title(sheet, request.language), sheet, ("xlsx",))


def _documents(request: PackRequest) -> Iterator[StoredFile]:
    """Archived documents whose period lies wholly in the range (documents without dates: by their day)."""
    known = period_spans()
    for row in ArchivedDocument.select().order_by(ArchivedDocument.relative_path).iterator():
        span = period_span(row.period, known)
        if span is None:
            day = dt.date.fromisoformat(row.created_at[:10])
            span = (day, day)
        if request.start <= span[0] and span[1] <= request.end:
            yield StoredFile(row.relative_path, row)


def _attachments(request: PackRequest) -> Iterator[StoredFile]:
    """Files attached to an entry dated in the range, or to the entry's source (the invoice it posts)."""
    first, last = request.start.isoformat(), request.end.isoformat()
    in_range = (Entry.date >= first) & (Entry.date <= last) & Attachment.removed_at.is_null()
    on_entries = (Attachment.select(Attachment, Entry.reference.alias("entry_reference"))
                  .join(Entry, on=(Entry.id == Attachment.object_id.cast("INTEGER")))
                  .where((Attachment.object_type == "entry") & in_range))
    on_sources = (Attachment.select(Attachment, Entry.reference.alias("entry_reference"))
                  .join(Entry, on=((Entry.source_type == Attachment.object_type)
                                   & (Entry.source_id == Attachment.object_id)))
                  .where(in_range))
    seen: set[int] = set()
    rows = sorted(list(on_entries.objects()) + list(on_sources.objects()),
                  key=lambda r: (r.entry_reference, r.id))
    for row in rows:
        if row.id in seen:
            continue
        seen.add(row.id)
        extension = PurePosixPath(row.relative_path).suffix
        name = file_part(row.original_name, f"attachment-{row.id}")
        if not name.lower().endswith(extension.lower()):
            name += extension
        yield StoredFile(f"{file_part(row.entry_reference.replace('/', '-'))}/{name}", row)


AUDIT_COLUMNS = (layout.SheetColumn(N_("No."), "number"), layout.SheetColumn(N_("When"), "text"),
                 layout.SheetColumn(N_("Who"), "text"), layout.SheetColumn(N_("Action"), "text"),
                 layout.SheetColumn(N_("Object"), "text"), layout.SheetColumn(N_("Reference"), "text"),
                 layout.SheetColumn(N_("Before"), "text"), layout.SheetColumn(N_("After"), "text"),
                 layout.SheetColumn(N_("Previous hash"), "text"), layout.SheetColumn(N_("Hash"), "text"))


def _audit_log(request: PackRequest) -> Iterator[SheetFile]:
    """The audit events of the range (times in UTC, as recorded), with the hashes that chain them."""
    after_end = (request.end + dt.timedelta(days=1)).isoformat()
    query = (AuditEvent.select(AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action,
                               AuditEvent.object_type, AuditEvent.object_id, AuditEvent.before_json,
                               AuditEvent.after_json, AuditEvent.prev_hash, AuditEvent.hash)
             .where((AuditEvent.at >= request.start.isoformat()) & (AuditEvent.at < after_end))
             .order_by(AuditEvent.id))
    rows = tuple(layout.Row(tuple("" if v is None else v for v in raw)) for raw in query.tuples())
    sheet = layout.Sheet("audit-log", layout.Text(N_("Audit log")), (layout.range_text(request.range),),
                         AUDIT_COLUMNS, rows)
    yield SheetFile(_title(sheet, request.language), sheet, ("csv",))


SECTIONS: list[PackSection] = [
    PackSection("journals", 10, N_("Journals"),
                N_("The entries of each journal in the period, one PDF and one Excel file per journal, with "
                   "the totals per period."), _journals),
    PackSection("trial-balance", 20, N_("Trial balance"),
                N_("Opening, debit, credit and closing of every account, beside the same days a year earlier "
                   "(PDF, Excel, CSV)."), _trial_balance),
    PackSection("general-ledger", 30, N_("General ledger"),
                N_("Every line of every account with its running balance (PDF, Excel)."), _general_ledger),
    PackSection("partner-balances", 40, N_("Customers and suppliers"),
                N_("Customers' and suppliers' balances over the period, and what was open at its last day by "
                   "days past due (PDF, Excel)."), _partner_balances),
    PackSection("partner-ledgers", 50, N_("Partner ledgers"),
                N_("Every line of each customer's and supplier's account (Excel)."), _partner_ledgers),
    PackSection("nbb", 60, N_("NBB schema"),
                N_("Balance sheet and profit and loss account by NBB rubric, with the previous year (PDF; "
                   "the Excel file lists the accounts under each rubric)."), _nbb),
    PackSection("chart", 70, N_("Chart of accounts"), N_("Every account with its kind (Excel)."), _chart),
    PackSection("documents", 90, N_("Documents"),
                N_("Every archived document of the period (invoices, credit notes, returns…), exactly as "
                   "it was issued, in folders year/period/journal."), _documents),
    PackSection("attachments", 100, N_("Attachments"),
                N_("The files attached to the period's entries, one folder per entry."), _attachments),
    PackSection("audit-log", 110, N_("Audit log"),
                N_("Who did what in the period, with the hashes that chain the events (CSV, times in UTC)."),
                _audit_log),
]

#: Modules adding sections: each has ``pack_sections() -> [section]`` (see the module docstring).
SECTION_MODULES: list[str] = ["equisis.vat.pack"]


def sections() -> list:
    """Every section in pack order: the built-in ones and those of SECTION_MODULES."""
    found = list(SECTIONS)
    for module in SECTION_MODULES:
        found.extend(importlib.import_module(module).pack_sections())
    return sorted(found, key=lambda s: s.order)


# --------------------------------------------------------------------------- building the pack

@contextlib.contextmanager
def snapshot():
    """One read transaction: every query inside sees the books as they were at its first read.

    Never the writer's lock (``BEGIN DEFERRED`` that only reads), so the till keeps selling.
    """
    database = current_database()
    with database.atomic("DEFERRED"):
        yield


def _render(item: SheetFile, request: PackRequest, letterhead, created_at: dt.datetime) -> Iterator[tuple]:
    for fmt in item.formats:
        if fmt == "pdf":
            content = pdf.render_pdf(item.sheet, letterhead, language=request.language, created_at=created_at)
        else:
            content = excel.to_bytes(item.sheet, fmt, language=request.language, company=request.company)
        yield f"{item.name}.{fmt}", content


class _PackWriter:
    """The zip under a temporary name beside its final one; every member's size and sha256 kept."""

    def __init__(self, out_path: Path, created_at: dt.datetime):
        self.out_path = Path(out_path)
        self.temp = self.out_path.with_name(f".{self.out_path.name}.{uuid.uuid4().hex[:8]}{TEMP_SUFFIX}")
        self.handle = open(self.temp, "xb")
        self.zip = zipfile.ZipFile(self.handle, "w", allowZip64=True)
        self.stamp = (max(created_at.year, 1980),) + tuple(created_at.timetuple()[1:6])
        self.files: list[dict] = []
        self.size_bytes = 0

    def add(self, member: str, content: bytes, *, listed: bool = True) -> None:
        info = zipfile.ZipInfo(member, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if member.lower().endswith(DEFLATED) else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, content)
        if listed:
            self.files.append({"path": member, "size": len(content),
                               "sha256": hashlib.sha256(content).hexdigest()})

    def publish(self) -> None:
        self.zip.close()
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.temp, self.out_path)
        fsync_dir(self.out_path.parent)

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.zip.close()
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(OSError):
            self.temp.unlink()


def build_pack(store, start: dt.date, end: dt.date, *, language: str, out_path: Path,
               now: dt.datetime | None = None) -> dict:
    """Write the accountant pack of ``start``–``end`` for the current company (``store.session()``);
    return its manifest (``manifest["problems"]``: the files left out and why).

    Raises InvalidRange before anything is written; on any failure no file is
    left at ``out_path`` (nor its temporary).
    """
    span = service.check_range(start, end)
    documents.ensure_outside_transaction("build_pack()")
    language = normalise_language(language)
    created_at = (now or dt.datetime.now()).astimezone().replace(microsecond=0)
    with snapshot():
        profile = company_service.profile()
        letterhead = documents.letterhead_from_profile(store.folder)
        request = PackRequest(store, span, language, profile.name, ledger.chart_model())
        chosen = sections()
        collected = [(section, list(section.collect(request))) for section in chosen]
    problems: list[PackProblem] = []
    summary = []
    writer = _PackWriter(out_path, created_at)
    try:
        for position, (section, items) in enumerate(collected, start=1):
            folder = folder_name(position, section.folder, language)
            taken: set[str] = set()
            count = 0
            for name, content in _produce(items, request, letterhead, created_at, folder, problems):
                writer.add(f"{folder}/{_unique(name, taken)}", content)
                count += 1
            summary.append({"key": section.key, "folder": folder, "files": count,
                            "description": gettext(section.description, locale=language)})
        has_vat = any(section.key == VAT_SECTION for section in chosen)
        readme = readme_text(profile.name, span, language, created_at, summary, problems, has_vat)
        writer.add(README, readme.encode("utf-8-sig"))
        manifest = build_manifest(store, profile, span, language, created_at, summary, writer.files, problems,
                                  has_vat)
        writer.add(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"), listed=False)
        writer.publish()
    except BaseException:
        writer.discard()
        raise
    return manifest


def _produce(items, request, letterhead, created_at, folder, problems) -> Iterator[tuple[str, bytes]]:
    """The (name, bytes) of a section's items; a stored file that fails its check becomes a problem."""
    for item in items:
        if isinstance(item, SheetFile):
            yield from _render(item, request, letterhead, created_at)
        elif isinstance(item, BytesFile):
            yield item.name, item.content
        elif isinstance(item, StoredFile):
            try:
                yield item.name, documents.verified_content(request.store, item.row)
            except EquisisError as exc:
                problems.append(PackProblem(f"{folder}/{item.name}", type(exc).__name__,
                                            exc.message(request.language)))
        else:
            name, content = item
            yield name, bytes(content)


def build_manifest(store, profile, span: rules.DateRange, language: str, created_at: dt.datetime,
                   summary: list[dict], files: list[dict], problems: list[PackProblem],
                   has_vat: bool) -> dict:
    """manifest.json: who, which days, when, by which version; every file's size and sha256 (README
    included; the manifest cannot list itself); what was left out and why."""
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": __version__,
        "company": {"slug": store.slug, "name": profile.name, "enterprise_number": profile.enterprise_number,
                    "vat_number": profile.vat_number},
        "range": {"from": span.start.isoformat(), "to": span.end.isoformat()},
        "language": language,
        "created_at": created_at.isoformat(),
        "sections": [{k: s[k] for k in ("key", "folder", "files")} for s in summary],
        "files": files,
        "problems": [p.as_dict() for p in problems],
        "not_included": [] if has_vat else ["vat-returns", "vat-listings"],
    }


def readme_text(company: str, span: rules.DateRange, language: str, created_at: dt.datetime,
                summary: list[dict], problems: list[PackProblem], has_vat: bool) -> str:
    """README.txt in the pack's language: what the pack is, what each folder holds, what is missing."""
    def _(msgid: str, **params) -> str:
        return gettext(msgid, locale=language, **params)

    day = "%d/%m/%Y"
    lines = [_("Accountant pack — {company}", company=company),
             _("Period: from {start} to {end}", start=span.start.strftime(day), end=span.end.strftime(day)),
             _("Made on {date} at {time} by Equisis {version}.", date=created_at.strftime(day),
               time=created_at.strftime("%H:%M"), version=__version__),
             "", _("Contents:")]
    for section in summary:
        lines.append(f"- {section['folder']}: {section['description']}")
        if not section["files"]:
            lines.append("  " + _("(nothing in this period)"))
    lines.append("")
    if not has_vat:
        lines += [_("VAT returns and listings are not part of this version of the pack."), ""]
    lines.append(_("manifest.json lists every file with its size and SHA-256 checksum, so you can check that "
                   "nothing changed since the pack was made."))
    lines.append("")
    if problems:
        lines.append(_("Left out: these files failed their checksum check and are not in the pack. Restore "
                       "them from a backup and make the pack again."))
        lines += [f"- {p.path}: {p.message}" for p in problems]
    else:
        lines.append(_("Every archived document and attachment matched its checksum."))
    return "\r\n".join(lines) + "\r\n"


def pack_file_name(slug: str, span: rules.DateRange) -> str:
    """'accountant-pack-deco-2026-01-01-2026-12-31.zip'."""
    return f"accountant-pack-{slug}-{span.start.isoformat()}-{span.end.isoformat()}.zip"
