"""Money as Decimal in Python and as integer cents in the database.

There is one parser for what people type ("12,50", "1.234,56", "12.50",
"€ 1 234,5") and one rounding rule for amounts: half away from zero
(ROUND_HALF_UP on the absolute value), which is what EN 16931 and the
Belgian VAT administration expect when an amount is rounded to the cent.

    >>> parse_amount("1.234,56")
    Decimal('1234.56')
    >>> to_cents(Decimal("2.675"))
    268
    >>> from_cents(-1999)
    Decimal('-19.99')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from equisis.core.errors import InvalidAmount

CENT = Decimal("0.01")
_SPACES = re.compile(r"[\s\u00a0\u202f'€]")


def parse_amount(text: str | int | Decimal, *, field: str | None = None) -> Decimal:
    """Parse a typed amount, accepting a comma or a point as decimal separator.

    The last of ',' and '.' is the decimal separator when both appear
    ("1.234,56" and "1,234.56" are both 1234.56); a lone separator followed by
    exactly three digits and preceded by at most three ("1.234") is still read
    as a decimal point, since a Belgian shop never types thousands separators
    without cents in a price field.
    """
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    if not isinstance(text, str):
        raise InvalidAmount(str(text), field=field)
    cleaned = _SPACES.sub("", text)
    if not cleaned:
        raise InvalidAmount(text, field=field)
    last_comma, last_point = cleaned.rfind(","), cleaned.rfind(".")
    if last_comma >= 0 and last_point >= 0:
        decimal_sep = "," if last_comma > last_point else "."
        thousands_sep = "." if decimal_sep == "," else ","
        cleaned = cleaned.replace(thousands_sep, "")
    else:
        decimal_sep = "," if last_comma >= 0 else "."
    if cleaned.count(decimal_sep) > 1:
        raise InvalidAmount(text, field=field)
    cleaned = cleaned.replace(decimal_sep, ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise InvalidAmount(text, field=field)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - regex above guards
        raise InvalidAmount(text, field=field) from exc


def _refuse_float(value) -> None:
    # Decimal(2.675) is 2.67499999...: a float would silently round the wrong way.
    if isinstance(value, float):
        raise TypeError("amounts are Decimal, int or text, never float")


def round_cents(amount: Decimal) -> Decimal:
    """Round to the cent, half away from zero: 2.675 -> 2.68, -2.675 -> -2.68."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal | int | str) -> int:
    """Decimal euros to integer cents, rounded half away from zero."""
    _refuse_float(amount)
    value = parse_amount(amount) if isinstance(amount, str) else Decimal(amount)
    return int(round_cents(value) * 100)


def from_cents(cents: int) -> Decimal:
    """Integer cents to Decimal euros with two decimals."""
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise TypeError(f"cents must be an int, not {type(cents).__name__}")
    return (Decimal(cents) / 100).quantize(CENT)


def to_scaled(value: Decimal | int | str, scale: int) -> int:
    """Store a Decimal with ``scale`` decimals as an integer (unit_price_e4: scale=4, qty_milli: 3)."""
    _refuse_float(value)
    number = parse_amount(value) if isinstance(value, str) else Decimal(value)
    return int(number.scaleb(scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_scaled(stored: int, scale: int) -> Decimal:
    """The Decimal behind an integer stored with ``scale`` decimals."""
    return Decimal(stored).scaleb(-scale)


@dataclass(frozen=True, order=True)
class Money:
    """An amount in euro cents. Arithmetic stays in integers; display goes through format_money."""

    cents: int
    currency: str = "EUR"

    def __post_init__(self):
        if not isinstance(self.cents, int) or isinstance(self.cents, bool):
            raise TypeError("Money holds integer cents")

    @classmethod
    def parse(cls, text: str, currency: str = "EUR") -> "Money":
        return cls(to_cents(parse_amount(text)), currency)

    @property
    def amount(self) -> Decimal:
        return from_cents(self.cents)

    def _same(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.cents - other.cents, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.cents, self.currency)

    def __bool__(self) -> bool:
        return self.cents != 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def format_money(cents: int, locale: str = "fr_BE", currency: str = "EUR") -> str:
    """'1 234,56 €' in fr_BE, '€ 1.234,56' in nl_BE: Babel's CLDR patterns."""
    from babel.numbers import format_currency

    return format_currency(from_cents(cents), currency, locale=locale)
