"""The catalog on screen: items (list, create, edit with barcodes, fees, kits, links), families, axes,
price lists, barcode labels; and ``/api/v1/items``.

Sales, accountants (and the admin) edit the catalog; the warehouse reads it
(the same pages without their forms). Each view parses its form into typed
arguments and calls one catalog service function; when the catalog refuses,
the form comes back with each problem next to its field and a 4xx status.
"""
from __future__ import annotations

import json
from decimal import Decimal

from flask import Blueprint, Response, g, jsonify, render_template, request, url_for
from peewee import Case, fn

from equisis.catalog import labels, pricelists, rules, variants
from equisis.catalog import service as catalog
from equisis.catalog.models import Barcode, Item, PriceList
from equisis.core.dates import parse_date
from equisis.catalog.errors import InvalidJsonBody, InvalidPartyReference, ItemCodeRequired
from equisis.core.errors import EquisisError, Forbidden, NotFound, ValidationErrors
from equisis.core.i18n import N_, current_language, gettext
from equisis.core.money import from_scaled
from equisis.users.rules import is_allowed
from equisis.web import listing
from equisis.web.access import api, roles
from equisis.web.api import documented
from equisis.web.forms import done, field_errors, submit_once

bp = Blueprint("catalog", __name__)
PREFIX = "/c/<slug>/catalog"
EDIT = ("sales", "accountant")
READ = ("sales", "accountant", "warehouse")
API_READ = ("sales", "accountant", "warehouse", "cashier")
NATURES = {"goods": N_("Goods"), "services": N_("Services")}
VAT_RATES = {"2100": "21 %", "1200": "12 %", "600": "6 %", "0": "0 %"}
LINK_KINDS = {"accessory": N_("Accessories"), "substitute": N_("Substitutes")}


def _can_edit() -> bool:
    return is_allowed(g.user.role, EDIT)


def _flag(name: str) -> bool:
    return request.form.get(name) in ("on", "1", "yes", "true")


def _price(e4: int | None) -> str:
    return rules.format_e4(e4)


def _pairs_text(text: str) -> list[tuple[str, str]]:
    """'BULB 2' per line (or 'BULB' for one) -> [('BULB', '2')]."""
    out = []
    for line in (text or "").splitlines():
        parts = line.replace(";", " ").split()
        if parts:
            out.append((parts[0], parts[1] if len(parts) > 1 else "1"))
    return out


# --------------------------------------------------------------------------- item list

def _items_spec() -> listing.ListSpec:
    language = current_language()
    name_field = getattr(Item, f"name_{language}")
    families = tuple((str(f.id), f"{'· ' * depth}{f.code}") for f, depth in catalog.families_tree())
    barcodes = Barcode.select(fn.group_concat(Barcode.code)).where(Barcode.item == Item.id)
    margin_pct = lambda i: catalog.margin_of(i).percent  # noqa: E731
    return listing.ListSpec(
        name="items",
        query=lambda: Item.select(),
        columns=(
            listing.Column("code", "Code", Item.code),
            listing.Column("name", "Name", name_field, value=lambda i: catalog.label(i, language)),
            listing.Column("family", "Family", Item.family, value=lambda i: i.family.code if i.family_id else ""),
            listing.Column("nature", "Nature", Item.nature, value=lambda i: gettext(NATURES[i.nature])),
            listing.Column("vat", "VAT", Item.vat_rate_bp, kind="number",
                           value=lambda i: VAT_RATES.get(str(i.vat_rate_bp), "")),
            listing.Column("sale_price", "Sale price", Item.sale_price_e4, kind="number",
                           value=lambda i: from_scaled(i.sale_price_e4, 4)),
            listing.Column("purchase_price", "Purchase price", Item.purchase_price_e4, kind="number",
                           value=lambda i: from_scaled(i.purchase_price_e4, 4)),
            listing.Column("margin", "Margin %", None, kind="number", sortable=False, value=margin_pct),
            listing.Column("active", "Active", Item.active,
                           value=lambda i: gettext("yes") if i.active else gettext("no")),
        ),
        search=(Item.code, Item.name_fr, Item.name_nl, Item.name_de, Item.name_en, barcodes),
        filters=(
            listing.Filter("family", "Family", Item.family, families),
            listing.Filter("nature", "Nature", Item.nature, tuple(NATURES.items())),
            listing.Filter("active", "Active", Case(None, [(Item.active == True, "yes")], "no"),  # noqa: E712
                           (("yes", N_("Active")), ("no", N_("Inactive")))),
            listing.Filter("vat", "VAT", Item.vat_rate_bp, tuple(VAT_RATES.items())),
        ),
        default_sort="code",
        row_link=lambda i: url_for("catalog.item_edit", code=i.code),
    )


@bp.get(f"{PREFIX}/")
@roles(*READ)
def items():
    return listing.respond(_items_spec(), "catalog/items.html", can_edit=_can_edit(),
                           layouts=labels.LAYOUTS)


# --------------------------------------------------------------------------- item form

def _item_fields(item: Item | None) -> dict:
    """The item form as keyword arguments of create_item / update_item (text as typed)."""
    form = request.form
    fields = {name: form.get(name, "") for name in catalog.TEXT_FIELDS}
    stock = form.get("stock_unit") or "pce"
    sale_unit, purchase_unit = form.get("sale_unit") or stock, form.get("purchase_unit") or stock
    known = {u: rules.format_factor(f) for u, f in catalog.conversions(item).items()} if item else {}
    known.pop(stock, None)
    for unit, key in ((sale_unit, "sale_factor"), (purchase_unit, "purchase_factor")):
        if unit != stock:
            known[unit] = (form.get(key) or "").strip()
    fields.update(
        family=form.get("family") or None, nature=form.get("nature") or "goods",
        vat_rate=form.get("vat_rate") or "21", sale_price=form.get("sale_price", ""),
        purchase_price=form.get("purchase_price", ""), stock_unit=stock, sale_unit=sale_unit,
        purchase_unit=purchase_unit, conversions=known, income_account=form.get("income_account"),
        expense_account=form.get("expense_account"), is_eco_fee=_flag("is_eco_fee"), active=_flag("active"),
        axes={n: form.get(f"axis_{n}", "") for n in catalog.axes()},
    )
    return fields


def _form_values(item: Item | None) -> dict:
    """What the form shows: the posted text after a refusal, else the item's values."""
    if request.method == "POST":
        values = dict(request.form)
        values["active"] = _flag("active")
        values["is_eco_fee"] = _flag("is_eco_fee")
        return values
    if item is None:
        return {"nature": "goods", "vat_rate": "21", "stock_unit": "pce", "sale_unit": "pce",
                "purchase_unit": "pce", "active": True, "sale_price": "", "purchase_price": ""}
    factors = catalog.conversions(item)
    values = {name: getattr(item, name) for name in catalog.TEXT_FIELDS}
    values.update(
        code=item.code, family=item.family.code if item.family_id else "", nature=item.nature,
        vat_rate=str(item.vat_rate_bp // 100), sale_price=_price(item.sale_price_e4),
        purchase_price=_price(item.purchase_price_e4), stock_unit=item.stock_unit_id, sale_unit=item.sale_unit_id,
        purchase_unit=item.purchase_unit_id, sale_factor=rules.format_factor(factors.get(item.sale_unit_id, 1)),
        purchase_factor=rules.format_factor(factors.get(item.purchase_unit_id, 1)),
        income_account=item.income_account or "", expense_account=item.expense_account or "",
        is_eco_fee=item.is_eco_fee, active=item.active)
    for value in item.axis_values:
        values[f"axis_{value.axis.number}"] = value.value
    return values


def _margin_of_form(values: dict) -> rules.Margin | None:
    try:
        sale = rules.parse_price(values.get("sale_price") or "0")
        purchase = rules.parse_price(values.get("purchase_price") or "0")
        stock = values.get("stock_unit") or "pce"
        sale_factor = rules.parse_factor(values.get("sale_factor") or "1") \
            if (values.get("sale_unit") or stock) != stock else rules.Fraction(1)
        purchase_factor = rules.parse_factor(values.get("purchase_factor") or "1") \
            if (values.get("purchase_unit") or stock) != stock else rules.Fraction(1)
        return rules.margin(sale, purchase, sale_factor / purchase_factor)
    except (EquisisError, ValueError, ArithmeticError):
        return None


def _item_page(item: Item | None, *, errors=None, status: int = 200):
    values = _form_values(item)
    context = dict(item=item, values=values, errors=errors or {}, can_edit=_can_edit(), natures=NATURES,
                   vat_rates=VAT_RATES, units=catalog.units(), families=catalog.families_tree(),
                   axes=catalog.axes(), margin=_margin_of_form(values), language=current_language(),
                   layouts=labels.LAYOUTS, link_kinds=LINK_KINDS)
    if item is not None:
        context.update(
            barcodes=catalog.barcodes_of(item),
            fees_text="\n".join(f"{f.fee.code} {rules.format_factor(rules.Fraction(f.quantity_milli, 1000))}"
                                for f in item.fees),
            components_text="\n".join(f"{c.code} {rules.format_factor(rules.Fraction(q, 1000))}"
                                      for c, q in catalog.kit_components(item)),
            links_text={kind: " ".join(link.other.code for link in catalog.links(item, kind))
                        for kind in LINK_KINDS},
            variants=variants.variants_of(item), variant_parent=variants.parent_of(item))
    return render_template("catalog/item_form.html", **context), status


@bp.route(f"{PREFIX}/items/new", methods=["GET", "POST"])
@roles(*EDIT)
def item_new():
    if request.method == "POST":
        code = request.form.get("code", "")
        barcode = (request.form.get("barcode") or "").strip()
        try:
            ref, _created = submit_once("catalog.item", lambda: catalog.create_item(
                code, barcodes=[barcode] if barcode else [], **_item_fields(None)).code)
        except EquisisError as exc:
            return _item_page(None, errors=field_errors(exc), status=exc.status)
        return done(gettext("Item {code} created.", code=ref), "catalog.item_edit", code=ref)
    return _item_page(None)


@bp.route(f"{PREFIX}/items/<code>", methods=["GET", "POST"])
@roles(*READ)
def item_edit(code: str):
    item = catalog.find_item(code)
    if request.method == "POST":
        if not _can_edit():
            raise Forbidden()
        try:
            item = catalog.update_item(item.code, new_code=request.form.get("code") or item.code,
                                       **_item_fields(item))
        except EquisisError as exc:
            return _item_page(catalog.find_item(code), errors=field_errors(exc), status=exc.status)
        return done(gettext("Item {code} saved.", code=item.code), "catalog.item_edit", code=item.code)
    return _item_page(item)


@bp.get(f"{PREFIX}/margin")
@roles(*READ)
def margin():
    """The live margin of the item form (htmx): sale and purchase price with their unit factors."""
    result = _margin_of_form(request.args)
    return render_template("catalog/_margin.html", margin=result)


def _details(code: str, action):
    """Run one change of an item's details; a refusal re-renders the item page with its message."""
    item = catalog.find_item(code)
    try:
        action(item)
    except EquisisError as exc:
        return _item_page(item, errors=field_errors(exc), status=exc.status)
    return done(gettext("Item {code} saved.", code=item.code), "catalog.item_edit", code=item.code)


@bp.post(f"{PREFIX}/items/<code>/barcodes")
@roles(*EDIT)
def barcode_add(code: str):
    if request.form.get("generate"):
        return _details(code, lambda item: catalog.generate_barcode(item.code))
    return _details(code, lambda item: catalog.add_barcode(item.code, request.form.get("barcode", ""),
                                                           request.form.get("kind") or None))


@bp.post(f"{PREFIX}/items/<code>/barcodes/remove")
@roles(*EDIT)
def barcode_remove(code: str):
    return _details(code, lambda item: catalog.remove_barcode(item.code, request.form.get("barcode", "")))


@bp.post(f"{PREFIX}/items/<code>/fees")
@roles(*EDIT)
def fees_save(code: str):
    return _details(code, lambda item: catalog.set_fees(item.code, _pairs_text(request.form.get("fees", ""))))


@bp.post(f"{PREFIX}/items/<code>/components")
@roles(*EDIT)
def components_save(code: str):
    return _details(code, lambda item: catalog.set_components(
        item.code, _pairs_text(request.form.get("components", ""))))


@bp.post(f"{PREFIX}/items/<code>/variants")
@roles(*EDIT)
def variants_save(code: str):
    """Variants from the axes' values typed as 'S, M, L' (fields ``values_<axis number>``; empty: not an axis)."""
    given = {n: rules.variant_values(request.form.get(f"values_{n}", "")) for n in catalog.axes()}
    wanted = {n: values for n, values in given.items() if values}
    item = catalog.find_item(code)
    try:
        made = variants.generate(item.code, wanted)
    except EquisisError as exc:
        return _item_page(item, errors=field_errors(exc), status=exc.status)
    return done(gettext("{count} variants made.", count=len(made)), "catalog.item_edit", code=item.code)


@bp.post(f"{PREFIX}/items/<code>/links/<kind>")
@roles(*EDIT)
def links_save(code: str, kind: str):
    if kind not in LINK_KINDS:
        raise NotFound(what=kind)
    others = (request.form.get("codes") or "").replace(",", " ").split()
    return _details(code, lambda item: catalog.set_links(item.code, kind, others))


@bp.get(f"{PREFIX}/labels.pdf")
@roles(*READ)
def labels_pdf():
    """Labels of the items named in ``items`` (comma-separated codes), ``layout`` sheet or single."""
    codes = [c for c in (request.args.get("items") or "").replace(" ", ",").split(",") if c]
    layout = request.args.get("layout") if request.args.get("layout") in labels.LAYOUTS else "sheet"
    copies = max(1, min(500, request.args.get("copies", 1, type=int) or 1))
    if not codes:
        raise ValidationErrors([ItemCodeRequired(field="items")])
    data = labels.labels_pdf(codes, layout=layout, copies=copies, language=current_language())
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": "inline; filename=labels.pdf"})


# --------------------------------------------------------------------------- families and axes

def _families_page(*, errors=None, status: int = 200):
    return render_template("catalog/families.html", tree=catalog.families_tree(), errors=errors or {},
                           can_edit=_can_edit(), language=current_language(), axes=catalog.axes(),
                           axis_count=rules.AXIS_COUNT), status


@bp.get(f"{PREFIX}/families")
@roles(*READ)
def families():
    return _families_page()


@bp.post(f"{PREFIX}/families")
@roles(*EDIT)
def family_save():
    form = request.form
    names = {f"name_{lang}": form.get(f"name_{lang}", "") for lang in rules.LANGUAGES}
    existing = form.get("existing") or None
    try:
        family = catalog.save_family(form.get("code", ""), parent=form.get("parent") or None, existing=existing,
                                     **names)
    except EquisisError as exc:
        return _families_page(errors=field_errors(exc), status=exc.status)
    return done(gettext("Family {code} saved.", code=family.code), "catalog.families")


@bp.post(f"{PREFIX}/axes")
@roles(*EDIT)
def axes_save():
    for number in range(1, rules.AXIS_COUNT + 1):
        name = (request.form.get(f"axis_{number}") or "").strip()
        if name or number in catalog.axes():
            catalog.set_axis(number, name)
    return done(gettext("Classification axes saved."), "catalog.families")


# --------------------------------------------------------------------------- price lists

def _price_lists_spec() -> listing.ListSpec:
    return listing.ListSpec(
        name="price_lists",
        query=lambda: PriceList.select(),
        columns=(
            listing.Column("name", "Name", PriceList.name),
            listing.Column("party_id", "Customer", PriceList.party_id, kind="number"),
            listing.Column("customer_category", "Customer category", PriceList.customer_category),
            listing.Column("valid_from", "From", PriceList.valid_from, kind="date"),
            listing.Column("valid_to", "To", PriceList.valid_to, kind="date"),
            listing.Column("priority", "Priority", PriceList.priority, kind="number"),
            listing.Column("active", "Active", PriceList.active,
                           value=lambda p: gettext("yes") if p.active else gettext("no")),
        ),
        search=(PriceList.name, PriceList.customer_category),
        default_sort="name",
        row_link=lambda p: url_for("catalog.price_list_edit", price_list_id=p.id),
    )


@bp.get(f"{PREFIX}/pricelists/")
@roles(*READ)
def price_lists():
    return listing.respond(_price_lists_spec(), "catalog/price_lists.html", can_edit=_can_edit(), errors={},
                           values={})


def _list_values(problems: list) -> dict:
    form = request.form
    values = {"name": form.get("name", ""), "party_id": None, "customer_category": form.get("customer_category"),
              "priority": 0, "active": _flag("active"), "valid_from": None, "valid_to": None}
    party = (form.get("party_id") or "").strip()
    if party:
        if party.isdigit() and len(party) < 19:
            values["party_id"] = int(party)
        else:
            problems.append(InvalidPartyReference(party, field="party_id"))
    priority = (form.get("priority") or "0").strip()
    values["priority"] = int(priority) if priority.lstrip("-").isdigit() and len(priority) < 10 else 0
    for key in ("valid_from", "valid_to"):
        text = (form.get(key) or "").strip()
        if text:
            try:
                values[key] = parse_date(text, field=key)
            except EquisisError as exc:
                problems.append(exc)
    return values


@bp.post(f"{PREFIX}/pricelists/")
@roles(*EDIT)
def price_list_new():
    problems: list = []
    values = _list_values(problems)
    try:
        if problems:
            raise ValidationErrors(problems)
        ref, _created = submit_once("catalog.price_list",
                                    lambda: pricelists.create_price_list(values.pop("name"), **values).id)
    except EquisisError as exc:
        return listing.respond(_price_lists_spec(), "catalog/price_lists.html", can_edit=True,
                               errors=field_errors(exc), values=request.form), exc.status
    return done(gettext("Price list saved."), "catalog.price_list_edit", price_list_id=int(ref))


def _price_list_page(price_list: PriceList, *, errors=None, status: int = 200):
    return render_template("catalog/price_list.html", plist=price_list, rules=pricelists.rules_of(price_list),
                           errors=errors or {}, can_edit=_can_edit(), price=_price,
                           families=catalog.families_tree()), status


@bp.route(f"{PREFIX}/pricelists/<int:price_list_id>", methods=["GET", "POST"])
@roles(*READ)
def price_list_edit(price_list_id: int):
    plist = pricelists.find_price_list(price_list_id)
    if request.method == "POST":
        if not _can_edit():
            raise Forbidden()
        problems: list = []
        values = _list_values(problems)
        try:
            if problems:
                raise ValidationErrors(problems)
            pricelists.update_price_list(plist.id, **values)
        except EquisisError as exc:
            return _price_list_page(plist, errors=field_errors(exc), status=exc.status)
        return done(gettext("Price list saved."), "catalog.price_list_edit", price_list_id=plist.id)
    return _price_list_page(plist)


@bp.post(f"{PREFIX}/pricelists/<int:price_list_id>/rules")
@roles(*EDIT)
def price_rule_add(price_list_id: int):
    plist = pricelists.find_price_list(price_list_id)
    form = request.form
    try:
        pricelists.add_price_rule(plist.id, item=form.get("item"), family=form.get("family"),
                                  net_price=form.get("net_price"), discount=form.get("discount"),
                                  min_quantity=form.get("min_quantity"))
    except EquisisError as exc:
        return _price_list_page(plist, errors=field_errors(exc), status=exc.status)
    return done(gettext("Price list saved."), "catalog.price_list_edit", price_list_id=plist.id)


@bp.post(f"{PREFIX}/pricelists/<int:price_list_id>/rules/<int:rule_id>/remove")
@roles(*EDIT)
def price_rule_remove(price_list_id: int, rule_id: int):
    pricelists.find_price_list(price_list_id)
    pricelists.remove_price_rule(rule_id)
    return done(gettext("Price list saved."), "catalog.price_list_edit", price_list_id=price_list_id)


# --------------------------------------------------------------------------- API /api/v1/items

ITEM_SCHEMA = {"type": "object", "properties": {
    "code": {"type": "string"}, "names": {"type": "object"}, "descriptions": {"type": "object"},
    "family": {"type": ["string", "null"]}, "nature": {"type": "string", "enum": list(rules.NATURES)},
    "vat_rate_bp": {"type": "integer"}, "sale_price": {"type": "string", "example": "12.50"},
    "sale_price_e4": {"type": "integer"}, "purchase_price": {"type": "string"}, "purchase_price_e4": {"type": "integer"},
    "stock_unit": {"type": "string"}, "sale_unit": {"type": "string"}, "purchase_unit": {"type": "string"},
    "conversions": {"type": "object", "additionalProperties": {"type": "string"}},
    "barcodes": {"type": "array", "items": {"type": "object"}}, "fees": {"type": "array"},
    "components": {"type": "array"}, "accessories": {"type": "array"}, "substitutes": {"type": "array"},
    "income_account": {"type": ["string", "null"]}, "expense_account": {"type": ["string", "null"]},
    "is_eco_fee": {"type": "boolean"}, "active": {"type": "boolean"},
    "margin": {"type": "object", "properties": {"amount": {"type": "string"}, "percent": {"type": ["string", "null"]}}},
}}
ITEM_LIST_SCHEMA = {"type": "object", "properties": {"items": {"type": "array", "items": ITEM_SCHEMA}}}
CODE_PARAM = [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}]
WRITE_FIELDS = catalog.ITEM_FIELDS - {"sale_price_e4", "purchase_price_e4"}


def item_json(item: Item) -> dict:
    margin_value = catalog.margin_of(item)
    return {
        "code": item.code, "names": item.labels(), "descriptions": item.descriptions(),
        "family": item.family.code if item.family_id else None, "nature": item.nature,
        "vat_rate_bp": item.vat_rate_bp, "sale_price": _price(item.sale_price_e4), "sale_price_e4": item.sale_price_e4,
        "purchase_price": _price(item.purchase_price_e4), "purchase_price_e4": item.purchase_price_e4,
        "stock_unit": item.stock_unit_id, "sale_unit": item.sale_unit_id, "purchase_unit": item.purchase_unit_id,
        "conversions": {u: rules.format_factor(f) for u, f in catalog.conversions(item).items()},
        "barcodes": [{"code": b.code, "kind": b.kind, "generated": bool(b.generated)}
                     for b in catalog.barcodes_of(item)],
        "fees": [{"item": f.fee.code, "quantity_milli": f.quantity_milli} for f in item.fees],
        "components": [{"item": c.code, "quantity_milli": q} for c, q in catalog.kit_components(item)],
        "accessories": [link.other.code for link in catalog.links(item, "accessory")],
        "substitutes": [link.other.code for link in catalog.links(item, "substitute")],
        "income_account": item.income_account, "expense_account": item.expense_account,
        "is_eco_fee": bool(item.is_eco_fee), "active": bool(item.active),
        "margin": {"amount": str(margin_value.amount),
                   "percent": None if margin_value.percent is None else str(margin_value.percent)},
    }


def _json_body() -> dict:
    """The JSON body, numbers read as Decimal (a price is never a float)."""
    try:
        data = json.loads(request.get_data(as_text=True) or "{}", parse_float=Decimal)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InvalidJsonBody()
    return data


def _api_fields(data: dict) -> dict:
    fields = {}
    for key, value in data.items():
        if key == "names" and isinstance(value, dict):
            fields.update({f"name_{k}": v for k, v in value.items() if k in rules.LANGUAGES})
        elif key == "descriptions" and isinstance(value, dict):
            fields.update({f"description_{k}": v for k, v in value.items() if k in rules.LANGUAGES})
        elif key in WRITE_FIELDS:
            fields[key] = str(value) if isinstance(value, Decimal) else value
    return fields


@bp.get("/api/v1/items")
@api(*API_READ)
@documented("/items", "GET", "Items: search by code, barcode or name (q), or the list page by page",
            ITEM_LIST_SCHEMA, roles_note="any role but the cashier's reads; admin, sales, accountant write",
            parameters=[{"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 200}},
                        {"name": "after", "in": "query", "schema": {"type": "string"},
                         "description": "without q: items whose code sorts after this one"}])
def api_items():
    limit = min(200, max(1, request.args.get("limit", 50, type=int)))
    q = (request.args.get("q") or "").strip()
    if q:
        found = catalog.lookup(q, limit=limit)
    else:
        query = Item.select().order_by(Item.code).limit(limit)
        if request.args.get("after"):
            query = query.where(Item.code > request.args["after"].upper())
        found = list(query)
    return jsonify({"items": [item_json(i) for i in found]})


@bp.get("/api/v1/items/<code>")
@api(*API_READ)
@documented("/items/{code}", "GET", "One item by its code", ITEM_SCHEMA, parameters=CODE_PARAM)
def api_item(code: str):
    return jsonify(item_json(catalog.find_item(code)))


@bp.get("/api/v1/items/barcode/<path:code>")
@api(*API_READ)
@documented("/items/barcode/{code}", "GET", "The item that carries this barcode (404 if none)", ITEM_SCHEMA,
            parameters=CODE_PARAM)
def api_item_by_barcode(code: str):
    item = catalog.find_by_barcode(code)
    if item is None:
        raise NotFound(what=gettext("Barcode {code}", code=code))
    return jsonify(item_json(item))


@bp.post("/api/v1/items")
@api(*EDIT)
@documented("/items", "POST", "Create an item (prices as text '12.50' or JSON numbers; at most 4 decimals)",
            ITEM_SCHEMA, roles_note="admin, sales or accountant")
def api_item_create():
    data = _json_body()
    barcodes = data.pop("barcodes", []) or []
    barcodes = [b["code"] if isinstance(b, dict) else str(b) for b in barcodes]
    item = catalog.create_item(str(data.pop("code", "") or ""), barcodes=barcodes, **_api_fields(data))
    return jsonify(item_json(item)), 201


@bp.patch("/api/v1/items/<code>")
@api(*EDIT)
@documented("/items/{code}", "PATCH", "Change the given fields of an item", ITEM_SCHEMA,
            roles_note="admin, sales or accountant", parameters=CODE_PARAM)
def api_item_update(code: str):
    data = _json_body()
    fields = _api_fields(data)
    if "code" in data:
        fields["new_code"] = str(data["code"])
    item = catalog.update_item(code, **fields)
    return jsonify(item_json(item))

