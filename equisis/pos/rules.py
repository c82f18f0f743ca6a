"""The rules of the till, pure: VAT-inclusive prices, the €0.05 cash rounding, payments, counts, codes, rights.

**Prices at the till include VAT.** A ticket line's amount is ``quantity × unit price`` (VAT
included, rounded to the cent) less its discount (rounded to the cent): that is what the shelf
shows and what the customer pays. The one tax engine (:mod:`equisis.vat.tax`, EN 16931) works the
other way round: VAT per rate = ``round(base × rate)`` on the sum of the line nets. To reconcile
both to the cent, :func:`net_of_inclusive` derives, per rate, the **smallest net N whose
EN 16931 total N + round(N × rate) is not below the inclusive sum G** of that rate's lines:

* most sums are reachable: N + VAT = G exactly (G = 12,10 € at 21 % → N 10,00 + VAT 2,10);
* some are not, because ``N + round(N × 21 %)`` jumps by 2 cents now and then (no N gives
  0,09 € at 21 %: N = 0,07 gives 0,08 and N = 0,08 gives 0,10; nor 10,00 €: 8,26 + 1,73 = 9,99 and
  8,27 + 1,74 = 10,01; about one sum in six at 21 %). Then N + VAT = G + 1 cent and the
  ticket carries a *price rounding* of −1 cent (EN 16931 BT-114 "rounding amount"), so the
  customer still pays the shelf price and the State is never short of VAT. At most one cent per
  VAT rate; posted on the rounding account with the cash rounding.

The group's net is then spread over its lines in proportion to their inclusive amounts
(:func:`equisis.vat.tax.allocate`), and the tax engine computes the VAT from those nets: the
ticket's ``net + VAT + price rounding`` equals the sum of its lines, and the session's entry is
the sum of its tickets.

**Cash rounding** (FACTS.md, since 1 December 2019): a cash payment by a consumer present in
person rounds the *amount settled in cash* to the nearest €0.05 (…1, 2 → 0; 3, 4 → 5; 6, 7 → 5;
8, 9 → 10); never per item, never for card, voucher or on-account payments. On a mixed payment
the non-cash payments are taken first and the remainder paid in cash is rounded. The rounding is
its own line of the ticket (never a change of the VAT base).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Sequence

from equisis.core.i18n import N_
from equisis.vat import tax

METHODS = ("cash", "card", "voucher", "credit")
METHOD_LABELS = {"cash": N_("In cash"), "card": N_("Card"), "voucher": N_("Voucher"), "credit": N_("On account")}
VOUCHER_KINDS = ("gift", "discount", "credit")
#: Euro notes and coins a count may hold, in cents.
DENOMINATIONS = (50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1)
STOCK_MODES = ("validation", "close")

GKS_NOTICE = N_("This till is not a registered cash system (GKS/SCE, with a black box): it must not be used "
                "for restaurant and catering services when their turnover exceeds €25,000 excl. VAT a year.")
GKS_NOTICE_SHORT = N_("Not a registered cash system (GKS/SCE).")

#: Rights of each role at the till; a supervisor (a user whose role has the right, with a PIN) may
#: authorise one action the cashier's role does not allow.
DEFAULT_RIGHTS = {
    "cashier": {"discount_bp": 1000, "refund": False, "drawer": False, "price": False},
    "sales": {"discount_bp": 5000, "refund": True, "drawer": True, "price": True},
    "warehouse": {"discount_bp": 0, "refund": False, "drawer": False, "price": False},
    "accountant": {"discount_bp": 0, "refund": False, "drawer": False, "price": False},
    "admin": {"discount_bp": 10000, "refund": True, "drawer": True, "price": True},
}


# --------------------------------------------------------------------------- rounding

def cash_rounded(cents: int) -> int:
    """The amount rounded to the nearest 5 cents, the Belgian way (half away from zero).

    >>> [cash_rounded(x) for x in (1001, 1002, 1003, 1004, 1006, 1007, 1008, 1009, -1003)]
    [1000, 1000, 1005, 1005, 1005, 1005, 1010, 1010, -1005]
    """
    return tax.round_div(cents, 5) * 5


def net_of_inclusive(gross_cents: int, rate_bp: int) -> int:
    """The smallest net N with N + round(N × rate) ≥ G (see the module docstring).

    >>> net_of_inclusive(1210, 2100), net_of_inclusive(1000, 2100), net_of_inclusive(9, 2100)
    (1000, 827, 8)
    >>> net_of_inclusive(-9, 2100)
    -8
    >>> net_of_inclusive(1250, 600), net_of_inclusive(0, 2100)
    (1179, 0)
    """
    if gross_cents < 0:
        return -net_of_inclusive(-gross_cents, rate_bp)
    guess = gross_cents * tax.FULL // (tax.FULL + rate_bp)
    n = max(0, guess - 2)
    while n + tax.vat_of(n, rate_bp) < gross_cents:
        n += 1
    return n


# --------------------------------------------------------------------------- prices

def inclusive_unit_price_e4(price_e4: int, discount_bp: int, rate_bp: int) -> int:
    """A catalog or price-list price (excl. VAT per unit, e4, with its % discount) as the till's unit price:
    VAT included, rounded to the cent as the shelf price is (``catalog.rules.price_incl_vat_cents``).

    >>> inclusive_unit_price_e4(82645, 0, 2100), inclusive_unit_price_e4(100000, 1000, 2100)
    (100000, 108900)
    """
    net_e4 = tax.round_div(price_e4 * (tax.FULL - discount_bp), tax.FULL)
    return tax.round_div(net_e4 * (tax.FULL + rate_bp), tax.FULL * 100) * 100


def best_till_price(regular_e4: int, customer: tuple[int, str] | None = None,
                    period: tuple[int, str] | None = None) -> tuple[int, str]:
    """The line's unit price and where it comes from ("" = the shelf price).

    Precedence: the customer's price list (a customer price, a category or general list, as
    ``catalog.price_for`` chose it) replaces the shelf price; a sales period still applies when it is
    lower than that (the customer never pays more than a walk-in customer during the soldes); on a
    tie the price list is named.

    >>> best_till_price(1000_00, (900_00, "Pro"), (800_00, "Soldes"))
    (80000, 'Soldes')
    >>> best_till_price(1000_00, (900_00, "Pro"), (950_00, "Soldes")), best_till_price(1000_00)
    ((90000, 'Pro'), (100000, ''))
    """
    price, label = regular_e4, ""
    if customer is not None:
        price, label = customer
    if period is not None and period[0] < price:
        price, label = period
    return price, label


# --------------------------------------------------------------------------- lines and totals

@dataclass(frozen=True)
class TillLine:
    """A line as rung up: quantity, VAT-inclusive unit price (e4) and discount; negative qty = returned."""

    quantity_milli: int
    unit_price_e4: int
    rate_bp: int
    discount_bp: int = 0
    nature: str = "goods"
    taxable: bool = True  # False: a gift voucher sold (a multi-purpose voucher: VAT when it is used)


def line_amount(line: TillLine) -> tuple[int, int]:
    """(discount, amount) in cents, VAT included: qty × price rounded, then the discount rounded.

    >>> line_amount(TillLine(3000, 19900, 2100, 1000))
    (60, 537)
    """
    gross, allowance, amount = tax.line_amounts(line.quantity_milli, line.unit_price_e4, line.discount_bp)
    return allowance, amount


@dataclass(frozen=True)
class TicketTotals:
    amounts: tuple[int, ...]          # per line, VAT included, after line discounts and allowances
    allowances: tuple[int, ...]       # per line: its share of the ticket discount (discount vouchers)
    nets: tuple[int, ...]             # per line, excluding VAT (0 for a voucher sold)
    taxable: tuple[bool, ...]
    tax: tax.TaxResult
    total_cents: int                  # what the lines add up to (VAT included)
    price_rounding_cents: int         # 0 or -1 cent per VAT rate (see module docstring), signed like the total

    @property
    def untaxed_cents(self) -> int:
        """Lines outside VAT: gift vouchers sold."""
        return sum(a for a, t in zip(self.amounts, self.taxable) if not t)


def ticket_totals(lines: Sequence[TillLine], *, regime: str = "be", refund: bool = False,
                  ticket_discount_cents: int = 0) -> TicketTotals:
    """The totals of a ticket: amounts incl. VAT, the nets the tax engine taxes, VAT per rate.

    ``ticket_discount_cents`` (a discount voucher) is spread over the taxable lines in proportion to
    their amounts, so each rate's base drops by its share. A refund ticket has negative quantities;
    it is taxed as a credit note on positive amounts (grids 49/64) and its figures are negative.

    >>> t = ticket_totals([TillLine(1000, 121000, 2100), TillLine(2000, 12500, 600)])
    >>> t.amounts, t.nets, (t.tax.net_cents, t.tax.vat_cents, t.total_cents, t.price_rounding_cents)
    ((1210, 250), (1000, 236), (1236, 224, 1460, 0))
    >>> t = ticket_totals([TillLine(1000, 900, 2100)])          # 0,09 EUR: no net reaches it exactly
    >>> t.nets, t.tax.vat_cents, t.total_cents, t.price_rounding_cents
    ((8,), 2, 9, -1)
    """
    sign = -1 if refund else 1
    raw = [line_amount(x)[1] for x in lines]
    taxable = tuple(x.taxable for x in lines)
    allowances = [0] * len(lines)
    if ticket_discount_cents:
        idx = [i for i, t in enumerate(taxable) if t]
        for i, share in zip(idx, tax.allocate(ticket_discount_cents * sign, [raw[i] * sign for i in idx])):
            allowances[i] = share * sign
    amounts = [a - d for a, d in zip(raw, allowances)]
    nets = [0] * len(lines)
    groups: dict[int, list[int]] = {}
    for i, x in enumerate(lines):
        if taxable[i]:
            groups.setdefault(x.rate_bp, []).append(i)
    for rate, idx in groups.items():
        gross = sum(amounts[i] for i in idx) * sign
        for i, share in zip(idx, tax.allocate(net_of_inclusive(gross, rate), [amounts[i] * sign for i in idx])):
            nets[i] = share
    taxable_idx = [i for i in range(len(lines)) if taxable[i]]
    result = tax.compute([tax.TaxableLine(nets[i], lines[i].rate_bp, lines[i].nature) for i in taxable_idx],
                         tax.Treatment(tax.SALE, regime, credit_note=refund))
    taxed_gross = sum(amounts[i] for i in taxable_idx) * sign
    price_rounding = taxed_gross - result.total_cents
    return TicketTotals(tuple(amounts), tuple(allowances), tuple(n * sign for n in nets), taxable, result,
                        sum(amounts), price_rounding * sign)


# --------------------------------------------------------------------------- payments

@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount_cents: int                 # for cash: what the customer hands over (tendered)
    voucher_code: str | None = None


@dataclass(frozen=True)
class Settlement:
    """How a ticket is paid: what each payment covers, the cash rounding line and the change."""

    applied: tuple[tuple[str, int, str | None, int], ...]  # (method, amount applied, voucher, tendered)
    rounding_cents: int
    to_pay_cents: int                  # total + price rounding + cash rounding
    change_cents: int
    short_cents: int = 0               # > 0: the payments do not cover the total


def settle(total_cents: int, payments: Sequence[PaymentInput]) -> Settlement:
    """Apply the payments to a ticket total (positive for a sale, negative for a refund).

    Payment amounts are magnitudes (a refund's cash paid back is positive too). Non-cash payments
    count as given, never more than what is left; the rest is settled in cash, rounded to 5 cents,
    and the cash handed over beyond it is the change. Figures come back signed like the total.

    >>> s = settle(1003, [PaymentInput("cash", 2000)])
    >>> s.rounding_cents, s.to_pay_cents, s.change_cents, s.short_cents
    (2, 1005, 995, 0)
    >>> s = settle(1003, [PaymentInput("card", 1003)])
    >>> s.rounding_cents, s.change_cents, s.short_cents
    (0, 0, 0)
    >>> s = settle(2503, [PaymentInput("card", 1000), PaymentInput("cash", 1505)])
    >>> s.applied, s.rounding_cents, s.change_cents
    ((('card', 1000, None, 1000), ('cash', 1505, None, 1505)), 2, 0)
    >>> settle(2503, [PaymentInput("card", 1000), PaymentInput("cash", 1500)]).short_cents
    5
    >>> s = settle(-1003, [PaymentInput("cash", 1005)])
    >>> s.applied, s.rounding_cents, s.to_pay_cents, s.change_cents
    ((('cash', -1005, None, -1005),), -2, -1005, 0)
    """
    sign = -1 if total_cents < 0 else 1
    left = total_cents * sign
    applied, cash_tendered, cash_seen = [], 0, False
    for p in payments:
        if p.method not in METHODS:
            raise ValueError(p.method)
        amount = max(p.amount_cents, 0)
        if p.method == "cash":
            cash_tendered += amount
            cash_seen = True
            continue
        part = min(amount, left)
        left -= part
        applied.append((p.method, part * sign, p.voucher_code, amount * sign))
    if left and (cash_seen or not payments):
        due = cash_rounded(left)
        rounding = due - left
        short = max(due - cash_tendered, 0)
        change = max(cash_tendered - due, 0)
        applied.append(("cash", (due - short) * sign, None, cash_tendered * sign))
        return Settlement(tuple(applied), rounding * sign, (left + rounding) * sign + (total_cents - left * sign),
                          change * sign, short)
    if cash_seen:
        applied.append(("cash", 0, None, cash_tendered * sign))
    return Settlement(tuple(applied), 0, total_cents, cash_tendered * sign, left)


# --------------------------------------------------------------------------- counts

def count_total(counts: Mapping[str | int, int]) -> int:
    """The cash counted: {denomination in cents: how many}.

    >>> count_total({"5000": 2, "200": 3, 5: 1})
    10605
    """
    total = 0
    for denomination, pieces in counts.items():
        value = int(denomination)
        if value not in DENOMINATIONS or int(pieces) < 0:
            raise ValueError(denomination)
        total += value * int(pieces)
    return total


@dataclass(frozen=True)
class CashSummary:
    float_cents: int
    cash_sales_cents: int     # cash kept from sales net of change and of cash refunds (rounding included)
    moves_in_cents: int
    moves_out_cents: int

    @property
    def expected_cents(self) -> int:
        return self.float_cents + self.cash_sales_cents + self.moves_in_cents - self.moves_out_cents


# --------------------------------------------------------------------------- codes

def ticket_number(terminal_code: str, year: int, sequence: int) -> str:
    """'T1-2026-000042': gapless per terminal and year."""
    return f"{terminal_code}-{year}-{sequence:06d}"


def ticket_barcode(terminal_id: int, year: int, sequence: int) -> str:
    """The Code 128 value printed on the ticket: 'T' + terminal (3) + year (4) + sequence (6).

    >>> ticket_barcode(1, 2026, 42)
    'T0012026000042'
    """
    return f"T{terminal_id:03d}{year}{sequence:06d}"


def is_ticket_barcode(code: str) -> bool:
    return len(code) == 14 and code[0] == "T" and code[1:].isdigit()


def ean13_check_digit(first12: str) -> int:
    """The EAN-13 check digit of the first twelve digits.

    >>> ean13_check_digit('250012300000')
    3
    """
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


@dataclass(frozen=True)
class Embedded:
    """A weight or price read from a variable-measure EAN-13 (prefixes 20–29)."""

    item_code: str         # the EAN-13 registered on the item: the same digits with 00000 as value
    plu: str               # the five-digit item reference
    kind: str              # "price" (cents, VAT incl.) or "weight" (grams)
    value: int


def parse_embedded(code: str) -> Embedded | None:
    """Read a variable-measure EAN-13: ``2P IIIII VVVVV C``.

    * 20–24: VVVVV is the price of the article in cents, VAT included (``2012345012509`` → 12,50 €);
    * 25–29: VVVVV is the weight in grams of an item sold per kg (``2512345007500`` → 0,750 kg).

    The scale's article is the catalog item carrying the EAN-13 ``2P IIIII 00000 C`` (else an item
    whose code is the five digits IIIII). A wrong check digit is not a variable-measure code.

    >>> parse_embedded("2512345007500")
    Embedded(item_code='2512345000006', plu='12345', kind='weight', value=750)
    >>> parse_embedded("2012345012509").kind, parse_embedded("2012345012509").value
    ('price', 1250)
    >>> parse_embedded("2512345007509") is None, parse_embedded("5412345007500") is None
    (True, True)
    """
    if len(code) != 13 or not code.isdigit() or code[0] != "2":
        return None
    if ean13_check_digit(code[:12]) != int(code[12]):
        return None
    base = code[:7] + "00000"
    return Embedded(base + str(ean13_check_digit(base)), code[2:7], "price" if code[1] in "01234" else "weight",
                    int(code[7:12]))


# --------------------------------------------------------------------------- rights

@dataclass(frozen=True)
class Needs:
    """What a ticket asks of the cashier's rights."""

    discount_bp: int = 0
    refund: bool = False
    price_change: bool = False


def rights_of(role: str, configured: Mapping[str, Mapping] | None = None) -> dict:
    rights = dict(DEFAULT_RIGHTS.get(role, DEFAULT_RIGHTS["cashier"]))
    if configured and role in configured:
        rights.update(configured[role])
    return rights


def missing_rights(rights: Mapping, needs: Needs) -> list[str]:
    """What ``needs`` asks beyond ``rights``: 'discount', 'refund', 'price'.

    >>> missing_rights(DEFAULT_RIGHTS["cashier"], Needs(discount_bp=1500, refund=True))
    ['discount', 'refund']
    """
    missing = []
    if needs.discount_bp > rights.get("discount_bp", 0):
        missing.append("discount")
    if needs.refund and not rights.get("refund"):
        missing.append("refund")
    if needs.price_change and not rights.get("price"):
        missing.append("price")
    return missing


# --------------------------------------------------------------------------- vouchers

def voucher_state(*, valid_from: dt.date | None, valid_to: dt.date | None, balance_cents: int, kind: str,
                  uses: int, day: dt.date, active: bool = True) -> str:
    """'valid', 'expired', 'not_yet', 'used' or 'cancelled'.

    >>> voucher_state(valid_from=None, valid_to=dt.date(2026, 1, 31), balance_cents=500, kind="gift", uses=0,
    ...               day=dt.date(2026, 2, 1))
    'expired'
    """
    if not active:
        return "cancelled"
    if valid_to is not None and day > valid_to:
        return "expired"
    if valid_from is not None and day < valid_from:
        return "not_yet"
    if kind == "discount" and uses:
        return "used"
    if kind != "discount" and balance_cents <= 0:
        return "used"
    return "valid"


def discount_of_voucher(total_cents: int, *, value_cents: int, percent_bp: int) -> int:
    """The ticket discount a discount voucher gives: a percentage or an amount, never above the total.

    >>> discount_of_voucher(3000, value_cents=0, percent_bp=1000), discount_of_voucher(300, value_cents=500,
    ...                                                                               percent_bp=0)
    (300, 300)
    """
    if percent_bp:
        return tax.round_div(total_cents * percent_bp, tax.FULL)
    return min(value_cents, max(total_cents, 0))
