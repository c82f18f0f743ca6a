"""Back office of the tills (/c/<slug>/pos/tills, /c/<slug>/pos/invoices): till settings and till invoices.

The administrator lists the tills (registered here or by a paired LAN terminal opening the till
screen), creates one, and edits its name, stock place, cash journal and receipt printer (kind,
address, timeout; checked by :func:`equisis.pos.printer.check_config`); "Test print" sends a short
ESC/POS page now and shows the printer's translated error when it does not answer. Accountants and
sales read the till invoices and download their PDFs (archived on first download).
"""
from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_, gettext
from equisis.core.money import from_cents
from equisis.pos import counter, invoice_pdf, service
from equisis.pos.models import CounterInvoice
from equisis.web import listing
from equisis.web.access import roles
from equisis.web.forms import done, field_errors, submit_once

bp = Blueprint("pos_office", __name__)
PREFIX = "/c/<slug>/pos"
PRINTER_KINDS = (("none", N_("No printer")), ("tcp", N_("Network (TCP, port 9100)")), ("usb", N_("USB")))
INVOICE_KINDS = {"ticket": N_("At the till"), "month": N_("Month")}


def _journals():
    from equisis.ledger import service as ledger
    return ledger.journals(kind="cash", active_only=True)


def _places():
    from equisis.stock import service as stock
    return stock.warehouses(active_only=True)


def _values(terminal=None) -> dict:
    if request.method == "POST":
        return {k: request.form.get(k, "") for k in ("name", "warehouse", "cash_journal", "printer_kind",
                                                       "printer_address", "printer_timeout")}
    if terminal is None:
        return {"name": "", "warehouse": "MAIN", "cash_journal": "CSH1", "printer_kind": "none",
                "printer_address": "", "printer_timeout": "3"}
    return {"name": terminal.name, "warehouse": terminal.warehouse, "cash_journal": terminal.cash_journal,
            "printer_kind": terminal.printer_kind, "printer_address": terminal.printer_address,
            "printer_timeout": f"{(terminal.printer_timeout_ms or 3000) / 1000:g}"}


def _form(terminal=None, *, errors=None, status: int = 200):
    return render_template("pos/office/till.html", terminal=terminal, values=_values(terminal), errors=errors or {},
                           kinds=PRINTER_KINDS, journals=_journals(), places=_places()), status


def _save(terminal_id):
    form = request.form
    return service.save_terminal(terminal_id, name=form.get("name", ""), warehouse=form.get("warehouse", ""),
                                 cash_journal=form.get("cash_journal", ""), printer_kind=form.get("printer_kind", ""),
                                 printer_address=form.get("printer_address", ""),
                                 printer_timeout=form.get("printer_timeout", "3") or "3")


@bp.get(f"{PREFIX}/tills/")
@roles("admin")
def tills():
    return render_template("pos/office/tills.html", terminals=service.terminals())


@bp.route(f"{PREFIX}/tills/new", methods=["GET", "POST"])
@roles("admin")
def till_new():
    if request.method == "POST":
        try:
            ref, _created = submit_once("pos.till", lambda: _save(None).id)
        except EquisisError as exc:
            return _form(errors=field_errors(exc), status=exc.status)
        return done(gettext(N_("Till saved.")), "pos_office.till_edit", terminal_id=int(ref))
    return _form()


@bp.route(f"{PREFIX}/tills/<int:terminal_id>", methods=["GET", "POST"])
@roles("admin")
def till_edit(terminal_id: int):
    terminal = service.find_terminal(terminal_id)
    if request.method == "POST":
        try:
            _save(terminal.id)
        except EquisisError as exc:
            return _form(terminal, errors=field_errors(exc), status=exc.status)
        return done(gettext(N_("Till saved.")), "pos_office.till_edit", terminal_id=terminal.id)
    return _form(terminal)


@bp.post(f"{PREFIX}/tills/<int:terminal_id>/test-print")
@roles("admin")
def till_test_print(terminal_id: int):
    terminal = service.find_terminal(terminal_id)
    try:
        service.print_test_page(terminal)
    except EquisisError as exc:
        return _form(terminal, errors={"": [exc.message()]}, status=exc.status)
    return done(gettext(N_("The test page was sent to {address}."), address=terminal.printer_address),
                "pos_office.till_edit", terminal_id=terminal.id)


INVOICE_LIST = listing.ListSpec(
    name="pos-invoices",
    query=lambda: CounterInvoice.select(),
    columns=(
        listing.Column("number", N_("Number"), CounterInvoice.number),
        listing.Column("day", N_("Date"), CounterInvoice.day, kind="date"),
        listing.Column("kind", N_("Kind"), CounterInvoice.kind, value=lambda i: gettext(INVOICE_KINDS[i.kind])),
        listing.Column("customer", N_("Customer"), CounterInvoice.party_name, value=lambda i: i.party_name),
        listing.Column("vat_number", N_("VAT number"), CounterInvoice.party_vat_number,
                       value=lambda i: i.party_vat_number),
        listing.Column("net", N_("Excl. VAT"), CounterInvoice.net_cents, kind="money",
                       value=lambda i: from_cents(i.net_cents)),
        listing.Column("vat", N_("VAT"), CounterInvoice.vat_cents, kind="money", value=lambda i: from_cents(i.vat_cents)),
        listing.Column("total", N_("Total"), CounterInvoice.total_cents, kind="money",
                       value=lambda i: from_cents(i.total_cents)),
    ),
    search=(CounterInvoice.number, CounterInvoice.party_name, CounterInvoice.party_vat_number),
    filters=(listing.Filter("kind", N_("Kind"), CounterInvoice.kind, tuple(INVOICE_KINDS.items())),),
    default_sort="number", default_desc=True,
    row_link=lambda i: f"{i.id}.pdf",
)


@bp.get(f"{PREFIX}/invoices/")
@roles("accountant", "sales", "cashier")
def invoices():
    return listing.respond(INVOICE_LIST, "pos/office/invoices.html")


@bp.get(f"{PREFIX}/invoices/<int:invoice_id>.pdf")
@roles("accountant", "sales", "cashier")
def invoice_download(invoice_id: int):
    invoice = counter.find_invoice(invoice_id)
    name = invoice.number.replace("/", "-")
    return Response(invoice_pdf.pdf_of(g.company, invoice), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})
