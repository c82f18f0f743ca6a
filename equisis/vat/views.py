"""The VAT screens: periods and their status, the return with every grid, drill-down to the ledger lines,
the check screen, filing and corrective returns, downloads (XML, PDF), the listings.

Accountant's screens (admin passes). Each view parses its input, calls one
service function and renders; refusals come back as messages with a 4xx status.
"""
from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, g, render_template, request, send_file, url_for

from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import N_, gettext
from equisis.core.money import parse_amount, to_cents
from equisis.documents import service as documents
from equisis.ledger.models import Account, Entry, EntryLine
from equisis.parties.models import Party
from equisis.vat import checks, rules, service
from equisis.vat.errors import InvalidAdjustment
from equisis.vat.models import VatReturn
from equisis.web import listing
from equisis.web.access import roles
from equisis.web.forms import done, field_errors, submit_once

bp = Blueprint("vat", __name__, url_prefix="/c/<slug>/vat")
BOOKS = "accountant"
STATUS = {"filed": N_("filed"), "open": N_("to file"), "current": N_("in progress")}


def _xml_response(content: bytes, name: str):
    return send_file(io.BytesIO(content), mimetype="application/xml", as_attachment=True, download_name=name)


def _pdf_response(content: bytes, name: str):
    return send_file(io.BytesIO(content), mimetype=documents.PDF_MIME, as_attachment=True, download_name=name)


def _error_page(exc: EquisisError, *, back: str | None = None):
    messages = [p.message() for p in exc.problems] if isinstance(exc, ValidationErrors) else [exc.message()]
    return render_template("vat/error.html", messages=messages, back=back), exc.status


def _page_errors(exc: EquisisError) -> dict:
    """Errors of the return page: the grid 91 input keeps its own, the rest is said at the top."""
    errors = field_errors(exc)
    general = [m for name, messages in errors.items() if name != "grid_91" for m in messages]
    return {"": general, **({"grid_91": errors["grid_91"]} if "grid_91" in errors else {})} if general \
        else errors


def _money_input(name: str, grid: str, problems: list) -> int:
    text = (request.form.get(name) or "").strip()
    if not text:
        return 0
    try:
        return to_cents(parse_amount(text, field=name))
    except EquisisError:
        problems.append(InvalidAdjustment(text, grid=grid, field=name))
        return 0


# --------------------------------------------------------------------------- periods

@bp.get("/")
@roles(BOOKS)
def overview():
    years = service.years()
    try:
        year = rules.parse_year(request.args.get("year") or dt.date.today().year)
    except EquisisError:
        year = dt.date.today().year
    return render_template("vat/overview.html", year=year, years=years, rows=service.overview(year),
                           filing=service.filing(), status_labels=STATUS)


def _return_page(period: str, *, errors=None, status: int = 200):
    view = service.compute_return(period)
    latest = view.latest
    return render_template(
        "vat/return.html", view=view, sections=rules.SECTIONS, labels=rules.GRID_LABELS,
        drillable=rules.DRILLABLE, latest=latest, differences=service.differences_of(latest) if latest else {},
        findings=checks.findings(period), message_of=checks.message_of, errors=errors or {},
        december=view.period.kind == "month" and view.period.number == 12,
        ended=view.period.end < dt.date.today()), status


@bp.get("/return/<period>")
@roles(BOOKS)
def return_detail(period: str):
    try:
        return _return_page(period)
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.overview"))


@bp.get("/return/<period>/check")
@roles(BOOKS)
def check(period: str):
    try:
        view = service.compute_return(period)
        found = checks.findings(period)
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.overview"))
    return render_template("vat/check.html", view=view, findings=found, message_of=checks.message_of)


# --------------------------------------------------------------------------- drill-down

def _grid_spec(period: rules.VatPeriod, grid: str) -> listing.ListSpec:
    return listing.ListSpec(
        name=f"grid-{grid}",
        query=lambda: service.grid_lines(period, grid),
        columns=(
            listing.Column("date", "Date", EntryLine.date, kind="date"),
            listing.Column("document", "Document", EntryLine.document_ref, value=lambda x: x.document_ref),
            listing.Column("partner", "Partner", Party.name, value=lambda x: x.partner.name if x.partner_id else ""),
            listing.Column("entry", "Entry", Entry.reference, value=lambda x: x.entry.reference),
            listing.Column("account", "Account", Account.code, value=lambda x: x.account.code),
            listing.Column("description", "Description", EntryLine.description),
            listing.Column("amount", "Amount", None, kind="money", sortable=False,
                           value=lambda x: service.line_amount(x, grid)),
        ),
        search=(EntryLine.document_ref, Party.name, Entry.reference, EntryLine.description),
        default_sort="date",
        row_link=lambda x: url_for("ledger.entry_detail", entry_id=x.entry_id),
    )


@bp.get("/return/<period>/grid/<grid>")
@roles(BOOKS)
def grid_lines(period: str, grid: str):
    """The ledger lines on one grid: each links to its source document and to its ledger entry."""
    try:
        view = service.compute_return(period)
        spec = _grid_spec(view.period, grid)
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.overview"))
    state = listing.ListState.from_args(spec, request.args)
    fmt = request.args.get("export")
    if fmt in listing.EXPORT_FORMATS:
        return listing.export(spec, state, fmt)
    from flask import current_app

    page = listing.load_page(spec, state, current_app.config["LIST_PAGE_SIZE"])
    return render_template("vat/grid.html", view=view, grid=grid, label=rules.GRID_LABELS[grid], page=page,
                           amount_of=lambda x: service.line_amount(x, grid))


# --------------------------------------------------------------------------- exports of the books' return

@bp.get("/return/<period>/xml")
@roles(BOOKS)
def return_xml(period: str):
    try:
        content = service.return_xml(period)
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.return_detail", period=period))
    return _xml_response(content, f"vat-return-{period}.xml")


@bp.get("/return/<period>/pdf")
@roles(BOOKS)
def return_pdf(period: str):
    from equisis.company import service as company_service
    from equisis.vat import pdf

    try:
        view = service.compute_return(period)
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.overview"))
    language = request.args.get("lang") or company_service.profile().language
    content = pdf.preview_pdf(view, documents.letterhead_from_profile(g.company.folder), language=language)
    return _pdf_response(content, f"vat-return-{period}.pdf")


# --------------------------------------------------------------------------- filing

@bp.post("/return/<period>/file")
@roles(BOOKS)
def file(period: str):
    """File the original return: grids frozen, periods locked, XML and PDF archived."""
    problems: list[EquisisError] = []
    grid_91 = _money_input("grid_91", "91", problems)
    try:
        if problems:
            raise ValidationErrors(problems)
        ref, _created = submit_once("vat.file", lambda: service.file_return(
            period, grid_91=grid_91, restitution=bool(request.form.get("restitution")),
            payment_forms=bool(request.form.get("payment_forms"))).id)
        _archive(int(ref))
    except EquisisError as exc:
        try:
            return _return_page(period, errors=_page_errors(exc), status=exc.status)
        except EquisisError:
            return _error_page(exc, back=url_for("vat.overview"))
    return done(gettext("The VAT return of {period} is filed; its periods are locked.", period=period),
                "vat.return_detail", period=period)


def _archive(return_id: int) -> None:
    import logging

    try:
        service.archive_return(g.company, service.find_return(return_id))
    except Exception:  # noqa: BLE001 - filed; archived again on the next download
        logging.getLogger(__name__).exception("VAT return %s not archived", return_id)


@bp.route("/return/<period>/correct", methods=["GET", "POST"])
@roles(BOOKS)
def correct(period: str):
    """A corrective return: the books' grids now, plus amounts the accountant adds, with a reason."""
    try:
        view = service.compute_return(period)
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.overview"))
    errors, status = {}, 200
    editable = [g for g in rules.RETURN_GRIDS if g not in rules.COMPUTED]
    if request.method == "POST":
        problems: list[EquisisError] = []
        adjustments = {grid: _money_input(f"adjust-{grid}", grid, problems) for grid in editable}
        grid_91 = _money_input("grid_91", "91", problems)
        try:
            if problems:
                raise ValidationErrors(problems)
            ref, _created = submit_once("vat.correct", lambda: service.file_return(
                period, kind="corrective", grid_91=grid_91, reason=request.form.get("reason", ""),
                adjustments=adjustments, replaced_reference=(request.form.get("replaced_reference") or "").strip()
                or None, restitution=bool(request.form.get("restitution")),
                payment_forms=bool(request.form.get("payment_forms"))).id)
            _archive(int(ref))
            return done(gettext("The corrective return of {period} is filed.", period=period),
                        "vat.return_detail", period=period)
        except EquisisError as exc:
            errors, status = field_errors(exc), exc.status
    return render_template("vat/correct.html", view=view, editable=editable, labels=rules.GRID_LABELS,
                           errors=errors, form=request.form), status


# --------------------------------------------------------------------------- filed returns

RETURNS = listing.ListSpec(
    name="vat-returns",
    query=lambda: VatReturn.select(),
    columns=(
        listing.Column("period", "Period", VatReturn.period),
        listing.Column("kind", "Kind", VatReturn.kind,
                       value=lambda r: gettext(N_("original") if r.kind == "original" else N_("corrective"))),
        listing.Column("filed_at", "Filed on", VatReturn.filed_at, kind="datetime"),
        listing.Column("filed_by", "Filed by", VatReturn.filed_by),
        listing.Column("due", "VAT due", None, kind="money", sortable=False, value=lambda r: r.grids.get("71", 0)),
        listing.Column("credit", "VAT to recover", None, kind="money", sortable=False,
                       value=lambda r: r.grids.get("72", 0)),
    ),
    search=(VatReturn.period, VatReturn.filed_by, VatReturn.reason),
    filters=(listing.Filter("kind", "Kind", VatReturn.kind, (("original", N_("original")),
                                                             ("corrective", N_("corrective")))),),
    default_sort="filed_at", default_desc=True,
    row_link=lambda r: url_for("vat.return_detail", period=r.period),
)


@bp.get("/returns/")
@roles(BOOKS)
def returns():
    return listing.respond(RETURNS, "vat/returns.html")


@bp.get("/returns/<int:return_id>.<fmt>")
@roles(BOOKS)
def filed_document(return_id: int, fmt: str):
    """The archived XML or PDF of a filed return, exactly as filed."""
    if fmt not in ("xml", "pdf"):
        return _error_page(EquisisError(), back=url_for("vat.overview"))
    try:
        row = service.find_return(return_id)
        content = service.return_document(g.company, row, service.XML_MIME if fmt == "xml" else documents.PDF_MIME)
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.overview"))
    name = f"{service.return_file_name(row)}.{fmt}"
    return _xml_response(content, name) if fmt == "xml" else _pdf_response(content, name)


# --------------------------------------------------------------------------- listings

def _year_arg() -> int:
    try:
        return rules.parse_year(request.args.get("year") or dt.date.today().year - 1)
    except EquisisError:
        return dt.date.today().year - 1


@bp.get("/listings/clients")
@roles(BOOKS)
def client_listing():
    year = _year_arg()
    lines = service.client_listing(year)
    return render_template("vat/clients.html", year=year, lines=lines, years=service.years(),
                           turnover=sum(x.turnover_cents for x in lines), vat=sum(x.vat_cents for x in lines))


@bp.get("/listings/clients.xml")
@roles(BOOKS)
def client_listing_xml():
    try:
        content = service.client_listing_xml(request.args.get("year", ""))
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.client_listing"))
    return _xml_response(content, f"client-listing-{request.args.get('year')}.xml")


def _default_period() -> str:
    today = dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return rules.period_of_day(last, service.filing()).code


@bp.get("/listings/intra")
@roles(BOOKS)
def intra_listing():
    code = request.args.get("period") or _default_period()
    try:
        period, lines = service.intra_lines(code)
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.overview"))
    problems = [x for x in lines if x.vat is None]
    return render_template("vat/intra.html", period=period, lines=lines, problems=problems,
                           total=sum(x.amount_cents for x in lines))


@bp.get("/listings/intra.xml")
@roles(BOOKS)
def intra_listing_xml():
    code = request.args.get("period") or _default_period()
    try:
        content = service.intra_listing_xml(code)
    except EquisisError as exc:
        return _error_page(exc, back=url_for("vat.intra_listing", period=code))
    return _xml_response(content, f"intra-listing-{code}.xml")

