"""Use cases of the catalog: items and their units, barcodes, fees, links and kits; families; lookups.

Prices given to :func:`create_item` / :func:`update_item` are euros as typed
(``"12,50"``, ``Decimal("12.5")``) or, with the ``*_e4`` keyword, integers with
four decimals. A price with more than four decimals is refused (PriceTooPrecise).
Price lists and :func:`price_for` live in :mod:`equisis.catalog.pricelists` and
are re-exported here.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from equisis.catalog import rules
from equisis.catalog.errors import (DuplicateBarcode, DuplicateFamilyCode, DuplicateItemCode, EcoFeeWithoutAmount,
                                    FamilyCycle, FamilyNotFound, FeeItemNotEcoFee, InvalidAccountCode, InvalidAxis, InvalidConversion,
                                    InvalidLanguage, ItemCodeRequired, ItemLabelRequired, ItemNotFound, KitCycle,
                                    InvalidQuantity, SelfReference, UnitConversionMissing, UnknownUnit)
from equisis.catalog.models import (Axis, Barcode, Family, Item, ItemAxisValue, ItemFee, ItemLink, ItemUnit,
                                    KitComponent, Unit)
from equisis.catalog.pricelists import (PriceQuote, add_price_rule, create_price_list, find_price_list,  # noqa: F401
                                        price_for, remove_price_rule, update_price_list)
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.store import audit
from equisis.store.database import write

LANGS = rules.LANGUAGES
TEXT_FIELDS = tuple(f"name_{lang}" for lang in LANGS) + tuple(f"description_{lang}" for lang in LANGS)


@dataclass(frozen=True)
class FeeLine:
    item: Item
    quantity_milli: int


# ----------------------------------------------------------------------------- units

def units() -> list[Unit]:
    return list(Unit.select().order_by(Unit.code))


def find_unit(code: str) -> Unit:
    unit = Unit.get_or_none(Unit.code == (code or "").strip())
    if unit is None:
        raise UnknownUnit(code, field="unit")
    return unit


def factor(item: Item, unit_code: str) -> Fraction:
    """How many stock units one ``unit_code`` of the item holds (UnitConversionMissing if none is known)."""
    if unit_code == item.stock_unit_id:
        return Fraction(1)
    row = ItemUnit.get_or_none((ItemUnit.item == item) & (ItemUnit.unit == unit_code))
    if row is None:
        raise UnitConversionMissing(item=item.code, from_unit=unit_code, to_unit=item.stock_unit_id, field="unit")
    return Fraction(row.factor_num, row.factor_den)


def conversions(item: Item) -> dict[str, Fraction]:
    """{unit code: stock units per unit} of the item, its stock unit included (1)."""
    result = {item.stock_unit_id: Fraction(1)}
    for row in ItemUnit.select().where(ItemUnit.item == item).order_by(ItemUnit.unit):
        result[row.unit_id] = Fraction(row.factor_num, row.factor_den)
    return result


def convert(item: Item, quantity_milli: int, from_unit: str, to_unit: str) -> int:
    """A quantity of the item in ``from_unit`` expressed in ``to_unit`` (rounded to the thousandth).

    A unit the item has no conversion for is an error naming the item and both units.
    """
    if from_unit == to_unit:
        return quantity_milli
    known = conversions(item)
    for unit in (from_unit, to_unit):
        if unit not in known:
            raise UnitConversionMissing(item=item.code, from_unit=from_unit, to_unit=to_unit, field="unit")
    return rules.convert_quantity(quantity_milli, known[from_unit], known[to_unit])


def margin_of(item: Item) -> rules.Margin:
    """The margin of one sale unit, the purchase price converted from the purchase unit."""
    known = conversions(item)
    per_sale = known.get(item.sale_unit_id, Fraction(1)) / known.get(item.purchase_unit_id, Fraction(1))
    return rules.margin(item.sale_price_e4, item.purchase_price_e4, per_sale)


# ----------------------------------------------------------------------------- families and axes

def find_family(code: str) -> Family:
    family = Family.get_or_none(Family.code == (code or "").strip().upper())
    if family is None:
        raise FamilyNotFound(code=code, field="family")
    return family


def family_ancestors(family_id: int | None) -> list[int]:
    """[the family, its parent, …, the root] (ids)."""
    chain: list[int] = []
    while family_id is not None and family_id not in chain:
        chain.append(family_id)
        family_id = Family.select(Family.parent).where(Family.id == family_id).scalar()
    return chain


def families_tree() -> list[tuple[Family, int]]:
    """Every family with its depth (0 for a root), each under its parent, by code."""
    rows = list(Family.select().order_by(Family.code))
    children: dict = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    out: list[tuple[Family, int]] = []

    def walk(parent_id, depth):
        for row in children.get(parent_id, []):
            out.append((row, depth))
            walk(row.id, depth + 1)
    walk(None, 0)
    return out


def save_family(code: str, *, parent: str | None = None, existing: str | None = None, **names) -> Family:
    """Create a family (``existing`` None) or change one; names as name_fr=…, parent by code."""
    problems: list[EquisisError] = []
    try:
        code = rules.check_item_code(code)
    except EquisisError as exc:
        problems.append(exc)
    unknown = set(names) - {f"name_{lang}" for lang in LANGS}
    if unknown:
        raise TypeError(f"unknown family fields {sorted(unknown)}")
    if problems:
        raise ValidationErrors(problems)
    with write():
        row = find_family(existing) if existing else Family(code=code)
        before = row.snapshot() if existing else None
        other = Family.get_or_none(Family.code == code)
        if other is not None and other.id != row.id:
            raise ValidationErrors([DuplicateFamilyCode(code, field="code")])
        parent_row = find_family(parent) if parent else None
        if parent_row is not None and row.id is not None and row.id in family_ancestors(parent_row.id):
            raise ValidationErrors([FamilyCycle(family=code, parent=parent_row.code, field="parent")])
        row.code, row.parent = code, parent_row
        for name, value in names.items():
            setattr(row, name, (value or "").strip())
        row.save()
        audit.record("update" if existing else "create", "family", row.id, before=before, after=row.snapshot())
    return row


def axes() -> dict[int, str]:
    return {a.number: a.name for a in Axis.select().order_by(Axis.number)}


def set_axis(number: int, name: str) -> None:
    """Name classification axis ``number`` (1..10); an empty name keeps the axis but hides it from forms."""
    if not 1 <= int(number) <= rules.AXIS_COUNT:
        raise InvalidAxis(number, field="axis")
    with write():
        row = Axis.get_or_none(Axis.number == number)
        before = {"name": row.name} if row else None
        if row is None:
            row = Axis.create(number=number, name=(name or "").strip())
        else:
            row.name = (name or "").strip()
            row.save()
        audit.record("setting", "catalog_axis", number, before=before, after={"name": row.name})


# ----------------------------------------------------------------------------- items

def find_item(code: str) -> Item:
    item = Item.get_or_none(Item.code == (code or "").strip().upper())
    if item is None:
        raise ItemNotFound(code=code, field="code")
    return item


def find_by_barcode(text: str) -> Item | None:
    """The item carrying this barcode, typed or scanned (spaces inside a number are ignored), or None."""
    code = (text or "").strip()
    if "".join(code.split()).isdigit():
        code = "".join(code.split())
    row = Barcode.select(Barcode.item).where(Barcode.code == code).first()
    return Item.get_by_id(row.item_id) if row else None


def lookup(text: str, *, limit: int = 10) -> list[Item]:
    """What an item field proposes while the user types: the exact code, then a barcode, then names.

    Exact code and barcode find inactive items too (the caller says they are inactive); the name
    search lists active items whose name (any language) or code contains every word.
    """
    text = (text or "").strip()
    if not text:
        return []
    found: list[Item] = []
    exact = Item.get_or_none(Item.code == text.upper())
    if exact is not None:
        found.append(exact)
    by_barcode = find_by_barcode(text)
    if by_barcode is not None and by_barcode not in found:
        found.append(by_barcode)
    query = Item.select().where(Item.active == True)  # noqa: E712 - peewee expression
    for word in text.split():
        condition = Item.code.contains(word)
        for lang in LANGS:
            condition |= getattr(Item, f"name_{lang}").contains(word)
        query = query.where(condition)
    for item in query.order_by(Item.code).limit(limit + len(found)):
        if item not in found:
            found.append(item)
    return found[:limit]


def company_language() -> str | None:
    from equisis.company.models import CompanyProfile

    row = CompanyProfile.get_or_none(CompanyProfile.id == 1)
    return row.language if row else None


def label(item: Item, language: str) -> str:
    """The item's label in ``language``, else in the company's language, else any (its code at worst)."""
    return _pick(item.labels(), language, default=item.code)


def description(item: Item, language: str) -> str:
    return _pick(item.descriptions(), language)


def _pick(texts: dict, language: str, default: str = "") -> str:
    if (texts.get(language) or "").strip():  # the usual case: no need to read the company's language
        return texts[language].strip()
    return rules.pick_label(texts, language, company_language(), default=default)


ITEM_FIELDS = {*TEXT_FIELDS, "family", "nature", "vat_rate", "vat_rate_bp", "sale_price", "sale_price_e4",
               "purchase_price", "purchase_price_e4", "stock_unit", "sale_unit", "purchase_unit", "conversions",
               "income_account", "expense_account", "is_eco_fee", "active", "axes"}


def _account(value, field: str, problems: list) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 10:
        problems.append(InvalidAccountCode(text, field=field))
        return None
    return text


def _checked(item: Item, fields: dict) -> tuple[dict | None, dict | None]:
    """Apply ``fields`` to ``item`` in memory after checking every one; (conversions, axes) to store."""
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise TypeError(f"unknown item fields {sorted(unknown)}")
    problems: list[EquisisError] = []

    def attempt(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EquisisError as exc:
            problems.append(exc)
            return None

    for name in TEXT_FIELDS:
        if name in fields:
            setattr(item, name, (fields[name] or "").strip())
    if not any(item.labels().values()):
        problems.append(ItemLabelRequired(field="name_fr"))
    if "family" in fields:
        family = attempt(find_family, fields["family"]) if fields["family"] else None
        item.family = family
    if "nature" in fields:
        item.nature = attempt(rules.check_nature, fields["nature"]) or item.nature
    for key in ("vat_rate", "vat_rate_bp"):
        if key in fields:
            bp = attempt(rules.parse_vat_rate, fields[key], field="vat_rate")
            item.vat_rate_bp = item.vat_rate_bp if bp is None else bp
    for kind in ("sale", "purchase"):
        if f"{kind}_price_e4" in fields:
            setattr(item, f"{kind}_price_e4", int(fields[f"{kind}_price_e4"]))
        if f"{kind}_price" in fields:
            value = fields[f"{kind}_price"]
            e4 = attempt(rules.parse_price, "0" if value in (None, "") else value, field=f"{kind}_price")
            if e4 is not None:
                setattr(item, f"{kind}_price_e4", e4)
    for unit_field in ("stock_unit", "sale_unit", "purchase_unit"):
        if fields.get(unit_field):
            unit = attempt(find_unit, fields[unit_field])
            if unit is not None:
                setattr(item, f"{unit_field}_id", unit.code)
    item.stock_unit_id = item.stock_unit_id or "pce"
    item.sale_unit_id = item.sale_unit_id or item.stock_unit_id
    item.purchase_unit_id = item.purchase_unit_id or item.stock_unit_id
    for key in ("income_account", "expense_account"):
        if key in fields:
            setattr(item, key, _account(fields[key], key, problems))
    for flag in ("is_eco_fee", "active"):
        if flag in fields:
            setattr(item, flag, bool(fields[flag]))

    new_conversions = None
    if "conversions" in fields:
        new_conversions = {}
        for unit_code, value in (fields["conversions"] or {}).items():
            if value in (None, ""):
                continue
            if attempt(find_unit, unit_code) is None:
                continue
            try:
                new_conversions[unit_code] = rules.parse_factor(value)
            except (EquisisError, ValueError, ZeroDivisionError, ArithmeticError):
                problems.append(InvalidConversion(item=item.code, unit=unit_code, field=f"conversion_{unit_code}"))
    known = new_conversions if new_conversions is not None else (
        {r.unit_id: 1 for r in ItemUnit.select().where(ItemUnit.item == item)} if item.id else {})
    for unit_field in ("sale_unit", "purchase_unit"):
        unit_code = getattr(item, f"{unit_field}_id")
        if unit_code != item.stock_unit_id and unit_code not in known:
            problems.append(UnitConversionMissing(item=item.code, from_unit=unit_code, to_unit=item.stock_unit_id,
                                                  field=unit_field))
    price_refused = any(p.field == "sale_price" for p in problems)
    if item.is_eco_fee and item.sale_price_e4 <= 0 and not price_refused:
        problems.append(EcoFeeWithoutAmount(item=item.code, field="sale_price"))

    new_axes = None
    if "axes" in fields:
        new_axes = {}
        defined = axes()
        for number, value in (fields["axes"] or {}).items():
            number = int(number)
            if number not in defined:
                problems.append(InvalidAxis(number, field=f"axis_{number}"))
            elif (value or "").strip():
                new_axes[number] = value.strip()[:80]
    if problems:
        raise ValidationErrors(problems)
    return new_conversions, new_axes


def _store_details(item: Item, new_conversions, new_axes) -> None:
    if new_conversions is not None:
        ItemUnit.delete().where(ItemUnit.item == item).execute()
        for unit_code, value in new_conversions.items():
            if unit_code != item.stock_unit_id:
                ItemUnit.create(item=item, unit=unit_code, factor_num=value.numerator, factor_den=value.denominator)
    if new_axes is not None:
        ItemAxisValue.delete().where(ItemAxisValue.item == item).execute()
        for number, value in new_axes.items():
            ItemAxisValue.create(item=item, axis=Axis.get(Axis.number == number), value=value)


def _details_snapshot(item: Item) -> dict:
    return {"conversions": {u: rules.format_factor(f) for u, f in conversions(item).items()},
            "axes": {str(v.axis.number): v.value for v in item.axis_values}}


def create_item(code: str, *, barcodes: Iterable[str] = (), **fields) -> Item:
    """A new item; every problem at once (ValidationErrors). ``barcodes`` are checked and added too."""
    problems: list[EquisisError] = []
    if not (code or "").strip():
        raise ValidationErrors([ItemCodeRequired(field="code")])
    try:
        code = rules.check_item_code(code)
    except EquisisError as exc:
        problems.append(exc)
    now = audit.now_iso()
    item = Item(code=code, created_at=now, updated_at=now)
    try:
        new_conversions, new_axes = _checked(item, fields)
    except ValidationErrors as exc:
        problems.extend(exc.problems)
    checked_codes = []
    for text in barcodes:
        if (text or "").strip():
            try:
                checked_codes.append(rules.check_barcode(text))
            except EquisisError as exc:
                problems.append(exc)
    if problems:
        raise ValidationErrors(problems)
    with write():
        if Item.get_or_none(Item.code == code) is not None:
            problems.append(DuplicateItemCode(code, field="code"))
        for barcode, _kind in checked_codes:
            other = Barcode.get_or_none(Barcode.code == barcode)
            if other is not None:
                problems.append(DuplicateBarcode(barcode, item=Item.get_by_id(other.item_id).code, field="barcode"))
        if problems:
            raise ValidationErrors(problems)
        item.save(force_insert=True)
        _store_details(item, new_conversions, new_axes)
        for barcode, kind in checked_codes:
            _add_barcode(item, barcode, kind)
        audit.record("create", "item", item.code, after={**item.snapshot(), **_details_snapshot(item)})
    return item


def update_item(code: str, **fields) -> Item:
    """Change an item's fields (only those given); the code itself changes with ``new_code``."""
    new_code = fields.pop("new_code", None)
    with write():
        item = find_item(code)
        before = {**item.snapshot(), **_details_snapshot(item)}
        problems: list[EquisisError] = []
        if new_code is not None and new_code.strip().upper() != item.code:
            try:
                item.code = rules.check_item_code(new_code)
                if Item.get_or_none(Item.code == item.code) is not None:
                    problems.append(DuplicateItemCode(item.code, field="code"))
            except EquisisError as exc:
                problems.append(exc)
        try:
            new_conversions, new_axes = _checked(item, fields)
        except ValidationErrors as exc:
            problems.extend(exc.problems)
        requiring = ItemFee.select().where(ItemFee.fee == item).first()
        if requiring is not None and not item.is_eco_fee:
            problems.append(FeeItemNotEcoFee(fee=item.code, item=Item.get_by_id(requiring.item_id).code,
                                             field="is_eco_fee"))
        if problems:
            raise ValidationErrors(problems)
        item.updated_at = audit.now_iso()
        item.save()
        _store_details(item, new_conversions, new_axes)
        audit.record("update", "item", item.code, before=before,
                     after={**item.snapshot(), **_details_snapshot(item)})
    return item


# ----------------------------------------------------------------------------- barcodes

def _add_barcode(item: Item, text: str, kind: str | None = None, *, generated: bool = False) -> Barcode:
    code, kind = rules.check_barcode(text, kind)
    other = Barcode.get_or_none(Barcode.code == code)
    if other is not None:
        raise DuplicateBarcode(code, item=Item.get_by_id(other.item_id).code, field="barcode")
    return Barcode.create(item=item, code=code, kind=kind, generated=generated)


def add_barcode(item_code: str, text: str, kind: str | None = None) -> Barcode:
    """Add a barcode (EAN check digit verified; unique across items)."""
    with write():
        item = find_item(item_code)
        row = _add_barcode(item, text, kind)
        audit.record("update", "item", item.code, after={"barcode_added": row.code, "kind": row.kind})
    return row


def remove_barcode(item_code: str, code: str) -> None:
    with write():
        item = find_item(item_code)
        deleted = Barcode.delete().where((Barcode.item == item) & (Barcode.code == code.strip())).execute()
        if deleted:
            audit.record("update", "item", item.code, before={"barcode_removed": code.strip()})


def barcodes_of(item: Item) -> list[Barcode]:
    return list(Barcode.select().where(Barcode.item == item).order_by(Barcode.id))


def _next_internal_ean() -> str:
    from equisis.store.numbering import take_next_number

    while True:
        candidate = rules.internal_ean13(take_next_number("catalog-ean", rules.INTERNAL_EAN_PREFIX))
        if not Barcode.select().where(Barcode.code == candidate).exists():
            return candidate


def generate_barcode(item_code: str) -> Barcode:
    """An internal EAN-13 ('20' + sequence + check digit) for an item without one; an item that already
    has an EAN-13 keeps it (that one is returned)."""
    with write():
        item = find_item(item_code)
        existing = Barcode.select().where((Barcode.item == item) & (Barcode.kind == "ean13")).order_by(
            Barcode.id).first()
        if existing is not None:
            return existing
        row = _add_barcode(item, _next_internal_ean(), "ean13", generated=True)
        audit.record("update", "item", item.code, after={"barcode_added": row.code, "kind": "ean13",
                                                         "generated": True})
    return row


def generate_missing_barcodes() -> int:
    """An internal EAN-13 for every active item without an EAN-13; the count made."""
    with_ean = Barcode.select(Barcode.item).where(Barcode.kind == "ean13")
    codes = [i.code for i in Item.select(Item.code).where(Item.active == True, Item.id.not_in(with_ean))]  # noqa: E712
    for code in codes:
        generate_barcode(code)
    return len(codes)


def primary_barcode(item: Item) -> Barcode | None:
    """The barcode printed on labels: the first EAN-13, else the first EAN-8, else the first Code 128."""
    rank = {"ean13": 0, "ean8": 1, "code128": 2}
    rows = barcodes_of(item)
    return min(rows, key=lambda b: (rank.get(b.kind, 3), b.id)) if rows else None


# ----------------------------------------------------------------------------- fees, links, kits

def _pairs(item: Item, entries, *, what: str) -> list[tuple[Item, int]]:
    problems: list[EquisisError] = []
    out: list[tuple[Item, int]] = []
    for n, (other_code, quantity) in enumerate(entries, start=1):
        try:
            other = find_item(other_code)
            milli = quantity if isinstance(quantity, int) else rules.parse_quantity(quantity,
                                                                                     field=f"{what}-{n}-quantity")
            if milli <= 0:
                raise InvalidQuantity(str(quantity), field=f"{what}-{n}-quantity")
            if other.id == item.id:
                raise SelfReference(item=item.code, field=f"{what}-{n}-item")
            out.append((other, milli))
        except EquisisError as exc:
            exc.field = exc.field if exc.field and exc.field.startswith(what) else f"{what}-{n}-item"
            problems.append(exc)
    if problems:
        raise ValidationErrors(problems)
    return out


def set_fees(item_code: str, fees: Iterable[tuple[str, int | str]]) -> None:
    """The eco-fee items (codes) the item requires, with a quantity per unit of the item (milli or text)."""
    with write():
        item = find_item(item_code)
        pairs = _pairs(item, list(fees), what="fees")
        problems = [FeeItemNotEcoFee(fee=fee.code, item=item.code, field=f"fees-{n}-item")
                    for n, (fee, _q) in enumerate(pairs, start=1) if not fee.is_eco_fee]
        problems += [EcoFeeWithoutAmount(item=fee.code, field=f"fees-{n}-item")
                     for n, (fee, _q) in enumerate(pairs, start=1) if fee.is_eco_fee and fee.sale_price_e4 <= 0]
        if problems:
            raise ValidationErrors(problems)
        before = {f.fee.code: f.quantity_milli for f in item.fees}
        ItemFee.delete().where(ItemFee.item == item).execute()
        for fee, milli in pairs:
            ItemFee.create(item=item, fee=fee, quantity_milli=milli)
        audit.record("update", "item", item.code, before={"fees": before},
                     after={"fees": {fee.code: q for fee, q in pairs}})


def fee_lines(item: Item, quantity_milli: int) -> list[FeeLine]:
    """The eco-fee lines selling ``quantity_milli`` of the item requires (a fee quantity per item unit)."""
    rows = (ItemFee.select(ItemFee, Item).join(Item, on=(ItemFee.fee == Item.id))
            .where(ItemFee.item == item).order_by(ItemFee.id))
    return [FeeLine(row.fee, rules.convert_quantity(quantity_milli, Fraction(row.quantity_milli, 1000), Fraction(1)))
            for row in rows]


def set_links(item_code: str, kind: str, others: Iterable[str]) -> None:
    """The accessories or substitutes (``kind``) of an item, by code, replacing the previous ones."""
    if kind not in rules.LINK_KINDS:
        raise ValueError(kind)
    with write():
        item = find_item(item_code)
        pairs = _pairs(item, [(code, 1000) for code in others if (code or "").strip()], what=kind)
        before = [link.other.code for link in links(item, kind)]
        ItemLink.delete().where((ItemLink.item == item) & (ItemLink.kind == kind)).execute()
        for other, _q in pairs:
            ItemLink.get_or_create(item=item, other=other, kind=kind)
        audit.record("update", "item", item.code, before={kind: before}, after={kind: [o.code for o, _ in pairs]})


def links(item: Item, kind: str) -> list[ItemLink]:
    return list(ItemLink.select().where((ItemLink.item == item) & (ItemLink.kind == kind)).order_by(ItemLink.id))


def _contains(kit_id: int, wanted_id: int, seen: set) -> bool:
    for row in KitComponent.select(KitComponent.component).where(KitComponent.kit == kit_id):
        if row.component_id == wanted_id:
            return True
        if row.component_id not in seen:
            seen.add(row.component_id)
            if _contains(row.component_id, wanted_id, seen):
                return True
    return False


def set_components(item_code: str, components: Iterable[tuple[str, int | str]]) -> None:
    """Make the item a kit of these components (code, quantity per kit); an empty list: no longer a kit."""
    with write():
        item = find_item(item_code)
        pairs = _pairs(item, list(components), what="components")
        problems = [KitCycle(item=item.code, component=c.code, field=f"components-{n}-item")
                    for n, (c, _q) in enumerate(pairs, start=1) if _contains(c.id, item.id, set())]
        if problems:
            raise ValidationErrors(problems)
        before = {c.code: q for c, q in kit_components(item)}
        KitComponent.delete().where(KitComponent.kit == item).execute()
        for component, milli in pairs:
            KitComponent.create(kit=item, component=component, quantity_milli=milli)
        audit.record("update", "item", item.code, before={"components": before},
                     after={"components": {c.code: q for c, q in pairs}})


def kit_components(item: Item) -> list[tuple[Item, int]]:
    """[(component, quantity_milli per kit)], in the order they were entered."""
    rows = (KitComponent.select(KitComponent, Item).join(Item, on=(KitComponent.component == Item.id))
            .where(KitComponent.kit == item).order_by(KitComponent.id))
    return [(row.component, row.quantity_milli) for row in rows]


def check_language(language: str) -> str:
    if language not in LANGS:
        raise InvalidLanguage(language, field="language")
    return language
