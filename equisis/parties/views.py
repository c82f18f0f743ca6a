"""Customers and suppliers on screen (the list, the form, the detail page with its VIES check) and through
the JSON API (``/api/v1/parties``: list and search, get, create, update, VIES check).

Sales and accountants (admin always) keep parties; the warehouse reads them
(delivery addresses, contacts). A possible duplicate is a warning: the form
comes back with the matches and a checkbox to save anyway; through the API it is
a 409 with the matches unless the body says ``"force": true``. An API create
with an ``Idempotency-Key`` header runs once.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for

from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import LANGUAGE_NAMES, gettext
from equisis.documents import service as documents
from equisis.parties import api_io, party_form, rules, service, vies
from equisis.parties.errors import PossibleDuplicate
from equisis.parties.models import Party, PartyCategoryLink
from equisis.store import idempotency
from equisis.web import listing
from equisis.web.access import api, roles
from equisis.web.api import documented
from equisis.web.forms import done, field_errors, submit_once

bp = Blueprint("parties", __name__, url_prefix="/c/<slug>/parties")
api_bp = Blueprint("parties_api", __name__, url_prefix="/api/v1")
EDIT_ROLES = ("accountant", "sales")
READ_ROLES = ("accountant", "sales", "warehouse")
API_READ, API_WRITE = READ_ROLES, EDIT_ROLES
YES_NO = (("1", "yes"), ("0", "no"))
VIES_STATUS_LABELS = {"valid": "valid", "invalid": "invalid", "unavailable": "VIES unavailable"}


class _CategoryFilter:
    """A list filter on the many-to-many categories: ``field == '3'`` keeps the parties of category 3."""

    def __eq__(self, value):
        links = PartyCategoryLink.select(PartyCategoryLink.party).where(PartyCategoryLink.category == int(value))
        return Party.id.in_(links)

    __hash__ = object.__hash__


def _yes(flag) -> str:
    return gettext("yes") if flag else ""


def party_list_spec() -> listing.ListSpec:
    categories = tuple((str(c.id), c.name) for c in service.all_categories())
    filters = [
        listing.Filter("customer", "Customer", Party.is_customer.cast("TEXT"), YES_NO),
        listing.Filter("supplier", "Supplier", Party.is_supplier.cast("TEXT"), YES_NO),
        listing.Filter("vat_regime", "VAT regime", Party.vat_regime, tuple(rules.VAT_REGIME_LABELS.items())),
    ]
    if categories:
        filters.append(listing.Filter("category", "Category", _CategoryFilter(), categories))
    return listing.ListSpec(
        name="parties",
        query=lambda: Party.select(),
        columns=(
            listing.Column("name", "Name", Party.name),
            listing.Column("vat_number", "VAT number", Party.vat_number),
            listing.Column("country", "Country", Party.country),
            listing.Column("vat_regime", "VAT regime", Party.vat_regime,
                           value=lambda r: gettext(rules.VAT_REGIME_LABELS.get(r.vat_regime, r.vat_regime))),
            listing.Column("is_customer", "Customer", Party.is_customer, value=lambda r: _yes(r.is_customer)),
            listing.Column("is_supplier", "Supplier", Party.is_supplier, value=lambda r: _yes(r.is_supplier)),
            listing.Column("email", "Email", Party.email),
            listing.Column("phone", "Phone", Party.phone, sortable=False),
            listing.Column("id", "No.", Party.id, kind="number"),
        ),
        search=(Party.name, Party.vat_number, Party.enterprise_number, Party.email),
        filters=tuple(filters),
        default_sort="name",
        row_link=lambda row: url_for("parties.party_detail", party_id=row.id),
    )


def can_edit() -> bool:
    return g.user.role in ("admin", *EDIT_ROLES)


@bp.get("/")
@roles(*READ_ROLES)
def party_list():
    return listing.respond(party_list_spec(), "parties/list.html", can_edit=can_edit())


def _form_page(template_party: Party | None, *, errors=None, duplicates=None, status: int = 200,
               addresses=None, contacts=None):
    if addresses is None:
        addresses = service.addresses_of(template_party) if template_party else []
        contacts = service.contacts_of(template_party) if template_party else []
    address_rows, contact_rows = party_form.rows_for_form(addresses, contacts or [])
    categories = ", ".join(service.categories_of(template_party)) if template_party else ""
    return render_template("parties/form.html", party=template_party, errors=errors or {},
                           duplicates=duplicates or [], address_rows=address_rows, contact_rows=contact_rows,
                           categories=categories, regimes=rules.VAT_REGIME_LABELS,
                           address_kinds=rules.ADDRESS_KIND_LABELS, language_names=LANGUAGE_NAMES), status


def _save(save):
    """Read the form, run ``save(data, check_duplicates)``; problems of the text and of the checks together."""
    data, problems = party_form.read_form(request.form)
    check_duplicates = request.form.get("confirm_duplicate") != "1"
    if problems:
        try:  # the checks of everything else, so the user sees all problems at once
            rules.check_party(**{k: v for k, v in data.items()
                                 if k not in ("categories", "is_customer", "is_supplier", "payment_terms_days",
                                              "credit_limit_cents")})
        except ValidationErrors as exc:
            problems.extend(exc.problems)
        raise ValidationErrors(problems)
    return save(data, check_duplicates)


def _form_again(party: Party | None, exc: EquisisError):
    """The form as the user filled it, each problem next to its field; a possible duplicate lists the matches."""
    data = party_form.read_form(request.form)[0]
    return _form_page(party, errors=field_errors(exc), status=exc.status, addresses=data["addresses"],
                      contacts=data["contacts"], duplicates=exc.matches if isinstance(exc, PossibleDuplicate) else None)


@bp.route("/new", methods=["GET", "POST"])
@roles(*EDIT_ROLES)
def party_new():
    if request.method == "POST":
        try:
            ref, _created = _save(lambda data, check: submit_once(
                "parties.party", lambda: service.create_party(**data, check_duplicates=check).id))
        except EquisisError as exc:
            return _form_again(None, exc)
        return done(gettext("Party saved."), "parties.party_detail", party_id=int(ref))
    return _form_page(None)


@bp.route("/<int:party_id>/edit", methods=["GET", "POST"])
@roles(*EDIT_ROLES)
def party_edit(party_id: int):
    party = service.find_party(party_id)
    if request.method == "POST":
        try:
            _save(lambda data, check: service.update_party(party.id, **data, check_duplicates=check))
        except EquisisError as exc:
            return _form_again(party, exc)
        return done(gettext("Party saved."), "parties.party_detail", party_id=party.id)
    return _form_page(party)


@bp.get("/<int:party_id>")
@roles(*READ_ROLES)
def party_detail(party_id: int):
    party = service.find_party(party_id)
    return render_template(
        "parties/detail.html", party=party, addresses=service.addresses_of(party),
        contacts=service.contacts_of(party), categories=service.categories_of(party),
        regimes=rules.VAT_REGIME_LABELS, address_kinds=rules.ADDRESS_KIND_LABELS,
        vies_labels=VIES_STATUS_LABELS, can_edit=can_edit(),
        can_check_vies=can_edit() and rules.is_eu_vat_number(party.vat_number),
        duplicates=service.duplicates_of(party.name, party.vat_number, party.enterprise_number,
                                         exclude_id=party.id),
        language_names=LANGUAGE_NAMES, attachments=documents.attachments_of("party", party.id))


@bp.post("/<int:party_id>/vies")
@roles(*EDIT_ROLES)
def party_vies(party_id: int):
    """Ask VIES now; whatever it answers (or not), the page comes back with the result and its date."""
    party = service.check_vies(party_id, **vies.settings(current_app.config))
    messages = {"valid": (gettext("VIES confirms this VAT number."), "success"),
                "invalid": (gettext("VIES says this VAT number is not valid."), "error"),
                "unavailable": (gettext("VIES could not be reached; try again later. The party is kept as it is."),
                                "warning")}
    message, category = messages.get(party.vies_status, (gettext("No EU VAT number to check."), "warning"))
    flash(message, category)
    return redirect(url_for("parties.party_detail", party_id=party.id), code=303)


# --------------------------------------------------------------------------- JSON API

@api_bp.get("/parties")
@api(*API_READ)
@documented("/parties", "GET", "Customers and suppliers: a search (q, role) or all, 100 at a time after an id",
            api_io.LIST_SCHEMA, roles_note="accountant, sales, warehouse or admin", parameters=[
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "role", "in": "query", "schema": {"type": "string", "enum": ["customer", "supplier"]}},
                {"name": "after", "in": "query", "schema": {"type": "integer"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}])
def party_list():
    limit = min(100, max(1, request.args.get("limit", 100, type=int)))
    role = request.args.get("role") if request.args.get("role") in ("customer", "supplier") else None
    if request.args.get("q"):
        found = service.search(request.args["q"], limit=limit, role=role)
        return jsonify({"items": [api_io.party_json(p) for p in found],
                        "next_after": None})
    after = min(max(0, request.args.get("after", 0, type=int)), 2**63 - 1)
    query = Party.select().where(Party.id > after)
    if role == "customer":
        query = query.where(Party.is_customer == True)  # noqa: E712
    elif role == "supplier":
        query = query.where(Party.is_supplier == True)  # noqa: E712
    rows = list(query.order_by(Party.id).limit(limit))
    return jsonify({"items": [api_io.party_json(p) for p in rows],
                    "next_after": rows[-1].id if len(rows) == limit else None})


@api_bp.get("/parties/<int:party_id>")
@api(*API_READ)
@documented("/parties/{party_id}", "GET", "One party with its addresses, contacts, categories and VIES result",
            api_io.PARTY_SCHEMA, roles_note="accountant, sales, warehouse or admin",
            parameters=[{"name": "party_id", "in": "path", "required": True, "schema": {"type": "integer"}}])
def party_get(party_id: int):
    return jsonify(api_io.party_json(service.find_party(party_id)))


@api_bp.post("/parties")
@api(*API_WRITE)
@documented("/parties", "POST", "Create a party (409 with the possible duplicates unless \"force\": true; "
            "an Idempotency-Key header makes a retry safe)", api_io.PARTY_SCHEMA,
            roles_note="accountant, sales or admin")
def party_create():
    data, force = api_io.read_body(partial=False)
    name = data.pop("name")
    ref, created = idempotency.once(request.headers.get("Idempotency-Key"), "api.parties",
                                    lambda: service.create_party(name, **data, check_duplicates=not force).id)
    return jsonify(api_io.party_json(service.find_party(int(ref)))), 201 if created else 200


@api_bp.patch("/parties/<int:party_id>")
@api(*API_WRITE)
@documented("/parties/{party_id}", "PATCH", "Change the fields given (addresses, contacts and categories, when "
            "given, replace the lists); 409 on a possible duplicate unless \"force\": true", api_io.PARTY_SCHEMA,
            roles_note="accountant, sales or admin",
            parameters=[{"name": "party_id", "in": "path", "required": True, "schema": {"type": "integer"}}])
def party_update(party_id: int):
    service.find_party(party_id)
    data, force = api_io.read_body(partial=True)
    party = service.update_party(party_id, **data, check_duplicates=not force)
    return jsonify(api_io.party_json(party))


@api_bp.post("/parties/<int:party_id>/vies")
@api(*API_WRITE)
@documented("/parties/{party_id}/vies", "POST", "Check the party's EU VAT number with VIES now (status valid, "
            "invalid or unavailable, kept with its date)", api_io.PARTY_SCHEMA,
            roles_note="accountant, sales or admin",
            parameters=[{"name": "party_id", "in": "path", "required": True, "schema": {"type": "integer"}}])
def party_vies(party_id: int):
    return jsonify(api_io.party_json(service.check_vies(party_id, **vies.settings(current_app.config))))
