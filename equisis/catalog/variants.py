"""Variants of an item by size, colour or dimension (clothing and shoe shops).

A *parent* item (``TSHIRT``) and one to three classification axes with their values (axis 1 "Size": S, M, L;
axis 2 "Colour": red, blue) give one item per combination: ``TSHIRT-S-RED``, ``TSHIRT-S-BLUE``… Each variant
is an ordinary item (sold, bought, stocked, counted like any other) that carries its axis values, and copies
the parent's names (followed by its values), family, VAT rate, prices, units and conversions; it gets an
internal EAN-13 for its label. ``Variant`` rows remember the parent, so the stock can show a parent's stock
as a size × colour grid. Generating again with more values (size XL) adds only the missing variants.
"""
from __future__ import annotations

from dataclasses import dataclass

from equisis.catalog import rules
from equisis.catalog.errors import (DuplicateVariantValue, InvalidAxis, TooManyVariants, VariantAxesCount,
                                    VariantCodeTaken, VariantOfVariant, VariantValuesRequired)
from equisis.catalog.models import Axis, Item, ItemAxisValue, ItemUnit, Variant
from equisis.catalog.service import _add_barcode, _next_internal_ean, axes, find_item
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.store import audit
from equisis.store.database import write

LANGS = ("fr", "nl", "de", "en")


@dataclass(frozen=True)
class VariantAxis:
    number: int
    name: str
    values: tuple[str, ...]      # in the order they were first given


def _checked_axes(values_by_axis: dict[int, list[str]]) -> list[tuple[int, list[str]]]:
    problems: list[EquisisError] = []
    given = [(int(n), list(v)) for n, v in values_by_axis.items()]
    if not 1 <= len(given) <= 3:
        raise VariantAxesCount(count=len(given), field="axes")
    defined = axes()
    for number, values in given:
        if number not in defined:
            problems.append(InvalidAxis(number, field=f"axis_{number}"))
        if not values:
            problems.append(VariantValuesRequired(axis=defined.get(number) or number, field=f"values_{number}"))
        seen = set()
        for value in values:
            if value.upper() in seen:
                problems.append(DuplicateVariantValue(axis=defined.get(number) or number, value=value,
                                                      field=f"values_{number}"))
            seen.add(value.upper())
    if problems:
        raise ValidationErrors(problems)
    return given


def generate(parent_code: str, values_by_axis: dict[int, list[str]]) -> list[Item]:
    """Make the missing variants of ``parent`` for every combination of the axes' values; the new items."""
    given = _checked_axes(values_by_axis)
    combos = rules.variant_combinations([values for _n, values in given])
    if len(combos) > rules.MAX_VARIANTS:
        raise TooManyVariants(count=len(combos), limit=rules.MAX_VARIANTS, field="axes")
    numbers = [n for n, _v in given]
    made: list[Item] = []
    with write():
        parent = find_item(parent_code)
        above = Variant.get_or_none(Variant.item == parent)
        if above is not None:
            raise VariantOfVariant(item=parent.code, parent=Item.get_by_id(above.parent_id).code, field="code")
        own = {a.axis_id: a.value for a in ItemAxisValue.select().where(ItemAxisValue.item == parent)}
        axis_ids = {a.number: a.id for a in Axis.select()}
        conversions = list(ItemUnit.select().where(ItemUnit.item == parent))
        mine = {r.item_id for r in Variant.select(Variant.item).where(Variant.parent == parent)}
        problems: list[EquisisError] = []
        plan = []
        for combo in combos:
            try:
                code = rules.check_item_code(rules.variant_code(parent.code, combo))
            except EquisisError as exc:
                problems.append(exc)
                continue
            existing = Item.get_or_none(Item.code == code)
            if existing is not None:
                if existing.id not in mine:
                    problems.append(VariantCodeTaken(code=code, parent=parent.code, field="axes"))
                continue
            plan.append((code, combo))
        if problems:
            raise ValidationErrors(problems)
        now = audit.now_iso()
        for code, combo in plan:
            suffix = " ".join(combo)
            names = {f"name_{lang}": (f"{getattr(parent, f'name_{lang}')} {suffix}"[:200]
                                      if getattr(parent, f"name_{lang}") else "") for lang in LANGS}
            item = Item.create(code=code, **names, family=parent.family_id, nature=parent.nature,
                               vat_rate_bp=parent.vat_rate_bp, sale_price_e4=parent.sale_price_e4,
                               purchase_price_e4=parent.purchase_price_e4, stock_unit=parent.stock_unit_id,
                               sale_unit=parent.sale_unit_id, purchase_unit=parent.purchase_unit_id,
                               income_account=parent.income_account, expense_account=parent.expense_account,
                               created_at=now, updated_at=now)
            values = {**own, **{axis_ids[n]: v for n, v in zip(numbers, combo)}}
            for axis_id, value in values.items():
                ItemAxisValue.create(item=item, axis=axis_id, value=value)
            for row in conversions:
                ItemUnit.create(item=item, unit=row.unit_id, factor_num=row.factor_num, factor_den=row.factor_den)
            Variant.create(parent=parent, item=item)
            barcode = _add_barcode(item, _next_internal_ean(), "ean13", generated=True)
            audit.record("create", "item", item.code, after={**item.snapshot(), "variant_of": parent.code,
                                                             "axes": dict(zip(map(str, numbers), combo)),
                                                             "barcode": barcode.code})
            made.append(item)
    return made


def parent_of(item: Item) -> Item | None:
    row = Variant.get_or_none(Variant.item == item)
    return Item.get_by_id(row.parent_id) if row is not None else None


def variants_of(parent: Item) -> list[tuple[Item, dict[int, str]]]:
    """[(variant, {axis number: value})] in the order they were made."""
    rows = list(Item.select().join(Variant, on=(Variant.item == Item.id)).where(Variant.parent == parent)
                .order_by(Variant.id))
    values: dict[int, dict[int, str]] = {r.id: {} for r in rows}
    if rows:
        for item_id, number, value in (ItemAxisValue.select(ItemAxisValue.item, Axis.number, ItemAxisValue.value)
                                       .join(Axis).where(ItemAxisValue.item.in_([r.id for r in rows])).tuples()):
            values[item_id][number] = value
    return [(r, values[r.id]) for r in rows]


def variant_axes(parent: Item) -> list[VariantAxis]:
    """The axes along which the parent's variants differ, each with its values in the order first made."""
    own = {number: value for number, value in (ItemAxisValue.select(Axis.number, ItemAxisValue.value).join(Axis)
                                                .where(ItemAxisValue.item == parent).tuples())}
    names = axes()
    order: dict[int, list[str]] = {}
    for _item, values in variants_of(parent):
        for number, value in values.items():
            if own.get(number) == value:      # inherited from the parent, not a variant axis
                continue
            seen = order.setdefault(number, [])
            if value not in seen:
                seen.append(value)
    return [VariantAxis(n, names.get(n) or str(n), tuple(v)) for n, v in sorted(order.items())]
