"""The rules of the stock, pure: kinds of moves, quantities and units, lots, valuation, year-end variation.

Quantities are integers in thousandths of the item's *stock unit* (``qty_milli``):
a piece counts 1000, a kilogram counted in ``kg`` has gram precision (1 kg =
1000), a length in ``m`` millimetre precision, a surface in ``m2`` a thousandth
of a square metre, a volume in ``l`` a millilitre. Values are cents, unit costs
``*_e4`` (euros with four decimals) per stock unit.

Valuation (the Belgian accounting law lets a company value its goods FIFO, LIFO
or at the weighted average price, art. 3:144 KB/AR WVV-CSA) keeps *layers*: each
incoming move adds a layer (quantity, value); an outgoing move consumes layers
oldest first (FIFO), newest first (LIFO), or takes its share of the one pool
(weighted average, recomputed at every receipt, "perpetual" average). The stock
value of an item is the sum of its layers, and always equals the sum of the
values of its moves (the doctor checks it).

Worked example (FIFO): receive 10 at 2,00 € then 10 at 3,00 €; deliver 15:
the delivery costs 10 × 2,00 + 5 × 3,00 = 35,00 €, and 5 units worth 15,00 € stay.

>>> layers = receive([], "fifo", 1, 10_000, 2000)
>>> layers = receive(layers, "fifo", 2, 10_000, 3000)
>>> value, layers = issue(layers, "fifo", 15_000)
>>> value, layers
(3500, [Layer(ref=2, qty_milli=5000, value_cents=1500)])

Negative stock (when the company allows it): an issue beyond the layers is
valued at the last known unit cost and leaves a negative layer; the next
incoming move merges with the negative layers (the units sold in advance are
thereby paid at the new price, the difference stays in the receipt's layer).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Iterable, Sequence

from equisis.core.i18n import N_

# kind -> (direction, needs a reason). direction: in (outside -> location), out (location -> outside),
# move (location -> location), either (a correction or an adjustment: in or out), value (no quantity)
MOVE_KINDS = {
    "receipt": "in",
    "delivery": "out",
    "customer_return": "in",
    "supplier_return": "out",
    "transfer": "move",
    "correction": "either",
    "inventory": "either",
    "kit_explosion": "either",
    "revaluation": "value",
}
KIND_LABELS = {
    "receipt": N_("Receipt"), "delivery": N_("Delivery"), "customer_return": N_("Customer return"),
    "supplier_return": N_("Supplier return"), "transfer": N_("Transfer"), "correction": N_("Correction"),
    "inventory": N_("Inventory adjustment"), "kit_explosion": N_("Kit explosion"), "revaluation": N_("Revaluation"),
}
POLICY_LABELS = {"allow": N_("Allowed"), "warn": N_("Allowed with a warning"), "block": N_("Refused")}
TRACKING_LABELS = {"none": N_("No lot or serial number"), "lot": N_("By lot"), "serial": N_("By serial number")}
INVENTORY_STATE_LABELS = {"counting": N_("Counting"), "validated": N_("Validated"), "cancelled": N_("Cancelled")}
INVENTORY_SCOPE_LABELS = {"full": N_("Full count"), "partial": N_("Partial count")}
VALUATION_METHODS = ("fifo", "lifo", "average")
NEGATIVE_POLICIES = ("allow", "warn", "block")
TRACKING = ("none", "lot", "serial")
QUANTITY_DECIMALS = 3
ONE = 1000                      # one unit, in thousandths
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_./]{0,39}\Z")


def check_code(text: str) -> str:
    """A warehouse, location, lot or serial code: trimmed, upper-cased, 1..40 safe characters.

    >>> check_code(" dep/b-01 ")
    'DEP/B-01'
    """
    code = (text or "").strip().upper()
    if not _CODE.match(code):
        raise ValueError(text)
    return code


def direction_of(kind: str, from_location, to_location) -> str:
    """'in', 'out', 'move' or 'value' for one move, from its kind and which ends it has."""
    direction = MOVE_KINDS[kind]
    if direction == "either":
        return "in" if to_location is not None else "out"
    return direction


def parse_quantity(text: str | int | Decimal) -> int:
    """A typed quantity greater than zero -> thousandths; '1,5' -> 1500, '12' -> 12000. ValueError otherwise.

    >>> parse_quantity("1,5"), parse_quantity(3)
    (1500, 3000)
    """
    if isinstance(text, float):
        raise TypeError("quantities are never floats")
    try:
        value = Decimal(str(text).strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    milli = value.scaleb(QUANTITY_DECIMALS)
    if not value.is_finite() or value <= 0 or milli != milli.to_integral_value():
        raise ValueError(text)
    return int(milli)


def format_quantity(qty_milli: int | None) -> str:
    """1500 -> '1.5', 12000 -> '12', -250 -> '-0.25' (a dot; screens localise it)."""
    if qty_milli is None:
        return ""
    text = f"{Decimal(qty_milli).scaleb(-QUANTITY_DECIMALS):.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_stock_milli(quantity_milli: int, factor: Fraction) -> int | None:
    """A quantity in a unit worth ``factor`` stock units, in stock thousandths; None when not exact.

    A box of 12 received (1000 thousandths of a box) adds 12 pieces:

    >>> to_stock_milli(1000, Fraction(12))
    12000
    >>> to_stock_milli(1, Fraction(1, 3)) is None     # a thousandth of a third cannot be stored exactly
    True
    """
    exact = Fraction(quantity_milli) * factor
    return int(exact) if exact.denominator == 1 else None


# ----------------------------------------------------------------------------- money helpers

def _round_half_away(value: Fraction) -> int:
    sign = -1 if value < 0 else 1
    whole, rest = divmod(abs(value), 1)
    return sign * int(whole + (1 if rest >= Fraction(1, 2) else 0))


def share(value_cents: int, part_milli: int, whole_milli: int) -> int:
    """The part of a value that ``part`` of ``whole`` carries, rounded to the cent.

    >>> share(1000, 1000, 3000)
    333
    """
    if whole_milli == 0:
        return 0
    if part_milli == whole_milli:
        return value_cents
    return _round_half_away(Fraction(value_cents * part_milli, whole_milli))


def value_at_cost(qty_milli: int, unit_cost_e4: int) -> int:
    """Cents for a quantity (thousandths) at a unit cost (e4 per unit): 1500 × 2,5000 € -> 375.

    >>> value_at_cost(1500, 25000)
    375
    """
    return _round_half_away(Fraction(qty_milli * unit_cost_e4, 100_000))


def unit_cost_e4(value_cents: int, qty_milli: int) -> int:
    """The unit cost (e4) of a value for a quantity: 375 cents for 1,5 -> 2,5000 €.

    >>> unit_cost_e4(375, 1500)
    25000
    """
    if qty_milli == 0:
        return 0
    return _round_half_away(Fraction(value_cents * 100_000, qty_milli))


# ----------------------------------------------------------------------------- valuation layers

@dataclass(frozen=True)
class Layer:
    """Units still in stock that came in together: ``ref`` orders layers (the move that made it)."""

    ref: int
    qty_milli: int
    value_cents: int


def total(layers: Iterable[Layer]) -> tuple[int, int]:
    """(quantity, value) of the layers."""
    qty = value = 0
    for layer in layers:
        qty += layer.qty_milli
        value += layer.value_cents
    return qty, value


def current_unit_cost(layers: Sequence[Layer], last_cost_e4: int) -> int:
    """The unit cost an incoming move without a price takes (an inventory gain, a return without cost)."""
    qty, value = total(layers)
    return unit_cost_e4(value, qty) if qty > 0 and value >= 0 else last_cost_e4


def receive(layers: Sequence[Layer], method: str, ref: int, qty_milli: int, value_cents: int) -> list[Layer]:
    """Layers after ``qty`` worth ``value`` came in (ref: the move's id, increasing).

    The average method keeps one pool; FIFO and LIFO add a layer. Negative or
    empty-with-value layers are merged into the new one first.
    """
    if method == "average":
        qty, value = total(layers)
        return [Layer(ref, qty + qty_milli, value + value_cents)]
    kept, owed_qty, owed_value = [], 0, 0
    for layer in layers:
        if layer.qty_milli <= 0:
            owed_qty += layer.qty_milli
            owed_value += layer.value_cents
        else:
            kept.append(layer)
    kept.append(Layer(ref, qty_milli + owed_qty, value_cents + owed_value))
    return [x for x in kept if x.qty_milli or x.value_cents]


def issue(layers: Sequence[Layer], method: str, qty_milli: int, *, last_cost_e4: int = 0
          ) -> tuple[int, list[Layer]]:
    """(value taken, layers left) when ``qty`` goes out.

    >>> issue([Layer(1, 3000, 1000)], "average", 1000)
    (333, [Layer(ref=1, qty_milli=2000, value_cents=667)])
    >>> issue([Layer(1, 1000, 200), Layer(2, 1000, 300)], "lifo", 1500)
    (400, [Layer(ref=1, qty_milli=500, value_cents=100)])
    >>> issue([], "fifo", 2000, last_cost_e4=15000)       # negative stock: valued at the last cost
    (300, [Layer(ref=0, qty_milli=-2000, value_cents=-300)])
    """
    order = list(layers) if method != "lifo" else list(reversed(layers))
    left, taken, remaining = qty_milli, 0, []
    for layer in order:
        if left == 0 or layer.qty_milli <= 0:
            remaining.append(layer)
            continue
        part = min(left, layer.qty_milli)
        value = share(layer.value_cents, part, layer.qty_milli)
        taken += value
        left -= part
        last_cost_e4 = unit_cost_e4(layer.value_cents, layer.qty_milli) or last_cost_e4
        if part < layer.qty_milli:
            remaining.append(Layer(layer.ref, layer.qty_milli - part, layer.value_cents - value))
    if method == "lifo":
        remaining.reverse()
    if left:
        excess = value_at_cost(left, last_cost_e4)
        taken += excess
        negatives = [x for x in remaining if x.qty_milli <= 0]
        positives = [x for x in remaining if x.qty_milli > 0]
        qty, value = total(negatives)
        ref = negatives[-1].ref if negatives else 0
        remaining = positives + [Layer(ref, qty - left, value - excess)]
    return taken, remaining


def revalue(layers: Sequence[Layer], delta_cents: int) -> list[Layer]:
    """Spread a devaluation (< 0) or revaluation (> 0) over the units in stock, by quantity.

    >>> revalue([Layer(1, 1000, 500), Layer(2, 3000, 1500)], -400)
    [Layer(ref=1, qty_milli=1000, value_cents=400), Layer(ref=2, qty_milli=3000, value_cents=1200)]
    """
    positives = [x for x in layers if x.qty_milli > 0]
    qty, _value = total(positives)
    if qty <= 0:
        raise ValueError("nothing in stock to revalue")
    out, given = [], 0
    last = positives[-1]
    for layer in layers:
        if layer.qty_milli <= 0:
            out.append(layer)
            continue
        part = delta_cents - given if layer is last else share(delta_cents, layer.qty_milli, qty)
        given += part
        out.append(Layer(layer.ref, layer.qty_milli, layer.value_cents + part))
    return out


# ----------------------------------------------------------------------------- lots

@dataclass(frozen=True)
class LotStock:
    lot_id: int
    code: str
    expiry: dt.date | None
    qty_milli: int


def first_expired_first_out(available: Iterable[LotStock], wanted_milli: int) -> list[tuple[LotStock, int]]:
    """Which lots to take ``wanted`` from: the earliest expiry first (lots without expiry last, then by code).

    Returns [(lot, quantity)]; the total may fall short of ``wanted`` when the lots do not hold enough.

    >>> lots = [LotStock(1, "B", dt.date(2026, 9, 1), 5000), LotStock(2, "A", dt.date(2026, 6, 1), 2000)]
    >>> [(lot.code, q) for lot, q in first_expired_first_out(lots, 4000)]
    [('A', 2000), ('B', 2000)]
    """
    ordered = sorted((x for x in available if x.qty_milli > 0),
                     key=lambda x: (x.expiry is None, x.expiry or dt.date.max, x.code))
    plan, left = [], wanted_milli
    for lot in ordered:
        if left <= 0:
            break
        part = min(left, lot.qty_milli)
        plan.append((lot, part))
        left -= part
    return plan


# ----------------------------------------------------------------------------- policy and periods

def is_refused_as_negative(policy: str, available_milli: int, wanted_milli: int) -> bool:
    """Only the "block" policy refuses a move that takes more than a location holds."""
    return policy == "block" and wanted_milli > available_milli


def is_backdated_refused(day: dt.date, closed_until: dt.date | None) -> bool:
    """A move dated on or before the stock's closing date (the last validated full inventory or year-end
    closing) is refused: the counted or declared stock of that day must not change afterwards."""
    return closed_until is not None and day <= closed_until


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def running_quantities(deltas: Iterable[int], start_milli: int = 0) -> list[int]:
    """The quantity after each move of a history.

    >>> running_quantities([5000, -2000, 1000])
    [5000, 3000, 4000]
    """
    out, qty = [], start_milli
    for delta in deltas:
        qty += delta
        out.append(qty)
    return out


def allocate_by_quantity(value_cents: int, quantities: dict) -> dict:
    """Spread an item's value over its warehouses by quantity (the last takes the rounding).

    >>> allocate_by_quantity(1000, {"A": 1000, "B": 2000})
    {'A': 333, 'B': 667}
    """
    positive = {k: q for k, q in quantities.items() if q > 0}
    whole = sum(positive.values())
    out, given = {}, 0
    keys = list(positive)
    for index, key in enumerate(keys):
        part = value_cents - given if index == len(keys) - 1 else share(value_cents, positive[key], whole)
        out[key] = part
        given += part
    return out


# ----------------------------------------------------------------------------- year-end variation

@dataclass(frozen=True)
class VariationLine:
    account: str
    debit_cents: int
    credit_cents: int


def variation_lines(opening_cents: int, closing_cents: int, *, stock_account: str = "340",
                    variation_account: str = "6094") -> list[VariationLine]:
    """The year-end stock variation entry (PCMN/MAR): the stock account 3x moves from the opening to the
    closing value against 609x (goods bought for resale) or 71x (goods the company makes).

    An increase debits the stock and credits the variation; a decrease the reverse.

    >>> variation_lines(10000, 12500)
    [VariationLine(account='340', debit_cents=2500, credit_cents=0), VariationLine(account='6094', debit_cents=0, credit_cents=2500)]
    >>> variation_lines(12500, 10000)[0]
    VariationLine(account='340', debit_cents=0, credit_cents=2500)
    >>> variation_lines(5, 5)
    []
    """
    delta = closing_cents - opening_cents
    if delta == 0:
        return []
    if delta > 0:
        return [VariationLine(stock_account, delta, 0), VariationLine(variation_account, 0, delta)]
    return [VariationLine(stock_account, 0, -delta), VariationLine(variation_account, -delta, 0)]
