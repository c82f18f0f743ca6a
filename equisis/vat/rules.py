"""The Belgian periodic VAT return and the listings as pure functions (no database, no clock).

The ledger keeps, for every grid code a line carries, its debit and credit per
period (``GridBalance``). A grid's amount is the sum on its natural side
(:data:`equisis.vat.tax.GRID_SIDE`): credit − debit for the sales grids and the
VAT due, debit − credit for purchases, deductible VAT and credit notes issued.
The return then sums the reference's sub-codes (46 = 46L + 46T; 48 = 48s44 +
48s46L + 48s46T) and balances the VAT (belgium/FACTS.md)::

    71 (due to the State)  = (54+55+56+57+61+63) − (59+62+64)   when > 0
    72 (due by the State)  = the opposite                      when < 0

    >>> grids = return_grids({"03": (0, 100_000), "54": (0, 21_000), "81": (40_000, 0), "59": (8_400, 0)})
    >>> grids["03"], grids["54"], grids["71"], grids["72"]
    (100000, 21000, 12600, 0)

Credit notes never net out of 01–03: they sit on 49 with their VAT on 64, so
a return with only a credit note has 49 and 64 and a 72.

Periods are months ("2026-03") or quarters ("2026-Q1"); the listings also take
a year ("2026").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from stdnum import exceptions as stdnum_errors
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat

from equisis.core.i18n import N_
from equisis.ledger.errors import Amount
from equisis.vat.errors import InvalidVatPeriod, InvalidYear
from equisis.vat.tax import GRID_SIDE, vat_of

MONTHLY, QUARTERLY = "monthly", "quarterly"
#: The grids of the return in the order of the form, amounts in cents.
RETURN_GRIDS = ("00", "01", "02", "03", "44", "45", "46", "47", "48", "49",
                "54", "55", "56", "57", "59", "61", "62", "63", "64",
                "81", "82", "83", "84", "85", "86", "87", "88", "91", "71", "72")
#: Grids made of the reference's sub-codes the ledger lines carry.
COMPOSED = {"46": ("46", "46L", "46T"), "48": ("48", "48s44", "48s46L", "48s46T")}
DUE = ("54", "55", "56", "57", "61", "63")
DEDUCTIBLE = ("59", "62", "64")
#: Grids the books do not carry: the balance (computed) and grid 91 (typed by the user in December).
COMPUTED = ("71", "72")
ENTERED = ("91",)
#: Grids a ledger line can be drilled to (every return grid but the balance and 91).
DRILLABLE = tuple(g for g in RETURN_GRIDS if g not in COMPUTED + ENTERED)
#: Sales grids of the annual client listing: turnover (credit notes on 49 reduce it), VAT (64 reduces it).
LISTING_TURNOVER, LISTING_CREDIT_NOTES = ("00", "01", "02", "03", "45"), ("49",)
LISTING_VAT, LISTING_VAT_CREDIT_NOTES = ("54",), ("64",)
LISTING_THRESHOLD_CENTS = 25_000
#: Intra-Community listing codes: L goods (46L), T triangular (46T), S services (44); credit notes reduce.
INTRA_CODES = {"46L": ("L", 1), "46": ("L", 1), "46T": ("T", 1), "44": ("S", 1),
               "48s46L": ("L", -1), "48s46T": ("T", -1), "48s44": ("S", -1)}
#: Grids of sales that only an EU customer with a valid VAT number may receive.
INTRA_GRIDS = ("44", "46", "46L", "46T", "48s44", "48s46L", "48s46T")
RATE_OF_GRID = {"01": 600, "02": 1200, "03": 2100}
#: How far a VAT grid may stray from its bases × rates (each document rounds its VAT once per rate).
TOLERANCE_CENTS = 100
#: stdnum writes Greece EL, as VIES and Intervat do.
EU_COUNTRIES = ("AT", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
                "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI")


# --------------------------------------------------------------------------- periods

@dataclass(frozen=True)
class VatPeriod:
    """A month, a quarter or (listings) a year; ``code`` '2026-03', '2026-Q1' or '2026'."""

    code: str
    kind: str  # month | quarter | year
    year: int
    number: int  # month 1-12, quarter 1-4, 0 for a year
    start: dt.date
    end: dt.date

    @property
    def filing(self) -> str | None:
        return {"month": MONTHLY, "quarter": QUARTERLY}.get(self.kind)

    @property
    def is_year_end(self) -> bool:
        """The last return of the calendar year (December or Q4): it says whether the client listing is nil."""
        return self.end.month == 12


_PERIOD = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|[Qq]([1-4])))?\Z")


def parse_period(text: str, *, allow_year: bool = False) -> VatPeriod:
    """'2026-03' → March 2026; '2026-Q1' → the first quarter; '2026' → the year when ``allow_year``.

    >>> p = parse_period("2026-Q2"); (p.code, p.start, p.end)
    ('2026-Q2', datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    >>> parse_period("2026-02").end
    datetime.date(2026, 2, 28)
    """
    raw = (text or "").strip()
    found = _PERIOD.match(raw)
    if not found or (found.group(2) is None and found.group(3) is None and not allow_year):
        raise InvalidVatPeriod(raw, field="period")
    year = int(found.group(1))
    if found.group(2):
        month = int(found.group(2))
        return VatPeriod(f"{year}-{month:02d}", "month", year, month, dt.date(year, month, 1),
                         _month_end(year, month))
    if found.group(3):
        quarter = int(found.group(3))
        return VatPeriod(f"{year}-Q{quarter}", "quarter", year, quarter, dt.date(year, 3 * quarter - 2, 1),
                         _month_end(year, 3 * quarter))
    return VatPeriod(str(year), "year", year, 0, dt.date(year, 1, 1), dt.date(year, 12, 31))


def parse_year(text) -> int:
    raw = str(text or "").strip()
    if not re.fullmatch(r"\d{4}", raw) or not 1990 <= int(raw) <= 2999:
        raise InvalidYear(raw, field="year")
    return int(raw)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def periods_of_year(year: int, filing: str) -> list[VatPeriod]:
    """The twelve months or four quarters a declarant files for a calendar year."""
    if filing == MONTHLY:
        return [parse_period(f"{year}-{m:02d}") for m in range(1, 13)]
    return [parse_period(f"{year}-Q{q}") for q in range(1, 5)]


def period_of_day(day: dt.date, filing: str) -> VatPeriod:
    if filing == MONTHLY:
        return parse_period(f"{day.year}-{day.month:02d}")
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


# --------------------------------------------------------------------------- grids

def grid_value(code: str, debit_cents: int, credit_cents: int) -> int:
    """The amount a ledger grid code reports, on its natural side (credit notes come out negative)."""
    side = GRID_SIDE.get(code)
    if side is None:
        return 0
    return credit_cents - debit_cents if side == "credit" else debit_cents - credit_cents


def codes_of(grid: str) -> tuple[str, ...]:
    """The ledger codes a return grid sums: '46' → ('46', '46L', '46T'); '03' → ('03',)."""
    return COMPOSED.get(grid, (grid,))


def return_grids(totals: Mapping[str, tuple[int, int]], *, grid_91: int = 0,
                 adjustments: Mapping[str, int] | None = None) -> dict[str, int]:
    """Every grid of the return in cents from the ledger's (debit, credit) per grid code.

    ``adjustments`` (a corrective return) add cents to grids before the balance is computed.
    """
    values = {code: grid_value(code, d, c) for code, (d, c) in totals.items()}
    grids = {g: sum(values.get(code, 0) for code in codes_of(g)) for g in RETURN_GRIDS}
    grids["91"] = grid_91
    for grid, cents in (adjustments or {}).items():
        if grid in grids and grid not in COMPUTED:
            grids[grid] += cents
    return with_balance(grids)


def with_balance(grids: Mapping[str, int]) -> dict[str, int]:
    """The grids with 71 (VAT due) or 72 (VAT to recover) computed; grid 91 does not enter the balance.

    >>> b = with_balance({"54": 2100, "64": 5000}); (b["71"], b["72"])
    (0, 2900)
    """
    out = dict(grids)
    balance = sum(out.get(g, 0) for g in DUE) - sum(out.get(g, 0) for g in DEDUCTIBLE)
    out["71"], out["72"] = (balance, 0) if balance >= 0 else (0, -balance)
    return out


def differences(corrected: Mapping[str, int], original: Mapping[str, int]) -> dict[str, int]:
    """Grid → corrected − original, for the grids that changed.

    >>> differences({"03": 150, "54": 31}, {"03": 100, "54": 21, "81": 5})
    {'03': 50, '54': 10, '81': -5}
    """
    return {g: corrected.get(g, 0) - original.get(g, 0) for g in RETURN_GRIDS
            if corrected.get(g, 0) != original.get(g, 0)}


def amount_text(cents: int) -> str:
    """Intervat amounts: euros with a point and two decimals, a minus for negative listing amounts.

    >>> amount_text(123456), amount_text(-5), amount_text(0)
    ('1234.56', '-0.05', '0.00')
    """
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{part:02d}"


# --------------------------------------------------------------------------- checks before export

@dataclass(frozen=True)
class Finding:
    """An inconsistency the check screen lists: a msgid with its values and where to look."""

    code: str
    message: str  # msgid
    params: tuple[tuple[str, object], ...] = ()
    grid: str | None = None
    entry_id: int | None = None
    party_id: int | None = None
    blocking: bool = False  # the export is refused while it stands

    @property
    def values(self) -> dict:
        return dict(self.params)


def _finding(code, message, grid=None, blocking=False, **params) -> Finding:
    params = {k: Amount(v) if k in ("amount", "expected") else v for k, v in params.items()}
    if grid is not None:
        params = {"grid": grid, **params}
    return Finding(code, message, tuple(params.items()), grid=grid, blocking=blocking)


def tolerance(expected: int) -> int:
    """1 € or 1 ‰ of the expected VAT, whichever is more (per-document rounding adds up)."""
    return max(TOLERANCE_CENTS, abs(expected) // 1000)


def check_grids(grids: Mapping[str, int]) -> list[Finding]:
    """The arithmetic checks Intervat runs on a return, as findings (amounts in cents).

    >>> [f.code for f in check_grids(with_balance({"03": 10_000, "54": 2_100, "49": 1_000, "64": 500}))]
    ['credit-note-vat']
    """
    found = []
    for grid in RETURN_GRIDS:
        if grids.get(grid, 0) < 0:
            found.append(_finding("negative", N_("Grid {grid} is negative ({amount}): Intervat refuses it."),
                                  grid=grid, blocking=True, amount=grids[grid]))
    expected_54 = sum(vat_of(grids.get(g, 0), rate) for g, rate in RATE_OF_GRID.items())
    if abs(grids.get("54", 0) - expected_54) > tolerance(expected_54):
        found.append(_finding("vat-on-sales", N_("Grid 54 ({amount}) does not match 6 %, 12 % and 21 % of "
                                                 "grids 01, 02 and 03 ({expected})."),
                              grid="54", amount=grids.get("54", 0), expected=expected_54))
    most_64 = vat_of(grids.get("49", 0), 2100)
    if grids.get("64", 0) > most_64 + tolerance(most_64):
        found.append(_finding("credit-note-vat", N_("Grid 64 ({amount}) is more than 21 % of the credit notes "
                                                    "on grid 49 ({expected})."),
                              grid="64", amount=grids.get("64", 0), expected=most_64))
    acquisitions = grids.get("86", 0) + grids.get("88", 0)
    most_55, least_55 = vat_of(acquisitions, 2100), vat_of(acquisitions, 600)
    if grids.get("55", 0) > most_55 + tolerance(most_55):
        found.append(_finding("vat-on-acquisitions", N_("Grid 55 ({amount}) is more than 21 % of grids 86 and "
                                                        "88 ({expected})."),
                              grid="55", amount=grids.get("55", 0), expected=most_55))
    elif acquisitions and grids.get("55", 0) < least_55 - tolerance(least_55):
        found.append(_finding("vat-on-acquisitions", N_("Grid 55 ({amount}) is less than 6 % of grids 86 and "
                                                        "88 ({expected})."),
                              grid="55", amount=grids.get("55", 0), expected=least_55))
    most_56 = vat_of(grids.get("87", 0), 2100)
    if grids.get("56", 0) + grids.get("57", 0) > most_56 + tolerance(most_56):
        found.append(_finding("vat-on-87", N_("Grids 56 and 57 ({amount}) are more than 21 % of grid 87 "
                                              "({expected})."),
                              grid="56", amount=grids.get("56", 0) + grids.get("57", 0), expected=most_56))
    most_63 = vat_of(grids.get("85", 0), 2100)
    if grids.get("63", 0) > most_63 + tolerance(most_63):
        found.append(_finding("received-credit-note-vat", N_("Grid 63 ({amount}) is more than 21 % of the "
                                                             "credit notes received on grid 85 ({expected})."),
                              grid="63", amount=grids.get("63", 0), expected=most_63))
    return found


# --------------------------------------------------------------------------- VAT numbers

@dataclass(frozen=True)
class VatId:
    """A customer's VAT number split as Intervat wants it: the country ('EL' for Greece) and the rest."""

    country: str
    number: str

    @property
    def text(self) -> str:
        return self.country + self.number


def belgian_vat(text: str | None) -> str | None:
    """The 10 digits of a valid Belgian VAT number, else None.

    >>> belgian_vat("BE 0403.170.701"), belgian_vat("BE0403170702"), belgian_vat("FR40303265045")
    ('0403170701', None, None)
    """
    compact = re.sub(r"[\s.\-]", "", text or "").upper()
    if not compact.startswith("BE"):
        return None
    try:
        return be_vat.validate(compact)
    except stdnum_errors.ValidationError:
        return None


def eu_vat_id(text: str | None) -> VatId | None:
    """A valid VAT number of another EU member state, split; None if missing, Belgian or invalid.

    >>> eu_vat_id("FR 40 303 265 045"), eu_vat_id("GR094259216").country, eu_vat_id("BE0403170701")
    (VatId(country='FR', number='40303265045'), 'EL', None)
    """
    compact = re.sub(r"[\s.\-]", "", text or "").upper()
    if len(compact) < 4 or compact.startswith("BE"):
        return None
    if compact.startswith("GR"):
        compact = "EL" + compact[2:]
    try:
        valid = eu_vat.validate(compact)
    except (stdnum_errors.ValidationError, KeyError):
        return None
    country = valid[:2]
    if country not in EU_COUNTRIES or country == "XI":
        return None
    return VatId(country, valid[2:])


# --------------------------------------------------------------------------- listings

@dataclass(frozen=True)
class PartnerGrids:
    """What the ledger says of one partner: (debit, credit) per grid code over a range."""

    partner_id: int | None
    name: str
    vat_number: str | None
    totals: Mapping[str, tuple[int, int]]

    def value(self, codes: Iterable[str]) -> int:
        return sum(grid_value(c, *self.totals.get(c, (0, 0))) for c in codes)


@dataclass(frozen=True)
class ClientLine:
    partner_id: int
    name: str
    vat_number: str  # the 10 digits
    turnover_cents: int
    vat_cents: int


def client_listing(partners: Iterable[PartnerGrids]) -> list[ClientLine]:
    """Belgian VAT-registered customers with a turnover of at least 250 € in the year, by VAT number.

    Turnover is the base of grids 00–03 and 45 less the credit notes of grid 49; the VAT is grid 54 less 64.
    Customers without a valid Belgian VAT number (consumers) are not listed; parties sharing one VAT number
    (a customer entered twice) are listed once, with their sums.
    """
    merged: dict[str, list] = {}
    for p in partners:
        digits = belgian_vat(p.vat_number)
        if p.partner_id is None or digits is None:
            continue
        row = merged.setdefault(digits, [p.partner_id, p.name, digits, 0, 0])
        row[3] += p.value(LISTING_TURNOVER) - p.value(LISTING_CREDIT_NOTES)
        row[4] += p.value(LISTING_VAT) - p.value(LISTING_VAT_CREDIT_NOTES)
        if p.partner_id < row[0]:
            row[0], row[1] = p.partner_id, p.name
    lines = [ClientLine(*row) for row in merged.values() if row[3] >= LISTING_THRESHOLD_CENTS]
    return sorted(lines, key=lambda x: x.vat_number)


@dataclass(frozen=True)
class IntraLine:
    partner_id: int | None
    name: str
    vat: VatId | None  # None: the customer has no valid EU VAT number (the export is refused)
    code: str  # L, T, S
    amount_cents: int


def intra_listing(partners: Iterable[PartnerGrids]) -> list[IntraLine]:
    """Per EU customer and code (L goods, T triangular, S services) the amount less its credit notes.

    Customers sharing one VAT number are merged; amounts that net to zero are left out.
    """
    merged: dict[tuple, list] = {}
    for p in partners:
        by_code: dict[str, int] = {}
        for grid, (code, sign) in INTRA_CODES.items():
            if grid in p.totals:
                by_code[code] = by_code.get(code, 0) + sign * p.value((grid,))
        vat = eu_vat_id(p.vat_number)
        for code, amount in by_code.items():
            key = (vat.text if vat else f"?{p.partner_id}", code)
            row = merged.setdefault(key, [p.partner_id, p.name, vat, code, 0])
            row[4] += amount
    lines = [IntraLine(*row) for row in merged.values() if row[4]]
    return sorted(lines, key=lambda x: (x.vat.text if x.vat else "~", x.code, x.partner_id or 0))


def intra_problem(partner: PartnerGrids) -> str | None:
    """Why an intra-Community sale to this partner is wrong (msgid), or None."""
    if partner.partner_id is None:
        return N_("the line names no customer")
    if not (partner.vat_number or "").strip():
        return N_("the customer has no VAT number")
    if (partner.vat_number or "").replace(" ", "").upper().startswith("BE"):
        return N_("the customer has a Belgian VAT number")
    if eu_vat_id(partner.vat_number) is None:
        return N_("the customer's VAT number is not a valid EU VAT number")
    return None


#: What each grid holds (msgids; the screens and the PDF print them in their language).
GRID_LABELS = {
    "00": N_("Operations under a special regime"),
    "01": N_("Operations at 6 %"),
    "02": N_("Operations at 12 %"),
    "03": N_("Operations at 21 %"),
    "44": N_("Services to EU customers (VAT due by the customer)"),
    "45": N_("Operations with VAT due by the co-contractor"),
    "46": N_("Exempt intra-Community supplies of goods and ABC sales"),
    "47": N_("Other exempt operations, exports and operations abroad"),
    "48": N_("Credit notes issued on grids 44 and 46"),
    "49": N_("Credit notes issued on other operations of part II"),
    "54": N_("VAT on grids 01, 02 and 03"),
    "55": N_("VAT on grids 86 and 88"),
    "56": N_("VAT on grid 87 (except imports with deferral)"),
    "57": N_("VAT on imports with deferral"),
    "59": N_("Deductible VAT"),
    "61": N_("Regularisations in favour of the State"),
    "62": N_("Regularisations in favour of the declarant"),
    "63": N_("VAT to repay on credit notes received"),
    "64": N_("VAT to recover on credit notes issued"),
    "81": N_("Goods for resale, raw materials and consumables"),
    "82": N_("Services and miscellaneous goods"),
    "83": N_("Investment goods"),
    "84": N_("Credit notes received on grids 86 and 88"),
    "85": N_("Credit notes received on other operations of part III"),
    "86": N_("Intra-Community acquisitions of goods and ABC sales"),
    "87": N_("Other incoming operations with VAT due by the declarant"),
    "88": N_("Intra-Community services received"),
    "91": N_("VAT really due for 1–20 December (December return only)"),
    "71": N_("VAT due to the State"),
    "72": N_("VAT due by the State"),
}
#: The parts of the form, with their grids, for the screens and the PDF.
SECTIONS = (
    (N_("II. Outgoing operations"), ("00", "01", "02", "03", "44", "45", "46", "47", "48", "49")),
    (N_("III. Incoming operations"), ("81", "82", "83", "84", "85", "86", "87", "88")),
    (N_("IV. VAT due"), ("54", "55", "56", "57", "61", "63")),
    (N_("V. Deductible VAT"), ("59", "62", "64")),
    (N_("VI. Balance"), ("71", "72")),
    (N_("VII. Advance"), ("91",)),
)
