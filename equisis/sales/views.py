"""Sales on screen and through the API: the invoice list, the keyboard-first entry screen, the detail page
(post, PDF, send, credit), the batch to send or print, the statistics; ``/api/v1/invoices``.

Every view parses its form into typed arguments and calls one service function;
when the service refuses, the form comes back with each problem next to its
field and a 4xx status. Roles: administrators, accountants and sales staff.
"""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, url_for
from peewee import fn

from equisis.catalog import service as catalog
from equisis.core.dates import parse_date
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import N_, current_language, gettext
from equisis.documents import service as documents
from equisis.parties import service as parties
from equisis.sales import delivery, rules, service, stats
from equisis.sales.models import SalesInvoice
from equisis.sales.rules import CREDIT_NOTE, INVOICE, LineInput
from equisis.web import listing
from equisis.web.access import api, roles
from equisis.web.api import documented
from equisis.web.forms import done, field_errors, form_key, submit_once

bp = Blueprint("sales", __name__)
SALES = ("accountant", "sales")
PREFIX = "/c/<slug>/sales"
KIND_LABELS = {INVOICE: N_("Invoice"), CREDIT_NOTE: N_("Credit note")}
STATE_LABELS = {rules.DRAFT: N_("Draft"), rules.POSTED: N_("Posted")}
LINE_FIELDS = ("item", "description", "quantity", "unit_price", "discount", "vat_rate")


def _role() -> str:
    return g.user.role


def _messages(exc: EquisisError) -> list[str]:
    return [p.message() for p in exc.problems] if isinstance(exc, ValidationErrors) else [exc.message()]


def _money_text(cents: int) -> str:
    from equisis.web.templating import money

    return money(cents)


# --------------------------------------------------------------------------- reading the entry form

def _typed_lines(form) -> list[LineInput]:
    numbers = sorted({int(m.group(1)) for k in form for m in [re.match(r"lines-(\d{1,3})-", k)] if m})
    typed = []
    for n in numbers:
        values = {f: (form.get(f"lines-{n}-{f}") or "").strip() for f in LINE_FIELDS}
        typed.append(LineInput(item=values["item"], description=values["description"],
                               quantity=values["quantity"] or "1", unit_price=values["unit_price"] or None,
                               discount=values["discount"] or None, vat_rate=values["vat_rate"] or None))
    return typed


def _document_input(form, problems: list) -> service.DocumentInput:
    text = (form.get("date") or "").strip()
    day = dt.date.today()
    if text:
        try:
            day = parse_date(text, field="date")
        except EquisisError as exc:
            problems.append(exc)
    customer = (form.get("customer") or "").strip()
    return service.DocumentInput(
        int(customer) if customer.isdigit() and len(customer) < 18 else None, day, _typed_lines(form),
        kind=form.get("kind") or INVOICE,
        credited_invoice_id=int(form["credited_invoice"]) if (form.get("credited_invoice") or "").isdigit() else None,
        customer_reference=form.get("customer_reference") or "", notes=form.get("notes") or "")


def _form_page(form: dict, *, invoice=None, errors=None, problems=(), status=200):
    customer = None
    if (form.get("customer") or "").isdigit():
        try:
            customer = parties.find_party(int(form["customer"]))
        except EquisisError:
            customer = None
    typed = _typed_lines(form)
    rows = [{f: getattr(t, f) or "" for f in LINE_FIELDS} for t in typed]
    rows += [dict.fromkeys(LINE_FIELDS, "") for _ in range(max(1, 3 - len(rows)))]
    credited = service.find_invoice(form["credited_invoice"]) if (form.get("credited_invoice") or "").isdigit() \
        else None
    return render_template("sales/invoice_form.html", form=form, rows=rows, customer=customer, invoice=invoice,
                           credited=credited, errors=errors or {}, problems=list(problems),
                           kind=form.get("kind") or INVOICE, kinds=KIND_LABELS), status


def _form_of(invoice: SalesInvoice) -> dict:
    form = {"customer": str(invoice.party_id), "customer_name": invoice.party_name, "kind": invoice.kind,
            "date": invoice.date.strftime("%d/%m/%Y"), "customer_reference": invoice.customer_reference,
            "notes": invoice.notes, "credited_invoice": str(invoice.credited_invoice_id or "")}
    include_fees = invoice.kind == CREDIT_NOTE
    for n, typed in enumerate(service.typed_lines_of(invoice, include_fees=include_fees), start=1):
        form.update({f"lines-{n}-item": typed.item, f"lines-{n}-description": typed.description,
                     f"lines-{n}-quantity": _plain(typed.quantity), f"lines-{n}-unit_price": _plain(typed.unit_price),
                     f"lines-{n}-discount": _plain(typed.discount) if typed.discount else "",
                     f"lines-{n}-vat_rate": str(typed.vat_rate // 100)})
    return form


def _plain(number) -> str:
    text = format(number.normalize(), "f") if hasattr(number, "normalize") else str(number)
    return text.replace(".", ",")


# --------------------------------------------------------------------------- the list

def _months() -> tuple:
    rows = SalesInvoice.select(fn.SUBSTR(SalesInvoice.date, 1, 7).alias("m")).distinct().order_by(
        fn.SUBSTR(SalesInvoice.date, 1, 7).desc()).limit(36).dicts()
    return tuple((r["m"], r["m"]) for r in rows)


def _customers() -> tuple:
    rows = SalesInvoice.select(SalesInvoice.party, fn.MAX(SalesInvoice.party_name).alias("name")).group_by(
        SalesInvoice.party).order_by(fn.MAX(SalesInvoice.party_name)).limit(200).dicts()
    return tuple((str(r["party"]), r["name"]) for r in rows)


def _invoices_spec() -> listing.ListSpec:
    return listing.ListSpec(
        name="invoices",
        query=lambda: SalesInvoice.select(),
        columns=(
            listing.Column("number", "Number", SalesInvoice.number, value=lambda i: i.number or gettext("draft")),
            listing.Column("kind", "Kind", SalesInvoice.kind, value=lambda i: gettext(KIND_LABELS[i.kind])),
            listing.Column("date", "Date", SalesInvoice.date, kind="date"),
            listing.Column("customer", "Customer", SalesInvoice.party_name, value=lambda i: i.party_name),
            listing.Column("net", "Excl. VAT", SalesInvoice.net_cents, kind="money", value=lambda i: i.net_cents),
            listing.Column("total", "Total", SalesInvoice.total_cents, kind="money", value=lambda i: i.total_cents),
            listing.Column("due_date", "Due date", SalesInvoice.due_date, kind="date"),
            listing.Column("state", "Status", SalesInvoice.state, value=lambda i: gettext(STATE_LABELS[i.state])),
        ),
        search=(SalesInvoice.number, SalesInvoice.party_name, SalesInvoice.customer_reference),
        filters=(listing.Filter("state", "Status", SalesInvoice.state, tuple(STATE_LABELS.items())),
                 listing.Filter("kind", "Kind", SalesInvoice.kind, tuple(KIND_LABELS.items())),
                 listing.Filter("customer", "Customer", SalesInvoice.party, _customers()),
                 listing.Filter("period", "Month", fn.SUBSTR(SalesInvoice.date, 1, 7), _months())),
        default_sort="date", default_desc=True,
        row_link=lambda i: url_for("sales.invoice_detail", invoice_id=i.id),
    )


@bp.get(f"{PREFIX}/")
@roles(*SALES)
def invoices():
    return listing.respond(_invoices_spec(), "sales/invoices.html")


# --------------------------------------------------------------------------- entry screen

@bp.route(f"{PREFIX}/invoices/new", methods=["GET", "POST"])
@roles(*SALES)
def invoice_new():
    """The keyboard-first entry screen (static/js/sales.js): customer, then lines by code, name or barcode."""
    if request.method == "GET":
        return _form_page({"kind": INVOICE, "date": dt.date.today().strftime("%d/%m/%Y")})
    form = request.form.to_dict()
    problems: list[EquisisError] = []
    doc = _document_input(request.form, problems)
    try:
        if problems:
            raise ValidationErrors(problems)
        ref, _created = submit_once("sales.invoice", lambda: service.create_invoice(doc, role=_role()).id)
        invoice = service.find_invoice(int(ref))
        if request.form.get("then") == "post":
            invoice = service.post_invoice(invoice.id, role=_role())
    except EquisisError as exc:
        return _form_page(form, errors=field_errors(exc), problems=_messages(exc), status=exc.status)
    return redirect(url_for("sales.invoice_detail", invoice_id=invoice.id), code=303)


@bp.route(f"{PREFIX}/invoices/<int:invoice_id>/edit", methods=["GET", "POST"])
@roles(*SALES)
def invoice_edit(invoice_id: int):
    invoice = service.find_invoice(invoice_id)
    if request.method == "GET":
        return _form_page(_form_of(invoice), invoice=invoice)
    problems: list[EquisisError] = []
    doc = _document_input(request.form, problems)
    try:
        if problems:
            raise ValidationErrors(problems)
        invoice = service.update_draft(invoice_id, doc, role=_role())
        if request.form.get("then") == "post":
            invoice = service.post_invoice(invoice.id, role=_role(), key=form_key())
    except EquisisError as exc:
        return _form_page(request.form.to_dict(), invoice=invoice, errors=field_errors(exc),
                          problems=_messages(exc), status=exc.status)
    return redirect(url_for("sales.invoice_detail", invoice_id=invoice.id), code=303)


@bp.post(f"{PREFIX}/invoices/preview")
@roles(*SALES)
def invoice_preview():
    """Live totals of the entry screen (JSON): each line's price (price list applied), net, margin; totals."""
    problems: list[EquisisError] = []
    doc = _document_input(request.form, problems)
    try:
        result = service.preview(doc, role=_role())
    except EquisisError as exc:
        return jsonify({"lines": [], "problems": _messages(exc)})
    lines = [{"typed": x.typed_no, "fee": x.is_fee, "item": x.item_code or "", "description": x.description,
              "quantity": x.qty_milli, "unit_price": _money_text_e4(x.unit_price_e4),
              "unit_price_e4": x.unit_price_e4, "discount_bp": x.discount_bp, "vat_rate": x.vat_rate_bp // 100,
              "source": x.price_source, "net": _money_text(x.amounts.net_cents),
              "margin": _money_text(x.amounts.margin_cents), "net_cents": x.amounts.net_cents}
             for x in result.lines]
    totals = result.totals
    return jsonify({"lines": lines, "problems": [p.message() for p in problems + result.problems],
                    "totals": {"net": _money_text(totals.net_cents), "vat": _money_text(totals.vat_cents),
                               "total": _money_text(totals.total_cents), "margin": _money_text(totals.margin_cents),
                               "total_cents": totals.total_cents, "margin_cents": totals.margin_cents}})


def _money_text_e4(price_e4: int) -> str:
    from equisis.documents.rules import format_amount
    from decimal import Decimal

    return format_amount(Decimal(price_e4).scaleb(-4).normalize() if price_e4 % 100 else price_e4 // 100,
                         current_language())


@bp.get(f"{PREFIX}/customers/search")
@roles(*SALES)
def customer_search():
    text = (request.args.get("q") or "").strip()[:60]
    return render_template("sales/_customer_options.html",
                           found=parties.search(text, role="customer") if text else [])


@bp.get(f"{PREFIX}/items/search")
@roles(*SALES)
def item_search():
    """Items an item field proposes: the exact code, a barcode, then names (JSON for sales.js)."""
    text = (request.args.get("q") or "").strip()[:60]
    language = current_language()
    found = catalog.lookup(text, limit=8) if text else []
    exact = bool(found) and (found[0].code == text.upper() or catalog.find_by_barcode(text) is not None)
    return jsonify({"exact": exact, "items": [
        {"code": i.code, "label": catalog.label(i, language), "price": _money_text_e4(i.sale_price_e4),
         "vat_rate": i.vat_rate_bp // 100, "active": bool(i.active)} for i in found]})


# --------------------------------------------------------------------------- detail and actions

def _detail_page(invoice_id: int, *, errors=None, status=200):
    invoice = service.find_invoice(invoice_id)
    result = service.tax_result_of(invoice)
    return render_template(
        "sales/invoice_detail.html", invoice=invoice, lines=service.lines_of(invoice), result=result,
        warnings=[w.message() for w in service.warnings_of(invoice)], credited=(
            service.find_invoice(invoice.credited_invoice_id) if invoice.credited_invoice_id else None),
        credit_notes=service.credit_notes_of(invoice), deliveries=service.deliveries_of(invoice),
        archived=documents.documents_of(service.SOURCE_TYPE, invoice.id), kinds=KIND_LABELS, states=STATE_LABELS,
        ogm=rules.format_ogm(invoice.ogm) if invoice.ogm else "", errors=errors or {},
        can_see_entry=g.user.role in ("admin", "accountant"),
        email=_default_email(invoice), today=dt.date.today().strftime("%d/%m/%Y")), status


def _default_email(invoice) -> str:
    party = parties.find_party(invoice.party_id)
    return parties.email_for_invoices(party) or party.email or ""


@bp.get(f"{PREFIX}/invoices/<int:invoice_id>")
@roles(*SALES)
def invoice_detail(invoice_id: int):
    return _detail_page(invoice_id)


@bp.post(f"{PREFIX}/invoices/<int:invoice_id>/post")
@roles(*SALES)
def invoice_post(invoice_id: int):
    try:
        invoice = service.post_invoice(invoice_id, role=_role(), key=form_key())
    except EquisisError as exc:
        return _detail_page(invoice_id, errors={"": _messages(exc)}, status=exc.status)
    return done(gettext("{number} posted.", number=invoice.number), "sales.invoice_detail", invoice_id=invoice.id)


@bp.post(f"{PREFIX}/invoices/<int:invoice_id>/delete")
@roles(*SALES)
def invoice_delete(invoice_id: int):
    try:
        service.delete_draft(invoice_id)
    except EquisisError as exc:
        return _detail_page(invoice_id, errors={"": _messages(exc)}, status=exc.status)
    return done(gettext("Draft deleted."), "sales.invoices")


@bp.get(f"{PREFIX}/invoices/<int:invoice_id>/pdf")
@roles(*SALES)
def invoice_pdf(invoice_id: int):
    """The PDF, opened in the browser; a posted document is archived on every print."""
    content, _row = delivery.print_invoice(g.company, invoice_id)
    invoice = service.find_invoice(invoice_id)
    name = (invoice.number or f"draft-{invoice.id}").replace("/", "-")
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


@bp.post(f"{PREFIX}/invoices/<int:invoice_id>/send")
@roles(*SALES)
def invoice_send(invoice_id: int):
    try:
        sent = delivery.send_invoice(g.company, invoice_id, to=request.form.get("to") or None)
    except EquisisError as exc:
        return _detail_page(invoice_id, errors={"": _messages(exc)}, status=exc.status)
    return done(gettext("Sent to {recipients}.", recipients=", ".join(sent.recipients)), "sales.invoice_detail",
                invoice_id=invoice_id)


@bp.post(f"{PREFIX}/invoices/<int:invoice_id>/credit")
@roles(*SALES)
def invoice_credit(invoice_id: int):
    """A draft credit note pre-filled with the invoice's lines; the user lowers quantities to credit part."""
    try:
        day = parse_date(request.form.get("date") or dt.date.today().isoformat(), field="date")
        ref, _ = submit_once("sales.credit", lambda: service.credit_invoice(invoice_id, day=day, role=_role()).id)
    except EquisisError as exc:
        return _detail_page(invoice_id, errors={"": _messages(exc)}, status=exc.status)
    return redirect(url_for("sales.invoice_edit", invoice_id=int(ref)), code=303)


# --------------------------------------------------------------------------- batch

@bp.route(f"{PREFIX}/batch", methods=["GET", "POST"])
@roles(*SALES)
def batch():
    """Send every unsent posted document by e-mail to the customers who asked for it; list the others."""
    result = None
    if request.method == "POST":
        result = delivery.send_batch(g.company)
    by_email, by_post = delivery.batch_plan()
    return render_template("sales/batch.html", by_email=by_email, by_post=by_post, result=result)


@bp.post(f"{PREFIX}/batch/print")
@roles(*SALES)
def batch_print():
    ids = [int(x) for x in request.form.getlist("invoice") if x.isdigit()]
    if not ids:
        return done(gettext("Nothing to print."), "sales.batch")
    content = delivery.print_batch(g.company, ids)
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="invoices-to-print.pdf"'})


# --------------------------------------------------------------------------- statistics

@bp.get(f"{PREFIX}/statistics")
@roles(*SALES)
def statistics():
    dimension = request.args.get("by") or "customer"
    errors, start, end = {}, None, None
    for name in ("start", "end"):
        text = (request.args.get(name) or "").strip()
        if text:
            try:
                value = parse_date(text, field=name)
            except EquisisError as exc:
                errors[name] = [exc.message()]
                continue
            start, end = (value, end) if name == "start" else (start, value)
    rows = stats.statistics(dimension if dimension in stats.DIMENSIONS else "customer", start=start, end=end)
    if request.args.get("export") == "xlsx":
        return Response(stats.to_xlsx(rows, dimension), headers={
            "Content-Disposition": f'attachment; filename="sales-{dimension}.xlsx"'},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return render_template("sales/statistics.html", rows=rows, dimension=dimension, dimensions=stats.DIMENSIONS,
                           chart=stats.bar_chart_svg(rows), errors=errors,
                           total=sum(r.turnover_cents for r in rows), margin=sum(r.margin_cents for r in rows))


# --------------------------------------------------------------------------- API /api/v1/invoices

LINE_SCHEMA = {"type": "object", "properties": {
    "item": {"type": "string"}, "description": {"type": "string"}, "quantity": {"type": "string"},
    "unit_price": {"type": "string"}, "discount": {"type": "string"}, "vat_rate": {"type": "string"},
    "net_cents": {"type": "integer"}}}
INVOICE_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string"}, "state": {"type": "string"},
    "number": {"type": ["string", "null"]}, "date": {"type": "string"}, "due_date": {"type": ["string", "null"]},
    "customer_id": {"type": "integer"}, "customer_name": {"type": "string"}, "ogm": {"type": ["string", "null"]},
    "net_cents": {"type": "integer"}, "vat_cents": {"type": "integer"}, "total_cents": {"type": "integer"},
    "margin_cents": {"type": "integer"}, "credited_invoice_id": {"type": ["integer", "null"]},
    "lines": {"type": "array", "items": LINE_SCHEMA}, "warnings": {"type": "array", "items": {"type": "string"}}}}
KEY_PARAMETER = {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"},
                 "description": "16–80 characters; the same key twice returns the first result"}


def _json_of(invoice: SalesInvoice, *, with_lines: bool = True) -> dict:
    data = {"id": invoice.id, "kind": invoice.kind, "state": invoice.state, "number": invoice.number,
            "date": invoice.date.isoformat(), "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
            "customer_id": invoice.party_id, "customer_name": invoice.party_name,
            "ogm": rules.format_ogm(invoice.ogm) if invoice.ogm else None, "net_cents": invoice.net_cents,
            "vat_cents": invoice.vat_cents, "total_cents": invoice.total_cents, "margin_cents": invoice.margin_cents,
            "credited_invoice_id": invoice.credited_invoice_id}
    if with_lines:
        data["lines"] = [{"item": x.item_code, "description": x.description, "quantity_milli": x.qty_milli,
                          "unit_price_e4": x.unit_price_e4, "discount_bp": x.discount_bp,
                          "vat_rate_bp": x.vat_rate_bp, "net_cents": x.net_cents, "vat_cents": x.vat_cents,
                          "fee": x.is_fee, "income_account": x.income_account} for x in service.lines_of(invoice)]
        data["warnings"] = [w.message() for w in service.warnings_of(invoice)]
    return data


def _api_key(body: dict) -> str | None:
    return request.headers.get("Idempotency-Key") or body.get("idempotency_key") or None


@bp.get("/api/v1/invoices")
@api(*SALES)
@documented("/invoices", "GET", "Sales invoices and credit notes, 100 at a time after a given id",
            {"type": "object", "properties": {"items": {"type": "array", "items": INVOICE_SCHEMA},
                                              "next_after": {"type": ["integer", "null"]}}},
            roles_note="sales, accountant or admin",
            parameters=[{"name": n, "in": "query", "schema": {"type": t}} for n, t in (
                ("after", "integer"), ("state", "string"), ("kind", "string"), ("customer_id", "integer"))])
def api_invoices():
    after = min(max(0, request.args.get("after", 0, type=int)), 2**63 - 1)
    query = SalesInvoice.select().where(SalesInvoice.id > after)
    for name, column in (("state", SalesInvoice.state), ("kind", SalesInvoice.kind)):
        if request.args.get(name):
            query = query.where(column == request.args[name])
    if request.args.get("customer_id", type=int):
        query = query.where(SalesInvoice.party == request.args.get("customer_id", type=int))
    rows = list(query.order_by(SalesInvoice.id).limit(100))
    return jsonify({"items": [_json_of(r, with_lines=False) for r in rows],
                    "next_after": rows[-1].id if len(rows) == 100 else None})


@bp.get("/api/v1/invoices/<int:invoice_id>")
@api(*SALES)
@documented("/invoices/{invoice_id}", "GET", "One sales invoice or credit note with its lines", INVOICE_SCHEMA,
            roles_note="sales, accountant or admin")
def api_invoice(invoice_id: int):
    return jsonify(_json_of(service.find_invoice(invoice_id)))


def _api_lines(body: dict) -> list[LineInput]:
    lines = []
    for raw in body.get("lines") or []:
        if not isinstance(raw, dict):
            continue
        lines.append(LineInput(**{k: (str(v) if v is not None and k != "vat_rate" else v)
                                  for k, v in raw.items() if k in LineInput.__dataclass_fields__}))
    return lines


@bp.post("/api/v1/invoices")
@api(*SALES)
@documented("/invoices", "POST", "Create a draft invoice or credit note (\"post\": true posts it at once); "
            "body: customer_id, date, kind, credited_invoice_id, lines [{item, description, quantity, unit_price, "
            "discount, vat_rate}]", INVOICE_SCHEMA, roles_note="sales, accountant or admin",
            parameters=[KEY_PARAMETER])
def api_invoice_create():
    body = request.get_json(silent=True) or {}
    problems: list[EquisisError] = []
    try:
        day = parse_date(str(body.get("date") or dt.date.today().isoformat()), field="date")
    except EquisisError as exc:
        problems.append(exc)
        day = dt.date.today()
    customer = body.get("customer_id")
    doc = service.DocumentInput(customer if isinstance(customer, int) else None, day, _api_lines(body),
                                kind=body.get("kind") or INVOICE,
                                credited_invoice_id=body.get("credited_invoice_id"),
                                customer_reference=str(body.get("customer_reference") or ""),
                                notes=str(body.get("notes") or ""))
    if problems:
        raise ValidationErrors(problems)
    if body.get("post"):
        invoice = service.create_and_post(doc, role=_role(), key=_api_key(body))
    else:
        invoice = service.create_invoice(doc, role=_role(), key=_api_key(body))
    return jsonify(_json_of(invoice)), 201


@bp.post("/api/v1/invoices/<int:invoice_id>/post")
@api(*SALES)
@documented("/invoices/{invoice_id}/post", "POST",
            "Post a draft: number, OGM, journal entry (posting twice is harmless)", INVOICE_SCHEMA,
            roles_note="sales, accountant or admin", parameters=[KEY_PARAMETER])
def api_invoice_post(invoice_id: int):
    body = request.get_json(silent=True) or {}
    return jsonify(_json_of(service.post_invoice(invoice_id, role=_role(), key=_api_key(body))))


@bp.post("/api/v1/invoices/<int:invoice_id>/credit")
@api(*SALES)
@documented("/invoices/{invoice_id}/credit", "POST", "A draft credit note of a posted invoice: every line, or "
            "\"quantities\" {line position: quantity}; \"post\": true posts it", INVOICE_SCHEMA,
            roles_note="sales, accountant or admin", parameters=[KEY_PARAMETER])
def api_invoice_credit(invoice_id: int):
    body = request.get_json(silent=True) or {}
    day = parse_date(str(body.get("date") or dt.date.today().isoformat()), field="date")
    quantities = None
    if isinstance(body.get("quantities"), dict):
        quantities = {int(k): rules.parse_quantity(str(v), int(k)) for k, v in body["quantities"].items()
                      if str(k).isdigit()}
    note = service.credit_invoice(invoice_id, day=day, quantities=quantities, role=_role(), key=_api_key(body))
    if body.get("post"):
        note = service.post_invoice(note.id, role=_role())
    return jsonify(_json_of(note)), 201
