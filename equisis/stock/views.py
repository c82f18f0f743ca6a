"""The stock on screen: stock list, item detail with history, moves, value report, traces, shortages, places,
inventories (review, counts, import, sheets), WebScan, labels; and ``/api/v1/stock`` for levels and moves.

Thin: each view parses its form into typed arguments and calls one stock service function. Warehouse clerks and
accountants (admin always) use these screens.
"""
from __future__ import annotations

import datetime as dt

from peewee import SQL
from flask import Blueprint, Response, g, jsonify, render_template, request, url_for

from equisis.catalog import service as catalog
from equisis.catalog.models import Item
from equisis.core.dates import parse_date
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import N_, gettext
from equisis.core.money import from_scaled, parse_amount, to_cents
from equisis.documents import service as documents
from equisis.stock import closing, exports, inventory as inventories, kits, places, reports, rules, sheets, valuation
from equisis.stock import service as stock
from equisis.stock.errors import InvalidCost, InvalidQuantity
from equisis.stock.models import Inventory, Location, Move
from equisis.web import listing
from equisis.web.access import api, roles
from equisis.web.api import documented
from equisis.web.forms import done, field_errors, form_key, submit_once

bp = Blueprint("stock", __name__, url_prefix="/c/<slug>/stock")
api_bp = Blueprint("stock_api", __name__, url_prefix="/api/v1/stock")
STOCK = ("warehouse", "accountant")
KIND_CHOICES = tuple(rules.KIND_LABELS.items())


def qty(milli) -> str:
    return "" if milli is None else rules.format_quantity(milli)


@bp.app_template_filter("qty")
def _qty_filter(milli):
    return qty(milli)


def _quantity(name: str, problems: list, *, required: bool = True) -> int | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        if required:
            problems.append(InvalidQuantity("", field=name))
        return None
    try:
        return rules.parse_quantity(text)
    except (ValueError, TypeError):
        problems.append(InvalidQuantity(text, field=name))
        return None


def _cents(name: str, problems: list) -> int | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        return None
    try:
        return to_cents(parse_amount(text))
    except EquisisError:
        problems.append(InvalidCost(text, field=name))
        return None


def _day(name: str, problems: list) -> dt.date | None:
    text = (request.values.get(name) or "").strip()
    if not text:
        return None
    try:
        return parse_date(text, field=name)
    except EquisisError as exc:
        problems.append(exc)
        return None


def _refuse(problems: list) -> None:
    if problems:
        raise ValidationErrors(problems) if len(problems) > 1 else problems[0]


def _errors(exc: EquisisError, shown: tuple = ()) -> dict:
    """{field: messages} for the fields a form shows next to their input; every other message at the top."""
    errors: dict = {}
    for field_name, messages in field_errors(exc).items():
        errors.setdefault(field_name if field_name in shown else "", []).extend(messages)
    return errors


MOVE_FIELDS = ("item", "quantity", "unit", "lot", "expiry", "serials", "cost", "day", "reason")
PLACE_FIELDS = ("code",)


def _letterhead():
    return documents.letterhead_from_profile(g.company.folder if hasattr(g.company, "folder") else None)


# ----------------------------------------------------------------------------- stock list and item

STOCK_LIST = listing.ListSpec(
    name="stock",
    query=reports.stock_list_query,
    columns=(
        listing.Column("code", N_("Item"), Item.code),
        listing.Column("name", N_("Name"), Item.name_fr, value=lambda r: r.name_fr or r.name_en or r.name_nl),
        listing.Column("qty", N_("Quantity"), SQL("qty_milli"), kind="number",
                       value=lambda r: from_scaled(r.qty_milli or 0, 3)),
        listing.Column("unit", N_("Unit"), Item.stock_unit, value=lambda r: r.stock_unit_id),
    ),
    search=(Item.code, Item.name_fr, Item.name_nl, Item.name_de, Item.name_en),
    default_sort="code",
    row_link=lambda r: url_for("stock.item_detail", code=r.code),
)


@bp.get("/")
@roles(*STOCK)
def home():
    return listing.respond(STOCK_LIST, "stock/home.html", shortages=len(reports.shortages()),
                           counting=inventories.inventories(state="counting"))


@bp.get("/items/<code>")
@roles(*STOCK)
def item_detail(code):
    item = catalog.find_item(code)
    page = max(1, request.args.get("page", 1, type=int))
    history, total = reports.item_history(item, warehouse=request.args.get("warehouse") or None, page=page)
    return render_template("stock/item.html", item=item, levels=stock.stock_of(item), lots=reports.lots_of(item),
                           history=history, total=total, page=page, settings=stock.item_settings(item),
                           label=catalog.label(item, g.user.language), kinds=rules.KIND_LABELS,
                           is_kit=bool(catalog.kit_components(item)), variant_grid=reports.variant_grid(item))


def _limit(name: str, problems: list) -> int:
    """A minimum or maximum: empty or 0 is 0 (none)."""
    text = (request.form.get(name) or "").strip()
    if text in ("", "0", "0,0", "0.0"):
        return 0
    try:
        return rules.parse_quantity(text)
    except (ValueError, TypeError):
        problems.append(InvalidQuantity(text, field=name))
        return 0


@bp.get("/items/<code>/settings")
@roles(*STOCK)
def item_settings_page(code, errors=None, status=200):
    item = catalog.find_item(code)
    settings, posted = stock.item_settings(item), request.method == "POST"
    values = {"tracking": request.form.get("tracking") if posted else settings.tracking,
              "expiry_required": request.form.get("expiry_required") == "1" if posted else settings.expiry_required,
              "valuation_method": request.form.get("valuation_method") if posted else settings.valuation_method}
    limits = []
    for warehouse, row, locations in places.item_warehouses(item):
        w = warehouse.code
        limits.append((warehouse, {
            "locations": locations,
            "default_location": request.form.get(f"default_location-{w}") if posted else (
                row.default_location.code if row and row.default_location_id else ""),
            "min_qty": request.form.get(f"min_qty-{w}", "") if posted else qty(row.min_qty_milli if row else 0),
            "max_qty": request.form.get(f"max_qty-{w}", "") if posted else qty(row.max_qty_milli if row else 0)}))
    return render_template("stock/item_settings.html", item=item, values=values, limits=limits,
                           methods=rules.VALUATION_METHODS, company_method=places.valuation_method(),
                           errors=errors or {}), status


@bp.post("/items/<code>/settings")
@roles(*STOCK)
def item_settings_save(code):
    item = catalog.find_item(code)
    problems, limits = [], []
    for warehouse in stock.warehouses(active_only=True):
        w = warehouse.code
        limits.append(places.WarehouseLimits(w, request.form.get(f"default_location-{w}") or None,
                                             _limit(f"min_qty-{w}", problems), _limit(f"max_qty-{w}", problems)))
    try:
        _refuse(problems)
        places.save_item_stock(item.code, tracking=request.form.get("tracking") or "none",
                               expiry_required=request.form.get("expiry_required") == "1",
                               valuation_method=request.form.get("valuation_method") or None, limits=limits)
    except EquisisError as exc:
        return item_settings_page(code, _errors(exc, tuple(request.form) + ("tracking", "valuation_method")),
                                  exc.status)
    return done(gettext("Stock settings of {code} saved.", code=item.code), "stock.item_detail", code=item.code)


@bp.get("/items/<code>/explode")
@roles(*STOCK)
def kit_explosion_page(code, errors=None, status=200):
    item = catalog.find_item(code)
    return render_template("stock/kit_explosion.html", item=item, components=catalog.kit_components(item),
                           levels=stock.stock_of(item), errors=errors or {}, form=request.form), status


@bp.post("/items/<code>/explode")
@roles(*STOCK)
def kit_explosion(code):
    problems: list = []
    quantity = _quantity("quantity", problems)
    day = _day("day", problems)
    try:
        _refuse(problems)
        kits.explode(code, quantity, location=request.form.get("location") or "", day=day,
                     reason=request.form.get("reason") or "", key=form_key())
    except EquisisError as exc:
        return kit_explosion_page(code, _errors(exc, ("quantity", "location", "day")), exc.status)
    return done(gettext("Kits exploded into their components."), "stock.item_detail", code=code.upper())


MOVE_LIST = listing.ListSpec(
    name="moves",
    query=lambda: Move.select(Move, Item).join(Item, on=(Move.item == Item.id)),
    columns=(
        listing.Column("id", N_("No."), Move.id, kind="number"),
        listing.Column("day", N_("Date"), Move.day, kind="date"),
        listing.Column("kind", N_("Kind"), Move.kind, value=lambda m: gettext(rules.KIND_LABELS[m.kind])),
        listing.Column("item", N_("Item"), Item.code, value=lambda m: m.item.code),
        listing.Column("qty", N_("Quantity"), Move.qty_milli, kind="number", value=lambda m: from_scaled(m.qty_milli, 3)),
        listing.Column("from", N_("From"), Move.from_location,
                       value=lambda m: m.from_location.code if m.from_location_id else ""),
        listing.Column("to", N_("To"), Move.to_location, value=lambda m: m.to_location.code if m.to_location_id else ""),
        listing.Column("document", N_("Document"), Move.doc_id, value=lambda m: f"{m.doc_type} {m.doc_id}".strip()),
        listing.Column("reason", N_("Reason"), Move.reason),
        listing.Column("actor", N_("By"), Move.actor),
    ),
    search=(Item.code, Move.doc_id, Move.reason),
    filters=(listing.Filter("kind", N_("Kind"), Move.kind, KIND_CHOICES),),
    default_sort="id", default_desc=True,
)


@bp.get("/moves/")
@roles(*STOCK)
def moves():
    return listing.respond(MOVE_LIST, "stock/moves.html")


def _move_form(errors: dict, status: int = 200):
    return render_template("stock/move_form.html", errors=errors, kinds=KIND_CHOICES,
                           locations=stock.locations(), form=request.form), status


@bp.get("/moves/new")
@roles(*STOCK)
def move_new():
    return _move_form({})


@bp.post("/moves/new")
@roles(*STOCK)
def move_create():
    problems: list = []
    form = request.form
    kind = form.get("kind") or ""
    quantity = _quantity("quantity", problems)
    cost = _cents("cost", problems)
    day = _day("day", problems)
    try:
        _refuse(problems)
        serials = tuple(s for s in (form.get("serials") or "").replace(",", " ").split() if s)
        expiry = parse_date(form["expiry"], field="expiry") if form.get("expiry") else None
        item = catalog.find_item(form.get("item") or "") if not catalog.find_by_barcode(form.get("item") or "") \
            else catalog.find_by_barcode(form.get("item"))
        request_ = stock.MoveRequest(kind, item, quantity, unit=form.get("unit") or None,
                                     from_location=form.get("from_location") or None,
                                     to_location=form.get("to_location") or None, lot=form.get("lot") or None,
                                     expiry=expiry, serials=serials, cost_cents=cost, day=day,
                                     reason=form.get("reason") or "", key=form_key())
        result = stock.post_moves([request_])[0]
    except EquisisError as exc:
        return _move_form(_errors(exc, MOVE_FIELDS), exc.status)
    for warning in result.warnings:
        from flask import flash

        flash(warning.message(), "warning")
    return done(gettext("Stock moved."), "stock.item_detail", code=item.code)


# ----------------------------------------------------------------------------- reports

@bp.get("/value")
@roles(*STOCK)
def value_report(errors=None, status=200):
    problems: list = []
    day = _day("at", problems) or dt.date.today()
    by = request.args.get("by") if request.args.get("by") in ("item", "family", "warehouse") else "item"
    rows = valuation.stock_value_at(day, by=by, family=request.args.get("family") or None,
                                    warehouse=request.args.get("warehouse") or None)
    fmt = request.args.get("export")
    if fmt in listing.EXPORT_FORMATS:
        return _export_rows(f"stock-value-{day.isoformat()}", rows, fmt)
    errors = errors or (_errors(problems[0]) if problems else {})
    return render_template("stock/value.html", rows=rows, day=day, by=by, errors=errors,
                           total=sum(r["value_cents"] for r in rows)), status


def _export_rows(name: str, rows: list[dict], fmt: str):
    return Response(exports.rows_to_bytes(rows, fmt), mimetype=exports.MIME[fmt],
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


@bp.get("/trace")
@roles(*STOCK)
def trace():
    item_code, lot = request.args.get("item") or "", request.args.get("lot") or ""
    result, error = None, None
    if item_code and lot:
        try:
            result = reports.trace_lot(item_code, lot)
        except EquisisError as exc:
            error = exc.message()
    return render_template("stock/trace.html", result=result, error=error, item=item_code, lot=lot,
                           kinds=rules.KIND_LABELS), 404 if error else 200


@bp.get("/shortages")
@roles(*STOCK, "sales")
def shortages():
    rows = reports.shortages(request.args.get("warehouse") or None)
    fmt = request.args.get("export")
    if fmt in ("xlsx", "csv"):
        return _export_rows("shortages", [{"item": r.item_code, "warehouse": r.warehouse, "qty_milli": r.qty_milli,
                                           "min_qty_milli": r.min_qty_milli, "max_qty_milli": r.max_qty_milli,
                                           "to_order_milli": r.to_order_milli} for r in rows], fmt)
    return render_template("stock/shortages.html", rows=rows)



@bp.context_processor
def _labels():
    """The translatable names of the stock's codes (states, scopes, tracking, policies) for every template."""
    return {"state_labels": rules.INVENTORY_STATE_LABELS, "scope_labels": rules.INVENTORY_SCOPE_LABELS,
            "tracking_labels": rules.TRACKING_LABELS, "policy_labels": rules.POLICY_LABELS}

# ----------------------------------------------------------------------------- places and settings

@bp.get("/places")
@roles(*STOCK)
def places_page(errors=None, status=200):
    return render_template("stock/places.html", warehouses=stock.warehouses(), locations=stock.locations(),
                           errors=errors or {}, policy=stock.negative_policy(),
                           method=stock.places.valuation_method(), policies=rules.NEGATIVE_POLICIES,
                           methods=rules.VALUATION_METHODS), status


@bp.post("/places/warehouse")
@roles(*STOCK)
def warehouse_create():
    try:
        submit_once("stock.warehouse", lambda: stock.create_warehouse(request.form.get("code") or "",
                                                                      request.form.get("name") or "").code)
    except EquisisError as exc:
        return places_page(_errors(exc, PLACE_FIELDS), exc.status)
    return done(gettext("Warehouse added."), "stock.places_page")


@bp.post("/places/location")
@roles(*STOCK)
def location_create():
    form = request.form
    try:
        submit_once("stock.location", lambda: stock.create_location(
            form.get("warehouse") or "", form.get("code") or "", aisle=form.get("aisle") or "",
            row=form.get("row") or "", column=form.get("column") or "", bin=form.get("bin") or "").code)
    except EquisisError as exc:
        return places_page(_errors(exc, PLACE_FIELDS), exc.status)
    return done(gettext("Location added."), "stock.places_page")


@bp.post("/places/settings")
@roles("admin")
def settings_save():
    try:
        stock.set_negative_policy(request.form.get("policy") or "")
        method = request.form.get("method") or ""
        if method != stock.places.valuation_method():
            stock.set_valuation_method(method)
    except EquisisError as exc:
        return places_page(_errors(exc, PLACE_FIELDS), exc.status)
    return done(gettext("Stock settings saved."), "stock.places_page")


@bp.get("/labels/locations.pdf")
@roles(*STOCK)
def location_labels():
    warehouse = request.args.get("warehouse")
    rows = [x for x in stock.locations() if not warehouse or x.warehouse.code == warehouse.upper()]
    labels = [(x.code, " ".join(p for p in (x.warehouse.code, x.aisle, x.row, x.column, x.bin) if p)) for x in rows]
    pdf = sheets.labels_pdf(labels, _letterhead(), language=g.user.language)
    return Response(pdf, mimetype="application/pdf")


@bp.get("/labels/item/<code>.pdf")
@roles(*STOCK)
def item_labels(code):
    item = catalog.find_item(code)
    barcode = catalog.primary_barcode(item)
    count = min(max(1, request.args.get("count", 1, type=int)), 180)
    pdf = sheets.labels_pdf([(barcode.code if barcode else item.code, catalog.label(item, g.user.language))] * count,
                            _letterhead(), language=g.user.language)
    return Response(pdf, mimetype="application/pdf")


@bp.post("/year-end")
@roles("accountant")
def year_end():
    """Post the year-end stock variation entry of the fiscal year holding the given day."""
    problems: list = []
    day = _day("day", problems)
    try:
        _refuse(problems)
        entry = closing.post_variation(day or dt.date.today(), role=g.user.role)
    except EquisisError as exc:
        return value_report(_errors(exc), exc.status)
    return done(gettext("Stock variation posted: {reference}.", reference=entry.reference), "stock.value_report")


# ----------------------------------------------------------------------------- inventories

@bp.get("/inventories/")
@roles(*STOCK)
def inventory_list(errors=None, status=200):
    return render_template("stock/inventories.html", rows=inventories.inventories(), warehouses=stock.warehouses(),
                           errors=errors or {}, today=dt.date.today()), status


@bp.post("/inventories/")
@roles(*STOCK)
def inventory_open():
    problems: list = []
    day = _day("day", problems)
    try:
        _refuse(problems)
        ref, _ = submit_once("stock.inventory", lambda: inventories.open_inventory(
            request.form.get("warehouse") or "", day=day, location_prefix=request.form.get("prefix") or "",
            family=request.form.get("family") or None).id)
    except EquisisError as exc:
        return inventory_list(_errors(exc, ("day",)), exc.status)
    return done(gettext("Inventory opened."), "stock.inventory_detail", inventory_id=int(ref))


def _inventory(inventory_id: int) -> Inventory:
    return inventories.find_inventory(inventory_id)


@bp.get("/inventories/<int:inventory_id>")
@roles(*STOCK)
def inventory_detail(inventory_id, errors=None, status=200):
    inventory = _inventory(inventory_id)
    lines = inventories.count_lines(inventory)
    return render_template("stock/inventory.html", inventory=inventory, lines=lines, errors=errors or {},
                           variances=sum(1 for x in lines if x.variance_milli)), status


@bp.post("/inventories/<int:inventory_id>/counts")
@roles(*STOCK)
def inventory_counts(inventory_id):
    """Typed counts: one row per field ``count-<item>-<location>-<lot>`` (set, not added)."""
    inventory = _inventory(inventory_id)
    rows, problems = [], []
    for n, line in enumerate(inventories.count_lines(inventory), start=1):
        name = f"count-{n}"
        if (request.form.get(name) or "").strip():
            text = request.form[name].strip()
            try:
                milli = 0 if text in ("0", "0,0", "0.0") else rules.parse_quantity(text)
            except ValueError:
                problems.append(InvalidQuantity(text, field=name))
                continue
            rows.append(inventories.CountInput(line.item_code, line.location, milli, line.lot, row=n))
    extra = (request.form.get("new_code") or "").strip()
    if extra:
        milli = _quantity("new_quantity", problems)
        if milli is not None:
            rows.append(inventories.CountInput(extra, request.form.get("new_location") or "", milli,
                                               request.form.get("new_lot") or "", row=len(rows) + 1))
    try:
        _refuse(problems)
        inventories.record_counts(inventory.id, rows, mode="set", key=form_key())
    except EquisisError as exc:
        return inventory_detail(inventory_id, _errors(exc), exc.status)
    return done(gettext("Counts saved."), "stock.inventory_detail", inventory_id=inventory.id)


@bp.post("/inventories/<int:inventory_id>/import")
@roles(*STOCK)
def inventory_import(inventory_id):
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            from equisis.stock.errors import CountFileEmpty

            raise CountFileEmpty(field="file")
        count = inventories.import_counts(inventory_id, upload.read(),
                                          default_location=request.form.get("location") or "")
    except EquisisError as exc:
        return inventory_detail(inventory_id, _errors(exc), exc.status)
    return done(gettext("{count} counts imported.", count=count), "stock.inventory_detail",
                inventory_id=inventory_id)


@bp.post("/inventories/<int:inventory_id>/validate")
@roles(*STOCK)
def inventory_validate(inventory_id):
    try:
        moved = inventories.validate(inventory_id)
    except EquisisError as exc:
        return inventory_detail(inventory_id, _errors(exc), exc.status)
    return done(gettext("Inventory validated: {count} adjustments.", count=len(moved)), "stock.inventory_detail",
                inventory_id=inventory_id)


@bp.post("/inventories/<int:inventory_id>/cancel")
@roles(*STOCK)
def inventory_cancel(inventory_id):
    try:
        inventories.cancel(inventory_id)
    except EquisisError as exc:
        return inventory_detail(inventory_id, _errors(exc), exc.status)
    return done(gettext("Inventory cancelled."), "stock.inventory_list")


@bp.get("/inventories/<int:inventory_id>/sheet.pdf")
@roles(*STOCK)
def inventory_sheet(inventory_id):
    inventory = _inventory(inventory_id)
    pdf = sheets.count_sheet_pdf(inventory, _letterhead(), language=g.user.language,
                                 show_expected=request.args.get("expected") == "1")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={inventory.number.replace('/', '-')}.pdf"})


@bp.get("/inventories/<int:inventory_id>/export.xlsx")
@roles(*STOCK)
def inventory_export(inventory_id):
    inventory = _inventory(inventory_id)
    return Response(sheets.count_xlsx(inventory, g.user.language),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition":
                             f"attachment; filename={inventory.number.replace('/', '-')}.xlsx"})


# ----------------------------------------------------------------------------- WebScan

@bp.get("/scan/")
@roles(*STOCK)
def scan_choose():
    return render_template("stock/scan_choose.html", rows=inventories.inventories(state="counting"))


@bp.get("/scan/<int:inventory_id>")
@roles(*STOCK)
def scan(inventory_id):
    return render_template("stock/scan.html", inventory=_inventory(inventory_id))


@bp.get("/scan/<int:inventory_id>/lookup")
@roles(*STOCK)
def scan_lookup(inventory_id):
    """What a scanned code is: a location of the inventory, or an item (by barcode or code)."""
    code = (request.args.get("code") or "").strip()
    if Location.get_or_none(Location.code == code.upper()) is not None:
        location = inventories.check_location(inventory_id, code)
        return jsonify({"kind": "location", "code": location.code})
    item = catalog.find_by_barcode(code) or Item.get_or_none(Item.code == code.upper())
    if item is None:
        from equisis.stock.errors import UnknownBarcode

        raise UnknownBarcode(row=1, code=code, field="code")
    return jsonify({"kind": "item", "code": item.code, "barcode": code,
                    "label": catalog.label(item, g.user.language),
                    "tracking": stock.item_settings(item).tracking})


@bp.post("/scan/<int:inventory_id>/counts")
@roles(*STOCK)
def scan_submit(inventory_id):
    """The scanned batch as JSON {key, counts: [{code, location, quantity, lot}]}: the counts add up, once per key."""
    data = request.get_json(silent=True) or {}
    rows = []
    for n, entry in enumerate(data.get("counts") or [], start=1):
        try:
            milli = rules.parse_quantity(str(entry.get("quantity", "1")))
        except (ValueError, TypeError):
            raise InvalidQuantity(str(entry.get("quantity")), field=f"rows-{n}-quantity") from None
        rows.append(inventories.CountInput(str(entry.get("code") or ""), str(entry.get("location") or ""), milli,
                                           str(entry.get("lot") or ""), row=n))
    count = inventories.record_counts(inventory_id, rows, mode="add", key=data.get("key") or None)
    return jsonify({"saved": count})


# ----------------------------------------------------------------------------- JSON API

LEVEL_SCHEMA = {"type": "object", "properties": {"item": {"type": "string"}, "quantity": {"type": "string"},
                                                 "levels": {"type": "array", "items": {"type": "object"}}}}
MOVES_SCHEMA = {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}},
                                                 "next_after": {"type": ["integer", "null"]}}}
MOVE_RESULT_SCHEMA = {"type": "object", "properties": {"moves": {"type": "array", "items": {"type": "integer"}},
                                                       "created": {"type": "boolean"},
                                                       "warnings": {"type": "array", "items": {"type": "string"}}}}


@api_bp.get("/levels/<code>")
@api("warehouse", "sales", "cashier", "accountant")
@documented("/stock/levels/{code}", "GET", "Stock of an item per location and lot", LEVEL_SCHEMA,
            parameters=[{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}])
def api_levels(code):
    item = catalog.find_item(code)
    levels = [{**row, "quantity": qty(row.pop("qty_milli")),
               "expiry": row["expiry"].isoformat() if row["expiry"] else None} for row in stock.stock_of(item)]
    return jsonify({"item": item.code, "unit": item.stock_unit_id, "quantity": qty(stock.quantity_of(item)),
                    "levels": levels})


def _move_json(move: Move) -> dict:
    return {"id": move.id, "kind": move.kind, "day": move.day.isoformat(), "item": move.item.code,
            "quantity": qty(move.qty_milli), "from": move.from_location.code if move.from_location_id else None,
            "to": move.to_location.code if move.to_location_id else None,
            "lot": move.lot.code if move.lot_id else None, "doc_type": move.doc_type, "doc_id": move.doc_id,
            "doc_line": move.doc_line, "actor": move.actor, "at": move.at}


@api_bp.get("/moves")
@api("warehouse", "accountant")
@documented("/stock/moves", "GET", "Stock moves in order, 500 at a time after a given id", MOVES_SCHEMA,
            parameters=[{"name": "item", "in": "query", "schema": {"type": "string"}},
                        {"name": "after", "in": "query", "schema": {"type": "integer"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 500}}])
def api_moves():
    after = min(max(0, request.args.get("after", 0, type=int)), 2**63 - 1)
    limit = min(500, max(1, request.args.get("limit", 500, type=int)))
    query = Move.select().where(Move.id > after).order_by(Move.id).limit(limit)
    if request.args.get("item"):
        query = query.where(Move.item == catalog.find_item(request.args["item"]))
    rows = list(query)
    return jsonify({"items": [_move_json(m) for m in rows],
                    "next_after": rows[-1].id if len(rows) == limit else None})


@api_bp.post("/moves")
@api("warehouse", "accountant")
@documented("/stock/moves", "POST", "Move stock: {kind, item, quantity, unit?, from?, to?, lot?, expiry?, serials?, "
            "cost?, day?, reason?, source: {doc_type, doc_id, line}?, key?}", MOVE_RESULT_SCHEMA)
def api_move_create():
    data = request.get_json(silent=True) or {}
    try:
        milli = rules.parse_quantity(str(data.get("quantity", ""))) if data.get("kind") != "revaluation" else 0
    except (ValueError, TypeError):
        raise InvalidQuantity(str(data.get("quantity")), field="quantity") from None
    source = data.get("source") or {}
    cost = to_cents(parse_amount(str(data["cost"]), field="cost")) if data.get("cost") not in (None, "") else None
    result = stock.post_moves([stock.MoveRequest(
        str(data.get("kind") or ""), str(data.get("item") or ""), milli, unit=data.get("unit") or None,
        from_location=data.get("from") or None, to_location=data.get("to") or None, lot=data.get("lot") or None,
        expiry=parse_date(data["expiry"], field="expiry") if data.get("expiry") else None,
        serials=tuple(data.get("serials") or ()), cost_cents=cost,
        day=parse_date(data["day"], field="day") if data.get("day") else None, reason=str(data.get("reason") or ""),
        source=stock.Source(str(source.get("doc_type") or "api"), str(source.get("doc_id") or ""),
                            int(source.get("line") or 0)) if source else None,
        key=data.get("key") or None)])[0]
    return jsonify({"moves": result.move_ids, "created": result.created,
                    "warnings": [w.message() for w in result.warnings]}), 201 if result.created else 200


