"""The one tax engine: the till, sales and purchases compute Belgian VAT here and nowhere else.

Rounding follows EN 16931 (what Peppol validators check, rules BR-CO-10/15/16, R120):

* a line's gross is quantity × unit price rounded to the cent; a percentage discount is an
  allowance rounded to the cent; the line net is gross − allowance;
* the VAT of each category and rate is computed once, on the sum of that group's line nets, and
  rounded once (half away from zero);
* document totals are sums of those.

    >>> line_amounts(3_000, 19_990, 1000)      # 3 × 1,999 € less 10 %
    (600, 60, 540)
    >>> r = compute([TaxableLine(10_000, 2100), TaxableLine(333, 2100), TaxableLine(1_000, 600)],
    ...             Treatment("sale", "be"))
    >>> [(g.category, g.rate_bp, g.base_cents, g.vat_cents, g.base_grids, g.vat_grids) for g in r.groups]
    [('S', 2100, 10333, 2170, ('03',), ('54',)), ('S', 600, 1000, 60, ('01',), ('54',))]
    >>> r.net_cents, r.vat_cents, r.total_cents
    (11333, 2230, 13563)

The treatment (direction, the party's VAT regime, invoice or credit note) decides the category
(UNCL 5305: S standard, Z zero rate, E exempt, AE reverse charge, K intra-EU, G export, O outside
scope), the legal mention printed in the customer's language and the grids of the Belgian return
(belgium/FACTS.md). Credit notes are never netted out of 01–03: issued ones go to 49 (48 for 44/46)
with their VAT in 64; received ones reduce 81–83 and go to 85 (84 for 86/88) with their VAT in 63.
A reverse-charged purchase self-assesses the VAT: due on 55 (intra-EU, 86/88), 56 (co-contractor
and non-EU services, 87) or 57 (imports with deferral), deductible on 59; its credit note moves
both back through 62 and 63, so every amount lands on a grid. Non-deductible VAT is part of the
cost and is reported with the purchase on 81–83.

:func:`entry_lines` turns a result into the ledger lines of the document, each carrying its grids,
so the VAT return is the sum of the ledger per grid (``GRID_SIDE`` gives each grid's natural side).
"""
from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Sequence

from equisis.core.i18n import N_
from equisis.ledger.rules import DraftLine

SALE, PURCHASE = "sale", "purchase"
DIRECTIONS = (SALE, PURCHASE)
#: The VAT regimes of a party (parties.rules.VAT_REGIMES mirrors these).
REGIMES = ("be", "eu", "non_eu", "exempt", "cocontractor")
NATURES = ("goods", "services")
RATES_BP = (2100, 1200, 600, 0)
#: Purchase categories and the grid of part III they are reported on.
PURCHASE_CATEGORIES = {"resale": "81", "misc_goods": "82", "services": "82", "investment": "83"}
FULL = 10_000

#: Each grid's natural side in the ledger: a grid's value is (credit − debit) for "credit" grids and
#: (debit − credit) for "debit" grids, so credit notes and corrections reduce what they should.
GRID_SIDE = {
    **{g: "credit" for g in ("00", "01", "02", "03", "44", "45", "46", "46L", "46T", "47",
                             "54", "55", "56", "57", "61", "63", "84", "85")},
    **{g: "debit" for g in ("48", "48s44", "48s46L", "48s46T", "49", "59", "62", "64",
                            "81", "82", "83", "86", "87", "88")},
}

MENTIONS = {
    "K": N_("Exempt intra-Community supply of goods – article 39bis of the Belgian VAT Code "
            "(article 138 of Directive 2006/112/EC)."),
    "K-T": N_("Triangular operation – VAT due by the recipient, article 25quinquies of the Belgian VAT "
              "Code (article 141 of Directive 2006/112/EC)."),
    "AE-eu": N_("Reverse charge – VAT due by the customer (article 196 of Directive 2006/112/EC)."),
    "AE-cocontractor": N_("Reverse charge – VAT to be paid by the co-contractor, article 51, §2, 5° of "
                          "the Belgian VAT Code (Royal Decree No. 1, article 20)."),
    "G": N_("Exempt export – article 39 of the Belgian VAT Code."),
    "O": N_("Service outside the scope of Belgian VAT – article 21, §2 of the Belgian VAT Code."),
    "E": N_("Exempt from VAT – article 44 of the Belgian VAT Code."),
}
EXEMPTION_CODES = {"K": "VATEX-EU-IC", "AE": "VATEX-EU-AE", "G": "VATEX-EU-G", "O": "VATEX-EU-O",
                   "E": "VATEX-EU-132"}


def round_div(numerator: int, denominator: int) -> int:
    """Integer division rounded half away from zero (the one rounding of EN 16931 amounts).

    >>> round_div(5, 2), round_div(-5, 2), round_div(4, 3)
    (3, -3, 1)
    """
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def line_amounts(quantity_milli: int, unit_price_e4: int, discount_bp: int = 0) -> tuple[int, int, int]:
    """(gross, allowance, net) in cents of a line: qty × price rounded, then the % discount rounded."""
    gross = round_div(quantity_milli * unit_price_e4, 100_000)
    allowance = round_div(gross * discount_bp, FULL)
    return gross, allowance, gross - allowance


def line_net_cents(quantity_milli: int, unit_price_e4: int, discount_bp: int = 0) -> int:
    return line_amounts(quantity_milli, unit_price_e4, discount_bp)[2]


def vat_of(base_cents: int, rate_bp: int) -> int:
    """The VAT of a base at a rate, rounded once. ``vat_of(10333, 2100)`` → 2170."""
    return round_div(base_cents * rate_bp, FULL)


@dataclass(frozen=True)
class Treatment:
    """How a document is taxed: sale or purchase, the party's regime, invoice or credit note."""

    direction: str
    regime: str
    credit_note: bool = False
    triangular: bool = False  # intra-EU ABC sale by the intermediary (grid 46T)
    import_deferral: bool = False  # purchase of non-EU goods with a deferral licence (grid 57)

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction {self.direction!r}")
        if self.regime not in REGIMES:
            raise ValueError(f"VAT regime {self.regime!r}")


@dataclass(frozen=True)
class TaxableLine:
    """One document line as the engine sees it: its net (signed cents) and how it is taxed."""

    net_cents: int
    rate_bp: int
    nature: str = "goods"
    purchase_category: str = "resale"  # purchases: resale (81), misc_goods / services (82), investment (83)
    deductible_bp: int = FULL  # purchases: the deductible share of the VAT

    def __post_init__(self):
        if self.rate_bp not in RATES_BP:
            raise ValueError(f"VAT rate {self.rate_bp} bp")
        if self.nature not in NATURES:
            raise ValueError(f"nature {self.nature!r}")
        if self.purchase_category not in PURCHASE_CATEGORIES:
            raise ValueError(f"purchase category {self.purchase_category!r}")
        if not 0 <= self.deductible_bp <= FULL:
            raise ValueError(f"deductible share {self.deductible_bp} bp")

    @property
    def purchase_nature(self) -> str:
        return "services" if self.purchase_category == "services" else "goods"


@dataclass(frozen=True)
class VatGroup:
    """The VAT breakdown of one category and rate (what the document prints and Peppol carries)."""

    category: str
    rate_bp: int  # the rate applied on the document (0 when exempt or reverse-charged)
    base_cents: int
    vat_cents: int  # the VAT invoiced
    base_grids: tuple[str, ...]
    vat_grids: tuple[str, ...]  # grids of the invoiced VAT
    mention: str | None  # msgid of the legal mention, printed in the customer's language
    exemption_code: str | None
    line_indexes: tuple[int, ...]
    self_assessed_rate_bp: int = 0  # reverse-charged purchases: the rate the buyer self-assesses
    self_assessed_cents: int = 0
    due_grids: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineTax:
    """What one input line carries: its share of the group's VAT and the deductible part."""

    index: int
    group: int
    net_cents: int
    base_grids: tuple[str, ...]
    vat_cents: int  # share of the invoiced or self-assessed VAT
    deductible_cents: int
    non_deductible_cents: int
    non_deductible_grids: tuple[str, ...]


@dataclass(frozen=True)
class TaxResult:
    treatment: Treatment
    groups: tuple[VatGroup, ...]
    lines: tuple[LineTax, ...]
    net_cents: int
    vat_cents: int  # VAT invoiced (payable by the customer / to the supplier)
    total_cents: int
    mentions: tuple[str, ...] = field(default=())

    @property
    def deductible_cents(self) -> int:
        return sum(x.deductible_cents for x in self.lines)

    @property
    def self_assessed_cents(self) -> int:
        return sum(g.self_assessed_cents for g in self.groups)


# --------------------------------------------------------------------------- classification

def _sale_class(line: TaxableLine, t: Treatment) -> tuple[str, int, str | None]:
    """(category, rate on the document, mention key) of a sold line."""
    if t.regime == "eu":
        if line.nature == "services":
            return "AE", 0, "AE-eu"
        return "K", 0, "K-T" if t.triangular else "K"
    if t.regime == "non_eu":
        return ("O", 0, "O") if line.nature == "services" else ("G", 0, "G")
    if t.regime == "cocontractor":
        return "AE", 0, "AE-cocontractor"
    if t.regime == "exempt":
        return "E", 0, "E"
    return ("Z", 0, None) if line.rate_bp == 0 else ("S", line.rate_bp, None)


_RATE_GRID = {600: "01", 1200: "02", 2100: "03", 0: "00"}


def _sale_grids(category: str, rate_bp: int, t: Treatment, nature: str) -> tuple[tuple, tuple]:
    if t.credit_note:
        if category == "K":
            return ("48s46T",) if t.triangular else ("48s46L",), ()
        if category == "AE" and t.regime == "eu":
            return ("48s44",), ()
        return ("49",), ("64",) if category == "S" else ()
    base = {"K": "46T" if t.triangular else "46L", "G": "47", "O": "47", "E": "00", "Z": "00"}.get(category)
    if category == "AE":
        base = "44" if t.regime == "eu" else "45"
    if category == "S":
        return (_RATE_GRID[rate_bp],), ("54",)
    return (base,), ()


def _purchase_class(line: TaxableLine, t: Treatment) -> tuple[str, int, int, tuple, str | None]:
    """(category, invoiced rate, self-assessed rate, grids of the base besides 81–83, due grid)."""
    services = line.purchase_nature == "services"
    if t.regime == "eu":
        return ("AE" if services else "K"), 0, line.rate_bp, ("88",) if services else ("86",), "55"
    if t.regime == "cocontractor":
        return "AE", 0, line.rate_bp, ("87",), "56"
    if t.regime == "non_eu":
        if services:
            return "AE", 0, line.rate_bp, ("87",), "56"
        if t.import_deferral:
            return "G", 0, line.rate_bp, ("87",), "57"
        return "G", 0, 0, (), None  # VAT paid at customs, on the customs document
    if t.regime == "exempt":
        return "E", 0, 0, (), None
    return ("Z" if line.rate_bp == 0 else "S"), line.rate_bp, 0, (), None


# --------------------------------------------------------------------------- the computation

def compute(lines: Sequence[TaxableLine], treatment: Treatment) -> TaxResult:
    """Group the lines by category and rate, compute each group's VAT once, allocate it to lines."""
    if treatment.direction == SALE:
        return _compute_sale(lines, treatment)
    return _compute_purchase(lines, treatment)


def _compute_sale(lines: Sequence[TaxableLine], t: Treatment) -> TaxResult:
    keyed: OrderedDict[tuple, list[int]] = OrderedDict()
    classes = {}
    for i, line in enumerate(lines):
        category, rate, mention = _sale_class(line, t)
        key = (category, rate, mention)
        classes[key] = (category, rate, mention, line.nature)
        keyed.setdefault(key, []).append(i)
    groups, line_taxes = [], []
    for g, (key, indexes) in enumerate(keyed.items()):
        category, rate, mention, nature = classes[key]
        base = sum(lines[i].net_cents for i in indexes)
        vat = vat_of(base, rate)
        base_grids, vat_grids = _sale_grids(category, rate, t, nature)
        groups.append(VatGroup(category, rate, base, vat, base_grids, vat_grids,
                               MENTIONS.get(mention) if mention else None, EXEMPTION_CODES.get(category),
                               tuple(indexes)))
        for i, share in zip(indexes, allocate(vat, [lines[i].net_cents for i in indexes])):
            line_taxes.append(LineTax(i, g, lines[i].net_cents, base_grids, share, 0, 0, ()))
    return _result(t, groups, line_taxes)


def _compute_purchase(lines: Sequence[TaxableLine], t: Treatment) -> TaxResult:
    keyed: OrderedDict[tuple, list[int]] = OrderedDict()
    classes = {}
    for i, line in enumerate(lines):
        category, rate, self_rate, extra, due = _purchase_class(line, t)
        key = (category, rate, self_rate, extra, due)
        classes[key] = key
        keyed.setdefault(key, []).append(i)
    groups, line_taxes = [], []
    for g, (key, indexes) in enumerate(keyed.items()):
        category, rate, self_rate, extra, due = key
        base = sum(lines[i].net_cents for i in indexes)
        invoiced = vat_of(base, rate)
        self_assessed = vat_of(base, self_rate)
        if t.credit_note:
            extra = ("84",) if extra in (("86",), ("88",)) else ("85",)
            vat_grids, due_grids = ("63",) if invoiced else (), ("62",) if self_assessed else ()
        else:
            vat_grids, due_grids = ("59",) if invoiced else (), (due,) if self_assessed else ()
        groups.append(VatGroup(category, rate, base, invoiced, extra, vat_grids, None, EXEMPTION_CODES.get(category),
                               tuple(indexes), self_rate, self_assessed, due_grids))
        total_tax = invoiced + self_assessed
        for i, share in zip(indexes, allocate(total_tax, [lines[i].net_cents for i in indexes])):
            line = lines[i]
            deductible = round_div(share * line.deductible_bp, FULL)
            cost_grids = (PURCHASE_CATEGORIES[line.purchase_category],)
            non_deductible_grids = cost_grids + (("85",) if t.credit_note and not self_assessed else ())
            line_taxes.append(LineTax(i, g, line.net_cents, cost_grids + extra, share, deductible,
                                      share - deductible, non_deductible_grids))
    return _result(t, groups, line_taxes)


def _result(t: Treatment, groups: list[VatGroup], line_taxes: list[LineTax]) -> TaxResult:
    net = sum(g.base_cents for g in groups)
    vat = sum(g.vat_cents for g in groups)
    mentions = tuple(dict.fromkeys(g.mention for g in groups if g.mention))
    return TaxResult(t, tuple(groups), tuple(sorted(line_taxes, key=lambda x: x.index)), net, vat, net + vat,
                     mentions)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` cents over lines in proportion to their nets (largest remainder; sums exactly).

    >>> allocate(100, [1, 1, 1])
    [34, 33, 33]
    >>> allocate(-7, [300, 100])
    [-5, -2]
    """
    if not weights:
        return []
    whole = sum(weights)
    if whole == 0:
        return [total] + [0] * (len(weights) - 1)
    flip = -1 if whole < 0 else 1  # keep the denominator positive so floor division floors
    numerators = [flip * total * w for w in weights]
    denominator = flip * whole
    shares = [n // denominator for n in numerators]
    remainders = [n % denominator for n in numerators]
    for i in sorted(range(len(weights)), key=lambda k: (-remainders[k], k))[:total - sum(shares)]:
        shares[i] += 1
    return shares


# --------------------------------------------------------------------------- ledger lines

SALES_VAT_ACCOUNT = "451"
DUE_VAT_ACCOUNT = "451"
DEDUCTIBLE_VAT_ACCOUNT = "411"


def entry_lines(result: TaxResult, accounts: Sequence[str], *, partner_account: str, partner_id: int | None,
                document_ref: str, due_date: dt.date | None, description: str = "") -> tuple[DraftLine, ...]:
    """The balanced ledger lines of a document: the partner's total, the bases and the VAT, with grids.

    ``accounts[i]`` is the income or expense account of input line ``i``. A sale credits income and
    VAT and debits the customer (a credit note the reverse); a purchase debits the costs (including
    non-deductible VAT) and the deductible VAT and credits the supplier; a reverse charge also
    credits the VAT due. Lines with the same account and grids are merged.

    >>> r = compute([TaxableLine(10_000, 2100, purchase_category="services")], Treatment("purchase", "eu"))
    >>> [(x.account, x.debit_cents, x.credit_cents, x.vat_grids) for x in entry_lines(
    ...     r, ["6130"], partner_account="440", partner_id=1, document_ref="A1", due_date=None)]
    [('440', 0, 10000, ()), ('6130', 10000, 0, ('82', '88')), ('411', 2100, 0, ('59',)), ('451', 0, 2100, ('55',))]
    """
    t = result.treatment
    # credit-positive factor of the document's own side: a sale credits income, a purchase debits costs
    side = (1 if t.direction == SALE else -1) * (-1 if t.credit_note else 1)
    amounts: OrderedDict[tuple[str, tuple[str, ...]], int] = OrderedDict()

    def add(account: str, grids: tuple[str, ...], cents: int) -> None:
        amounts[(account, grids)] = amounts.get((account, grids), 0) + cents

    for tax in result.lines:
        add(accounts[tax.index], tax.base_grids, tax.net_cents)
        if t.direction == PURCHASE and tax.non_deductible_cents:
            add(accounts[tax.index], tax.non_deductible_grids, tax.non_deductible_cents)
    for number, group in enumerate(result.groups):
        if t.direction == SALE:
            add(SALES_VAT_ACCOUNT, group.vat_grids, group.vat_cents)
            continue
        deductible = sum(x.deductible_cents for x in result.lines if x.group == number)
        add(DEDUCTIBLE_VAT_ACCOUNT, ("63",) if t.credit_note else ("59",), deductible)
        if group.self_assessed_cents:  # owed to the State: the side opposite the costs
            add(DUE_VAT_ACCOUNT, group.due_grids, -group.self_assessed_cents)
    lines = [_line(partner_account, -side * result.total_cents, (), partner_id, description, document_ref,
                   due_date)]
    lines += [_line(account, side * cents, grids, partner_id, description, document_ref, None)
              for (account, grids), cents in amounts.items() if cents]
    return tuple(lines)


def _line(account, credit_cents, grids, partner_id, description, document_ref, due_date) -> DraftLine:
    """A line from signed cents (credit > 0)."""
    debit, credit = (0, credit_cents) if credit_cents >= 0 else (-credit_cents, 0)
    return DraftLine(account, debit, credit, partner_id=partner_id, description=description,
                     due_date=due_date, document_ref=document_ref, vat_grids=grids)
