"""Money: one parser for what people type, integer cents, rounding half away from zero."""
from decimal import Decimal

import pytest

from equisis.core.errors import InvalidAmount
from equisis.core.money import Money, from_cents, from_scaled, parse_amount, round_cents, to_cents, to_scaled


@pytest.mark.parametrize("typed, expected", [
    ("12,50", "12.50"),
    ("12.50", "12.50"),
    ("1.234,56", "1234.56"),
    ("1,234.56", "1234.56"),
    ("1.234.567,89", "1234567.89"),
    ("1,234,567.89", "1234567.89"),
    ("€ 1 234,5", "1234.5"),
    ("1\u00a0234,50 €", "1234.50"),  # no-break space, as Babel prints it
    ("1\u202f234,50", "1234.50"),  # narrow no-break space
    ("12'345.50", "12345.50"),
    ("-3", "-3"),
    ("+7", "7"),
    ("-0,99", "-0.99"),
    (",5", "0.5"),
    ("5,", "5"),
    ("1.234", "1.234"),  # a lone point is a decimal point (prices, not thousands)
    ("1,234", "1.234"),
    ("  42  ", "42"),
])
def test_parse_amount_reads_what_people_type(typed, expected):
    assert parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", [
    "", "   ", "€", "abc", "12,50 EUR", "1,2,3", "1.234.567", "--3", "1-3", "1e3", "NaN", "Infinity",
    "12,5a", "0x10",
])
def test_parse_amount_refuses_what_is_not_an_amount(typed):
    with pytest.raises(InvalidAmount) as caught:
        parse_amount(typed, field="unit_price")
    assert caught.value.field == "unit_price"
    assert caught.value.params["value"] == typed


@pytest.mark.parametrize("value", [12.5, None, [1]])
def test_parse_amount_refuses_non_text_values(value):
    with pytest.raises(InvalidAmount):
        parse_amount(value)


@pytest.mark.parametrize("value, expected", [(Decimal("3.10"), Decimal("3.10")), (7, Decimal(7))])
def test_parse_amount_passes_numbers_through(value, expected):
    assert parse_amount(value) == expected


@pytest.mark.parametrize("amount, cents", [
    (Decimal("2.675"), 268),
    (Decimal("-2.675"), -268),
    (Decimal("2.665"), 267),
    (Decimal("-2.665"), -267),
    (Decimal("0.005"), 1),
    (Decimal("-0.005"), -1),
    (Decimal("0.004999"), 0),
    (Decimal("-0.004999"), 0),
    (Decimal("19.99"), 1999),
    (Decimal("1234567.891"), 123456789),
    (3, 300),
    (-3, -300),
    ("12,345", 1235),
    ("-12,345", -1235),
])
def test_to_cents_rounds_half_away_from_zero(amount, cents):
    assert to_cents(amount) == cents


@pytest.mark.parametrize("amount, rounded", [
    (Decimal("2.675"), Decimal("2.68")), (Decimal("-2.675"), Decimal("-2.68")),
    (Decimal("1.004"), Decimal("1.00")),
])
def test_round_cents(amount, rounded):
    assert round_cents(amount) == rounded


@pytest.mark.parametrize("cents, euros", [
    (1999, "19.99"), (-1999, "-19.99"), (0, "0.00"), (5, "0.05"), (-5, "-0.05"), (100, "1.00"),
])
def test_from_cents_gives_two_decimals(cents, euros):
    result = from_cents(cents)
    assert result == Decimal(euros)
    assert str(result) == euros


@pytest.mark.parametrize("not_cents", [1.5, Decimal("1"), "100", True, None])
def test_from_cents_refuses_anything_but_int(not_cents):
    with pytest.raises(TypeError):
        from_cents(not_cents)


@pytest.mark.parametrize("value, scale, stored", [
    ("1,5", 3, 1500),
    (Decimal("12.34565"), 4, 123457),
    (Decimal("-12.34565"), 4, -123457),
    (Decimal("0.00005"), 4, 1),
    (Decimal("-0.00005"), 4, -1),
    (Decimal("0.0004"), 3, 0),
    (2, 3, 2000),
    ("0,001", 3, 1),
])
def test_to_scaled_rounds_half_away_from_zero(value, scale, stored):
    assert to_scaled(value, scale) == stored


@pytest.mark.parametrize("stored, scale, value", [
    (123457, 4, "12.3457"), (-1500, 3, "-1.500"), (1, 3, "0.001"), (0, 4, "0"),
])
def test_from_scaled(stored, scale, value):
    assert from_scaled(stored, scale) == Decimal(value)


@pytest.mark.parametrize("value, scale", [(Decimal("12.3457"), 4), (Decimal("-0.125"), 3), (Decimal("7"), 3)])
def test_scaled_round_trip(value, scale):
    assert from_scaled(to_scaled(value, scale), scale) == value


def test_money_adds_and_subtracts_in_cents():
    assert Money(1050) + Money(250) == Money(1300)
    assert Money(1050) - Money(2000) == Money(-950)
    assert -Money(125) == Money(-125)


def test_money_parse_and_amount():
    money = Money.parse("1.234,56")
    assert money == Money(123456)
    assert money.amount == Decimal("1234.56")
    assert str(money) == "1234.56 EUR"


def test_money_truthiness_and_order():
    assert not Money(0)
    assert Money(-1)
    assert sorted([Money(300), Money(-5), Money(20)]) == [Money(-5), Money(20), Money(300)]


@pytest.mark.parametrize("not_cents", [12.5, Decimal("12.50"), "1250", True, None])
def test_money_refuses_anything_but_integer_cents(not_cents):
    with pytest.raises(TypeError):
        Money(not_cents)


@pytest.mark.parametrize("operation", [
    lambda: Money(100) + 1.5,
    lambda: Money(100) - 0.5,
    lambda: Money(100) + 1,
    lambda: Money(100) + Decimal("1"),
])
def test_money_refuses_arithmetic_with_plain_numbers(operation):
    with pytest.raises(TypeError):
        operation()


def test_money_refuses_mixing_currencies():
    with pytest.raises(ValueError):
        Money(100) + Money(100, "USD")
    with pytest.raises(ValueError):
        Money(100) - Money(100, "USD")


@pytest.mark.parametrize("operation", [
    lambda: 1.5 + Money(100),
    lambda: 0.5 - Money(100),
])
def test_money_refuses_plain_numbers_on_the_left_too(operation):
    with pytest.raises(TypeError):
        operation()


@pytest.mark.parametrize("convert", [lambda: to_cents(2.675), lambda: to_scaled(1.5, 3)])
def test_conversions_refuse_floats(convert):
    # Decimal(2.675) is 2.67499999...: a float would round to 267 instead of 268.
    with pytest.raises(TypeError):
        convert()
