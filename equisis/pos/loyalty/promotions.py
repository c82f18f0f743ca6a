"""Sales periods (soldes): a name, first and last day (inclusive), rules per item or family.

A period applies by itself on the days it runs; nothing starts or stops it. The choice among the
rules of overlapping periods is :func:`equisis.pos.loyalty.rules.best_sale_price` (precedence written
there: item before family, own family before parent, then the lowest price).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from equisis.catalog import rules as catalog_rules
from equisis.catalog import service as catalog
from equisis.catalog.models import Item
from equisis.core.dates import parse_date
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.pos.loyalty import rules
from equisis.pos.loyalty.errors import (PeriodDates, PeriodNameRequired, PeriodNotFound, PeriodRuleIncomplete,
                                        PeriodRuleNotFound, StampRuleTarget)
from equisis.pos.loyalty.models import PromotionPeriod, PromotionRule
from equisis.pos.loyalty.service import find_family, find_item
from equisis.store import audit
from equisis.store.database import write

PERIOD_FIELDS = ("name", "start", "end", "active")


def _checked(name, start, end, problems: list) -> tuple[str, dt.date | None, dt.date | None]:
    name = (name or "").strip()[:120]
    if not name:
        problems.append(PeriodNameRequired(field="name"))
    days = []
    for value, field in ((start, "start"), (end, "end")):
        try:
            days.append(parse_date(value, field=field))
        except EquisisError as exc:
            problems.append(exc)
            days.append(None)
    if days[0] and days[1] and days[1] < days[0]:
        problems.append(PeriodDates(start=days[0].isoformat(), end=days[1].isoformat(), field="end"))
    return name, days[0], days[1]


def find_period(period_id: int) -> PromotionPeriod:
    row = PromotionPeriod.get_or_none(PromotionPeriod.id == period_id)
    if row is None:
        raise PeriodNotFound(period_id=period_id)
    return row


def periods(*, day: dt.date | None = None) -> list[PromotionPeriod]:
    """Every period, latest start first; with ``day``, only the active ones running that day."""
    query = PromotionPeriod.select().order_by(PromotionPeriod.start_date.desc(), PromotionPeriod.id.desc())
    if day is not None:
        query = query.where((PromotionPeriod.active == True) & (PromotionPeriod.start_date <= day)  # noqa: E712
                            & (PromotionPeriod.end_date >= day))
    return list(query)


def create_period(name: str, start: dt.date | str, end: dt.date | str, rules_: tuple | list = (), *,
                  active: bool = True) -> PromotionPeriod:
    """A period and its rules at once; each rule a dict of :func:`add_rule`'s keywords."""
    problems: list[EquisisError] = []
    name, first, last = _checked(name, start, end, problems)
    checked = []
    for spec in rules_:
        try:
            checked.append(_rule_values(**spec))
        except ValidationErrors as exc:
            problems.extend(exc.problems)
        except EquisisError as exc:
            problems.append(exc)
    if problems:
        raise ValidationErrors(problems)
    with write():
        row = PromotionPeriod.create(name=name, start_date=first, end_date=last, active=bool(active),
                                     created_at=audit.now_iso())
        for values in checked:
            PromotionRule.create(period=row, **values)
        audit.record("create", "pos_promotion_period", row.id,
                     after={**row.snapshot(), "rules": [r.snapshot() for r in rules_of(row)]})
    return row


def update_period(period_id: int, **changes) -> PromotionPeriod:
    unknown = set(changes) - set(PERIOD_FIELDS)
    if unknown:
        raise TypeError(f"unknown sales period fields {sorted(unknown)}")
    with write():
        row = find_period(period_id)
        before = row.snapshot()
        problems: list[EquisisError] = []
        name, first, last = _checked(changes.get("name", row.name), changes.get("start", row.start_date),
                                     changes.get("end", row.end_date), problems)
        if problems:
            raise ValidationErrors(problems)
        row.name, row.start_date, row.end_date = name, first, last
        row.active = bool(changes.get("active", row.active))
        row.save()
        audit.record("update", "pos_promotion_period", row.id, before=before, after=row.snapshot())
    return row


def _discount_bp(text) -> int:
    raw = str(text).strip().replace(",", ".").rstrip("%").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise PeriodRuleIncomplete(field="discount") from None
    bp = value * 100
    if not value.is_finite() or bp != bp.to_integral_value() or not 0 < bp <= 10_000:
        raise PeriodRuleIncomplete(field="discount")
    return int(bp)


def _rule_values(*, item: str | None = None, family: str | None = None, discount=None, sale_price=None) -> dict:
    """Check a rule: an item or a family (codes); a discount % ('30' or '12,5') or a sale price ('19,99')."""
    problems: list[EquisisError] = []

    def attempt(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EquisisError as exc:
            problems.append(exc)
            return None

    has_item, has_family = bool((item or "").strip()), bool((family or "").strip())
    if has_item == has_family:
        problems.append(StampRuleTarget(field="item"))
    item_row = attempt(find_item, item) if has_item else None
    family_row = attempt(find_family, family) if has_family and not has_item else None
    has_discount, has_price = bool(str(discount or "").strip()), bool(str(sale_price or "").strip())
    discount_bp = price_e4 = None
    if has_discount == has_price:
        problems.append(PeriodRuleIncomplete(field="discount"))
    elif has_discount:
        discount_bp = attempt(_discount_bp, discount)
    else:
        price_e4 = attempt(catalog_rules.parse_price, sale_price, field="sale_price")
    if problems:
        raise ValidationErrors(problems)
    return dict(item=item_row, family=family_row, kind="percent" if discount_bp is not None else "price",
                discount_bp=discount_bp, sale_price_e4=price_e4)


def add_rule(period_id: int, *, item: str | None = None, family: str | None = None, discount=None,
             sale_price=None) -> PromotionRule:
    values = _rule_values(item=item, family=family, discount=discount, sale_price=sale_price)
    with write():
        period = find_period(period_id)
        row = PromotionRule.create(period=period, **values)
        audit.record("update", "pos_promotion_period", period.id, after={"rule_added": row.snapshot()})
    return row


def remove_rule(period_id: int, rule_id: int) -> None:
    with write():
        row = PromotionRule.get_or_none((PromotionRule.id == rule_id) & (PromotionRule.period == period_id))
        if row is None:
            raise PeriodRuleNotFound(rule_id=rule_id)
        snapshot = row.snapshot()
        row.delete_instance()
        audit.record("update", "pos_promotion_period", period_id, before={"rule_removed": snapshot})


def rules_of(period: PromotionPeriod) -> list[PromotionRule]:
    return list(PromotionRule.select().where(PromotionRule.period == period).order_by(PromotionRule.id))


def candidate_rules(item: Item, day: dt.date) -> list[rules.SaleRuleView]:
    """The rules of the periods running on ``day`` that aim at the item or one of its families."""
    ancestors = catalog.family_ancestors(item.family_id)
    target = PromotionRule.item == item.id
    if ancestors:
        target |= PromotionRule.item.is_null() & PromotionRule.family.in_(ancestors)
    query = (PromotionRule.select(PromotionRule, PromotionPeriod).join(PromotionPeriod)
             .where(target & (PromotionPeriod.active == True) & (PromotionPeriod.start_date <= day)  # noqa: E712
                    & (PromotionPeriod.end_date >= day)))
    views = []
    for rule in query:
        period = rule.period
        scope = 0 if rule.item_id is not None else rules.family_scope(rule.family_id, ancestors)
        views.append(rules.SaleRuleView(rule.id, period.name, period.start_date, period.end_date, scope, rule.kind,
                                        rule.discount_bp, rule.sale_price_e4, bool(period.active)))
    return views


def active_sale_price(item: Item | str, day: dt.date) -> tuple[int, str] | None:
    """(unit price excl. VAT in ``*_e4``, the period's name) for the item on ``day``, or None when no
    period lowers its price. ``item``: a catalog Item or its code."""
    row = catalog.find_item(item) if isinstance(item, str) else item
    found = rules.best_sale_price(row.sale_price_e4, candidate_rules(row, day), day)
    return (found.unit_price_e4, found.label) if found else None
