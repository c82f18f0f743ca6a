"""The accounting reports on screen (with drill-down) and as PDF, Excel and CSV downloads.

Every report page takes its parameters from the query string (``from``, ``to``,
``compare``, and per report ``account``, ``journal``, ``partner``, ``at``,
``model``, ``detail``) and answers with the page, or with a file when
``format`` is pdf, xlsx or csv (the PDF in ``lang``, else the user's language).
Drill-down: a trial-balance account → its general ledger for the same range →
the entry (``ledger.entry_detail`` when that screen exists, else the archived
source document when there is one) ; a partner → its ledger.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, current_app, g, render_template, request, send_file, url_for

from equisis.company import service as company_service
from equisis.core.dates import parse_date
from equisis.core.i18n import LANGUAGES, N_, current_language, normalise_language
from equisis.documents.service import letterhead_from_profile
from equisis.ledger import service as ledger
from equisis.reports import excel, layout, nbb, pack, pdf, service
from equisis.reports.errors import UnknownFormat
from equisis.web.access import roles
from equisis.web.templating import money

bp = Blueprint("reports", __name__, url_prefix="/c/<slug>/reports")

FORMATS = {"pdf": "application/pdf", "xlsx": excel.XLSX_MIME, "csv": excel.CSV_MIME}
#: A screen shows at most this many rows; the files always hold the whole report.
SCREEN_ROWS = 3000
ENTRY_ENDPOINT = "ledger.entry_detail"

#: The reports page: (endpoint, values, title, what it shows).
CATALOGUE = (
    ("reports.trial_balance", {}, N_("Trial balance"),
     N_("Opening, debit, credit and closing of every account, with totals per class.")),
    ("reports.general_ledger", {}, N_("General ledger"),
     N_("Every line of an account with its running balance.")),
    ("reports.journals", {}, N_("Journals"), N_("The entries of each journal, with totals per period.")),
    ("reports.partner_balance", {"kind": "customers"}, N_("Customers' balances"),
     N_("What each customer owed at the start, was invoiced, paid, and owes at the end.")),
    ("reports.partner_balance", {"kind": "suppliers"}, N_("Suppliers' balances"),
     N_("The same for each supplier.")),
    ("reports.partner_ledger", {"kind": "customers"}, N_("Customers' ledger"),
     N_("Every line of each customer's account.")),
    ("reports.partner_ledger", {"kind": "suppliers"}, N_("Suppliers' ledger"),
     N_("Every line of each supplier's account.")),
    ("reports.aged_balance", {"kind": "customers"}, N_("Aged receivables"),
     N_("Open invoices at a date, by days past their due date.")),
    ("reports.aged_balance", {"kind": "suppliers"}, N_("Aged payables"),
     N_("Open supplier bills at a date, by days past their due date.")),
    ("reports.internal_accounts", {}, N_("Internal accounts"),
     N_("Transfers between your own accounts (58) and suspense accounts (499): they should end at zero.")),
    ("reports.chart", {}, N_("Chart of accounts"), N_("Every account with its kind.")),
    ("reports.nbb", {}, N_("NBB schema"),
     N_("Balance sheet and profit and loss by NBB rubric (abbreviated or micro model), "
        "with the previous year.")),
)

@dataclass(frozen=True)
class Params:
    start: dt.date
    end: dt.date
    compare: bool
    language: str
    fmt: str | None


def _params(*, at: dt.date | None = None) -> Params:
    """The query string's parameters; ``at`` (a report at one date) takes the place of from/to."""
    fmt = request.args.get("format") or None
    if fmt is not None and fmt not in FORMATS:
        raise UnknownFormat(format=fmt, field="format")
    chosen = request.args.get("lang")
    language = normalise_language(chosen) if chosen in LANGUAGES else current_language()
    if at is not None:
        return Params(at, at, False, language, fmt)
    span = service.default_range(dt.date.today())
    start = parse_date(request.args["from"], field="from") if request.args.get("from") else span.start
    end = parse_date(request.args["to"], field="to") if request.args.get("to") else span.end
    service.check_range(start, end)
    return Params(start, end, request.args.get("compare") == "1", language, fmt)


def _company_name() -> str:
    return company_service.profile().name


def _answer(sheet: layout.Sheet, params: Params, template_args: dict, *, form: tuple = ()):
    """The file asked for, or the page."""
    if params.fmt:
        if params.fmt == "pdf":
            letterhead = letterhead_from_profile(g.company.folder)
            content = pdf.render_pdf(sheet, letterhead, language=params.language)
        else:
            content = excel.to_bytes(sheet, params.fmt, language=params.language, company=_company_name())
        name = f"{sheet.name}-{params.start.isoformat()}-{params.end.isoformat()}.{params.fmt}"
        return send_file(io.BytesIO(content), mimetype=FORMATS[params.fmt], as_attachment=True,
                         download_name=name)
    rows = sheet.rows[:SCREEN_ROWS]
    return render_template("reports/report.html", sheet=sheet, rows=rows,
                           truncated=len(sheet.rows) > SCREEN_ROWS,
                           params=params, form=form, href=_href, cell=_cell, render=layout.render,
                           downloads=_downloads(),
                           **template_args)


def _downloads() -> list[tuple[str, str]]:
    args = {k: v for k, v in request.args.items() if k != "format"}
    return [(fmt.upper() if fmt != "xlsx" else "Excel",
             url_for(request.endpoint, **request.view_args, **{**args, "format": fmt}))
            for fmt in FORMATS]


def _cell(column: layout.SheetColumn, value):
    """A cell as the screen shows it."""
    value = layout.render(value)
    if value is None:
        return ""
    if column.kind == "money" and isinstance(value, int):
        return money(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def _range_args(target: layout.Link) -> dict:
    start, end = target.get("start"), target.get("end")
    return {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None}


def _href(target: layout.Link | None) -> str | None:
    """The URL of a drill-down target, or None when there is nowhere to go."""
    if target is None:
        return None
    if target.kind == "account":
        return url_for("reports.general_ledger", account=target.get("account"), **_range_args(target))
    if target.kind == "partner":
        if target.get("partner") is None:
            return None
        return url_for("reports.partner_ledger", kind=target.get("kind"), partner=target.get("partner"),
                       **_range_args(target))
    if target.kind == "entry":
        if ENTRY_ENDPOINT in current_app.view_functions:
            return url_for(ENTRY_ENDPOINT, entry_id=target.get("entry_id"))
        if target.get("document_id"):
            return url_for("documents.document_detail", document_id=target.get("document_id"))
        return None
    return None


# --------------------------------------------------------------------------- pages

@bp.get("/")
@roles("accountant")
def index():
    return render_template("reports/index.html", catalogue=CATALOGUE)


@bp.get("/trial-balance")
@roles("accountant")
def trial_balance():
    params = _params()
    report = service.trial_balance(params.start, params.end, compare=params.compare, language=params.language)
    return _answer(layout.trial_balance_sheet(report), params, {}, form=("compare",))


@bp.get("/general-ledger")
@roles("accountant")
def general_ledger():
    params = _params()
    account = (request.args.get("account") or "").strip()
    report = service.general_ledger(params.start, params.end, accounts=[account] if account else None,
                                    language=params.language)
    return _answer(layout.general_ledger_sheet(report), params, {"accounts": ledger.accounts()},
                   form=("account",))


@bp.get("/journals")
@roles("accountant")
def journals():
    params = _params()
    journal = request.args.get("journal") or None
    report = service.journal_report(params.start, params.end, journal=journal)
    return _answer(layout.journal_sheet(report), params, {"journals": ledger.journals()}, form=("journal",))


@bp.get("/balances/<kind>")
@roles("accountant")
def partner_balance(kind: str):
    params = _params()
    report = service.partner_balance(kind, params.start, params.end, compare=params.compare)
    return _answer(layout.partner_balance_sheet(report), params, {}, form=("compare",))


@bp.get("/ledgers/<kind>")
@roles("accountant")
def partner_ledger(kind: str):
    params = _params()
    raw = (request.args.get("partner") or "").strip()
    partner_id = int(raw) if raw.isdigit() else None
    report = service.partner_ledger(kind, params.start, params.end, partner_id=partner_id)
    return _answer(layout.partner_ledger_sheet(report), params, {})


@bp.get("/aged/<kind>")
@roles("accountant")
def aged_balance(kind: str):
    at = parse_date(request.args["at"], field="at") if request.args.get("at") else dt.date.today()
    params = _params(at=at)
    report = service.aged_balance(kind, at)
    detail = request.args.get("detail", "1") == "1"
    since = service.default_range(at).start  # the partner ledger of a row: its fiscal year up to ``at``
    return _answer(layout.aged_balance_sheet(report, detail=detail, since=since), params, {"at": at},
                   form=("at", "detail"))


@bp.get("/internal-accounts")
@roles("accountant")
def internal_accounts():
    params = _params()
    report = service.internal_accounts(params.start, params.end, language=params.language)
    return _answer(layout.internal_accounts_sheet(report), params, {})


@bp.get("/chart-of-accounts")
@roles("accountant")
def chart():
    params = _params()
    lines = service.chart_of_accounts(params.language)
    return _answer(layout.chart_sheet(lines), params, {}, form=("nodates",))


@bp.get("/nbb", endpoint="nbb")
@roles("accountant")
def nbb_schema():
    params = _params()
    model = request.args.get("model") or _company_model()
    compare = request.args.get("compare", "1") == "1"
    detail = request.args.get("detail", "0") == "1"
    report = service.nbb_schema(model, params.start, params.end, compare=compare, language=params.language)
    params = Params(params.start, params.end, compare, params.language, params.fmt)
    return _answer(layout.nbb_sheet(report, params.language, detail=detail or not params.fmt), params,
                   {"model": model, "models": nbb.MODEL_LABELS}, form=("model", "compare"))


def _company_model() -> str:
    chosen = ledger.chart_model()
    return chosen if chosen in nbb.MODELS else "micro"


# --------------------------------------------------------------------------- accountant pack

@bp.get("/accountant-pack")
@roles("accountant")
def accountant_pack():
    """The accountant pack of ``from``–``to`` (default: the current fiscal year) in ``lang``, as one zip.

    Built in a temporary folder of the instance (a year of documents may not fit a small /tmp), sent,
    and removed when the server closes the file at the end of the download.
    """
    params = _params()
    work = Path(tempfile.mkdtemp(prefix="equisis-pack-", dir=_pack_work_root()))
    try:
        out = work / pack.pack_file_name(g.company.slug, service.check_range(params.start, params.end))
        pack.build_pack(g.company, params.start, params.end, language=params.language, out_path=out)
        response = send_file(_RemovedWhenClosed(out, work), mimetype=pack.ZIP_MIME, as_attachment=True,
                             download_name=out.name, max_age=0)
        response.content_length = out.stat().st_size
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return response


class _RemovedWhenClosed(io.FileIO):
    """The pack, read by the server; closing it (download done or cut) removes its work folder.

    (``call_on_close`` would not do: a file response passes straight to the server, which closes only
    the file.)
    """

    def __init__(self, path: Path, work: Path):
        super().__init__(path, "r")
        self.work = work

    def close(self) -> None:
        try:
            super().close()
        finally:
            shutil.rmtree(self.work, ignore_errors=True)


STALE_PACK_S = 24 * 3600


def _pack_work_root() -> str | None:
    """``<instance>/tmp`` when the company may be written to, else the system's temporary folder."""
    if g.company.read_only:
        return None
    folder = current_app.extensions["equisis.instance"].root / "tmp"
    try:
        folder.mkdir(exist_ok=True)
        for stale in folder.glob("equisis-pack-*"):  # left by a server stopped in the middle of a download
            if time.time() - stale.stat().st_mtime > STALE_PACK_S:
                shutil.rmtree(stale, ignore_errors=True)
    except OSError:
        return None
    return str(folder)
