"""The catalog's business rules, pure: prices and margins, units, barcodes, labels, price-list precedence.

Prices are stored as integers with four decimals (``*_e4``: 12.5 € -> 125000);
a price typed with more decimals is refused, never silently rounded
(:func:`parse_price`). Quantities are ``*_milli`` integers. Unit conversion
factors are exact fractions stored as numerator/denominator integers: a
purchase box of 12 pieces is 12/1 stock units, a 250 g bag sold from stock
kept in kg is 1/4.

    >>> parse_price("12,50")
    125000
    >>> margin(125000, 80000)
    Margin(amount=Decimal('4.5000'), percent=Decimal('36.00'))
    >>> ean13_check_digit("200000000001")
    '5'
    >>> convert_quantity(2000, Fraction(12), Fraction(1))   # 2 boxes of 12 -> 24 pieces
    24000

Price-list precedence (:func:`best_price`), deterministic:

1. scope: a rule on the item itself beats a rule on its family, which beats a
   rule on a parent family (nearest first), which beats a rule on every item;
2. audience: a customer's own list beats a customer-category list, which beats a
   list for everyone;
3. the higher price-list priority;
4. the lowest resulting net unit price (price after the discount);
5. the lowest rule id (the oldest rule), so ties never depend on query order.

A rule applies when its list is active and valid on the day (``valid_from`` and
``valid_to`` included) and the quantity reaches its ``min_quantity_milli``
(quantity breaks: several rules with growing minimums; the lowest price among
the ones reached wins by 4.).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from stdnum import ean as stdnum_ean

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_, lazy_gettext
from equisis.core.money import parse_amount
from equisis.catalog.errors import (BarcodeCheckDigit, InvalidBarcode, InvalidDiscount, InvalidItemCode,
                                    InvalidNature, InvalidPrice, InvalidQuantity, InvalidVatRate, NegativePrice,
                                    PriceTooPrecise)

LANGUAGES = ("fr", "nl", "de", "en")
NATURES = ("goods", "services")
VAT_RATES_BP = (2100, 1200, 600, 0)
PRICE_DECIMALS = 4
QUANTITY_DECIMALS = 3
AXIS_COUNT = 10
LINK_KINDS = ("accessory", "substitute")
RULE_KINDS = ("net", "discount")
BARCODE_KINDS = ("ean13", "ean8", "code128")
#: Internal EAN-13 barcodes start with "20": GS1 keeps 20–29 for in-store use; 21–29 are left to the
#: weight/price-embedded codes that scales print and the till decodes, so generated codes never collide.
INTERNAL_EAN_PREFIX = "20"
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_.]{0,39}\Z")  # no "/": codes appear in URLs
_E4 = Decimal(1).scaleb(-PRICE_DECIMALS)


# ----------------------------------------------------------------------------- codes, prices, quantities

def check_item_code(text: str) -> str:
    """'  lamp-01 ' -> 'LAMP-01' (codes are kept upper-case so a cashier's typing finds them)."""
    code = (text or "").strip().upper()
    if not _CODE.match(code):
        raise InvalidItemCode(text, field="code")
    return code


def parse_price(text: str | int | Decimal, *, field: str = "price", allow_negative: bool = False) -> int:
    """A typed price in euros -> integer ``*_e4``; more than four decimals is refused, not rounded.

    >>> parse_price("0,0001")
    1
    >>> parse_price("1,23450")   # trailing zeros are no extra precision
    12345
    """
    if isinstance(text, float):
        raise TypeError("prices are Decimal, int or text, never float")
    try:
        value = parse_amount(text, field=field)
    except EquisisError:
        raise InvalidPrice(str(text), field=field) from None
    if not value.is_finite():
        raise InvalidPrice(str(text), field=field)
    if value != value.quantize(_E4, rounding=ROUND_HALF_UP):
        rounded = value.quantize(_E4, rounding=ROUND_HALF_UP)
        raise PriceTooPrecise(str(text), decimals=PRICE_DECIMALS, rounded=format_e4(int(rounded.scaleb(4))),
                              field=field)
    if value < 0 and not allow_negative:
        raise NegativePrice(str(text), field=field)
    return int(value.scaleb(PRICE_DECIMALS))


def format_e4(value_e4: int | None) -> str:
    """125000 -> '12.50', 123456 -> '12.3456': at least two decimals, at most four, no trailing zeros."""
    if value_e4 is None:
        return ""
    text = f"{Decimal(value_e4).scaleb(-PRICE_DECIMALS):.4f}"
    whole, frac = text.split(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


def parse_quantity(text: str | int | Decimal, *, field: str = "quantity") -> int:
    """A typed quantity greater than zero -> ``*_milli`` (at most three decimals)."""
    try:
        value = parse_amount(text, field=field)
    except EquisisError:
        raise InvalidQuantity(str(text), field=field) from None
    milli = value.scaleb(QUANTITY_DECIMALS)
    if value <= 0 or milli != milli.to_integral_value():
        raise InvalidQuantity(str(text), field=field)
    return int(milli)


def parse_vat_rate(value: int | str, *, field: str = "vat_rate") -> int:
    """An int is basis points (2100); text is a percentage ('21', '21 %', '6')."""
    if isinstance(value, int) and not isinstance(value, bool):
        bp = value
    else:
        try:
            bp = int(parse_amount(str(value).replace("%", "").strip()) * 100)
        except (EquisisError, InvalidOperation, ValueError):
            raise InvalidVatRate(str(value), field=field) from None
    if bp not in VAT_RATES_BP:
        raise InvalidVatRate(str(value), field=field)
    return bp


def parse_discount(text: str | int | Decimal, *, field: str = "discount") -> int:
    """'10' or '12,5' (percent) -> basis points; 0 < d <= 100, at most two decimals."""
    try:
        value = parse_amount(text, field=field)
    except EquisisError:
        raise InvalidDiscount(str(text), field=field) from None
    bp = value * 100
    if bp <= 0 or bp > 10000 or bp != bp.to_integral_value():
        raise InvalidDiscount(str(text), field=field)
    return int(bp)


def check_nature(value: str) -> str:
    if value not in NATURES:
        raise InvalidNature(value, field="nature")
    return value


# ----------------------------------------------------------------------------- margins and VAT

@dataclass(frozen=True)
class Margin:
    amount: Decimal            # euros per sale unit, four decimals
    percent: Decimal | None    # of the sale price (not a markup on cost), two decimals; None without a price


def margin(sale_price_e4: int, purchase_price_e4: int, purchase_units_per_sale_unit: Fraction = Fraction(1)
           ) -> Margin:
    """The margin of one sale unit: sale price minus its purchase cost, and its share of the sale price.

    ``purchase_units_per_sale_unit`` converts a purchase price per box into a cost per piece
    (a piece is 1/12 of a box of 12).

    >>> margin(30000, 240000, Fraction(1, 12))   # 3.00 € a piece, 24.00 € a box of 12
    Margin(amount=Decimal('1.0000'), percent=Decimal('33.33'))
    """
    cost = Fraction(purchase_price_e4) * purchase_units_per_sale_unit
    amount = Fraction(sale_price_e4) - cost
    amount_dec = (Decimal(amount.numerator) / Decimal(amount.denominator)).scaleb(-PRICE_DECIMALS)
    amount_dec = amount_dec.quantize(_E4, rounding=ROUND_HALF_UP)
    if sale_price_e4 <= 0:
        return Margin(amount_dec, None)
    share = amount * 100 / sale_price_e4
    percent = (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.01"),
                                                                               rounding=ROUND_HALF_UP)
    return Margin(amount_dec, percent)


def price_incl_vat_cents(price_e4: int, vat_rate_bp: int) -> int:
    """The shelf price of one unit with VAT, rounded to the cent (half away from zero).

    >>> price_incl_vat_cents(82645, 2100)   # 8.2645 € + 21 % = 10.00 €
    1000
    """
    value = Decimal(price_e4) * (10000 + vat_rate_bp) / Decimal(10000) / Decimal(100)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ----------------------------------------------------------------------------- labels

def pick_label(labels: Mapping[str, str | None], language: str, company_language: str | None = None,
               default: str = "") -> str:
    """The text in ``language``, else in the company's language, else in any language (fr, nl, de, en).

    >>> pick_label({"fr": "Lampe", "nl": ""}, "nl", "fr")
    'Lampe'
    """
    for lang in (language, company_language, *LANGUAGES):
        text = (labels.get(lang) or "").strip() if lang else ""
        if text:
            return text
    return default


# ----------------------------------------------------------------------------- units

def parse_factor(text: str | int | Decimal | Fraction) -> Fraction:
    """'12' -> 12, '0,25' -> 1/4, '1/3' -> 1/3: how many stock units one unit holds (exact)."""
    if isinstance(text, Fraction):
        value = text
    elif isinstance(text, str) and "/" in text:
        top, _, bottom = text.partition("/")
        value = Fraction(parse_amount(top.strip())) / Fraction(parse_amount(bottom.strip()))
    else:
        value = Fraction(parse_amount(text))
    if value <= 0:
        raise ValueError("a conversion factor is greater than zero")
    return value


def format_factor(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    as_decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(as_decimal) == value:
        return format(as_decimal.normalize(), "f")
    return f"{value.numerator}/{value.denominator}"


def convert_quantity(quantity_milli: int, from_factor: Fraction, to_factor: Fraction) -> int:
    """A quantity in a unit worth ``from_factor`` stock units, expressed in a unit worth ``to_factor``.

    The result is rounded to the thousandth, half away from zero.

    >>> convert_quantity(1000, Fraction(1), Fraction(12))   # one piece = 0.083 box
    83
    """
    exact = Fraction(quantity_milli) * from_factor / to_factor
    sign = -1 if exact < 0 else 1
    whole, rest = divmod(abs(exact), 1)
    return sign * int(whole + (1 if rest >= Fraction(1, 2) else 0))


# ----------------------------------------------------------------------------- barcodes

def ean_check_digit(digits: str) -> str:
    """The check digit of the digits before it (EAN-8 or EAN-13, GS1 mod 10)."""
    return stdnum_ean.calc_check_digit(digits)


def ean13_check_digit(first12: str) -> str:
    return ean_check_digit(first12)


def check_barcode(text: str, kind: str | None = None) -> tuple[str, str]:
    """A barcode typed or scanned -> (code, kind). Eight or thirteen digits are EAN and must carry
    the right check digit; anything else is Code 128 text (printable ASCII, at most 48 characters).

    >>> check_barcode(" 4006381333931 ")
    ('4006381333931', 'ean13')
    >>> check_barcode("96385074")
    ('96385074', 'ean8')
    """
    code = (text or "").strip()
    if re.sub(r"\s", "", code).isdigit():
        code = re.sub(r"\s", "", code)  # '4 006381 333931' as printed under the bars
    if kind not in (None, "", *BARCODE_KINDS):
        raise InvalidBarcode(text, check=lazy_gettext(N_("unknown kind of barcode")), field="barcode")
    if not code:
        raise InvalidBarcode(text, check=lazy_gettext(N_("it is empty")), field="barcode")
    if code.isdigit() and (len(code) in (8, 13) and kind in (None, "", "ean13", "ean8")):
        expected = ean_check_digit(code[:-1])
        if expected != code[-1]:
            raise BarcodeCheckDigit(text, given=code[-1], expected=expected, field="barcode")
        return code, "ean13" if len(code) == 13 else "ean8"
    if kind in ("ean13", "ean8"):
        raise InvalidBarcode(text, check=lazy_gettext(N_("an EAN-13 has 13 digits, an EAN-8 has 8")),
                             field="barcode")
    if len(code) > 48 or any(not (32 <= ord(ch) <= 126) for ch in code):
        raise InvalidBarcode(text, check=lazy_gettext(
            N_("a Code 128 barcode holds at most 48 printable characters without accents")), field="barcode")
    return code, "code128"


def internal_ean13(sequence: int) -> str:
    """The internal EAN-13 number ``sequence``: '20' + ten digits + check digit.

    >>> internal_ean13(1)
    '2000000000015'
    """
    if not 0 < sequence < 10**10:
        raise ValueError("internal EAN-13 sequence exhausted")
    body = f"{INTERNAL_EAN_PREFIX}{sequence:010d}"
    return body + ean_check_digit(body)


# ----------------------------------------------------------------------------- price lists

@dataclass(frozen=True)
class PriceRuleView:
    """One rule of a price list, as the selection sees it."""

    rule_id: int
    list_name: str
    scope: int                 # 0 the item, 1 its family, 2 the parent family… 99 every item
    audience: int              # 0 the customer, 1 a customer category, 2 everyone
    priority: int
    kind: str                  # net | discount
    net_price_e4: int | None
    discount_bp: int | None
    min_quantity_milli: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    active: bool = True


@dataclass(frozen=True)
class PriceQuote:
    unit_price_e4: int
    discount_bp: int
    source: str

    @property
    def net_unit_price(self) -> Decimal:
        """The unit price after the discount (euros, not rounded: the invoice line rounds its net)."""
        return Decimal(self.unit_price_e4).scaleb(-PRICE_DECIMALS) * (10000 - self.discount_bp) / 10000


EVERY_ITEM_SCOPE = 99
AUDIENCE_CUSTOMER, AUDIENCE_CATEGORY, AUDIENCE_EVERYONE = 0, 1, 2


def applies(rule: PriceRuleView, *, quantity_milli: int, day: dt.date) -> bool:
    return (rule.active and quantity_milli >= rule.min_quantity_milli
            and (rule.valid_from is None or rule.valid_from <= day)
            and (rule.valid_to is None or day <= rule.valid_to))


def quote_of(rule: PriceRuleView, catalog_price_e4: int) -> PriceQuote:
    if rule.kind == "net":
        return PriceQuote(int(rule.net_price_e4), 0, rule.list_name)
    return PriceQuote(catalog_price_e4, int(rule.discount_bp), rule.list_name)


def best_price(catalog_price_e4: int, rules: Iterable[PriceRuleView], *, quantity_milli: int,
               day: dt.date) -> PriceQuote:
    """The quote of the best applicable rule (see the module's precedence), or the catalog price.

    >>> general = PriceRuleView(1, "Retail", 99, 2, 0, "discount", None, 500, 0, None, None)
    >>> own = PriceRuleView(2, "Dupont", 0, 0, 0, "net", 90000, None, 0, None, None)
    >>> best_price(100000, [general, own], quantity_milli=1000, day=dt.date(2026, 3, 1))
    PriceQuote(unit_price_e4=90000, discount_bp=0, source='Dupont')
    >>> best_price(100000, [], quantity_milli=1000, day=dt.date(2026, 3, 1))
    PriceQuote(unit_price_e4=100000, discount_bp=0, source='')
    """
    candidates = [r for r in rules if applies(r, quantity_milli=quantity_milli, day=day)]
    if not candidates:
        return PriceQuote(catalog_price_e4, 0, "")

    def key(rule: PriceRuleView):
        return (rule.scope, rule.audience, -rule.priority, quote_of(rule, catalog_price_e4).net_unit_price,
                rule.rule_id)

    return quote_of(min(candidates, key=key), catalog_price_e4)


def family_distance(family_id: int | None, ancestors: Sequence[int]) -> int | None:
    """1 for the item's own family, 2 for its parent… (``ancestors`` from the item's family upward)."""
    if family_id is None:
        return EVERY_ITEM_SCOPE
    try:
        return ancestors.index(family_id) + 1
    except ValueError:
        return None


# ----------------------------------------------------------------------------- variants

MAX_VARIANTS = 500


def variant_values(text: str) -> list[str]:
    """The values of a variant axis as typed: 'S, M ,L' -> ['S', 'M', 'L'] (order kept, empties dropped).

    >>> variant_values(" S, M ,, L ")
    ['S', 'M', 'L']
    """
    return [v.strip()[:80] for v in (text or "").split(",") if v.strip()]


def variant_combinations(values_by_axis: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Every combination, the first axis varying slowest: sizes × colours -> (S, red), (S, blue), (M, red)…

    >>> variant_combinations([["S", "M"], ["red", "blue"]])
    [('S', 'red'), ('S', 'blue'), ('M', 'red'), ('M', 'blue')]
    """
    import itertools

    return list(itertools.product(*values_by_axis))


def variant_code(parent_code: str, values: Sequence[str]) -> str:
    """The code of a variant: the parent's code and the values, upper-cased, other characters as '-'.

    >>> variant_code("TSHIRT", ["S", "Dark blue"])
    'TSHIRT-S-DARK-BLUE'
    """
    parts = [re.sub(r"[^A-Z0-9.]+", "-", v.upper()).strip("-") or "X" for v in values]
    return "-".join([parent_code.upper(), *parts])
