"""Price lists: net prices and % discounts per customer, customer category or everyone; :func:`price_for`.

A price list aims at one customer (``party_id``, the parties' id kept as a plain
integer: the catalog does not import the parties package, same layer), at one
customer category (``customer_category``, the category's name as text) or at
everyone (neither). Its rules give a net price or a % discount on one item, one
family (sub-families included) or every item, from a minimum quantity
(quantity breaks), within the list's validity dates. The choice among the rules
that apply is :func:`equisis.catalog.rules.best_price` (precedence documented
there).

The catalog does not know a customer's categories: callers that use category
lists pass them (``party_categories=...``, e.g. the names the parties service
gives for the customer). Without them only customer and general lists apply.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from equisis.catalog import rules
from equisis.catalog.errors import (FamilyNotFound, InvalidValidity, ItemNotFound, PriceListNameRequired,
                                    PriceListNotFound, PriceRuleIncomplete)
from equisis.catalog.models import Family, Item, PriceList, PriceRule
from equisis.catalog.rules import PriceQuote  # noqa: F401 - part of this module's API
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.store import audit
from equisis.store.database import write

LIST_FIELDS = ("name", "party_id", "customer_category", "valid_from", "valid_to", "priority", "active")


def _ancestors(family_id: int | None) -> list[int]:
    chain: list[int] = []
    while family_id is not None and family_id not in chain:
        chain.append(family_id)
        family_id = Family.select(Family.parent).where(Family.id == family_id).scalar()
    return chain


def _audience(price_list: PriceList, party_id: int | None) -> int:
    if price_list.party_id is not None:
        return rules.AUDIENCE_CUSTOMER
    if price_list.customer_category:
        return rules.AUDIENCE_CATEGORY
    return rules.AUDIENCE_EVERYONE


def _as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def candidate_rules(item: Item, *, party_id: int | None, party_categories: Iterable[str] = ()
                    ) -> list[rules.PriceRuleView]:
    """Every rule that could price the item for this customer (dates and quantities not yet applied)."""
    ancestors = _ancestors(item.family_id)
    categories = sorted({str(c).strip() for c in party_categories if str(c).strip()})
    audience = (PriceList.party_id.is_null() & PriceList.customer_category.is_null())
    if party_id is not None:
        audience |= PriceList.party_id == int(party_id)
    if categories:
        audience |= PriceList.party_id.is_null() & PriceList.customer_category.in_(categories)
    target = (PriceRule.item == item.id) | (PriceRule.item.is_null() & PriceRule.family.is_null())
    if ancestors:
        target |= PriceRule.item.is_null() & PriceRule.family.in_(ancestors)
    query = (PriceRule.select(PriceRule, PriceList).join(PriceList)
             .where((PriceList.active == True) & audience & target))  # noqa: E712 - peewee expression
    views = []
    for rule in query:
        plist = rule.price_list
        if rule.item_id is not None:
            scope = 0
        elif rule.family_id is not None:
            scope = ancestors.index(rule.family_id) + 1
        else:
            scope = rules.EVERY_ITEM_SCOPE
        views.append(rules.PriceRuleView(
            rule_id=rule.id, list_name=plist.name, scope=scope, audience=_audience(plist, party_id),
            priority=plist.priority, kind=rule.kind, net_price_e4=rule.net_price_e4, discount_bp=rule.discount_bp,
            min_quantity_milli=rule.min_quantity_milli, valid_from=_as_date(plist.valid_from),
            valid_to=_as_date(plist.valid_to), active=bool(plist.active)))
    return views


def price_for(item: Item, *, party_id: int | None, quantity_milli: int, day: dt.date,
              party_categories: Iterable[str] = ()) -> PriceQuote:
    """The unit price (per sale unit, excl. VAT) and discount for this sale, and where they come from.

    ``source`` is the price list's name, "" for the catalog price.
    """
    return rules.best_price(item.sale_price_e4,
                            candidate_rules(item, party_id=party_id, party_categories=party_categories),
                            quantity_milli=quantity_milli, day=day)


# ----------------------------------------------------------------------------- editing

def find_item(code: str) -> Item:
    row = Item.get_or_none(Item.code == (code or "").strip().upper())
    if row is None:
        raise ItemNotFound(code=code, field="item")
    return row


def find_family(code: str) -> Family:
    row = Family.get_or_none(Family.code == (code or "").strip().upper())
    if row is None:
        raise FamilyNotFound(code=code, field="family")
    return row


def find_price_list(price_list_id: int) -> PriceList:
    row = PriceList.get_or_none(PriceList.id == price_list_id)
    if row is None:
        raise PriceListNotFound(price_list_id=price_list_id)
    return row


def _check_list(values: dict) -> dict:
    problems: list[EquisisError] = []
    out = dict(values)
    if "name" in out:
        out["name"] = (out["name"] or "").strip()[:120]
        if not out["name"]:
            problems.append(PriceListNameRequired(field="name"))
    if "customer_category" in out:
        out["customer_category"] = (out["customer_category"] or "").strip() or None
    if "party_id" in out:
        out["party_id"] = int(out["party_id"]) if out["party_id"] not in (None, "") else None
    for key in ("valid_from", "valid_to"):
        if key in out:
            out[key] = _as_date(out[key])
    if "priority" in out:
        out["priority"] = int(out["priority"] or 0)
    if out.get("valid_from") and out.get("valid_to") and out["valid_to"] < out["valid_from"]:
        problems.append(InvalidValidity(valid_from=out["valid_from"].isoformat(),
                                        valid_to=out["valid_to"].isoformat(), field="valid_to"))
    if problems:
        raise ValidationErrors(problems)
    return out


def create_price_list(name: str, *, party_id: int | None = None, customer_category: str | None = None,
                      valid_from: dt.date | None = None, valid_to: dt.date | None = None, priority: int = 0,
                      active: bool = True) -> PriceList:
    values = _check_list(dict(name=name, party_id=party_id, customer_category=customer_category,
                              valid_from=valid_from, valid_to=valid_to, priority=priority, active=bool(active)))
    if values["party_id"] is not None:
        values["customer_category"] = None  # a customer's own list; the category would never be read
    with write():
        row = PriceList.create(**values)
        audit.record("create", "price_list", row.id, after=row.snapshot())
    return row


def update_price_list(price_list_id: int, **changes) -> PriceList:
    unknown = set(changes) - set(LIST_FIELDS)
    if unknown:
        raise TypeError(f"unknown price list fields {sorted(unknown)}")
    with write():
        row = find_price_list(price_list_id)
        before = row.snapshot()
        merged = _check_list({**{k: getattr(row, k) for k in LIST_FIELDS}, **changes})
        if merged["party_id"] is not None:
            merged["customer_category"] = None
        for key, value in merged.items():
            setattr(row, key, value)
        row.save()
        audit.record("update", "price_list", row.id, before=before, after=row.snapshot())
    return row


def add_price_rule(price_list_id: int, *, item: str | None = None, family: str | None = None,
                   net_price: str | None = None, discount: str | None = None,
                   min_quantity: str | int | None = None) -> PriceRule:
    """A rule on an item (code), a family (code) or every item (neither): a net price or a % discount."""
    problems: list[EquisisError] = []

    def attempt(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EquisisError as exc:
            problems.append(exc)
            return None

    item_row = attempt(find_item, item) if (item or "").strip() else None
    family_row = attempt(find_family, family) if (family or "").strip() and not (item or "").strip() else None
    net_e4 = attempt(rules.parse_price, net_price, field="net_price") if str(net_price or "").strip() else None
    discount_bp = attempt(rules.parse_discount, discount) if str(discount or "").strip() else None
    minimum = 0
    if isinstance(min_quantity, int):
        minimum = min_quantity
    elif str(min_quantity or "").strip():
        minimum = attempt(rules.parse_quantity, min_quantity, field="min_quantity") or 0
    if not problems and (net_e4 is None) == (discount_bp is None):
        problems.append(PriceRuleIncomplete(field="net_price"))
    if problems:
        raise ValidationErrors(problems)
    with write():
        plist = find_price_list(price_list_id)
        rule = PriceRule.create(price_list=plist, item=item_row, family=family_row,
                                kind="net" if net_e4 is not None else "discount", net_price_e4=net_e4,
                                discount_bp=discount_bp, min_quantity_milli=minimum)
        audit.record("update", "price_list", plist.id, after={"rule_added": rule_snapshot(rule)})
    return rule


def remove_price_rule(rule_id: int) -> None:
    with write():
        rule = PriceRule.get_or_none(PriceRule.id == rule_id)
        if rule is None:
            return
        snapshot = rule_snapshot(rule)
        plist_id = rule.price_list_id
        rule.delete_instance()
        audit.record("update", "price_list", plist_id, before={"rule_removed": snapshot})


def rule_snapshot(rule: PriceRule) -> dict:
    return {"id": rule.id, "item": rule.item.code if rule.item_id else None,
            "family": rule.family.code if rule.family_id else None, "kind": rule.kind,
            "net_price_e4": rule.net_price_e4, "discount_bp": rule.discount_bp,
            "min_quantity_milli": rule.min_quantity_milli}


def price_lists() -> list[PriceList]:
    return list(PriceList.select().order_by(PriceList.name, PriceList.id))


def rules_of(price_list: PriceList) -> list[PriceRule]:
    return list(PriceRule.select().where(PriceRule.price_list == price_list).order_by(PriceRule.id))
