"""The books on screen: manual entries, entries and their detail, chart, journals, fiscal years, import,
reconciliation (lettrage).

Every view parses its form into typed arguments, calls one ledger service
function and, when the books refuse, re-renders the form with each problem next
to its field and a 4xx status. These are the accountant's screens (admin always
passes): sales, warehouse and cashier users never post miscellaneous entries.

The entry screen (``entry_new``, with static/js/ledger.js) reads its form
through :mod:`equisis.ledger.entry_form`, which says how lines are named and
numbered.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from peewee import JOIN
from werkzeug.utils import secure_filename

from equisis.company import rules as company_rules
from equisis.core.dates import parse_date
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import N_, current_language, gettext, ngettext
from equisis.documents import service as documents
from equisis.ledger import imports, rules
from equisis.ledger import service as ledger
from equisis.ledger.entry_form import EntryInput, LineInput, draft_of, lenient_cents
from equisis.ledger.errors import AccountNotFound, EntryDateRequired, ImportFileRequired, ReasonRequired
from equisis.ledger.models import Account, Entry, EntryLine, Journal, OpenItem
from equisis.parties import service as parties
from equisis.parties.models import Party
from equisis.web import listing
from equisis.web.access import roles
from equisis.web.forms import done, field_errors, form_key, submit_once

bp = Blueprint("ledger", __name__, url_prefix="/c/<slug>/ledger")
BOOKS = "accountant"

JOURNAL_KINDS = {
    "sale": N_("Sales invoices"), "sale_refund": N_("Sales credit notes"),
    "purchase": N_("Purchase invoices"), "purchase_refund": N_("Purchase credit notes"),
    "bank": N_("Bank"), "cash": N_("Cash"),
    "misc": N_("Miscellaneous operations"), "opening": N_("Opening entries"), "closing": N_("Closing entries"),
}
ACCOUNT_KINDS = {
    "receivable": N_("Receivable (customers)"), "payable": N_("Payable (suppliers)"), "bank": N_("Bank"),
    "cash": N_("Cash"), "vat": N_("VAT"), "income": N_("Income"), "expense": N_("Expense"),
    "equity": N_("Equity"), "asset": N_("Asset"), "liability": N_("Liability"), "other": N_("Other"),
}
ENTRY_KINDS = {"standard": N_("Entry"), "reversal": N_("Reversal"), "closing": N_("Year-end closing"),
               "carry_forward": N_("Balances carried forward")}
MATCH_REASONS = {"reference": N_("same reference"), "amount": N_("same amount"),
                 "sum": N_("several lines add up")}
#: Journals the entry screen posts into: miscellaneous operations, bank and cash (financial entries), and
#: the opening entry of a company's first year. Sales and purchases come from their documents.
MANUAL_JOURNAL_KINDS = ("misc", "bank", "cash", "opening")
#: Reports of the ledger (issue 3, item 7) the home page links to once their blueprint is registered.
REPORT_LINKS = (("reports.trial_balance", N_("Trial balance")), ("reports.general_ledger", N_("General ledger")),
                ("reports.index", N_("All reports")))


def _role() -> str:
    return g.user.role


def _yes_no(flag) -> str:
    return gettext("yes") if flag else gettext("no")


def _date_input(name: str, problems: list, *, required: bool = False, missing=None) -> dt.date | None:
    """A date typed as 31/12/2026 or 2026-12-31; problems are collected, not raised."""
    text = (request.values.get(name) or "").strip()
    if not text:
        if required:
            problems.append(missing or EntryDateRequired(field=name))
        return None
    try:
        return parse_date(text, field=name)
    except EquisisError as exc:
        problems.append(exc)
        return None


def _reason_input(problems: list) -> str:
    reason = (request.form.get("reason") or "").strip()[:200]
    if not reason:
        problems.append(ReasonRequired(field="reason"))
    return reason


def _refuse(problems: list) -> None:
    if problems:
        raise ValidationErrors(problems) if len(problems) > 1 else problems[0]


def _messages(exc: EquisisError) -> list[str]:
    return [p.message() for p in exc.problems] if isinstance(exc, ValidationErrors) else [exc.message()]


def _id(value) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _show_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --------------------------------------------------------------------------- home

@bp.get("/")
@roles(BOOKS)
def home():
    today = dt.date.today()
    year = ledger.fiscal_year_of(today)
    everyone, accountant = ledger.lock_dates()
    manual = [j for j in ledger.journals(active_only=True) if j.kind in MANUAL_JOURNAL_KINDS]
    reports = [(endpoint, label) for endpoint, label in REPORT_LINKS if endpoint in current_app.view_functions]
    recent = list(Entry.select(Entry, Journal).join(Journal).order_by(Entry.id.desc()).limit(8))
    return render_template("ledger/home.html", year=year, lock_everyone=everyone, lock_accountant=accountant,
                           journals=manual, reports=reports, recent=recent, kinds=JOURNAL_KINDS)


# --------------------------------------------------------------------------- the entry screen

def _entry_page(typed: EntryInput, *, errors=None, problems=(), posted=None, blank_lines: int = 1,
                status: int = 200):
    journals = [j for j in ledger.journals(active_only=True) if j.kind in MANUAL_JOURNAL_KINDS]
    language = current_language()
    accounts = {}
    for code in {x.account for x in typed.lines if x.account}:
        try:
            account = ledger.find_account(code)
        except AccountNotFound:
            continue
        accounts[code] = (account.name(language), account.kind in rules.PARTNER_KINDS)
    rows, debit, credit, balance = [], 0, 0, 0
    for x in typed.lines:
        d, c = lenient_cents(x.debit), lenient_cents(x.credit)
        if d is None or c is None:
            balance = None
        else:
            debit, credit = debit + d, credit + c
            balance = None if balance is None else balance + d - c
        rows.append((x, accounts.get(x.account), balance))
    for _ in range(max(blank_lines, 3 - len(rows))):
        rows.append((LineInput(), None, None))
    return render_template("ledger/entry_form.html", typed=typed, rows=rows, journals=journals,
                           errors=errors or {}, problems=list(problems), posted=posted,
                           debit_cents=debit, credit_cents=credit, kinds=JOURNAL_KINDS,
                           blank_line=LineInput()), status


@bp.route("/entries/new", methods=["GET", "POST"])
@roles(BOOKS)
def entry_new():
    """The keyboard-first entry screen (static/js/ledger.js): OD and financial entries."""
    if request.method == "POST":
        typed = EntryInput.from_form(request.form)
        if "add_line" in request.form:  # without JavaScript: one more blank line
            return _entry_page(typed, blank_lines=2)
        try:
            entry = ledger.post_entry(draft_of(typed), role=_role(), key=form_key())
        except EquisisError as exc:
            return _entry_page(typed, errors=field_errors(exc), problems=_messages(exc), status=exc.status)
        return redirect(url_for("ledger.entry_new", journal=entry.journal.code, date=entry.date.isoformat(),
                                posted=entry.id), code=303)
    day = request.args.get("date") or ""
    try:
        day = _show_date(parse_date(day)) if day else _show_date(dt.date.today())
    except EquisisError:
        day = _show_date(dt.date.today())
    posted = None
    if _id(request.args.get("posted")) is not None:
        try:
            posted = ledger.find_entry(_id(request.args.get("posted")))
        except EquisisError:
            posted = None
    typed = EntryInput((request.args.get("journal") or "OD").upper(), day, "", [])
    return _entry_page(typed, posted=posted)


@bp.get("/accounts/search")
@roles(BOOKS)
def account_search():
    """The options an account field proposes (htmx): code prefix or words of the name in the user's language."""
    text = (request.args.get("q") or "").strip()[:60]
    language = current_language()
    found = ledger.search_accounts(text, language=language) if text else []
    return render_template("ledger/_account_options.html", accounts=found, language=language,
                           partner_kinds=rules.PARTNER_KINDS)


@bp.get("/partners/search")
@roles(BOOKS)
def partner_search():
    """The customers and suppliers a partner field proposes (htmx): name, VAT number or id."""
    text = (request.args.get("q") or "").strip()[:60]
    return render_template("ledger/_partner_options.html", found=parties.search(text) if text else [])


# --------------------------------------------------------------------------- entries

def _entries_spec() -> listing.ListSpec:
    codes = tuple((j.code, j.code) for j in ledger.journals())
    return listing.ListSpec(
        name="entries",
        query=lambda: Entry.select(Entry, Journal).join(Journal),
        columns=(
            listing.Column("reference", "Entry", Entry.reference),
            listing.Column("date", "Date", Entry.date, kind="date"),
            listing.Column("journal", "Journal", Journal.code, value=lambda e: e.journal.code),
            listing.Column("description", "Description", Entry.description),
            listing.Column("kind", "Kind", Entry.kind, value=lambda e: gettext(ENTRY_KINDS.get(e.kind, e.kind))),
            listing.Column("total", "Amount", Entry.debit_total_cents, kind="money",
                           value=lambda e: e.debit_total_cents),
            listing.Column("posted_by", "Posted by", Entry.posted_by),
        ),
        search=(Entry.reference, Entry.description),
        filters=(listing.Filter("journal", "Journal", Journal.code, codes),
                 listing.Filter("kind", "Kind", Entry.kind, tuple(ENTRY_KINDS.items()))),
        default_sort="reference", default_desc=True,
        row_link=lambda e: url_for("ledger.entry_detail", entry_id=e.id),
    )


@bp.get("/entries/")
@roles(BOOKS)
def entries():
    return listing.respond(_entries_spec(), "ledger/entries.html")


def _detail_page(entry_id: int, *, errors=None, status: int = 200):
    entry = ledger.find_entry(entry_id)
    lines = ledger.entry_lines(entry.id)
    matched = {x.id: sum(m.amount_cents for m in ledger.matches_of_line(x.id)) for x in lines if x.opens_item}
    reverses = ledger.find_entry(entry.reversal_of_id) if entry.reversal_of_id else None
    reversed_by = ledger.reversal_of(entry.id)
    sources = documents.documents_of(entry.source_type, entry.source_id) if entry.source_type else []
    return render_template(
        "ledger/entry_detail.html", entry=entry, lines=lines, matched=matched,
        partners=parties.names(x.partner_id for x in lines), language=current_language(),
        reverses=reverses, reversed_by=reversed_by, sources=sources, kinds=ENTRY_KINDS,
        can_reverse=entry.kind == "standard" and reversed_by is None, errors=errors or {},
        credit_cents=sum(x.credit_cents for x in lines), today=_show_date(dt.date.today())), status


@bp.get("/entries/<int:entry_id>")
@roles(BOOKS)
def entry_detail(entry_id: int):
    """An entry: its lines, its seal (hash chained to the previous entry), its source document, reversal."""
    return _detail_page(entry_id)


@bp.post("/entries/<int:entry_id>/reverse")
@roles(BOOKS)
def entry_reverse(entry_id: int):
    problems: list[EquisisError] = []
    day = _date_input("date", problems, required=True)
    reason = _reason_input(problems)
    try:
        _refuse(problems)
        reversal = ledger.reverse_entry(entry_id, day, reason, role=_role(), key=form_key())
    except EquisisError as exc:
        return _detail_page(entry_id, errors=field_errors(exc), status=exc.status)
    return done(gettext("Entry reversed by {reference}.", reference=reversal.reference),
                "ledger.entry_detail", entry_id=reversal.id)


# --------------------------------------------------------------------------- import

@bp.route("/entries/import", methods=["GET", "POST"])
@roles(BOOKS)
def entries_import():
    """Entries from a CSV or Excel file: all or nothing, every bad cell listed with its row and column."""
    errors, cells, status = {}, [], 200
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise ImportFileRequired(field="file")
            with tempfile.TemporaryDirectory(prefix="equisis-import-") as folder:
                path = Path(folder) / _upload_name(upload.filename)
                upload.save(path)
                ref, _created = submit_once("ledger.import",
                                            lambda: imports.import_entries(path, role=_role()).count)
        except ValidationErrors as exc:
            cells = [(getattr(p, "row", ""), getattr(p, "column", ""),
                      str(p.params["problem"]) if "problem" in p.params else p.message()) for p in exc.problems]
            errors, status = {"": [exc.message()]}, exc.status
        except EquisisError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            count = int(ref)
            flash(ngettext("{n} entry imported.", "{n} entries imported.", count), "success")
            return redirect(url_for("ledger.entries"), code=303)
    return render_template("ledger/import.html", errors=errors, cells=cells, columns=imports.COLUMNS,
                           required=imports.REQUIRED), status


def _upload_name(filename: str) -> str:
    """A safe local name that keeps the extension (it tells CSV from Excel) and the user's file name."""
    suffix = ".xlsx" if filename.lower().endswith((".xlsx", ".xlsm")) else ".csv"
    stem = secure_filename(Path(filename).stem)[:80] or "entries"
    return stem + suffix


@bp.get("/entries/import/template.csv")
@roles(BOOKS)
def import_template():
    """A CSV with the columns the import reads and one balanced example entry."""
    day = _show_date(dt.date.today())
    example = gettext("Example")
    rows = [";".join(imports.COLUMNS),
            f"1;OD;{day};{example};6100;100,00;;;;;;",
            f"1;OD;{day};;550;;100,00;;;;;"]
    return Response("\ufeff" + "\r\n".join(rows) + "\r\n", mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=entries-template.csv"})


# --------------------------------------------------------------------------- chart of accounts

def _chart_spec() -> listing.ListSpec:
    language = current_language()
    return listing.ListSpec(
        name="accounts",
        query=lambda: Account.select(),
        columns=(
            listing.Column("code", "Code", Account.code),
            listing.Column("name", "Name", getattr(Account, f"name_{language}"), value=lambda a: a.name(language)),
            listing.Column("kind", "Kind", Account.kind, value=lambda a: gettext(ACCOUNT_KINDS.get(a.kind, a.kind))),
            listing.Column("reconcilable", "Reconcilable", Account.reconcilable,
                           value=lambda a: _yes_no(a.reconcilable)),
            listing.Column("postable", "Postable", Account.postable, value=lambda a: _yes_no(a.postable)),
            listing.Column("blocked", "Blocked", Account.is_blocked, value=lambda a: _yes_no(a.is_blocked)),
        ),
        search=(Account.code, Account.name_fr, Account.name_nl, Account.name_de, Account.name_en),
        filters=(listing.Filter("kind", "Kind", Account.kind, tuple(ACCOUNT_KINDS.items())),),
        default_sort="code",
        row_link=lambda a: url_for("ledger.account_edit", code=a.code),
    )


@bp.get("/accounts/")
@roles(BOOKS)
def chart():
    return listing.respond(_chart_spec(), "ledger/chart.html")


def _checked(name: str) -> bool:
    return request.form.get(name) in ("on", "1", "yes")


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles(BOOKS)
def account_new():
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form
        try:
            code, _created = submit_once("ledger.account", lambda: ledger.add_account(
                (form.get("code") or "").strip(), form.get("name_fr") or "", kind=form.get("kind") or "",
                name_nl=form.get("name_nl"), name_de=form.get("name_de"), name_en=form.get("name_en"),
                reconcilable=True if _checked("reconcilable") else None, postable=_checked("postable")).code)
        except EquisisError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            return done(gettext("Account {code} added.", code=code), "ledger.account_edit", code=code)
    return render_template("ledger/account_form.html", errors=errors, kinds=ACCOUNT_KINDS), status


def _account_page(code: str, *, errors=None, status: int = 200):
    account = ledger.find_account(code)
    return render_template("ledger/account.html", account=account, groups=ledger.groups_of_account(code),
                           language=current_language(), kinds=ACCOUNT_KINDS, errors=errors or {}), status


@bp.route("/accounts/<code>", methods=["GET", "POST"])
@roles(BOOKS)
def account_edit(code: str):
    """An account: rename it in the four languages (the code never changes)."""
    if request.method == "POST":
        try:
            ledger.rename_account(code, **{lang: request.form.get(f"name_{lang}") or ""
                                           for lang in ("fr", "nl", "de", "en")})
        except EquisisError as exc:
            return _account_page(code, errors=field_errors(exc), status=exc.status)
        return done(gettext("Account {code} saved.", code=code), "ledger.account_edit", code=code)
    return _account_page(code)


@bp.post("/accounts/<code>/block")
@roles(BOOKS)
def account_block(code: str):
    """Block (nothing is posted to it any more) or unblock an account."""
    blocked = request.form.get("blocked") == "1"
    (ledger.block_account if blocked else ledger.unblock_account)(code)
    message = gettext("Account {code} blocked.", code=code) if blocked else \
        gettext("Account {code} unblocked.", code=code)
    return done(message, "ledger.account_edit", code=code)


@bp.post("/accounts/<code>/delete")
@roles(BOOKS)
def account_delete(code: str):
    """Only an account that was never used goes; the others can be blocked."""
    try:
        ledger.delete_account(code)
    except EquisisError as exc:
        return _account_page(code, errors=field_errors(exc), status=exc.status)
    return done(gettext("Account {code} deleted.", code=code), "ledger.chart")


# --------------------------------------------------------------------------- journals

JOURNAL_LIST = listing.ListSpec(
    name="journals",
    query=lambda: Journal.select(Journal, Account).join(Account, JOIN.LEFT_OUTER),
    columns=(
        listing.Column("code", "Code", Journal.code),
        listing.Column("name", "Name", Journal.name),
        listing.Column("kind", "Kind", Journal.kind, value=lambda j: gettext(JOURNAL_KINDS.get(j.kind, j.kind))),
        listing.Column("account", "Account", Account.code, value=lambda j: j.account.code if j.account_id else None),
        listing.Column("iban", "IBAN", Journal.iban),
        listing.Column("active", "Active", Journal.is_active, value=lambda j: _yes_no(j.is_active)),
    ),
    search=(Journal.code, Journal.name, Journal.iban),
    filters=(listing.Filter("kind", "Kind", Journal.kind, tuple(JOURNAL_KINDS.items())),),
    default_sort="code",
    row_link=lambda j: url_for("ledger.entries", journal=j.code),
)


@bp.get("/journals/")
@roles(BOOKS)
def journals():
    return listing.respond(JOURNAL_LIST, "ledger/journals.html", errors={})


def _journals_page(errors: dict, status: int):
    page = listing.load_page(JOURNAL_LIST, listing.ListState.from_args(JOURNAL_LIST, {}),
                             current_app.config["LIST_PAGE_SIZE"])
    return render_template("ledger/journals.html", page=page, errors=errors), status


@bp.post("/journals/bank")
@roles(BOOKS)
def journal_add_bank():
    """A bank journal (BNK2 …) on a new 55 account named after the IBAN."""
    try:
        iban, _bic = company_rules.check_iban(request.form.get("iban") or "")
        code, _created = submit_once("ledger.journal", lambda: ledger.add_bank_journal(
            iban, name=(request.form.get("name") or "").strip()[:120] or None).code)
    except EquisisError as exc:
        return _journals_page(field_errors(exc), exc.status)
    return done(gettext("Journal {code} added.", code=code), "ledger.journals")


@bp.post("/journals/cash")
@roles(BOOKS)
def journal_add_cash():
    """A cash journal (CSH2 …) on a new 57 account: one per cash desk."""
    try:
        code, _created = submit_once("ledger.journal", lambda: ledger.add_cash_journal(
            name=(request.form.get("name") or "").strip()[:120] or None).code)
    except EquisisError as exc:
        return _journals_page(field_errors(exc), exc.status)
    return done(gettext("Journal {code} added.", code=code), "ledger.journals")


# --------------------------------------------------------------------------- fiscal years and periods

def _years_page(*, errors=None, status: int = 200, selected: str | None = None):
    years = ledger.fiscal_years()
    today = dt.date.today()
    code = selected or request.values.get("year")
    chosen = (next((y for y in years if y.code == code), None)
              or next((y for y in years if y.start <= today <= y.end), None)
              or (years[-1] if years else None))
    everyone, accountant = ledger.lock_dates()
    return render_template("ledger/fiscal_years.html", years=years, chosen=chosen,
                           periods=ledger.periods(chosen.code) if chosen else [],
                           lock_everyone=everyone, lock_accountant=accountant, errors=errors or {}), status


@bp.get("/years/")
@roles(BOOKS)
def fiscal_years():
    """Fiscal years and their monthly periods: create, lock, close, reopen; the lock dates per role."""
    return _years_page()


@bp.post("/years/next")
@roles(BOOKS)
def year_create_next():
    try:
        code, _created = submit_once("ledger.fiscal_year", lambda: ledger.create_next_fiscal_year().code)
    except EquisisError as exc:
        return _years_page(errors=field_errors(exc), status=exc.status)
    return done(gettext("Fiscal year {code} created.", code=code), "ledger.fiscal_years", year=code)


@bp.post("/years/lock-dates")
@roles(BOOKS)
def lock_dates_set():
    problems: list[EquisisError] = []
    everyone = _date_input("lock_date", problems)
    accountant = _date_input("lock_date_accountant", problems)
    try:
        _refuse(problems)
        ledger.set_lock_dates(everyone=everyone, accountant=accountant)
    except EquisisError as exc:
        return _years_page(errors=field_errors(exc), status=exc.status)
    return done(gettext("Lock dates saved."), "ledger.fiscal_years")


@bp.post("/years/<code>/periods/<period>/lock")
@roles(BOOKS)
def period_lock(code: str, period: str):
    try:
        ledger.lock_period(period, fiscal_year=code)
    except EquisisError as exc:
        return _years_page(errors=field_errors(exc), status=exc.status, selected=code)
    return done(gettext("Period {period} locked.", period=period), "ledger.fiscal_years", year=code)


@bp.post("/years/<code>/periods/<period>/unlock")
@roles(BOOKS)
def period_unlock(code: str, period: str):
    try:
        ledger.unlock_period(period, fiscal_year=code)
    except EquisisError as exc:
        return _years_page(errors=field_errors(exc), status=exc.status, selected=code)
    return done(gettext("Period {period} unlocked.", period=period), "ledger.fiscal_years", year=code)


@bp.post("/years/<code>/close")
@roles(BOOKS)
def year_close(code: str):
    """The year-end: closing entry, every period locked, balances carried into the next year."""
    try:
        submit_once("ledger.close_year", lambda: ledger.close_fiscal_year(code, role=_role()).fiscal_year)
    except EquisisError as exc:
        return _years_page(errors=field_errors(exc), status=exc.status, selected=code)
    return done(gettext("Fiscal year {code} closed; its balances were carried forward.", code=code),
                "ledger.fiscal_years", year=code)


@bp.post("/years/<code>/reopen")
@roles(BOOKS)
def year_reopen(code: str):
    """Reopen a closed year: its closing and the next opening are reversed; the reason is audited."""
    problems: list[EquisisError] = []
    reason = _reason_input(problems)
    try:
        _refuse(problems)
        submit_once("ledger.reopen_year",
                    lambda: ",".join(map(str, ledger.reopen_fiscal_year(code, role=_role(), reason=reason))))
    except EquisisError as exc:
        return _years_page(errors=field_errors(exc), status=exc.status, selected=code)
    return done(gettext("Fiscal year {code} reopened.", code=code), "ledger.fiscal_years", year=code)


# --------------------------------------------------------------------------- reconciliation

OPEN_ITEMS = listing.ListSpec(
    name="open_items",
    query=lambda: (OpenItem.select(OpenItem, EntryLine, Entry, Account, Party)
                   .join(EntryLine).join(Entry).switch(OpenItem).join(Account)
                   .switch(OpenItem).join(Party, JOIN.LEFT_OUTER)
                   .where(OpenItem.residual_cents != 0)),
    columns=(
        listing.Column("partner", "Partner", Party.name, value=lambda i: i.partner.name if i.partner_id else ""),
        listing.Column("account", "Account", Account.code, value=lambda i: i.account.code),
        listing.Column("reference", "Entry", Entry.reference, value=lambda i: i.line.entry.reference),
        listing.Column("date", "Date", OpenItem.date, kind="date"),
        listing.Column("due_date", "Due date", OpenItem.due_date, kind="date"),
        listing.Column("document_ref", "Document", OpenItem.document_ref),
        listing.Column("amount", "Amount", OpenItem.amount_cents, kind="money", value=lambda i: i.amount_cents),
        listing.Column("residual", "Open amount", OpenItem.residual_cents, kind="money",
                       value=lambda i: i.residual_cents),
    ),
    search=(Party.name, OpenItem.document_ref, Entry.reference, Account.code),
    filters=(listing.Filter("kind", "Account", Account.kind,
                            (("receivable", N_("Customers")), ("payable", N_("Suppliers")))),),
    default_sort="due_date",
    row_link=lambda i: url_for("ledger.reconcile", account=i.account.code, partner=i.partner_id or ""),
)


@bp.get("/reconcile/")
@roles(BOOKS)
def open_items():
    """Every open item (customers, suppliers …); a row leads to the matching screen of its partner."""
    return listing.respond(OPEN_ITEMS, "ledger/open_items.html")


def _reconcile_page(*, errors=None, status: int = 200):
    account = (request.values.get("account") or "").strip()
    partner_id = _id(request.values.get("partner"))
    errors = dict(errors or {})
    context = dict(account=account, partner_id=partner_id, at=(request.values.get("at") or "").strip(),
                   accounts=[a for a in ledger.accounts() if a.reconcilable], language=current_language(),
                   items=[], suggestions=[], groups=[], items_at=None, reasons=MATCH_REASONS)
    if account:
        context["items"] = ledger.open_items(partner_id=partner_id, account=account)
        context["suggestions"] = ledger.suggestions(partner_id=partner_id, account=account)
        context["groups"] = ledger.match_groups(account=account, partner_id=partner_id)
        if context["at"]:
            problems: list[EquisisError] = []
            day = _date_input("at", problems)
            if problems:
                errors.update(field_errors(problems[0]))
                status = max(status, problems[0].status)
            else:
                context["items_at"] = ledger.open_items_at(day, partner_id=partner_id, account=account)
    shown = list(context["items"]) + list(context["items_at"] or [])
    context["partners"] = parties.names([partner_id] + [i.partner_id for i in shown])
    context["by_line"] = {i.line_id: i for i in context["items"]}
    return render_template("ledger/reconcile.html", errors=errors, **context), status


@bp.get("/reconcile/items")
@roles(BOOKS)
def reconcile():
    """The open items of one account and partner: select lines and match them, take a suggestion, undo."""
    return _reconcile_page()


def _back_to_reconcile():
    return url_for("ledger.reconcile", account=request.form.get("account") or "",
                   partner=request.form.get("partner") or "", at=request.form.get("at") or None)


@bp.post("/reconcile/match")
@roles(BOOKS)
def reconcile_match():
    """Match the chosen lines, fully or partially (oldest due date first)."""
    line_ids = [i for i in map(_id, request.form.getlist("line")) if i is not None]
    try:
        submit_once("ledger.reconcile", lambda: ledger.reconcile(line_ids).group_id)
    except EquisisError as exc:
        return _reconcile_page(errors=field_errors(exc), status=exc.status)
    flash(gettext("Lines matched."), "success")
    return redirect(_back_to_reconcile(), code=303)


@bp.post("/reconcile/<int:group_id>/undo")
@roles(BOOKS)
def reconcile_undo(group_id: int):
    """Undo a group of matches; the lines are open again and the audit log keeps the reason."""
    problems: list[EquisisError] = []
    reason = _reason_input(problems)
    try:
        _refuse(problems)
        submit_once("ledger.unreconcile", lambda: ledger.unreconcile(group_id, reason=reason))
    except EquisisError as exc:
        return _reconcile_page(errors=field_errors(exc), status=exc.status)
    flash(gettext("Match undone."), "success")
    return redirect(_back_to_reconcile(), code=303)
