"""The till's JSON API (/api/v1/pos, what the till page and scripts call) and the back-office screens (/c/<slug>/pos).

Every API call names its till: the paired terminal behind the token, else the ``X-Pos-Terminal``
header (a till id). Errors are the translated EquisisError JSON (``{"error", "message", "field"}``)
with their status: 404 unknown code/voucher/ticket, 409 conflicts (session closed, parked sale
taken), 403 rights, 422 payment short or refund too large. Prints run after the commit: a printer
that does not answer leaves the job queued (``print.status`` "queued") and the sale stands.
"""
from __future__ import annotations

import datetime as dt
import logging
import time

from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, session, url_for

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_, gettext
from equisis.core.money import from_cents
from equisis.pos import (counter, invoice_pdf, parked, printing, reports, rules, service, sessions, tickets,
                         vouchers)
from equisis.pos.models import CashSession, PosTerminal, Ticket, TicketLine
from equisis.users import service as users
from equisis.users.errors import TooManyAttempts
from equisis.web import listing
from equisis.web.access import api, roles
from equisis.web.api import documented
from equisis.web.app import throttle

log = logging.getLogger(__name__)
api_bp = Blueprint("pos_api", __name__, url_prefix="/api/v1/pos")
bp = Blueprint("pos", __name__, url_prefix="/c/<slug>/pos")
TILL = ("cashier", "sales")
BACK_OFFICE = ("accountant", "cashier", "sales")
OBJ = {"type": "object"}
TERMINAL_HEADER = [{"name": "X-Pos-Terminal", "in": "header", "schema": {"type": "integer"},
                    "description": "the till's id, unless the token is a paired till's"}]


class BodyRequired(EquisisError):
    template = N_("The request body must be a JSON object.")


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BodyRequired()
    return data


def _till():
    terminal = service.terminal_for(g.user, request.headers.get("X-Pos-Terminal") or request.args.get("terminal"))
    return terminal, service.cashier_of(terminal, g.user)


def _pin_user(data) -> object | None:
    """A second person proving themselves with a PIN ({user_id, pin}), throttled like the sign-in."""
    if not data:
        return None
    key = ("pos-pin", g.company.slug, str(data.get("user_id")))
    now = time.monotonic()
    wait = throttle().blocked_for(key, now)
    if wait > 0:
        raise TooManyAttempts(minutes=max(1, round(wait / 60)))
    try:
        user = users.authenticate_pin(int(data.get("user_id") or 0), str(data.get("pin") or ""))
    except (EquisisError, ValueError, TypeError):
        throttle().fail(key, now)
        from equisis.users.errors import InvalidPin
        raise InvalidPin(field="pin")
    throttle().clear(key)
    return user


def _print_now(ticket_id: int | None = None, job_id: int | None = None) -> None:
    """Send the job after the commit; a failure keeps it queued (the till shows it)."""
    from equisis.pos.models import PrintJob
    job = PrintJob.get_or_none(PrintJob.id == job_id) if job_id else \
        PrintJob.select().where(PrintJob.ticket_id == ticket_id).order_by(PrintJob.id.desc()).first()
    if job is not None and job.status == "queued":
        printing.process_job(job.id)


def _archive_after_commit(archive, *args) -> None:
    """Archive a document once its transaction committed; a full disk does not undo the sale or the close
    (the PDF route archives it again on the next download)."""
    try:
        archive(*args)
    except (EquisisError, OSError, ValueError):
        log.exception("archiving after the commit failed")


def _session_dict(session: CashSession) -> dict:
    summary = sessions.cash_summary(session)
    return {"id": session.id, "terminal": session.terminal.code, "state": session.state,
            "opened_at": session.opened_at, "float_cents": session.float_cents,
            "expected_cents": session.expected_cents if session.state == "closed" else summary.expected_cents,
            "counted_cents": session.counted_cents, "difference_cents": session.difference_cents,
            "closed_at": session.closed_at, "entry_id": session.entry_id}


# =========================================================================== API

@api_bp.get("/config")
@api(*TILL)
@documented("/pos/config", "GET", "The till, its cashier and settings: stock mode, denominations, payment methods, "
            "the legal notice, the printer and its queued jobs", OBJ, parameters=TERMINAL_HEADER)
def config():
    terminal, cashier = _till()
    session = sessions.current_session(terminal)
    return jsonify({
        "terminal": {"id": terminal.id, "code": terminal.code, "name": terminal.name, "warehouse": terminal.warehouse},
        "cashier": {"id": cashier.id, "name": cashier.display_name, "role": cashier.role,
                    "rights": service.rights_of_role(cashier.role)},
        "cashiers": [{"id": u.id, "name": u.display_name} for u in users.pin_users()],
        "session": _session_dict(session) if session else None,
        "stock_mode": service.stock_mode(), "denominations": list(rules.DENOMINATIONS),
        "payment_methods": [{"method": m, "label": gettext(rules.METHOD_LABELS[m])} for m in rules.METHODS],
        "legal_notice": gettext(rules.GKS_NOTICE),
        "printer": {"kind": terminal.printer_kind, "address": terminal.printer_address},
        "print_queue": [printing.job_dict(j) for j in service.queued_jobs(terminal)],
    })


@api_bp.post("/cashier")
@api(*TILL)
@documented("/pos/cashier", "POST", "Switch the till's cashier: {user_id, pin} (throttled)", OBJ,
            parameters=TERMINAL_HEADER)
def cashier_switch():
    terminal, _cashier = _till()
    data = _body()
    user = _pin_user({"user_id": data.get("user_id"), "pin": data.get("pin")})
    service.sign_in_cashier(terminal, user.id, str(data.get("pin")))
    return jsonify({"id": user.id, "name": user.display_name, "role": user.role})


@api_bp.delete("/cashier")
@api(*TILL)
@documented("/pos/cashier", "DELETE", "The till's PIN cashier signs out: the token's user serves the till again",
            OBJ, parameters=TERMINAL_HEADER)
def cashier_release():
    terminal, _cashier = _till()
    if terminal.cashier_id:
        service.sign_out_cashier(terminal)
    return jsonify({"id": g.user.id, "name": g.user.display_name, "role": g.user.role})


@api_bp.get("/terminals")
@api(*TILL)
@documented("/pos/terminals", "GET", "The active tills a device may say it is (X-Pos-Terminal)", OBJ)
def terminal_list():
    return jsonify({"items": [{"id": t.id, "code": t.code, "name": t.name, "printer": t.printer_kind}
                              for t in service.terminals(active_only=True)]})


@api_bp.get("/items")
@api(*TILL)
@documented("/pos/items", "GET", "Items found by code, barcode or name (q) with their shelf price, VAT included",
            OBJ, parameters=[{"name": "q", "in": "query", "schema": {"type": "string"}}])
def item_search():
    from equisis.catalog import service as catalog
    today, language = dt.date.today(), g.user.language
    customer = tickets.find_customer(request.args.get("customer_id") or None)
    categories = tickets.customer_categories(customer) if customer is not None else ()
    found = []
    for item in catalog.lookup(request.args.get("q", ""), limit=min(20, request.args.get("limit", 12, type=int))):
        price, label = tickets.shelf_price_e4(item, today, customer=customer, categories=categories)
        found.append({"item_code": item.code, "description": catalog.label(item, language), "unit": item.sale_unit_id,
                      "unit_price_e4": price, "sale_label": label, "active": item.active})
    return jsonify({"items": found})


def _customer_json(party) -> dict:
    return {"id": party.id, "name": party.name, "vat_number": party.vat_number, "language": party.language}


@api_bp.get("/customers")
@api(*TILL)
@documented("/pos/customers", "GET", "Customers found by name, VAT number or id (q), for the till", OBJ,
            parameters=[{"name": "q", "in": "query", "schema": {"type": "string"}}])
def customer_search():
    from equisis.parties import service as parties
    return jsonify({"items": [_customer_json(p) for p in parties.search(request.args.get("q", ""), limit=10,
                                                                         role="customer")]})


@api_bp.get("/customers/<int:party_id>")
@api(*TILL)
@documented("/pos/customers/{party_id}", "GET", "A customer with their last tickets (purchase history at the till)",
            OBJ)
def customer_get(party_id: int):
    from equisis.parties import service as parties
    from equisis.pos.errors import CustomerNotFound
    try:
        party = parties.find_party(party_id)
    except EquisisError:
        raise CustomerNotFound(customer=party_id)
    recent = Ticket.select().where(Ticket.customer_id == party.id).order_by(Ticket.id.desc()).limit(10)
    history = [{"id": t.id, "number": t.number, "day": t.day.isoformat(), "kind": t.kind,
                "to_pay_cents": t.to_pay_cents,
                "items": [x.description for x in t.lines.order_by(TicketLine.position).limit(4)]}
               for t in recent]
    return jsonify({**_customer_json(party), "history": history})


@api_bp.post("/sessions")
@api(*TILL)
@documented("/pos/sessions", "POST", "Open the till's cash session: {float_cents} or {counts: {\"5000\": 2, …}}",
            OBJ, parameters=TERMINAL_HEADER)
def session_open():
    terminal, cashier = _till()
    data = _body()
    session = sessions.open_session(terminal, cashier, float_cents=data.get("float_cents"), counts=data.get("counts"))
    return jsonify(_session_dict(session)), 201


@api_bp.get("/sessions/current")
@api(*TILL)
@documented("/pos/sessions/current", "GET", "The till's open session (404 when none)", OBJ, parameters=TERMINAL_HEADER)
def session_current():
    terminal, _cashier = _till()
    return jsonify(_session_dict(sessions.require_open(terminal)))


@api_bp.post("/sessions/<int:session_id>/movements")
@api(*TILL)
@documented("/pos/sessions/{session_id}/movements", "POST", "Cash in or out: {direction: in|out, amount_cents, reason}", OBJ)
def session_movement(session_id: int):
    _terminal, cashier = _till()
    data = _body()
    row = sessions.add_movement(session_id, cashier, direction=data.get("direction"),
                                amount_cents=data.get("amount_cents"), reason=data.get("reason") or "")
    return jsonify({"id": row.id, "direction": row.direction, "amount_cents": row.amount_cents}), 201


@api_bp.post("/sessions/<int:session_id>/close")
@api(*TILL)
@documented("/pos/sessions/{session_id}/close", "POST", "Close with the count: {counts, confirmed_by?: {user_id, pin}, key?} "
            "→ {expected_cents, counted_cents, difference_cents, entry_id}; closed already → 409", OBJ)
def session_close(session_id: int):
    _terminal, cashier = _till()
    data = _body()
    controller = _pin_user(data.get("confirmed_by"))
    result = sessions.close_session(session_id, cashier, counts=data.get("counts") or {}, confirmed_by=controller,
                                    key=data.get("key"))
    _archive_after_commit(reports.archive_z, g.company, result.session_id)
    return jsonify({"session_id": result.session_id, "expected_cents": result.expected_cents,
                    "counted_cents": result.counted_cents, "difference_cents": result.difference_cents,
                    "entry_id": result.entry_id})


def _pdf(session_id: int, kind: str) -> Response:
    session = sessions.find_session(session_id)
    if kind == "z" and session.state != "closed":
        from equisis.pos.errors import SessionNotFound
        raise SessionNotFound(session=session_id)
    data = reports.session_pdf(session_id, language=g.user.language, company_folder=g.company.folder)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{kind}-{session_id}.pdf"'})


@api_bp.get("/sessions/<int:session_id>/x.pdf")
@api(*BACK_OFFICE)
@documented("/pos/sessions/{session_id}/x.pdf", "GET", "X report (PDF)", {"type": "string", "format": "binary"})
def session_x(session_id: int):
    return _pdf(session_id, "x")


@api_bp.get("/sessions/<int:session_id>/z.pdf")
@api(*BACK_OFFICE)
@documented("/pos/sessions/{session_id}/z.pdf", "GET", "Z report of a closed session (PDF)", {"type": "string", "format": "binary"})
def session_z(session_id: int):
    return _pdf(session_id, "z")


@api_bp.get("/scan")
@api(*TILL)
@documented("/pos/scan", "GET", "What a code is: {kind: item|voucher|ticket|card, …}; EAN-13 2P IIIII VVVVV C: "
            "20–24 price in cents, 25–29 weight in grams; with customer_id the customer's price list prices the item; "
            "unknown → 404", OBJ,
            parameters=[{"name": "code", "in": "query", "schema": {"type": "string"}},
                        {"name": "customer_id", "in": "query", "schema": {"type": "integer"}}])
def scan():
    return jsonify(tickets.scan(request.args.get("code", ""), language=g.user.language,
                                customer_id=request.args.get("customer_id") or None))


def _ticket_request(data: dict) -> tickets.TicketRequest:
    return tickets.TicketRequest(
        uuid=data.get("uuid"), session_id=data.get("session_id"), lines=data.get("lines") or [],
        payments=data.get("payments") or [], customer_id=data.get("customer_id"), invoice=bool(data.get("invoice")),
        supervisor=data.get("supervisor"), card_code=data.get("card_code"),
        redeem_reward_id=data.get("redeem_reward_id"), discount_vouchers=data.get("discount_vouchers") or [],
        parked_id=data.get("parked_id"))


@api_bp.post("/preview")
@api(*TILL)
@documented("/pos/preview", "POST", "Totals of a basket, nothing saved: {lines, customer_id, payments} → totals, VAT, "
            "rounding line (cash only), change, short", OBJ)
def preview():
    data = _body()
    request_ = _ticket_request({**data, "uuid": data.get("uuid") or "00000000-0000-0000-0000-000000000000",
                                "session_id": 0})
    return jsonify(tickets.preview(request_, language=g.user.language))


@api_bp.post("/tickets")
@api(*TILL)
@documented("/pos/tickets", "POST", "Validate a ticket: {uuid, session_id, customer_id?, lines: [{item_code, "
            "quantity_milli, unit_price_e4?, discount_bp?, refund_of_line_id?, gift_voucher_cents?}], payments: "
            "[{method, amount_cents, voucher_code?}], discount_vouchers?, invoice?, supervisor?, card_code?, "
            "redeem_reward_id?} → the ticket (201; the same uuid again → the same ticket, 200)", OBJ,
            parameters=TERMINAL_HEADER)
def ticket_create():
    terminal, cashier = _till()
    ticket, created = tickets.create_ticket(terminal, cashier, _ticket_request(_body()), language=g.user.language)
    if created:
        _print_now(ticket_id=ticket.id)
    invoice = counter.invoice_of_ticket(ticket.id)
    if invoice is not None:
        _archive_after_commit(invoice_pdf.archive, g.company, invoice)
    return jsonify(tickets.ticket_dict(ticket)), 201 if created else 200


@api_bp.get("/tickets/<int:ticket_id>")
@api(*BACK_OFFICE)
@documented("/pos/tickets/{ticket_id}", "GET", "A ticket with its lines, payments and print status", OBJ)
def ticket_get(ticket_id: int):
    return jsonify(tickets.ticket_dict(tickets.find_ticket(ticket_id)))


@api_bp.get("/tickets/by-barcode/<code>")
@api(*TILL)
@documented("/pos/tickets/by-barcode/{code}", "GET", "The ticket a return starts from (lines with refundable_milli)", OBJ)
def ticket_by_barcode(code: str):
    return jsonify(tickets.ticket_dict(tickets.find_by_barcode(code)))


@api_bp.post("/tickets/<int:ticket_id>/reprint")
@api(*TILL)
@documented("/pos/tickets/{ticket_id}/reprint", "POST", "Print a copy (DUPLICATE) on this till → the job", OBJ,
            parameters=TERMINAL_HEADER)
def ticket_reprint(ticket_id: int):
    terminal, _cashier = _till()
    job = printing.reprint(tickets.find_ticket(ticket_id), terminal)
    printing.process_job(job.id)
    return jsonify(printing.job_dict(printing.find_job(job.id)))


@api_bp.get("/tickets/<int:ticket_id>.pdf")
@api(*BACK_OFFICE)
@documented("/pos/tickets/{ticket_id}.pdf", "GET", "The ticket as an 80 mm PDF", {"type": "string", "format": "binary"})
def ticket_pdf(ticket_id: int):
    from equisis.pos import receipt
    data = receipt.pdf_ticket(printing.receipt_data(tickets.find_ticket(ticket_id), copy=True))
    return Response(data, mimetype="application/pdf")


@api_bp.get("/tickets/<int:ticket_id>/invoice.pdf")
@api(*BACK_OFFICE)
@documented("/pos/tickets/{ticket_id}/invoice.pdf", "GET", "The invoice of a ticket (invoiced at the till or on the "
            "month's invoice), as archived; 404 when the ticket has no invoice", {"type": "string", "format": "binary"})
def ticket_invoice_pdf(ticket_id: int):
    invoice = counter.require_invoice_of_ticket(tickets.find_ticket(ticket_id))
    return invoice_response(invoice)


def invoice_response(invoice) -> Response:
    name = invoice.number.replace("/", "-")
    return Response(invoice_pdf.pdf_of(g.company, invoice), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


@api_bp.post("/print-jobs/<int:job_id>/retry")
@api(*TILL)
@documented("/pos/print-jobs/{job_id}/retry", "POST", "Send a queued job again → the job", OBJ)
def print_retry(job_id: int):
    return jsonify(printing.job_dict(printing.process_job(job_id)))


@api_bp.post("/parked")
@api(*TILL)
@documented("/pos/parked", "POST", "Park a basket: {uuid, lines, customer_id?, label?, total_cents?}", OBJ,
            parameters=TERMINAL_HEADER)
def parked_create():
    terminal, cashier = _till()
    data = _body()
    row, created = parked.park(terminal, cashier, uuid=data.get("uuid"), lines=data.get("lines"),
                               customer_id=data.get("customer_id"), label=data.get("label") or "",
                               total_cents=data.get("total_cents") or 0)
    return jsonify(parked.parked_dict(row)), 201 if created else 200


@api_bp.get("/parked")
@api(*TILL)
@documented("/pos/parked", "GET", "Every parked basket, from all tills", OBJ)
def parked_list():
    return jsonify({"items": [parked.parked_dict(p) for p in parked.parked_sales()]})


@api_bp.post("/parked/<int:parked_id>/resume")
@api(*TILL)
@documented("/pos/parked/{parked_id}/resume", "POST", "Take a parked basket up on this till (a second time → 409)", OBJ,
            parameters=TERMINAL_HEADER)
def parked_resume(parked_id: int):
    terminal, cashier = _till()
    return jsonify(parked.parked_dict(parked.resume(parked_id, terminal, cashier)))


@api_bp.get("/vouchers/<code>")
@api(*TILL)
@documented("/pos/vouchers/{code}", "GET", "A voucher's kind, balance, validity and state", OBJ)
def voucher_get(code: str):
    return jsonify(vouchers.view(vouchers.find(code)).as_dict())


@api_bp.post("/drawer")
@api(*TILL)
@documented("/pos/drawer", "POST", "Open the drawer without a sale: {reason, supervisor?: {user_id, pin}}", OBJ,
            parameters=TERMINAL_HEADER)
def drawer():
    terminal, cashier = _till()
    data = _body()
    missing = [] if service.rights_of_role(cashier.role).get("drawer") else ["drawer"]
    supervisor = service.authorise(cashier, missing, data.get("supervisor"))
    session = sessions.require_open(terminal)
    sessions.record_drawer_opening(session, cashier, supervisor, data.get("reason") or "")
    job = printing.queue(terminal, "drawer") if terminal.printer_kind != "none" else None
    if job is not None:
        job = printing.process_job(job.id)
    return jsonify({"opened": True, "print": printing.job_dict(job) if job else None})


@api_bp.get("/cards/<code>")
@api(*TILL)
@documented("/pos/cards/{code}", "GET", "A loyalty card: its customer, points, stamps and rewards", OBJ)
def card_get(code: str):
    from equisis.pos import loyalty
    card = loyalty.find_card(code)
    if card is None:
        from equisis.pos.errors import UnknownCode
        raise UnknownCode(code=code[:40])
    held = loyalty.balance(card.id)
    return jsonify({"id": card.id, "code": card.code, "party_id": card.party_id, "points": held.points,
                    "stamps": held.stamps, "rewards": [{"id": r.id, "name": r.name, "kind": r.kind,
                                                        "value_cents": r.value_cents}
                                                       for r in loyalty.rewards_available(card.id)]})


# =========================================================================== back office

SESSION_LIST = listing.ListSpec(
    name="pos-sessions",
    query=lambda: CashSession.select(CashSession, PosTerminal).join(PosTerminal),
    columns=(
        listing.Column("id", N_("No."), CashSession.id, kind="number"),
        listing.Column("terminal", N_("Till"), PosTerminal.code, value=lambda s: s.terminal.name),
        listing.Column("state", N_("State"), CashSession.state),
        listing.Column("opened_at", N_("Opened"), CashSession.opened_at, value=lambda s: s.opened_at[:16]),
        listing.Column("closed_at", N_("Closed"), CashSession.closed_at, value=lambda s: (s.closed_at or "")[:16]),
        listing.Column("float", N_("Float"), CashSession.float_cents, kind="money",
                       value=lambda s: from_cents(s.float_cents)),
        listing.Column("difference", N_("Difference"), CashSession.difference_cents, kind="money",
                       value=lambda s: from_cents(s.difference_cents) if s.difference_cents is not None else None),
    ),
    filters=(listing.Filter("state", N_("State"), CashSession.state, (("open", N_("open")), ("closed", N_("closed")))),),
    default_sort="id", default_desc=True,
    row_link=lambda s: f"sessions/{s.id}",
)

TICKET_LIST = listing.ListSpec(
    name="pos-tickets",
    query=lambda: Ticket.select(Ticket, PosTerminal).join(PosTerminal),
    columns=(
        listing.Column("number", N_("Number"), Ticket.number),
        listing.Column("day", N_("Date"), Ticket.day, kind="date"),
        listing.Column("terminal", N_("Till"), PosTerminal.code, value=lambda t: t.terminal.code),
        listing.Column("kind", N_("Kind"), Ticket.kind),
        listing.Column("net", N_("Excl. VAT"), Ticket.net_cents, kind="money", value=lambda t: from_cents(t.net_cents)),
        listing.Column("vat", N_("VAT"), Ticket.vat_cents, kind="money", value=lambda t: from_cents(t.vat_cents)),
        listing.Column("to_pay", N_("To pay"), Ticket.to_pay_cents, kind="money",
                       value=lambda t: from_cents(t.to_pay_cents)),
        listing.Column("session", N_("Session"), Ticket.session, kind="number", value=lambda t: t.session_id),
    ),
    search=(Ticket.number, Ticket.barcode),
    filters=(listing.Filter("kind", N_("Kind"), Ticket.kind, (("sale", N_("sale")), ("refund", N_("refund")))),),
    default_sort="number", default_desc=True,
)


@bp.get("/")
@roles(*BACK_OFFICE)
def home():
    return listing.respond(SESSION_LIST, "pos/sessions.html", terminals=service.terminals(),
                           notice=gettext(rules.GKS_NOTICE), stock_mode=service.stock_mode())


@bp.get("/tickets/")
@roles(*BACK_OFFICE)
def ticket_list():
    return listing.respond(TICKET_LIST, "pos/tickets.html")


@bp.get("/sessions/<int:session_id>")
@roles(*BACK_OFFICE)
def session_detail(session_id: int):
    session = sessions.find_session(session_id)
    found = list(Ticket.select().where(Ticket.session == session).order_by(Ticket.id))
    invoices = {t.id: counter.invoice_of_ticket(t.id) for t in found if t.customer_id}
    return render_template("pos/session.html", session=session, rows=reports.summary_rows(session), tickets=found,
                           invoices={k: v for k, v in invoices.items() if v is not None})


@bp.get("/sessions/<int:session_id>/<kind>.pdf")
@roles(*BACK_OFFICE)
def session_report(session_id: int, kind: str):
    if kind not in ("x", "z"):
        from equisis.pos.errors import SessionNotFound
        raise SessionNotFound(session=session_id)
    return _pdf(session_id, kind)


@bp.get("/turnover")
@roles(*BACK_OFFICE)
def turnover():
    today = dt.date.today()
    try:
        start = dt.date.fromisoformat(request.args.get("from") or today.isoformat())
        end = dt.date.fromisoformat(request.args.get("to") or start.isoformat())
    except ValueError:
        start = end = today
    return render_template("pos/turnover.html", found=reports.turnover(start, end, terminal_id=request.args.get(
        "terminal", type=int)), terminals=service.terminals(), methods=rules.METHOD_LABELS)


@bp.post("/counter-invoices")
@roles("accountant", "sales")
def counter_invoice_create():
    month = request.form.get("month") or dt.date.today().strftime("%Y-%m")
    invoice = counter.create_counter_invoice(int(request.form.get("party_id") or 0), month, day=dt.date.today())
    _archive_after_commit(invoice_pdf.archive, g.company, invoice)
    from equisis.web.forms import done
    return done(gettext(N_("Counter invoice {number} created."), number=invoice.number), "pos.home")


# =========================================================================== the till page

TILL_TOKENS = "pos_till_tokens"


@bp.get("/till")
@roles(*TILL)
def till():
    """The till screen: a client of /api/v1/pos with a short-lived token of the signed-in cashier (reused on
    reload, replaced when another cashier signs in with their PIN, revoked at the till's sign-out)."""
    kept = dict(session.get(TILL_TOKENS) or {})
    token = users.session_token(g.company.slug, g.user.id, reuse=kept.get(g.company.slug))
    if kept.get(g.company.slug) != token:
        kept[g.company.slug] = token
        session[TILL_TOKENS] = kept
    response = Response(render_template("pos/till.html", token=token, notice=gettext(rules.GKS_NOTICE)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/till/sign-out")
@roles("*")
def till_sign_out():
    """Leave the till: its token is revoked, the cashier signed out, and the PIN switch asks who comes next."""
    from equisis.web import security
    kept = dict(session.get(TILL_TOKENS) or {})
    users.revoke_token_value(kept.pop(g.company.slug, None))
    session[TILL_TOKENS] = kept
    security.sign_out(g.company.slug)
    return redirect(url_for("users.pin_switch", next=url_for("pos.till")), code=303)
