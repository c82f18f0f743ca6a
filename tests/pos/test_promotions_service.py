"""Sales periods (soldes) on a real company database: creation, bad input, the price of the day."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.catalog import service as catalog
from equisis.core.errors import ValidationErrors
from equisis.pos import promotions as contract
from equisis.pos.loyalty import promotions
from equisis.pos.loyalty.errors import PeriodNotFound, PeriodRuleNotFound
from equisis.pos.loyalty.models import PromotionRule
from equisis.store.audit import acting_as

JAN = lambda d: dt.date(2026, 1, d)  # noqa: E731


@pytest.fixture
def shop(company):
    with acting_as("test:soldes"):
        catalog.save_family("HOME", name_en="Home")
        catalog.save_family("LIGHT", parent="HOME", name_en="Lighting")
        catalog.save_family("GARDEN", name_en="Garden")
        catalog.create_item("LAMP", name_en="Lamp", sale_price="100,00", family="LIGHT")
        catalog.create_item("RUG", name_en="Rug", sale_price="50,00", family="HOME")
        catalog.create_item("HOSE", name_en="Hose", sale_price="20,00", family="GARDEN")
        catalog.create_item("PEN", name_en="Pen", sale_price="2,00")
        yield company


def test_a_period_applies_from_its_first_to_its_last_day_by_itself(shop):
    promotions.create_period("Winter sales", "2026-01-07", "31/01/2026", [{"family": "HOME", "discount": "30"}])
    assert promotions.active_sale_price("LAMP", JAN(6)) is None
    assert promotions.active_sale_price("LAMP", JAN(7)) == (700000, "Winter sales")     # sub-family included
    assert promotions.active_sale_price(catalog.find_item("RUG"), JAN(31)) == (350000, "Winter sales")
    assert promotions.active_sale_price("LAMP", dt.date(2026, 2, 1)) is None          # it has ended
    assert promotions.active_sale_price("HOSE", JAN(15)) is None                        # another family
    assert promotions.active_sale_price("PEN", JAN(15)) is None                         # no family at all
    assert [p.name for p in promotions.periods(day=JAN(15))] == ["Winter sales"]
    assert promotions.periods(day=dt.date(2026, 2, 1)) == []


def test_item_rule_over_family_and_overlapping_periods_precedence(shop):
    promotions.create_period("Winter sales", JAN(1), JAN(31), [{"family": "HOME", "discount": "20"},
                                                               {"family": "LIGHT", "discount": "10"}])
    promotions.create_period("Lamp week", JAN(10), JAN(16), [{"item": "LAMP", "sale_price": "95"}])
    promotions.create_period("Last days", JAN(25), JAN(31), [{"family": "LIGHT", "discount": "40"}])
    assert promotions.active_sale_price("LAMP", JAN(5)) == (900000, "Winter sales")     # own family before parent
    assert promotions.active_sale_price("LAMP", JAN(12)) == (950000, "Lamp week")       # item before family
    assert promotions.active_sale_price("LAMP", JAN(26)) == (600000, "Last days")       # same scope: lower price
    assert promotions.active_sale_price("RUG", JAN(26)) == (400000, "Winter sales")


def test_a_switched_off_period_does_not_apply_and_can_be_edited(shop):
    period = promotions.create_period("Soldes", JAN(1), JAN(31), [{"item": "PEN", "discount": "50"}])
    promotions.update_period(period.id, active=False)
    assert promotions.active_sale_price("PEN", JAN(2)) is None
    promotions.update_period(period.id, active=True, end=JAN(10), name="Soldes d'hiver")
    assert contract.active_sale_price("PEN", JAN(10)) == (10000, "Soldes d'hiver")
    assert contract.active_sale_price("PEN", JAN(11)) is None


def test_bad_periods_and_rules_are_refused_with_every_problem_named(shop):
    with pytest.raises(ValidationErrors) as caught:
        promotions.create_period("", "2026-02-01", "2026-01-01",
                                 [{"family": "NOPE", "discount": "30"}, {"item": "PEN", "family": "HOME", "discount": "5"},
                                  {"item": "PEN"}, {"item": "PEN", "discount": "120"},
                                  {"item": "PEN", "sale_price": "-1"}])
    fields = [p.field for p in caught.value.problems]
    assert fields == ["name", "end", "family", "item", "discount", "discount", "sale_price"]
    with pytest.raises(ValidationErrors) as caught:
        promotions.create_period("X", "tomorrow", "2026-01-01")
    assert [p.field for p in caught.value.problems] == ["start"]
    with pytest.raises(PeriodNotFound):
        promotions.add_rule(999, item="PEN", discount="10")
    with pytest.raises(ValidationErrors):
        promotions.update_period(promotions.create_period("Y", JAN(1), JAN(2)).id, end=dt.date(2025, 12, 1))


def test_rules_are_added_and_removed(shop):
    period = promotions.create_period("Garden days", JAN(1), JAN(31))
    rule = promotions.add_rule(period.id, family="GARDEN", discount="12,5")
    assert (rule.kind, rule.discount_bp) == ("percent", 1250)
    assert promotions.active_sale_price("HOSE", JAN(3)) == (175000, "Garden days")
    promotions.remove_rule(period.id, rule.id)
    assert promotions.active_sale_price("HOSE", JAN(3)) is None
    with pytest.raises(PeriodRuleNotFound):
        promotions.remove_rule(period.id, rule.id)
    assert PromotionRule.select().count() == 0


def test_a_fixed_price_above_the_catalog_price_never_raises_it(shop):
    promotions.create_period("Oops", JAN(1), JAN(31), [{"item": "PEN", "sale_price": "3,00"}])
    assert promotions.active_sale_price("PEN", JAN(3)) is None
