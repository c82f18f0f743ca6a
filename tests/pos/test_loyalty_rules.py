"""Pure rules of loyalty and sales periods, table-driven (and their doctests)."""
from __future__ import annotations

import datetime as dt
import doctest

import pytest

from equisis.pos.loyalty import rules
from equisis.pos.loyalty.rules import SaleRuleView, SoldUnit, StampRuleView

JAN = lambda d: dt.date(2026, 1, d)  # noqa: E731


def test_doctests():
    assert doctest.testmod(rules).failed == 0


@pytest.mark.parametrize("amount, rate, points", [
    (1999, 1000, 19), (100, 1000, 1), (99, 1000, 0), (0, 1000, 0), (-1999, 1000, -19),
    (2500, 100, 2), (999, 100, 0), (1000, 2500, 25), (1001, 1500, 15), (5000, 0, 0),
])
def test_points_are_rounded_down_per_ticket(amount, rate, points):
    assert rules.points_for(amount, rate) == points


@pytest.mark.parametrize("text, reason", [
    ("2990000000018", "check"), ("5410000000002", "range"), ("abc", "text"), ("", "text"),
    ("CARTE 12", "text"), ("é-card-1", "text"), ("x" * 49, "text"),
])
def test_bad_card_codes(text, reason):
    with pytest.raises(rules.CardCodeError) as caught:
        rules.check_card_code(text)
    assert caught.value.reason == reason


def test_card_numbers_are_in_store_ean13_with_the_card_prefix():
    code = rules.card_ean13(123)
    assert code.startswith("299") and len(code) == 13
    assert rules.check_card_code(code) == (code, "ean13")
    with pytest.raises(ValueError):
        rules.card_ean13(0)


def test_a_unit_earns_stamps_from_its_most_specific_rule_only():
    family = StampRuleView(1, None, 10, 1)
    parent = StampRuleView(2, None, 1, 5)
    item = StampRuleView(3, "BIG", None, 3)
    sold = [SoldUnit("BIG", 2, (10, 1)), SoldUnit("SMALL", 4, (10, 1)), SoldUnit("OTHER", 1, (2, 1)),
            SoldUnit("LOOSE", 7, ())]
    assert rules.stamps_for(sold, [family, parent, item]) == 2 * 3 + 4 * 1 + 1 * 5
    assert rules.stamps_for(sold, []) == 0


def rule(rule_id, name, start, end, scope, kind="percent", discount_bp=None, sale_price_e4=None, active=True):
    return SaleRuleView(rule_id, name, start, end, scope, kind, discount_bp, sale_price_e4, active)


def test_overlapping_periods_same_scope_give_the_lower_price():
    a = rule(1, "Winter", JAN(1), JAN(31), 1, discount_bp=2000)
    b = rule(2, "Last days", JAN(25), JAN(31), 1, discount_bp=5000)
    assert rules.best_sale_price(10000, [a, b], JAN(20)).label == "Winter"
    assert rules.best_sale_price(10000, [a, b], JAN(26)) == rules.SalePrice(5000, "Last days", 2)


def test_equal_prices_go_to_the_period_that_started_last():
    a = rule(1, "Winter", JAN(1), JAN(31), 1, discount_bp=2000)
    b = rule(2, "Week", JAN(10), JAN(16), 1, discount_bp=2000)
    assert rules.best_sale_price(10000, [a, b], JAN(12)).label == "Week"


def test_an_item_rule_beats_a_cheaper_family_rule():
    family = rule(1, "Family", JAN(1), JAN(31), 1, discount_bp=9000)
    item = rule(2, "Item", JAN(1), JAN(31), 0, kind="price", sale_price_e4=9000)
    assert rules.best_sale_price(10000, [family, item], JAN(5)) == rules.SalePrice(9000, "Item", 2)


@pytest.mark.parametrize("day, expected", [(JAN(6), None), (JAN(7), 7000), (JAN(31), 7000), (dt.date(2026, 2, 1), None)])
def test_a_period_runs_from_its_first_to_its_last_day_inclusive(day, expected):
    found = rules.best_sale_price(10000, [rule(1, "Soldes", JAN(7), JAN(31), 1, discount_bp=3000)], day)
    assert (found.unit_price_e4 if found else None) == expected


def test_rules_that_do_not_lower_the_price_or_are_switched_off_never_apply():
    higher = rule(1, "Oops", JAN(1), JAN(31), 0, kind="price", sale_price_e4=12000)
    zero = rule(2, "Zero", JAN(1), JAN(31), 1, discount_bp=0)
    off = rule(3, "Off", JAN(1), JAN(31), 1, discount_bp=5000, active=False)
    assert rules.best_sale_price(10000, [higher, zero, off], JAN(2)) is None
    free = rule(4, "Free", JAN(1), JAN(31), 1, discount_bp=10000)
    assert rules.best_sale_price(10000, [free], JAN(2)).unit_price_e4 == 0


def test_percent_prices_round_half_up_to_the_e4():
    assert rules.price_under(rule(1, "x", JAN(1), JAN(2), 1, discount_bp=3333), 15) == 10   # 10.0005 -> 10
    assert rules.price_under(rule(1, "x", JAN(1), JAN(2), 1, discount_bp=5000), 15) == 8    # 7.5 -> 8


def test_reward_affordability():
    reward = rules.RewardView(1, "voucher", 500, 0)
    assert rules.affordable(reward, 500, 0) and not rules.affordable(reward, 499, 99)
    assert not rules.affordable(rules.RewardView(1, "voucher", 500, 0, active=False), 9999, 0)
