"""Pure rules of loyalty cards and sales periods (soldes): no Flask, no database.

Loyalty
-------
* Points: ``points_per_euro_milli`` thousandths of a point per euro spent (1000 = one point per euro,
  100 = one point per ten euros), counted on the ticket's total and rounded down per ticket. A refund
  (negative amount) takes back points the same way, rounded toward zero, so buying and returning the
  same goods nets zero.
* Stamps: a stamp rule gives ``stamps_count`` stamps per unit sold of one item or of one family (its
  sub-families included). When several rules match a unit, the most specific one counts (the item
  before its family, a family before its parent); a unit earns from one rule only.
* Rewards: ``cost_points_count`` points buy a discount (``value_cents`` off the ticket) or a voucher
  (worth ``value_cents``); ``cost_stamps_count`` stamps buy a free item.

Sales periods
-------------
A period runs from its start to its end date, both inclusive, and applies automatically on those days.
Its rules give a % discount (``discount_bp``) or a fixed sale price (``sale_price_e4``, excl. VAT) on one
item or on one family (sub-families included). Among the rules of every period running that day, the
choice (:func:`best_sale_price`) is:

1. the most specific rule: an item rule before a family rule, a family before its parent family;
2. then the lowest resulting price (the customer gets the better deal when two periods overlap);
3. then the period that started last, then the lowest rule id (a stable answer).

A rule that would not lower the price (0 %, or a fixed price above the catalog price) never applies.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from stdnum import ean as stdnum_ean

# Loyalty card numbers Equisis makes: EAN-13 of the in-store range ("2x"), under the prefix "299" that no
# catalog item (internal codes start with "20") uses; cards may also carry any Code 128 text.
CARD_PREFIX = "299"
IN_STORE_PREFIXES = tuple(str(n) for n in range(20, 30))
CARD_CODE128 = re.compile(r"^[\x21-\x7e]{4,48}\Z")
REWARD_KINDS = ("discount", "voucher", "free_item")
PERIOD_RULE_KINDS = ("percent", "price")
MAX_POINTS_PER_EURO_MILLI = 1_000_000


class CardCodeError(ValueError):
    """A card code that cannot be a card's barcode; ``reason`` is 'check' (EAN check digit),
    'range' (an EAN-13 outside the in-store range 20–29) or 'text' (not printable Code 128)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_card_code(text: str) -> tuple[str, str]:
    """A card code typed or scanned -> (code, kind); kind is 'ean13' or 'code128'.

    >>> check_card_code(" 2990000000019 ")
    ('2990000000019', 'ean13')
    >>> check_card_code("CARD-0042")
    ('CARD-0042', 'code128')
    >>> check_card_code("5410000000002")
    Traceback (most recent call last):
    ...
    equisis.pos.loyalty.rules.CardCodeError: range
    """
    code = (text or "").strip()
    digits = re.sub(r"\s", "", code)
    if digits.isdigit() and len(digits) == 13:
        if stdnum_ean.calc_check_digit(digits[:-1]) != digits[-1]:
            raise CardCodeError("check")
        if not digits.startswith(IN_STORE_PREFIXES):
            raise CardCodeError("range")
        return digits, "ean13"
    if not CARD_CODE128.match(code):
        raise CardCodeError("text")
    return code, "code128"


def card_ean13(sequence: int) -> str:
    """The card number ``sequence``: '299' + nine digits + the check digit.

    >>> card_ean13(1)
    '2990000000019'
    """
    if not 0 < sequence < 10**9:
        raise ValueError("loyalty card sequence exhausted")
    body = f"{CARD_PREFIX}{sequence:09d}"
    return body + stdnum_ean.calc_check_digit(body)


def points_for(amount_cents: int, points_per_euro_milli: int) -> int:
    """Points earned on a ticket of ``amount_cents``, rounded down per ticket (toward zero for refunds).

    >>> points_for(1999, 1000)      # 19.99 € at one point per euro
    19
    >>> points_for(-1999, 1000)     # the refund of the same ticket
    -19
    >>> points_for(2500, 100)       # one point per ten euros
    2
    >>> points_for(2500, 0)
    0
    """
    if points_per_euro_milli <= 0 or amount_cents == 0:
        return 0
    points = abs(amount_cents) * points_per_euro_milli // 100_000
    return points if amount_cents > 0 else -points


@dataclass(frozen=True)
class StampRuleView:
    rule_id: int
    item_code: str | None          # the rule's item, or None for a family rule
    family_id: int | None
    stamps_count: int


@dataclass(frozen=True)
class SoldUnit:
    """Units of one item on a ticket, with its family chain (own family first, then its parents)."""

    item_code: str
    units: int
    families: tuple[int, ...] = ()


def _stamp_rule_for(unit: SoldUnit, rules: Sequence[StampRuleView]) -> StampRuleView | None:
    for rule in rules:
        if rule.item_code is not None and rule.item_code == unit.item_code:
            return rule
    for family_id in unit.families:
        for rule in rules:
            if rule.item_code is None and rule.family_id == family_id:
                return rule
    return None


def stamps_for(sold: Iterable[SoldUnit], rules: Sequence[StampRuleView]) -> int:
    """Stamps earned by the units sold: each unit counts under its most specific rule.

    >>> coffee = StampRuleView(1, None, 10, 1)     # one stamp per item of family 10
    >>> espresso = StampRuleView(2, "ESPRESSO", None, 2)
    >>> stamps_for([SoldUnit("LATTE", 3, (11, 10)), SoldUnit("ESPRESSO", 1, (10,)), SoldUnit("CAKE", 5, (20,))],
    ...            [coffee, espresso])
    5
    """
    total = 0
    for unit in sold:
        rule = _stamp_rule_for(unit, rules)
        if rule is not None:
            total += rule.stamps_count * unit.units
    return total


@dataclass(frozen=True)
class RewardView:
    reward_id: int
    kind: str                 # discount | voucher | free_item
    cost_points_count: int
    cost_stamps_count: int
    active: bool = True


def affordable(reward: RewardView, points: int, stamps: int) -> bool:
    """Whether a card holding ``points`` and ``stamps`` can take the reward.

    >>> affordable(RewardView(1, "discount", 100, 0), 99, 0)
    False
    >>> affordable(RewardView(2, "free_item", 0, 10), 0, 10)
    True
    """
    return reward.active and points >= reward.cost_points_count and stamps >= reward.cost_stamps_count


# ----------------------------------------------------------------------------- sales periods

@dataclass(frozen=True)
class SaleRuleView:
    """One rule of a sales period, as the selection sees it."""

    rule_id: int
    period_name: str
    start: dt.date
    end: dt.date
    scope: int                  # 0 the item, 1 its own family, 2 the parent family…
    kind: str                   # percent | price
    discount_bp: int | None = None
    sale_price_e4: int | None = None
    active: bool = True


@dataclass(frozen=True)
class SalePrice:
    unit_price_e4: int          # excl. VAT, per sale unit
    label: str                  # the period's name, for the ticket line
    rule_id: int


def runs_on(start: dt.date, end: dt.date, day: dt.date) -> bool:
    """Whether a period from ``start`` to ``end`` (both inclusive) runs on ``day``.

    >>> runs_on(dt.date(2026, 1, 7), dt.date(2026, 1, 31), dt.date(2026, 1, 31))
    True
    >>> runs_on(dt.date(2026, 1, 7), dt.date(2026, 1, 31), dt.date(2026, 2, 1))
    False
    """
    return start <= day <= end


def price_under(rule: SaleRuleView, catalog_price_e4: int) -> int:
    """The unit price the rule gives (a % off is rounded to the nearest 1/10,000 €, half up).

    >>> price_under(SaleRuleView(1, "Soldes", dt.date(2026, 1, 1), dt.date(2026, 1, 31), 1, "percent", 3000),
    ...             199900)
    139930
    """
    if rule.kind == "price":
        return int(rule.sale_price_e4)
    kept = catalog_price_e4 * (10_000 - int(rule.discount_bp))
    return (kept + 5_000) // 10_000


def best_sale_price(catalog_price_e4: int, rules: Iterable[SaleRuleView], day: dt.date) -> SalePrice | None:
    """The sale price of the best rule running on ``day`` (precedence in the module's text), or None.

    >>> winter = SaleRuleView(1, "Winter sales", dt.date(2026, 1, 7), dt.date(2026, 1, 31), 1, "percent", 3000)
    >>> flash = SaleRuleView(2, "Flash day", dt.date(2026, 1, 10), dt.date(2026, 1, 10), 2, "percent", 5000)
    >>> lamp = SaleRuleView(3, "Lamp deal", dt.date(2026, 1, 1), dt.date(2026, 1, 20), 0, "price",
    ...                     sale_price_e4=250000)
    >>> best_sale_price(300000, [winter, flash, lamp], dt.date(2026, 1, 10))     # the item rule wins
    SalePrice(unit_price_e4=250000, label='Lamp deal', rule_id=3)
    >>> best_sale_price(300000, [winter, flash], dt.date(2026, 1, 10))           # own family before parent
    SalePrice(unit_price_e4=210000, label='Winter sales', rule_id=1)
    >>> best_sale_price(300000, [winter], dt.date(2026, 2, 1)) is None           # the period has ended
    True
    """
    running = []
    for rule in rules:
        if not rule.active or not runs_on(rule.start, rule.end, day):
            continue
        price = price_under(rule, catalog_price_e4)
        if 0 <= price < catalog_price_e4:
            running.append((rule.scope, price, -rule.start.toordinal(), rule.rule_id, rule))
    if not running:
        return None
    _scope, price, _start, _id, rule = min(running)
    return SalePrice(price, rule.period_name, rule.rule_id)


def family_scope(family_id: int, ancestors: Sequence[int]) -> int | None:
    """1 for the item's own family, 2 for its parent… None when the family is not above the item.

    >>> family_scope(10, [11, 10])
    2
    >>> family_scope(12, [11, 10]) is None
    True
    """
    try:
        return list(ancestors).index(family_id) + 1
    except ValueError:
        return None


def overlaps(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    """Whether two periods share a day (both ends inclusive).

    >>> overlaps(dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 1, 31), dt.date(2026, 2, 5))
    True
    """
    return a_start <= b_end and b_start <= a_end
