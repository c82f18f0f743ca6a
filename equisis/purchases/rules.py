"""The rules of purchase invoices and credit notes, as pure functions (no database, no clock).

A purchase document has a supplier, the supplier's own reference, an invoice date, a booking date
(when it was received and entered: the date of its ledger entry and VAT period) and a due date (the
invoice date plus the supplier's payment terms unless typed). Its lines are on catalog items or
directly on an expense account (class 6) or an investment account (class 2); each carries a
quantity (``qty_milli``), a unit price (``unit_price_e4``), a discount, a VAT rate, a purchase
category (the grid of part III: resale 81, misc goods and services 82, investment 83) and the
deductible share of its VAT (full, partial such as 50 % for cars, none).

The VAT itself comes only from :mod:`equisis.vat.tax`: the supplier's VAT regime chooses the
treatment (Belgian VAT, intra-EU reverse charge, co-contractor, non-EU services, imports).

    >>> default_category("604")
    'resale'
    >>> default_category("241000"), default_category("613310"), default_category("6120", nature="goods")
    ('investment', 'services', 'misc_goods')
    >>> document_number("invoice", "2026", 7), document_number("credit_note", "2026", 12)
    ('A2026/00007', 'AC2026/00012')
    >>> normalise_reference(" fa-2026 / 0042 ")
    'FA2026/0042'
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Sequence

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_
from equisis.core.money import parse_amount
from equisis.purchases.errors import (CreditExceedsInvoice, InvalidCategory, InvalidDeductible, InvalidDiscount,
                                      InvalidRate, NegativeAmount, NotANumber, PossibleDuplicate, TooManyDecimals,
                                      VatMismatch, VatRounding, ZeroQuantity)
from equisis.vat import tax

INVOICE, CREDIT_NOTE = "invoice", "credit_note"
KINDS = (INVOICE, CREDIT_NOTE)
DRAFT, POSTED = "draft", "posted"
STATES = (DRAFT, POSTED)
#: Journals and internal number prefixes (contracts.md): A2026/00001, AC2026/00001.
JOURNALS = {INVOICE: "ACH", CREDIT_NOTE: "ANC"}
PREFIXES = {INVOICE: "A", CREDIT_NOTE: "AC"}
#: Their gapless sequences (store.numbering), named apart from the journals' own (which are upper case).
SEQUENCES = {INVOICE: "purchase.A", CREDIT_NOTE: "purchase.AC"}
SUPPLIERS_ACCOUNT = "440"
CATEGORIES = tuple(tax.PURCHASE_CATEGORIES)  # resale, misc_goods, services, investment
CATEGORY_LABELS = {"resale": N_("Goods for resale (81)"), "misc_goods": N_("Miscellaneous goods (82)"),
                   "services": N_("Services (82)"), "investment": N_("Investment goods (83)")}
FULL = tax.FULL
#: Expense accounts an item line uses when the item names none.
DEFAULT_ACCOUNTS = {"goods": "604", "services": "61329"}
SAME_REFERENCE = N_("the same reference {ref}")
SAME_TOTAL = N_("the same total {total} on the same date {date}")


# --------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class LineInput:
    """One line as typed or sent: an item code or an account, and the amounts (None: the default)."""

    item_code: str = ""
    account: str = ""
    description: str = ""
    qty_milli: int | None = None
    unit_price_e4: int | None = None
    discount_bp: int = 0
    vat_rate_bp: int | None = None
    purchase_category: str = ""
    deductible_bp: int = FULL

    def is_blank(self) -> bool:
        return not (self.item_code or self.account or self.description or self.unit_price_e4)


@dataclass(frozen=True)
class InvoiceInput:
    """A purchase invoice or credit note as typed (dates as dates, amounts as integers)."""

    supplier_id: int | None
    supplier_ref: str
    invoice_date: dt.date | None
    lines: tuple[LineInput, ...]
    kind: str = INVOICE
    booking_date: dt.date | None = None
    due_date: dt.date | None = None
    printed_vat_cents: int | None = None
    import_deferral: bool = False
    credit_of_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class Line:
    """A checked line, ready to store and to tax."""

    account: str
    description: str
    qty_milli: int
    unit_price_e4: int
    discount_bp: int
    vat_rate_bp: int
    purchase_category: str
    deductible_bp: int
    item_code: str = ""

    @property
    def net_cents(self) -> int:
        return tax.line_net_cents(self.qty_milli, self.unit_price_e4, self.discount_bp)

    @property
    def nature(self) -> str:
        return "services" if self.purchase_category == "services" else "goods"

    def taxable(self) -> tax.TaxableLine:
        return tax.TaxableLine(self.net_cents, self.vat_rate_bp, nature=self.nature,
                               purchase_category=self.purchase_category, deductible_bp=self.deductible_bp)


# --------------------------------------------------------------------------- defaults

def default_category(account: str, *, nature: str | None = None) -> str:
    """The purchase category an account implies: 2x investment, 60x resale, 61x services, else misc goods.

    An item's nature refines 61x and the others: goods bought on 61 are miscellaneous goods (82, 86
    when intra-EU), services stay services (82, 88 when intra-EU).
    """
    code = (account or "").strip()
    if code.startswith("2"):
        return "investment"
    if code.startswith("60"):
        return "resale" if nature != "services" else "services"
    if nature == "goods":
        return "misc_goods"
    if nature == "services" or code.startswith("61"):
        return "services"
    return "misc_goods"


def account_allowed(code: str) -> bool:
    """Purchases post on expense (class 6) and investment (class 2) accounts."""
    return bool(code) and code[0] in "26"


def due_date(invoice_date: dt.date, terms_days: int | None) -> dt.date:
    """The invoice date plus the supplier's payment terms (days; none or negative: due at once)."""
    return invoice_date + dt.timedelta(days=max(0, terms_days or 0))


def document_number(kind: str, fiscal_year: str, number: int) -> str:
    return f"{PREFIXES[kind]}{fiscal_year}/{number:05d}"


def normalise_reference(text: str) -> str:
    """The supplier's reference compared without case, spaces, dashes or dots (duplicate detection)."""
    return re.sub(r"[\s\-_.]", "", (text or "")).upper()


# --------------------------------------------------------------------------- reading typed numbers

def scaled(text: str | int | None, decimals: int, *, line: int, column: str) -> int | None:
    """Typed text ("1,5", "12.3456") → integer with ``decimals`` decimals; more decimals are refused.

    >>> scaled("12,3456", 4, line=1, column="unit_price"), scaled("2", 3, line=1, column="qty")
    (123456, 2000)
    >>> scaled("0,12345", 4, line=2, column="unit_price")
    Traceback (most recent call last):
    ...
    equisis.purchases.errors.TooManyDecimals: Line 2: “0,12345” has more than 4 decimals.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, int):
        return text
    try:
        value = parse_amount(text)
    except EquisisError:
        raise NotANumber(line, column=column, value=text) from None
    try:
        stored = value.scaleb(decimals)
        if stored != stored.to_integral_value():
            raise TooManyDecimals(line, column=column, value=text, decimals=decimals)
    except InvalidOperation:  # pragma: no cover - parse_amount returns finite numbers
        raise NotANumber(line, column=column, value=text) from None
    return int(stored)


def percent_bp(text: str | int | None, *, line: int, column: str) -> int | None:
    """"21" / "50,5" % → basis points (2100 / 5050); None when blank."""
    return scaled(text, 2, line=line, column=column)


# --------------------------------------------------------------------------- checking lines

def check_line(n: int, line: Line) -> list[EquisisError]:
    """The problems of one resolved line (1-based ``n``); the account is checked by the caller."""
    problems: list[EquisisError] = []
    if line.qty_milli == 0:
        problems.append(ZeroQuantity(n))
    if line.qty_milli < 0 or line.unit_price_e4 < 0:
        problems.append(NegativeAmount(n, column="qty" if line.qty_milli < 0 else "unit_price"))
    if line.vat_rate_bp not in tax.RATES_BP:
        problems.append(InvalidRate(n, value=Decimal(line.vat_rate_bp) / 100))
    if not 0 <= line.discount_bp <= FULL:
        problems.append(InvalidDiscount(n))
    if not 0 <= line.deductible_bp <= FULL:
        problems.append(InvalidDeductible(n))
    if line.purchase_category not in CATEGORIES:
        problems.append(InvalidCategory(n, value=line.purchase_category))
    return problems


# --------------------------------------------------------------------------- the VAT

def treatment(regime: str, kind: str, *, import_deferral: bool = False) -> tax.Treatment:
    return tax.Treatment(tax.PURCHASE, regime, credit_note=kind == CREDIT_NOTE, import_deferral=import_deferral)


def compute(lines: Sequence[Line], regime: str, kind: str, *, import_deferral: bool = False) -> tax.TaxResult:
    """The document's VAT, by the one tax engine."""
    return tax.compute([x.taxable() for x in lines], treatment(regime, kind, import_deferral=import_deferral))


def rounding_tolerance(result: tax.TaxResult) -> int:
    """One cent per VAT rate on the document: what rounding line by line instead of per rate can explain."""
    return max(1, len({g.rate_bp for g in result.groups if g.vat_cents}))


def check_printed_vat(printed_cents: int | None, result: tax.TaxResult, money) -> EquisisError | None:
    """Compare the VAT printed on the supplier's invoice with the engine's.

    Returns None when they agree (or nothing was typed), a :class:`VatRounding` warning within a cent
    per rate, and a :class:`VatMismatch` error beyond: the books never take a different VAT silently.
    ``money`` turns cents into their display (ledger.errors.Amount).
    """
    if printed_cents is None or printed_cents == result.vat_cents:
        return None
    difference = printed_cents - result.vat_cents
    params = dict(printed=money(printed_cents), computed=money(result.vat_cents), difference=money(difference),
                  field="printed_vat")
    if abs(difference) <= rounding_tolerance(result):
        return VatRounding(**params)
    return VatMismatch(**params)


# --------------------------------------------------------------------------- warnings

@dataclass(frozen=True)
class Candidate:
    """Another purchase document of the same supplier, as the duplicate check sees it."""

    id: int
    label: str            # its number, or its supplier reference while a draft
    kind: str
    supplier_ref: str
    invoice_date: dt.date
    total_cents: int


def duplicate_warnings(kind: str, supplier_ref: str, invoice_date: dt.date, total_cents: int,
                       others: Sequence[Candidate], money, day) -> list[EquisisError]:
    """Same supplier (the caller selects) and same reference, or same total on the same date."""
    warnings: list[EquisisError] = []
    reference = normalise_reference(supplier_ref)
    for other in others:
        if other.kind != kind:
            continue
        if reference and normalise_reference(other.supplier_ref) == reference:
            warnings.append(PossibleDuplicate(other=other.label, field="supplier_ref",
                                              reason=_Reason(SAME_REFERENCE, ref=other.supplier_ref)))
        elif other.total_cents == total_cents and other.invoice_date == invoice_date:
            warnings.append(PossibleDuplicate(other=other.label, field="supplier_ref",
                                              reason=_Reason(SAME_TOTAL,
                                                             total=money(total_cents), date=day(invoice_date))))
    return warnings


def credit_warning(invoice_label: str, invoice_total: int, credited_before: int, this_total: int,
                   money) -> EquisisError | None:
    """A credit note that takes the invoice's credits beyond the invoice's total (a warning)."""
    if credited_before + this_total <= invoice_total:
        return None
    return CreditExceedsInvoice(invoice=invoice_label, credited=money(credited_before + this_total),
                                total=money(invoice_total))


class _Reason:
    """A part of a message, translated when shown."""

    def __init__(self, msgid: str, **params):
        self.msgid, self.params = msgid, params

    def __str__(self) -> str:
        from equisis.core.i18n import gettext

        return gettext(self.msgid, **self.params)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)




@dataclass(frozen=True)
class Totals:
    net_cents: int
    vat_cents: int
    total_cents: int
    deductible_cents: int
    self_assessed_cents: int
    non_deductible_cents: int = 0
    groups: tuple = field(default=())

    @classmethod
    def of(cls, result: tax.TaxResult) -> "Totals":
        return cls(result.net_cents, result.vat_cents, result.total_cents, result.deductible_cents,
                   result.self_assessed_cents, sum(x.non_deductible_cents for x in result.lines), result.groups)
