"""The rules of sales invoices and credit notes, pure: typed lines, amounts, margins, OGM, EPC QR, due dates.

A sales document is a **draft** until it is **posted**; posting gives it its
gapless number (``F2026/00001``, credit notes ``NC2026/00001``, per fiscal
year), its structured communication and its journal entry (VEN / VNC), in one
transaction. A posted document never changes: it is corrected by a credit note
that refers to it.

Amounts follow EN 16931 through the one tax engine (:mod:`equisis.vat.tax`):
a line's net is quantity × unit price rounded to the cent less its discount
rounded to the cent; VAT per rate on the sum of the nets, rounded once.

Worked example — 3 × 19,99 € less 10 % at 21 % and 1 × 0,50 € eco-fee at 21 %::

    line 1  gross 59,97  discount 6,00  net 53,97
    line 2  net 0,50
    VAT 21 % on 54,47 = 11,44          total 65,91

    >>> a = line_amounts(3_000, 199_900, 1000); b = line_amounts(1_000, 5_000, 0)
    >>> a.net_cents, b.net_cents
    (5397, 50)

Margin: the line's net less its cost (quantity × the item's purchase price per
sale unit, rounded to the cent); a line without an item has no known cost
(its margin is its net).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable, Sequence

from stdnum.be import ogm_vcs
from stdnum.eu import vat as eu_vat

from equisis.core.errors import EquisisError
from equisis.core.money import InvalidAmount, parse_amount
from equisis.sales.errors import (CreditExceedsInvoice, DescriptionRequired, InvalidDiscount, InvalidLineNature,
                                  InvalidLineNumber, InvalidLineVatRate, IntraEuWithoutVatNumber,
                                  NegativePriceOnCreditNote, NegativePriceOnInvoice, NegativeQuantity, NoLines,
                                  PriceRequired, PriceTooPrecise, QuantityTooPrecise, ZeroQuantity)
from equisis.vat import tax

INVOICE, CREDIT_NOTE = "invoice", "credit_note"
KINDS = (INVOICE, CREDIT_NOTE)
DRAFT, POSTED = "draft", "posted"
STATES = (DRAFT, POSTED)
#: Journal of the ledger and prefix of the document number, per kind (contracts: F2026/00001, NC2026/00001).
JOURNALS = {INVOICE: "VEN", CREDIT_NOTE: "VNC"}
NUMBER_PREFIX = {INVOICE: "F", CREDIT_NOTE: "NC"}
CUSTOMER_ACCOUNT = "400"
PRICE_DECIMALS, QUANTITY_DECIMALS, DISCOUNT_DECIMALS = 4, 3, 2
NATURES = tax.NATURES
RATES_BP = tax.RATES_BP

#: The income account of a line without its own (PCMN, ledger/data/pcmn_accounts.csv), per regime and nature.
DEFAULT_INCOME_ACCOUNTS = {
    ("be", "goods"): "7000", ("be", "services"): "7001",
    ("exempt", "goods"): "7000", ("exempt", "services"): "7001",
    ("cocontractor", "goods"): "7005", ("cocontractor", "services"): "7005",
    ("eu", "goods"): "7006", ("eu", "services"): "70061",
    ("non_eu", "goods"): "7007", ("non_eu", "services"): "7007",
}


def default_income_account(regime: str, nature: str) -> str:
    """
    >>> default_income_account("be", "services"), default_income_account("eu", "services")
    ('7001', '70061')
    """
    return DEFAULT_INCOME_ACCOUNTS[(regime, nature)]


# --------------------------------------------------------------------------- typed input

@dataclass(frozen=True)
class LineInput:
    """One line as typed (a form, the API, a script): text or numbers, checked by :func:`parse_line`.

    ``item`` is an item code, barcode or name (resolved by the service); ``unit_price`` None means
    "the price list's price"; ``discount`` is a percentage; ``vat_rate`` a percentage or None (the
    item's); ``nature`` and ``income_account`` None take the item's or the default.
    """

    item: str = ""
    description: str = ""
    quantity: str | int | Decimal = "1"
    unit_price: str | int | Decimal | None = None
    discount: str | int | Decimal | None = None
    vat_rate: str | int | Decimal | None = None
    nature: str | None = None
    income_account: str | None = None

    def is_blank(self) -> bool:
        return not (str(self.item or "").strip() or str(self.description or "").strip()
                    or (self.unit_price not in (None, "") and str(self.unit_price).strip()))


def _decimal(value, line: int, column: str) -> Decimal:
    try:
        return parse_amount(value if not isinstance(value, str) else value.strip(), field=f"lines-{line}-{column}")
    except (InvalidAmount, InvalidOperation):
        raise InvalidLineNumber(line=line, value=str(value), field=f"lines-{line}-{column}") from None


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def parse_unit_price(value, line: int) -> int:
    """A unit price as ``*_e4``; more than 4 decimals is refused, never rounded.

    >>> parse_unit_price("12,5", 1), parse_unit_price("0.0001", 1)
    (125000, 1)
    >>> parse_unit_price("1,23456", 2)
    Traceback (most recent call last):
    equisis.sales.errors.PriceTooPrecise: Line 2: the price “1,23456” has more than 4 decimals.
    """
    number = _decimal(value, line, "unit_price")
    if _places(number) > PRICE_DECIMALS:
        raise PriceTooPrecise(line=line, value=str(value), field=f"lines-{line}-unit_price")
    return int(number.scaleb(PRICE_DECIMALS))


def parse_quantity(value, line: int) -> int:
    """A quantity as ``*_milli`` (3 decimals at most): '2,5' -> 2500."""
    number = _decimal(value, line, "quantity")
    if _places(number) > QUANTITY_DECIMALS:
        raise QuantityTooPrecise(line=line, value=str(value), field=f"lines-{line}-quantity")
    return int(number.scaleb(QUANTITY_DECIMALS))


def parse_discount(value, line: int) -> int:
    """A discount percentage as basis points: '10' -> 1000, '' -> 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    try:
        number = parse_amount(value.strip().rstrip("%") if isinstance(value, str) else value)
    except InvalidAmount:
        number = None
    if number is None or _places(number) > DISCOUNT_DECIMALS or not 0 <= number <= 100:
        raise InvalidDiscount(line=line, value=str(value), field=f"lines-{line}-discount")
    return int(number.scaleb(2))


def parse_vat_rate(value, line: int) -> int:
    """A VAT rate typed as a percentage ('21', '6 %') or given in basis points (2100) → basis points.

    >>> parse_vat_rate("21", 1), parse_vat_rate(600, 1), parse_vat_rate("0", 1)
    (2100, 600, 0)
    """
    if isinstance(value, int) and not isinstance(value, bool):
        rate = value if value > 100 else value * 100
    else:
        try:
            number = parse_amount(value.strip().rstrip("%").strip() if isinstance(value, str) else value)
        except InvalidAmount:
            number = Decimal(-1)
        rate = int(number * 100) if number == number.to_integral_value() or _places(number) <= 2 else -1
    if rate not in RATES_BP:
        raise InvalidLineVatRate(line=line, value=str(value), field=f"lines-{line}-vat_rate")
    return rate


@dataclass(frozen=True)
class Line:
    """A checked line: integers only (what the database stores)."""

    description: str
    qty_milli: int
    unit_price_e4: int
    discount_bp: int
    vat_rate_bp: int
    nature: str
    income_account: str
    item_id: int | None = None
    item_code: str | None = None
    family_code: str | None = None
    cost_e4: int | None = None  # purchase price per sale unit, when the item has one
    is_fee: bool = False
    price_source: str = ""
    typed_no: int = 0  # the typed line it comes from (a fee line: its item's line), for the entry screen

    @property
    def amounts(self) -> "LineAmounts":
        return line_amounts(self.qty_milli, self.unit_price_e4, self.discount_bp, self.cost_e4)


@dataclass(frozen=True)
class LineAmounts:
    gross_cents: int
    discount_cents: int
    net_cents: int
    cost_cents: int | None

    @property
    def margin_cents(self) -> int:
        return self.net_cents - (self.cost_cents or 0)


def line_amounts(qty_milli: int, unit_price_e4: int, discount_bp: int = 0, cost_e4: int | None = None
                 ) -> LineAmounts:
    gross, allowance, net = tax.line_amounts(qty_milli, unit_price_e4, discount_bp)
    cost = tax.round_div(qty_milli * cost_e4, 100_000) if cost_e4 is not None else None
    return LineAmounts(gross, allowance, net, cost)


def check_line(line: Line, number: int, kind: str) -> list[EquisisError]:
    """Why one line cannot stand on a document of ``kind`` (1-based ``number`` in every message)."""
    problems: list[EquisisError] = []
    if line.qty_milli == 0:
        problems.append(ZeroQuantity(line=number, field=f"lines-{number}-quantity"))
    elif line.qty_milli < 0:
        problems.append(NegativeQuantity(line=number, field=f"lines-{number}-quantity"))
    if line.unit_price_e4 < 0:
        error = NegativePriceOnInvoice if kind == INVOICE else NegativePriceOnCreditNote
        problems.append(error(line=number, field=f"lines-{number}-unit_price"))
    if line.vat_rate_bp not in RATES_BP:
        problems.append(InvalidLineVatRate(line=number, value=line.vat_rate_bp, field=f"lines-{number}-vat_rate"))
    if line.nature not in NATURES:
        problems.append(InvalidLineNature(line=number, field=f"lines-{number}-nature"))
    if not line.description.strip():
        problems.append(DescriptionRequired(line=number, field=f"lines-{number}-description"))
    return problems


def check_free_line(typed: LineInput, number: int) -> list[EquisisError]:
    """A line without an item must say what it is and what it costs."""
    problems: list[EquisisError] = []
    if not str(typed.description or "").strip():
        problems.append(DescriptionRequired(line=number, field=f"lines-{number}-description"))
    if typed.unit_price in (None, "") or not str(typed.unit_price).strip():
        problems.append(PriceRequired(line=number, field=f"lines-{number}-unit_price"))
    return problems


def check_document(kind: str, lines: Sequence[Line]) -> list[EquisisError]:
    if not lines:
        return [NoLines(field="lines")]
    problems: list[EquisisError] = []
    for number, line in enumerate(lines, start=1):
        problems += check_line(line, number, kind)
    return problems


# --------------------------------------------------------------------------- VAT

def has_valid_foreign_eu_vat_number(vat_number: str | None) -> bool:
    """An intra-Community supply needs the customer's EU VAT number of another member state.

    >>> has_valid_foreign_eu_vat_number("FR40303265045"), has_valid_foreign_eu_vat_number("BE0403170701")
    (True, False)
    >>> has_valid_foreign_eu_vat_number("NL000099998B58"), has_valid_foreign_eu_vat_number(None)
    (False, False)
    """
    if not vat_number or vat_number.upper().startswith("BE"):
        return False
    return eu_vat.is_valid(vat_number)


def check_customer_regime(name: str, regime: str, vat_number: str | None) -> list[EquisisError]:
    if regime == "eu" and not has_valid_foreign_eu_vat_number(vat_number):
        return [IntraEuWithoutVatNumber(customer=name, vat_number=vat_number or "—", field="customer")]
    return []


def tax_of(kind: str, regime: str, lines: Sequence[Line]) -> tax.TaxResult:
    """The document's VAT through the one engine: the customer's regime decides the treatment."""
    treatment = tax.Treatment(tax.SALE, regime, credit_note=kind == CREDIT_NOTE)
    return tax.compute([tax.TaxableLine(x.amounts.net_cents, x.vat_rate_bp, nature=x.nature) for x in lines],
                       treatment)


@dataclass(frozen=True)
class Totals:
    net_cents: int
    vat_cents: int
    total_cents: int
    cost_cents: int
    margin_cents: int


def totals(kind: str, regime: str, lines: Sequence[Line]) -> Totals:
    """
    >>> t = totals(INVOICE, "be", [Line("Chair", 2_000, 500_000, 0, 2100, "goods", "7000", cost_e4=300_000)])
    >>> t.net_cents, t.vat_cents, t.total_cents, t.margin_cents
    (10000, 2100, 12100, 4000)
    """
    result = tax_of(kind, regime, lines)
    cost = sum(x.amounts.cost_cents or 0 for x in lines)
    return Totals(result.net_cents, result.vat_cents, result.total_cents, cost, result.net_cents - cost)


# --------------------------------------------------------------------------- numbers, OGM, dates

def format_number(kind: str, fiscal_year: str, sequence: int) -> str:
    """
    >>> format_number(INVOICE, "2026", 1), format_number(CREDIT_NOTE, "2026", 42)
    ('F2026/00001', 'NC2026/00042')
    """
    return f"{NUMBER_PREFIX[kind]}{fiscal_year}/{sequence:05d}"


def ogm_for(fiscal_year: str, sequence: int, kind: str = INVOICE) -> str:
    """The 12 digits of the structured communication of a document: unique per number.

    Ten digits (the last two digits of the fiscal year's first year, 1 for an invoice or 2 for a
    credit note, the sequence on 7 digits) then the mod-97 check digits (97 when 0), FACTS.md.

    >>> ogm_for("2026", 1)
    '261000000149'
    >>> format_ogm(ogm_for("2026", 1))
    '+++261/0000/00149+++'
    """
    year = re.sub(r"\D", "", fiscal_year)[:4] or "0"
    base = f"{int(year) % 100:02d}{1 if kind == INVOICE else 2}{sequence % 10_000_000:07d}"
    return base + ogm_vcs.calc_check_digits(base)


def format_ogm(digits: str) -> str:
    return f"+++{ogm_vcs.format(digits)}+++"


def due_date(day: dt.date, payment_terms_days: int) -> dt.date:
    """
    >>> due_date(dt.date(2026, 3, 10), 30)
    datetime.date(2026, 4, 9)
    """
    return day + dt.timedelta(days=max(0, payment_terms_days))


# --------------------------------------------------------------------------- EPC QR

EPC_MAX_NAME = 70
EPC_MAX_CENTS = 99_999_999_999


def epc_qr_payload(*, name: str, iban: str, bic: str | None, amount_cents: int, ogm: str | None = None,
                   text: str = "") -> str:
    """The "SCT QR" of EPC069-12 (version 002, UTF-8) that Belgian banking apps read.

    Lines: BCD / 002 / 1 / SCT / BIC / name / IBAN / EUR amount / purpose (empty) / structured
    reference (the OGM's 12 digits) / unstructured text (left empty when there is a reference).

    >>> print(epc_qr_payload(name="Déco Sophie SRL", iban="BE68 5390 0754 7034", bic="GKCCBEBB",
    ...                      amount_cents=12100, ogm="261000000149"))
    BCD
    002
    1
    SCT
    GKCCBEBB
    Déco Sophie SRL
    BE68539007547034
    EUR121.00
    <BLANKLINE>
    261000000149
    """
    if not 0 < amount_cents <= EPC_MAX_CENTS:
        raise ValueError("an EPC QR code carries an amount between 0,01 and 999 999 999,99 €")
    iban = re.sub(r"\s", "", iban or "").upper()
    if not iban:
        raise ValueError("an EPC QR code needs the beneficiary's IBAN")
    reference = re.sub(r"\D", "", ogm or "")
    lines = ["BCD", "002", "1", "SCT", (bic or "").strip().upper(), " ".join(name.split())[:EPC_MAX_NAME], iban,
             f"EUR{amount_cents // 100}.{amount_cents % 100:02d}", "", reference,
             "" if reference else text[:140]]
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines)


# --------------------------------------------------------------------------- credit notes

def remaining_to_credit(invoice_total_cents: int, credited_totals: Iterable[int]) -> int:
    """What an invoice still carries after the credit notes already posted on it."""
    return invoice_total_cents - sum(credited_totals)


def credit_warnings(credit_total_cents: int, remaining_cents: int, invoice_number: str) -> list[EquisisError]:
    """A credit note larger than what remains of its invoice is a warning, not a refusal.

    >>> [type(w).__name__ for w in credit_warnings(15000, 12100, "F2026/00001")]
    ['CreditExceedsInvoice']
    """
    from equisis.ledger.errors import Amount

    if credit_total_cents > remaining_cents:
        return [CreditExceedsInvoice(credit=Amount(credit_total_cents), remaining=Amount(max(remaining_cents, 0)),
                                     number=invoice_number, field="lines")]
    return []
