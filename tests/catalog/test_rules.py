"""The catalog's pure rules, table-driven (and their doctests)."""
from __future__ import annotations

import datetime as dt
import doctest
from decimal import Decimal
from fractions import Fraction

import pytest

from equisis.catalog import rules
from equisis.catalog.errors import (BarcodeCheckDigit, InvalidBarcode, InvalidDiscount, InvalidPrice,
                                    InvalidVatRate, NegativePrice, PriceTooPrecise)


def test_doctests():
    assert doctest.testmod(rules).failed == 0


@pytest.mark.parametrize("text,e4", [("12,50", 125000), ("12.5", 125000), ("0,0001", 1), ("1.234,5678", 12345678),
                                     ("3", 30000), (Decimal("2.10"), 21000), (7, 70000), ("1,23450", 12345)])
def test_prices_parse_to_four_decimals(text, e4):
    assert rules.parse_price(text) == e4


@pytest.mark.parametrize("text,error", [("1,23456", PriceTooPrecise), ("0.00001", PriceTooPrecise),
                                        ("abc", InvalidPrice), ("", InvalidPrice), ("-1", NegativePrice)])
def test_bad_prices(text, error):
    with pytest.raises(error):
        rules.parse_price(text)


def test_too_precise_price_message_gives_the_rounded_form():
    with pytest.raises(PriceTooPrecise) as caught:
        rules.parse_price("12,34567", field="sale_price")
    assert caught.value.message() == "The price “12,34567” has more than 4 decimals; round it to 12.3457."
    assert caught.value.field == "sale_price"


def test_float_prices_are_a_bug():
    with pytest.raises(TypeError):
        rules.parse_price(1.5)


@pytest.mark.parametrize("value,bp", [(2100, 2100), ("21", 2100), ("12 %", 1200), ("6", 600), ("0", 0), (0, 0)])
def test_vat_rates(value, bp):
    assert rules.parse_vat_rate(value) == bp


@pytest.mark.parametrize("value", [19, "19", "21.5", "x", 2000])
def test_bad_vat_rates(value):
    with pytest.raises(InvalidVatRate):
        rules.parse_vat_rate(value)


@pytest.mark.parametrize("text,bp", [("10", 1000), ("12,5", 1250), ("100", 10000)])
def test_discounts(text, bp):
    assert rules.parse_discount(text) == bp


@pytest.mark.parametrize("text", ["0", "-5", "101", "1,234", "x"])
def test_bad_discounts(text):
    with pytest.raises(InvalidDiscount):
        rules.parse_discount(text)


@pytest.mark.parametrize("sale,purchase,factor,amount,percent", [
    (300000, 180000, Fraction(1), "12.0000", "40.00"),
    (30000, 240000, Fraction(1, 12), "1.0000", "33.33"),
    (100000, 120000, Fraction(1), "-2.0000", "-20.00"),
    (0, 10000, Fraction(1), "-1.0000", None),
])
def test_margin(sale, purchase, factor, amount, percent):
    result = rules.margin(sale, purchase, factor)
    assert str(result.amount) == amount
    assert (None if result.percent is None else str(result.percent)) == percent


@pytest.mark.parametrize("text,expected", [("12", Fraction(12)), ("0,25", Fraction(1, 4)), ("1/3", Fraction(1, 3))])
def test_factors_are_exact(text, expected):
    assert rules.parse_factor(text) == expected
    assert rules.parse_factor(rules.format_factor(expected)) == expected


@pytest.mark.parametrize("text,code,kind", [
    ("4006381333931", "4006381333931", "ean13"), ("5 449000 000996", "5449000000996", "ean13"),
    ("96385074", "96385074", "ean8"), ("ABC-123", "ABC-123", "code128"), ("123456789012", "123456789012", "code128"),
])
def test_barcodes(text, code, kind):
    assert rules.check_barcode(text) == (code, kind)


def test_a_wrong_ean_check_digit_names_the_expected_one():
    with pytest.raises(BarcodeCheckDigit) as caught:
        rules.check_barcode("5449000000995")
    assert caught.value.params["expected"] == "6" and caught.value.params["given"] == "5"
    with pytest.raises(BarcodeCheckDigit, match="should be 4"):
        rules.check_barcode("96385075")


@pytest.mark.parametrize("text,kind", [("", None), ("Café", None), ("x" * 49, None), ("12345", "ean13")])
def test_bad_barcodes(text, kind):
    with pytest.raises(InvalidBarcode):
        rules.check_barcode(text, kind)


def test_internal_ean13_stay_out_of_the_weight_price_prefixes():
    for n in (1, 2, 99999, 9999999999):
        code = rules.internal_ean13(n)
        assert code[:2] == "20" and len(code) == 13
        assert rules.check_barcode(code) == (code, "ean13")


def view(rule_id, scope=0, audience=2, priority=0, kind="net", net=None, disc=None, minimum=0, start=None, end=None):
    return rules.PriceRuleView(rule_id, f"L{rule_id}", scope, audience, priority, kind, net, disc, minimum, start, end)


DAY = dt.date(2026, 3, 15)


@pytest.mark.parametrize("candidates,winner", [
    ([view(1, scope=1, net=1), view(2, scope=0, net=9)], "L2"),                        # item over family
    ([view(1, scope=2, net=1), view(2, scope=1, net=9)], "L2"),                        # family over parent
    ([view(1, scope=99, net=1), view(2, scope=2, net=9)], "L2"),                       # family over all items
    ([view(1, audience=1, net=1), view(2, audience=0, net=9)], "L2"),                  # customer over category
    ([view(1, audience=2, net=1), view(2, audience=1, net=9)], "L2"),                  # category over everyone
    ([view(1, priority=0, net=1), view(2, priority=1, net=9)], "L2"),                  # priority
    ([view(1, net=90000), view(2, kind="discount", disc=2000)], "L2"),                  # lowest net: 8 < 9
    ([view(2, net=9), view(1, net=9)], "L1"),                                           # tie: lowest id
    ([view(1, net=5, minimum=5000), view(2, net=9)], "L2"),                            # break not reached
    ([view(1, net=5, end=dt.date(2026, 3, 14)), view(2, net=9)], "L2"),               # expired
    ([view(1, net=5, start=dt.date(2026, 3, 16)), view(2, net=9)], "L2"),             # not yet valid
])
def test_best_price_precedence(candidates, winner):
    assert rules.best_price(100000, candidates, quantity_milli=1000, day=DAY).source == winner


def test_pick_label_order():
    labels = {"fr": "Lampe", "nl": "Lamp", "de": "", "en": None}
    assert rules.pick_label(labels, "nl", "fr") == "Lamp"
    assert rules.pick_label(labels, "de", "nl") == "Lamp"
    assert rules.pick_label(labels, "en", None) == "Lampe"
    assert rules.pick_label({}, "en", "fr", default="X1") == "X1"
