"""Price lists on a real database: customer, category and general lists, families, breaks, dates."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.catalog import service as catalog
from equisis.catalog.errors import InvalidValidity, PriceRuleIncomplete, PriceTooPrecise
from equisis.catalog.rules import PriceQuote
from equisis.core.errors import ValidationErrors

DAY = dt.date(2026, 3, 15)
DUPONT = 7


@pytest.fixture
def shelf(books):
    catalog.save_family("LIGHT", name_fr="Éclairage")
    catalog.save_family("DESKL", parent="LIGHT", name_fr="Lampes de bureau")
    return catalog.create_item("LAMP", name_fr="Lampe", family="DESKL", sale_price="30,00")


def quote(item, *, party=DUPONT, qty=1000, day=DAY, categories=()):
    return catalog.price_for(item, party_id=party, quantity_milli=qty, day=day, party_categories=categories)


def test_without_price_lists_the_catalog_price_applies(shelf):
    assert quote(shelf) == PriceQuote(300000, 0, "")
    assert quote(shelf, party=None) == PriceQuote(300000, 0, "")


def test_item_rule_beats_family_rule_beats_parent_family_beats_every_item(shelf):
    general = catalog.create_price_list("Everyone -2%")
    catalog.add_price_rule(general.id, discount="2")
    assert quote(shelf) == PriceQuote(300000, 200, "Everyone -2%")
    parent = catalog.create_price_list("Light -20%")
    catalog.add_price_rule(parent.id, family="LIGHT", discount="20")
    assert quote(shelf).source == "Light -20%"
    own = catalog.create_price_list("Desk lamps -5%")
    catalog.add_price_rule(own.id, family="DESKL", discount="5")
    assert quote(shelf) == PriceQuote(300000, 500, "Desk lamps -5%")   # nearer family, though smaller
    item = catalog.create_price_list("Lamp net")
    catalog.add_price_rule(item.id, item="LAMP", net_price="29,00")
    assert quote(shelf) == PriceQuote(290000, 0, "Lamp net")


def test_customer_beats_category_beats_everyone(shelf):
    everyone = catalog.create_price_list("Retail")
    catalog.add_price_rule(everyone.id, item="LAMP", net_price="20")
    trade = catalog.create_price_list("Trade", customer_category="Pro")
    catalog.add_price_rule(trade.id, item="LAMP", net_price="25")
    own = catalog.create_price_list("Dupont", party_id=DUPONT)
    catalog.add_price_rule(own.id, item="LAMP", net_price="27")
    assert quote(shelf, categories=["Pro"]).source == "Dupont"
    assert quote(shelf, party=8, categories=["Pro"]).source == "Trade"
    assert quote(shelf, party=8).source == "Retail"


def test_within_equals_priority_then_the_lowest_net_price(shelf):
    a = catalog.create_price_list("A")
    catalog.add_price_rule(a.id, item="LAMP", net_price="28")
    b = catalog.create_price_list("B")
    catalog.add_price_rule(b.id, item="LAMP", discount="10")        # 27.00 after discount
    assert quote(shelf) == PriceQuote(300000, 1000, "B")
    c = catalog.create_price_list("C", priority=5)
    catalog.add_price_rule(c.id, item="LAMP", net_price="29,50")
    assert quote(shelf).source == "C"


def test_quantity_breaks(shelf):
    breaks = catalog.create_price_list("Volume")
    catalog.add_price_rule(breaks.id, item="LAMP", net_price="28", min_quantity="10")
    catalog.add_price_rule(breaks.id, item="LAMP", net_price="26", min_quantity="50")
    assert quote(shelf, qty=9000).source == ""
    assert quote(shelf, qty=10000).unit_price_e4 == 280000
    assert quote(shelf, qty=50000).unit_price_e4 == 260000


def test_validity_dates_are_inclusive_and_inactive_lists_do_not_apply(shelf):
    promo = catalog.create_price_list("March promo", valid_from=dt.date(2026, 3, 1), valid_to=dt.date(2026, 3, 31))
    catalog.add_price_rule(promo.id, item="LAMP", discount="15")
    assert quote(shelf, day=dt.date(2026, 3, 1)).source == "March promo"
    assert quote(shelf, day=dt.date(2026, 3, 31)).source == "March promo"
    assert quote(shelf, day=dt.date(2026, 4, 1)).source == ""
    assert quote(shelf, day=dt.date(2026, 2, 28)).source == ""
    catalog.update_price_list(promo.id, active=False)
    assert quote(shelf).source == ""


def test_bad_price_list_input(shelf):
    plist = catalog.create_price_list("Bad")
    with pytest.raises(ValidationErrors) as caught:
        catalog.add_price_rule(plist.id, item="LAMP", net_price="1,00001")
    assert isinstance(caught.value.problems[0], PriceTooPrecise)
    with pytest.raises(ValidationErrors) as caught:
        catalog.add_price_rule(plist.id, item="LAMP")
    assert isinstance(caught.value.problems[0], PriceRuleIncomplete)
    with pytest.raises(ValidationErrors) as caught:
        catalog.create_price_list("Backwards", valid_from=dt.date(2026, 3, 2), valid_to=dt.date(2026, 3, 1))
    assert isinstance(caught.value.problems[0], InvalidValidity)
