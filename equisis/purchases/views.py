"""Purchase invoices and credit notes on screen and through /api/v1/purchase-invoices.

The list (search, filters by status, supplier and period, export), the keyboard-first entry form
(static/js/purchases.js: supplier, item and account search, live totals), the detail page
(``purchases.invoice_detail``, the drill-down target of ledger and VAT screens) with its VAT, the
check of the supplier's printed VAT, the warnings to confirm, post / credit / delete actions and the
supplier's PDF. The books' roles only: admin and accountant.
"""
from __future__ import annotations

import io

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, send_file, url_for
from peewee import fn

from equisis.catalog import service as catalog
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import N_, current_language, gettext
from equisis.ledger import service as ledger
from equisis.parties import service as parties
from equisis.parties.models import Party
from equisis.purchases import invoice_form, rules, service
from equisis.purchases.errors import ConfirmationRequired
from equisis.purchases.models import PurchaseInvoice
from equisis.web import listing
from equisis.web.access import api, roles
from equisis.web.api import documented
from equisis.web.forms import field_errors, form_key, submit_once

bp = Blueprint("purchases", __name__)
BOOKS = "accountant"  # admin always passes
PREFIX = "/c/<slug>/purchases"
STATE_LABELS = {"draft": N_("Draft"), "posted": N_("Posted")}
KIND_LABELS = {"invoice": N_("Invoice"), "credit_note": N_("Credit note")}
DEDUCTIBLE_CHOICES = ("100", "50", "0")
INLINE_TYPES = ("pdf", "png", "jpeg")  # shown in the browser; anything else is downloaded


# --------------------------------------------------------------------------- the list

class _PeriodFilter:
    """``field == '2026-03'`` keeps the documents booked in that month."""

    def __eq__(self, value):
        return fn.SUBSTR(PurchaseInvoice.booking_date, 1, 7) == value

    __hash__ = object.__hash__


def list_spec() -> listing.ListSpec:
    suppliers = (Party.select(Party.id, Party.name).where(Party.id.in_(PurchaseInvoice.select(
        PurchaseInvoice.supplier).distinct())).order_by(Party.name))
    periods = tuple((p.code, p.code) for p in ledger.periods())
    return listing.ListSpec(
        name="purchases",
        query=lambda: PurchaseInvoice.select(PurchaseInvoice, Party).join(Party),
        columns=(
            listing.Column("number", "Number", PurchaseInvoice.number, value=lambda r: r.number or ""),
            listing.Column("kind", "Kind", PurchaseInvoice.kind, value=lambda r: gettext(KIND_LABELS[r.kind])),
            listing.Column("supplier", "Supplier", Party.name, value=lambda r: r.supplier.name),
            listing.Column("supplier_ref", "Supplier reference", PurchaseInvoice.supplier_ref),
            listing.Column("invoice_date", "Invoice date", PurchaseInvoice.invoice_date, kind="date"),
            listing.Column("booking_date", "Booked on", PurchaseInvoice.booking_date, kind="date"),
            listing.Column("due_date", "Due date", PurchaseInvoice.due_date, kind="date"),
            listing.Column("net", "Excl. VAT", PurchaseInvoice.net_cents, kind="money", value=lambda r: r.net_cents),
            listing.Column("vat", "VAT", PurchaseInvoice.vat_cents, kind="money", value=lambda r: r.vat_cents),
            listing.Column("total", "Total", PurchaseInvoice.total_cents, kind="money",
                           value=lambda r: r.total_cents),
            listing.Column("state", "Status", PurchaseInvoice.state, value=lambda r: gettext(STATE_LABELS[r.state])),
        ),
        search=(PurchaseInvoice.number, PurchaseInvoice.supplier_ref, Party.name, PurchaseInvoice.notes),
        filters=(listing.Filter("state", "Status", PurchaseInvoice.state, tuple(STATE_LABELS.items())),
                 listing.Filter("kind", "Kind", PurchaseInvoice.kind, tuple(KIND_LABELS.items())),
                 listing.Filter("supplier", "Supplier", PurchaseInvoice.supplier,
                                tuple((str(p.id), p.name) for p in suppliers)),
                 listing.Filter("period", "Period", _PeriodFilter(), periods)),
        default_sort="booking_date", default_desc=True,
        row_link=lambda r: url_for("purchases.invoice_detail", invoice_id=r.id),
    )


@bp.get(f"{PREFIX}/")
@roles(BOOKS)
def invoice_list():
    return listing.respond(list_spec(), "purchases/list.html")


# --------------------------------------------------------------------------- the entry form

def _form_page(state, *, errors=None, invoice=None, status: int = 200):
    original = None
    if state.head.get("credit_of", "").isdigit():
        try:
            original = service.find_invoice(int(state.head["credit_of"]))
        except EquisisError:
            original = None
    rows = state.lines + [dict.fromkeys(invoice_form.LINE_COLUMNS, "") for _ in range(max(1, 3 - len(state.lines)))]
    return render_template("purchases/form.html", state=state, rows=rows, errors=errors or {}, invoice=invoice,
                           original=original, categories=rules.CATEGORY_LABELS,
                           deductible_choices=DEDUCTIBLE_CHOICES,
                           blank=dict.fromkeys(invoice_form.LINE_COLUMNS, "")), status


def _read_form():
    state, data, problems = invoice_form.read(request.form)
    if problems:
        raise _Refused(state, ValidationErrors(problems))
    return state, data


class _Refused(Exception):
    def __init__(self, state, error):
        self.state, self.error = state, error


def _after_save(invoice):
    """'Save and post' tries to post at once; warnings send the user to the detail page to confirm."""
    if request.form.get("then") != "post":
        flash(gettext("Draft saved."), "success")
        return redirect(url_for("purchases.invoice_detail", invoice_id=invoice.id), code=303)
    try:
        invoice = service.post_invoice(invoice.id, role=g.user.role)
    except ConfirmationRequired:
        flash(gettext("Draft saved. Please check the warnings before posting."), "warning")
    except EquisisError as exc:
        flash(exc.message(), "error")
    else:
        flash(gettext("Posted as {number}.", number=invoice.number), "success")
    return redirect(url_for("purchases.invoice_detail", invoice_id=invoice.id), code=303)


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@roles(BOOKS)
def invoice_new():
    if request.method == "POST":
        try:
            state, data = _read_form()
            ref, _created = submit_once("purchases.invoice", lambda: service.create_invoice(data).id)
        except _Refused as refused:
            return _form_page(refused.state, errors=field_errors(refused.error), status=refused.error.status)
        except EquisisError as exc:
            return _form_page(invoice_form.read(request.form)[0], errors=field_errors(exc), status=exc.status)
        return _after_save(service.find_invoice(int(ref)))
    credit_of = request.args.get("credit_of", type=int)
    if credit_of:
        original = service.find_invoice(credit_of)
        data = service.input_of(original)
        data = rules.InvoiceInput(original.supplier_id, "", None, data.lines, kind=rules.CREDIT_NOTE,
                                  import_deferral=original.import_deferral, credit_of_id=original.id)
        state = invoice_form.state_of(data, supplier_name=original.supplier.name)
    else:
        state = invoice_form.FormState({"kind": request.args.get("kind", rules.INVOICE)}, [])
    return _form_page(state)


@bp.route(f"{PREFIX}/<int:invoice_id>/edit", methods=["GET", "POST"])
@roles(BOOKS)
def invoice_edit(invoice_id: int):
    invoice = service.find_invoice(invoice_id)
    if request.method == "POST":
        try:
            state, data = _read_form()
            service.update_invoice(invoice.id, data)
        except _Refused as refused:
            return _form_page(refused.state, errors=field_errors(refused.error), invoice=invoice,
                              status=refused.error.status)
        except EquisisError as exc:
            return _form_page(invoice_form.read(request.form)[0], errors=field_errors(exc), invoice=invoice,
                              status=exc.status)
        return _after_save(service.find_invoice(invoice.id))
    state = invoice_form.state_of(service.input_of(invoice), supplier_name=invoice.supplier.name)
    return _form_page(state, invoice=invoice)


@bp.get(f"{PREFIX}/suppliers/search")
@roles(BOOKS)
def supplier_search():
    """The suppliers the supplier field proposes (htmx / purchases.js)."""
    text = (request.args.get("q") or "").strip()[:60]
    found = parties.search(text, role="supplier") if text else []
    return render_template("purchases/_supplier_options.html", found=found)


@bp.get(f"{PREFIX}/items/search")
@roles(BOOKS)
def item_search():
    """The items an item cell proposes: exact code, barcode, then names."""
    text = (request.args.get("q") or "").strip()[:60]
    language = current_language()
    found = catalog.lookup(text) if text else []
    return render_template("purchases/_item_options.html", found=found, language=language, label=catalog.label)


# --------------------------------------------------------------------------- the detail page

def _detail_page(invoice_id: int, *, errors=None, status: int = 200):
    shown = service.preview(invoice_id)
    invoice = shown.invoice
    entry = ledger.find_entry(invoice.entry_id) if invoice.entry_id else None
    return render_template(
        "purchases/detail.html", invoice=invoice, shown=shown, entry=entry,
        entry_lines=ledger.entry_lines(entry.id) if entry else [], credit_notes=service.credit_notes_of(invoice),
        attachments=service.attachments(invoice.id), categories=rules.CATEGORY_LABELS, kinds=KIND_LABELS,
        states=STATE_LABELS, errors=errors or {}), status


@bp.get(f"{PREFIX}/<int:invoice_id>")
@roles(BOOKS)
def invoice_detail(invoice_id: int):
    """One purchase document: the drill-down target of ledger entries and VAT grids (contracts.md)."""
    return _detail_page(invoice_id)


@bp.post(f"{PREFIX}/<int:invoice_id>/post")
@roles(BOOKS)
def invoice_post(invoice_id: int):
    try:
        invoice = service.post_invoice(invoice_id, role=g.user.role, force=request.form.get("confirm") == "1",
                                       key=form_key())
    except EquisisError as exc:
        return _detail_page(invoice_id, errors=field_errors(exc), status=exc.status)
    flash(gettext("Posted as {number}.", number=invoice.number), "success")
    return redirect(url_for("purchases.invoice_detail", invoice_id=invoice.id), code=303)


@bp.post(f"{PREFIX}/<int:invoice_id>/delete")
@roles(BOOKS)
def invoice_delete(invoice_id: int):
    try:
        service.delete_draft(invoice_id)
    except EquisisError as exc:
        return _detail_page(invoice_id, errors=field_errors(exc), status=exc.status)
    flash(gettext("Draft deleted."), "success")
    return redirect(url_for("purchases.invoice_list"), code=303)


@bp.post(f"{PREFIX}/<int:invoice_id>/attachments")
@roles(BOOKS)
def attachment_add(invoice_id: int):
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            from equisis.documents.errors import AttachmentEmpty

            raise AttachmentEmpty(field="file")
        service.attach_file(g.company, invoice_id, upload.stream, upload.filename)
    except EquisisError as exc:
        flash(exc.message(), "error")
    else:
        flash(gettext("File attached."), "success")
    return redirect(url_for("purchases.invoice_detail", invoice_id=invoice_id), code=303)


@bp.get(f"{PREFIX}/<int:invoice_id>/attachments/<int:attachment_id>")
@roles(BOOKS)
def attachment_view(invoice_id: int, attachment_id: int):
    """The supplier's PDF (or scan) shown in the browser; ``?download=1`` saves it instead."""
    row, content = service.read_attachment(g.company, invoice_id, attachment_id)
    inline = row.file_type in INLINE_TYPES and request.args.get("download") != "1"
    response = send_file(io.BytesIO(content), mimetype=row.mime_type, download_name=row.original_name,
                         as_attachment=not inline)
    # Chromium's PDF viewer refuses sandboxed documents: a PDF keeps the viewer's own isolation, other
    # files are sandboxed (no script of theirs ever runs on our origin).
    if row.file_type != "pdf":
        response.headers["Content-Security-Policy"] = "sandbox"
    return response


# --------------------------------------------------------------------------- the API

LINE_SCHEMA = {"type": "object", "properties": {
    "item_code": {"type": "string"}, "account": {"type": "string"}, "description": {"type": "string"},
    "qty_milli": {"type": "integer"}, "unit_price_e4": {"type": "integer"}, "discount_bp": {"type": "integer"},
    "vat_rate_bp": {"type": "integer"}, "purchase_category": {"type": "string", "enum": list(rules.CATEGORIES)},
    "deductible_bp": {"type": "integer"}, "net_cents": {"type": "integer"}, "vat_cents": {"type": "integer"},
    "deductible_cents": {"type": "integer"}}}
INVOICE_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string", "enum": list(rules.KINDS)},
    "state": {"type": "string", "enum": list(rules.STATES)}, "number": {"type": ["string", "null"]},
    "supplier_id": {"type": "integer"}, "supplier_ref": {"type": "string"}, "invoice_date": {"type": "string"},
    "booking_date": {"type": "string"}, "due_date": {"type": "string"}, "vat_regime": {"type": "string"},
    "credit_of": {"type": ["integer", "null"]}, "net_cents": {"type": "integer"}, "vat_cents": {"type": "integer"},
    "total_cents": {"type": "integer"}, "deductible_cents": {"type": "integer"},
    "self_assessed_cents": {"type": "integer"}, "printed_vat_cents": {"type": ["integer", "null"]},
    "entry": {"type": ["string", "null"]}, "lines": {"type": "array", "items": LINE_SCHEMA},
    "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}}}}
LIST_SCHEMA = {"type": "object", "properties": {"items": {"type": "array", "items": INVOICE_SCHEMA},
                                                "next_after": {"type": ["integer", "null"]}}}


def _as_json(invoice: PurchaseInvoice, *, with_lines: bool = True) -> dict:
    data = {"id": invoice.id, "kind": invoice.kind, "state": invoice.state, "number": invoice.number,
            "supplier_id": invoice.supplier_id, "supplier_ref": invoice.supplier_ref,
            "invoice_date": invoice.invoice_date.isoformat(), "booking_date": invoice.booking_date.isoformat(),
            "due_date": invoice.due_date.isoformat(), "vat_regime": invoice.vat_regime,
            "credit_of": invoice.credit_of_id, "net_cents": invoice.net_cents, "vat_cents": invoice.vat_cents,
            "total_cents": invoice.total_cents, "deductible_cents": invoice.deductible_cents,
            "self_assessed_cents": invoice.self_assessed_cents, "printed_vat_cents": invoice.printed_vat_cents,
            "entry": invoice.entry.reference if invoice.entry_id else None}
    if with_lines:
        shown = service.preview(invoice.id)
        data["lines"] = [{"item_code": x.item.code if x.item_id else "", "account": x.account.code,
                          "description": x.description, "qty_milli": x.qty_milli, "unit_price_e4": x.unit_price_e4,
                          "discount_bp": x.discount_bp, "vat_rate_bp": x.vat_rate_bp,
                          "purchase_category": x.purchase_category, "deductible_bp": x.deductible_bp,
                          "net_cents": t.net_cents, "vat_cents": t.vat_cents, "deductible_cents": t.deductible_cents}
                         for x, t in zip(shown.lines, shown.result.lines)]
        data["warnings"] = [w.as_dict() for w in shown.warnings]
    return data


@bp.get("/api/v1/purchase-invoices")
@api(BOOKS)
@documented("/purchase-invoices", "GET", "Purchase invoices and credit notes, 100 at a time after a given id",
            LIST_SCHEMA, roles_note="accountant or admin",
            parameters=[{"name": "after", "in": "query", "schema": {"type": "integer"}},
                        {"name": "state", "in": "query", "schema": {"type": "string", "enum": list(rules.STATES)}},
                        {"name": "supplier", "in": "query", "schema": {"type": "integer"}},
                        {"name": "period", "in": "query", "schema": {"type": "string", "example": "2026-03"}}])
def api_list():
    after = min(max(0, request.args.get("after", 0, type=int)), 2**63 - 1)
    query = PurchaseInvoice.select().where(PurchaseInvoice.id > after)
    if request.args.get("state") in rules.STATES:
        query = query.where(PurchaseInvoice.state == request.args["state"])
    if request.args.get("supplier", type=int):
        query = query.where(PurchaseInvoice.supplier == request.args.get("supplier", type=int))
    if request.args.get("period"):
        query = query.where(_PeriodFilter() == request.args["period"][:7])
    rows = list(query.order_by(PurchaseInvoice.id).limit(100))
    return jsonify({"items": [_as_json(r, with_lines=False) for r in rows],
                    "next_after": rows[-1].id if len(rows) == 100 else None})


@bp.get("/api/v1/purchase-invoices/<int:invoice_id>")
@api(BOOKS)
@documented("/purchase-invoices/{invoice_id}", "GET", "One purchase document with its lines, VAT and warnings",
            INVOICE_SCHEMA, roles_note="accountant or admin",
            parameters=[{"name": "invoice_id", "in": "path", "required": True, "schema": {"type": "integer"}}])
def api_get(invoice_id: int):
    return jsonify(_as_json(service.find_invoice(invoice_id)))


def _api_key() -> str | None:
    return request.headers.get("Idempotency-Key") or None


def _body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def _api_input(body: dict) -> rules.InvoiceInput:
    from equisis.core.dates import parse_date

    def day(name):
        return parse_date(body[name], field=name) if body.get(name) else None

    def integer(value, default=None):
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    lines = tuple(rules.LineInput(
        item_code=str(x.get("item_code") or ""), account=str(x.get("account") or ""),
        description=str(x.get("description") or ""), qty_milli=integer(x.get("qty_milli")),
        unit_price_e4=integer(x.get("unit_price_e4")), discount_bp=integer(x.get("discount_bp"), 0),
        vat_rate_bp=integer(x.get("vat_rate_bp")), purchase_category=str(x.get("purchase_category") or ""),
        deductible_bp=integer(x.get("deductible_bp"), rules.FULL))
        for x in body.get("lines") or () if isinstance(x, dict))
    kind = rules.CREDIT_NOTE if body.get("kind") == rules.CREDIT_NOTE else rules.INVOICE
    return rules.InvoiceInput(integer(body.get("supplier_id")), str(body.get("supplier_ref") or ""),
                              day("invoice_date"), lines, kind=kind, booking_date=day("booking_date"),
                              due_date=day("due_date"), printed_vat_cents=integer(body.get("printed_vat_cents")),
                              import_deferral=body.get("import_deferral") is True,
                              credit_of_id=integer(body.get("credit_of")), notes=str(body.get("notes") or ""))


CREATE_BODY = {"type": "object", "required": ["supplier_id", "supplier_ref", "invoice_date", "lines"], "properties": {
    "kind": {"type": "string", "enum": list(rules.KINDS)}, "supplier_id": {"type": "integer"},
    "supplier_ref": {"type": "string"}, "invoice_date": {"type": "string", "format": "date"},
    "booking_date": {"type": "string", "format": "date"}, "due_date": {"type": "string", "format": "date"},
    "printed_vat_cents": {"type": "integer"}, "import_deferral": {"type": "boolean"},
    "credit_of": {"type": "integer"}, "notes": {"type": "string"}, "lines": {"type": "array", "items": LINE_SCHEMA},
    "post": {"type": "boolean", "description": "post at once"},
    "force": {"type": "boolean", "description": "post despite the warnings (possible duplicate…)"}}}


@bp.post("/api/v1/purchase-invoices")
@api(BOOKS)
@documented("/purchase-invoices", "POST", "Enter a purchase invoice or credit note (a draft, or posted with "
            "\"post\": true); header Idempotency-Key makes a retry return the first one", INVOICE_SCHEMA,
            roles_note="accountant or admin; 409 ConfirmationRequired lists warnings to confirm with \"force\"")
def api_create():
    body = _body()
    data = _api_input(body)
    key = _api_key()
    invoice = service.create_invoice(data, key=key)
    if body.get("post") is True:
        try:
            invoice = service.post_invoice(invoice.id, role=g.user.role, force=body.get("force") is True,
                                           key=f"{key}.post" if key else None)
        except EquisisError as exc:  # the draft stays: say which one, to post it later ("force")
            return jsonify({**exc.as_dict(), "invoice": _as_json(invoice)}), exc.status
    return jsonify(_as_json(invoice)), 201


@bp.post("/api/v1/purchase-invoices/<int:invoice_id>/post")
@api(BOOKS)
@documented("/purchase-invoices/{invoice_id}/post", "POST", "Post a draft: its number and its ledger entry",
            INVOICE_SCHEMA, roles_note="accountant or admin; body {\"force\": true} confirms the warnings",
            parameters=[{"name": "invoice_id", "in": "path", "required": True, "schema": {"type": "integer"}}])
def api_post(invoice_id: int):
    invoice = service.post_invoice(invoice_id, role=g.user.role, force=_body().get("force") is True,
                                   key=_api_key())
    return jsonify(_as_json(invoice))


def _describe_bodies() -> None:
    """Request bodies and the answers besides 200: 201 created, 409 warnings to confirm, 422 refused."""
    from equisis.web.api import OPENAPI_PATHS

    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, schema in (("/purchase-invoices", CREATE_BODY), ("/purchase-invoices/{invoice_id}/post", {
            "type": "object", "properties": {"force": {"type": "boolean"}}})):
        operation = OPENAPI_PATHS[path]["post"]
        operation["requestBody"] = {"content": {"application/json": {"schema": schema}}}
        operation["parameters"] = operation["parameters"] + [
            {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "minLength": 16}}]
        operation["responses"]["409"] = {"description": "Warnings to confirm with force", "content": error}
        operation["responses"]["422"] = {"description": "Refused: every problem at once", "content": error}
    created = OPENAPI_PATHS["/purchase-invoices"]["post"]["responses"]
    created["201"] = created["200"]


_describe_bodies()
