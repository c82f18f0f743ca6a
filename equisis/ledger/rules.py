"""The rules of the general ledger, as pure functions over small value types (no database, no clock).

An **entry** is a set of **lines** in one **journal** on one date; each line
puts an amount in whole cents on the debit or the credit side of one
**account**. Posting checks the draft against the books (chart, journals,
periods, lock date of the poster's role) and reports *every* problem at once.

Belgian sources: the minimum chart (PCMN/MAR, Royal Decree of 21 October 2018
for companies, 29 April 2019 for associations), the Code of companies and
associations (CSA/WVV) art. 3:1 ff. on books (double entry, entries in date
order, nothing erased: corrections are new entries) and VAT Code art. 53 and
Royal Decree no. 1 art. 5 on unbroken invoice numbering.

Worked example — a sale of 100 € + 21 % VAT to a customer::

    VEN 2026-03-10  Invoice 2026/0042
        400000  Customers      121,00 D   partner 7, ref 2026/0042, due 2026-04-09
        700000  Sales                  100,00 C   grid 03
        451000  VAT payable             21,00 C   grid 54

It balances (121,00 = 100,00 + 21,00); the 400 line carries the partner, the
document reference and the due date, as every line on a customer (40) or
supplier (44) account must.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from equisis.core.dates import add_months
from equisis.core.errors import EquisisError
from equisis.core.money import to_cents
from equisis.ledger.errors import (AccountBlocked, AccountNotPostable, AmountNotWhole, BeforeLockDate,
                                   BothSides, DocumentRefRequired, DueDateRequired, EmptyLine,
                                   EntryNotBalanced, FiscalYearClosed, InvalidAccountCode, JournalInactive,
                                   NegativeAmount, NoFiscalYear, PartnerRequired, PeriodLocked, TooFewLines,
                                   UnknownAccount, UnknownJournal, UnknownPartner, UnknownVatGrid)

ACCOUNT_KINDS = ("receivable", "payable", "bank", "cash", "vat", "income", "expense", "equity", "asset",
                 "liability", "other")
#: Lines on these accounts must name the partner, the document and the due date (customers 40, suppliers 44).
PARTNER_KINDS = ("receivable", "payable")
JOURNAL_KINDS = ("sale", "sale_refund", "purchase", "purchase_refund", "bank", "cash", "misc", "opening",
                 "closing")
ENTRY_KINDS = ("standard", "reversal", "closing", "carry_forward")
#: Roles that keep the books: they post up to the accountant's lock date, the others only after everyone's.
ACCOUNTANT_ROLES = ("admin", "accountant")
#: The grids of the Belgian periodic VAT return (Intervat), with the reference's sub-codes of 46 and 48
#: (46L goods, 46T triangular; 48s44, 48s46L, 48s46T: credit notes on 44 / 46L / 46T).
VAT_GRIDS = frozenset({
    "00", "01", "02", "03", "44", "45", "46", "46L", "46T", "47", "48", "48s44", "48s46L", "48s46T", "49",
    "54", "55", "56", "57", "59", "61", "62", "63", "64", "71", "72",
    "81", "82", "83", "84", "85", "86", "87", "88", "91",
})
ACCOUNT_CODE = re.compile(r"^[0-7][0-9]{1,9}\Z")
GENESIS = "0" * 64


# --------------------------------------------------------------------------- drafts

@dataclass(frozen=True)
class DraftLine:
    """One line of a draft entry. Amounts are non-negative integer cents, on one side only.

    ``vat_grids`` are the Belgian VAT-return grids the amount is reported on
    (a base line on 700 carries ``("03",)``, its VAT line on 451 ``("54",)``).
    """

    account: str
    debit_cents: int = 0
    credit_cents: int = 0
    partner_id: int | None = None
    description: str = ""
    due_date: dt.date | None = None
    document_ref: str | None = None
    vat_grids: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "account", str(self.account).strip())
        if not isinstance(self.vat_grids, tuple):
            object.__setattr__(self, "vat_grids", tuple(self.vat_grids))
        if self.due_date is not None:
            _require_date(self.due_date)

    @property
    def net_cents(self) -> int:
        """Debit minus credit: positive on the debit side."""
        return self.debit_cents - self.credit_cents


@dataclass(frozen=True)
class DraftEntry:
    """What a module asks the ledger to post; ``source`` = (object_type, object_id) of its document."""

    journal: str
    date: dt.date
    description: str
    lines: tuple[DraftLine, ...]
    source: tuple[str, str] | None = None

    def __post_init__(self):
        _require_date(self.date)
        if not isinstance(self.lines, tuple):
            object.__setattr__(self, "lines", tuple(self.lines))
        if self.source is not None:
            object.__setattr__(self, "source", (str(self.source[0]), str(self.source[1])))


def _require_date(value) -> None:
    # a datetime is a date too, but its text form carries the time: the books would sort and hash it wrongly
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"entry dates are datetime.date, not {type(value).__name__}")


def line(account: str, debit: Decimal | str | int = 0, credit: Decimal | str | int = 0,
         **fields) -> DraftLine:
    """A draft line from amounts in euros: ``line("700000", credit="100,00")`` -> credit_cents=10000."""
    return DraftLine(account, to_cents(debit if isinstance(debit, (Decimal, str)) else Decimal(debit)),
                     to_cents(credit if isinstance(credit, (Decimal, str)) else Decimal(credit)), **fields)


def totals(lines: Iterable[DraftLine]) -> tuple[int, int]:
    """(total debit, total credit) in cents."""
    debit = credit = 0
    for item in lines:
        debit += item.debit_cents
        credit += item.credit_cents
    return debit, credit


def is_balanced(lines: Iterable[DraftLine]) -> bool:
    """The one definition of balanced: debits equal credits to the cent."""
    debit, credit = totals(lines)
    return debit == credit


def reversed_lines(lines: Iterable[DraftLine]) -> tuple[DraftLine, ...]:
    """The lines of a reversal: same accounts, partners, references and grids, debit and credit swapped."""
    return tuple(DraftLine(x.account, x.credit_cents, x.debit_cents, x.partner_id, x.description, x.due_date,
                           x.document_ref, x.vat_grids) for x in lines)


# --------------------------------------------------------------------------- what posting checks against

@dataclass(frozen=True)
class AccountInfo:
    id: int
    code: str
    kind: str
    postable: bool = True
    is_blocked: bool = False
    reconcilable: bool = False

    @property
    def needs_partner(self) -> bool:
        return self.kind in PARTNER_KINDS


@dataclass(frozen=True)
class JournalInfo:
    id: int
    code: str
    kind: str
    is_active: bool = True


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    code: str
    start: dt.date
    end: dt.date
    is_locked: bool
    fiscal_year_id: int
    fiscal_year_code: str
    fiscal_year_closed: bool


@dataclass(frozen=True)
class Books:
    """The state of the books a draft is checked against (loaded once per posting batch)."""

    accounts: Mapping[str, AccountInfo]
    journals: Mapping[str, JournalInfo]
    periods: tuple[PeriodInfo, ...]  # sorted by start, not overlapping
    partner_ids: frozenset[int] = frozenset()
    lock_date: dt.date | None = None
    _starts: tuple[dt.date, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "periods", tuple(sorted(self.periods, key=lambda p: p.start)))
        object.__setattr__(self, "_starts", tuple(p.start for p in self.periods))

    def period_of(self, day: dt.date) -> PeriodInfo | None:
        index = bisect.bisect_right(self._starts, day) - 1
        if index >= 0 and self.periods[index].start <= day <= self.periods[index].end:
            return self.periods[index]
        return None


def lock_date_for(role: str, everyone: dt.date | None, accountant: dt.date | None) -> dt.date | None:
    """The last locked date for a poster's role (company settings ``ledger.lock_date[_accountant]``).

    ``ledger.lock_date`` closes the books to everyone but the accountant (a
    sales user cannot post an invoice on 31 March once the accountant has set
    it to 31 March); ``ledger.lock_date_accountant`` closes them to the
    accountant and the administrator too. Either may be unset. Dates on or
    before the returned date are refused.

    ==========  ==============  ================  ====================
    role        lock_date       accountant lock   refused up to
    ==========  ==============  ================  ====================
    sales       2026-03-31      2026-01-31        2026-03-31
    accountant  2026-03-31      2026-01-31        2026-01-31
    accountant  2026-03-31      unset             (nothing)
    cashier     unset           2026-01-31        2026-01-31
    ==========  ==============  ================  ====================
    """
    if role in ACCOUNTANT_ROLES:
        return accountant
    candidates = [d for d in (everyone, accountant) if d is not None]
    return max(candidates) if candidates else None


def check_entry(draft: DraftEntry, books: Books, *, enforce_locks: bool = True) -> list[EquisisError]:
    """Every reason why ``draft`` cannot be posted (an empty list: it can).

    * the journal exists and is active;
    * at least two lines, each with a non-negative amount in whole cents on exactly one side;
    * each account exists, is postable and not blocked; a line on a customer or
      supplier account (kind receivable/payable) names the partner, the document
      reference and the due date; a partner named must exist; VAT grids are grids
      of the Belgian return;
    * debits equal credits to the cent (the difference is reported);
    * the date lies in a period of a fiscal year that is open, the period is not
      locked, and the date is after the lock date of the poster's role
      (``enforce_locks=False`` is for the year-end procedure only: closing and
      reopening post into periods they lock or unlock themselves).

    Example: lines 400 D 121,00 (no partner) / 700 C 100,00 give two problems,
    ``PartnerRequired(line=1)`` (and the missing reference and due date) and
    ``EntryNotBalanced(difference_cents=2100)``.
    """
    problems: list[EquisisError] = []
    journal = books.journals.get(draft.journal)
    if journal is None:
        problems.append(UnknownJournal(journal=draft.journal, field="journal"))
    elif not journal.is_active:
        problems.append(JournalInactive(journal=draft.journal, field="journal"))
    if len(draft.lines) < 2:
        problems.append(TooFewLines(count=len(draft.lines), field="lines"))
    amounts_ok = True
    for number, item in enumerate(draft.lines, start=1):
        problems.extend(_line_problems(number, item, books))
        if not _is_cents(item.debit_cents) or not _is_cents(item.credit_cents):
            amounts_ok = False
    if amounts_ok:
        debit, credit = totals(draft.lines)
        if debit != credit:
            problems.append(EntryNotBalanced(debit - credit, debit, credit))
    problems.extend(_date_problems(draft.date, books, enforce_locks))
    return problems


def _is_cents(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _line_problems(number: int, item: DraftLine, books: Books) -> list[EquisisError]:
    problems: list[EquisisError] = []
    if not _is_cents(item.debit_cents) or not _is_cents(item.credit_cents):
        problems.append(AmountNotWhole(number))
    elif item.debit_cents < 0 or item.credit_cents < 0:
        problems.append(NegativeAmount(number, column="debit" if item.debit_cents < 0 else "credit"))
    elif item.debit_cents and item.credit_cents:
        problems.append(BothSides(number))
    elif not item.debit_cents and not item.credit_cents:
        problems.append(EmptyLine(number))
    account = books.accounts.get(item.account)
    if account is None:
        problems.append(UnknownAccount(number, account=item.account))
    else:
        if not account.postable:
            problems.append(AccountNotPostable(number, account=item.account))
        if account.is_blocked:
            problems.append(AccountBlocked(number, account=item.account))
        if account.needs_partner:
            if item.partner_id is None:
                problems.append(PartnerRequired(number, account=item.account))
            if not (item.document_ref or "").strip():
                problems.append(DocumentRefRequired(number, account=item.account))
            if item.due_date is None:
                problems.append(DueDateRequired(number, account=item.account))
    if item.partner_id is not None and item.partner_id not in books.partner_ids:
        problems.append(UnknownPartner(number, partner_id=item.partner_id))
    for grid in item.vat_grids:
        if grid not in VAT_GRIDS:
            problems.append(UnknownVatGrid(number, grid=grid))
    return problems


def _date_problems(day: dt.date, books: Books, enforce_locks: bool) -> list[EquisisError]:
    period = books.period_of(day)
    if period is None:
        return [NoFiscalYear(day)]
    if period.fiscal_year_closed:
        return [FiscalYearClosed(period.fiscal_year_code, day)]
    if not enforce_locks:
        return []
    problems: list[EquisisError] = []
    if period.is_locked:
        problems.append(PeriodLocked(period.code, day))
    if books.lock_date is not None and day <= books.lock_date:
        problems.append(BeforeLockDate(day, books.lock_date))
    return problems


# --------------------------------------------------------------------------- chart

def check_account_code(code: str) -> str:
    """'6xx' codes are digits only: 2 to 10 of them, the first being the PCMN class 0 to 7."""
    text = (code or "").strip()
    if not ACCOUNT_CODE.match(text):
        raise InvalidAccountCode(code, field="code")
    return text


def account_class(code: str) -> int:
    """The PCMN class: 0 off-balance rights, 1–5 balance sheet, 6 charges, 7 income."""
    return int(code[0])


def is_balance_sheet(code: str) -> bool:
    """Classes 0 to 5 carry their balance into the next fiscal year; 6 and 7 start from zero."""
    return code[:1] in "012345"


def is_profit_and_loss(code: str) -> bool:
    return code[:1] in "67"


def is_appropriation(code: str) -> bool:
    """69 and 79 appropriate the result (to reserves, carried forward, dividends); they are not the result."""
    return code[:2] in ("69", "79")


def result_of_year(balances: Mapping[str, int]) -> int:
    """The result of the year in cents (profit > 0): classes 60–68 and 70–78, before appropriation.

    ``balances`` maps account codes to their net (debit − credit) cents: sales
    700 at −10 000,00 and purchases 604 at +7 000,00 give a profit of 3 000,00.
    """
    return -sum(net for code, net in balances.items()
                if is_profit_and_loss(code) and not is_appropriation(code))


@dataclass(frozen=True)
class Group:
    code_start: str
    code_end: str | None = None
    name: str = ""

    def covers(self, code: str) -> bool:
        size = len(self.code_start)
        head = code[:size]
        return len(code) >= size and self.code_start <= head <= (self.code_end or self.code_start)


def groups_of(code: str, groups: Iterable[Group]) -> list[Group]:
    """The groups an account belongs to, from its class down to the narrowest (PCMN hierarchy by prefix)."""
    found = [g for g in groups if g.covers(code)]
    return sorted(found, key=lambda g: (len(g.code_start), g.code_start))


def fold(text: str | None) -> str:
    """Text as a search compares it: lower case, accents dropped ('Créances' -> 'creances')."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def account_match_rank(query: str, code: str, name: str) -> int | None:
    """How well an account answers what the user typed in an account field; None: not at all.

    Digits match the start of the code, words the name (any order, accents and
    case ignored); both may be mixed ("40 clients"). Lower ranks come first:

    ======  ============================  ===========================
    rank    when                          "40" / "frais" finds
    ======  ============================  ===========================
    0       the code is exactly the query  40 (if it exists)
    1       the code starts with it        400000, 4010
    2       the name starts with the words "Frais de port"
    3       every word is in the name      "Autres frais"
    ======  ============================  ===========================
    """
    words = fold(query).split()
    if not words:
        return None
    digits = [w for w in words if w.isdigit()]
    text = [w for w in words if not w.isdigit()]
    if any(not code.startswith(d) for d in digits):
        return None
    folded = fold(name)
    if any(w not in folded for w in text):
        return None
    if not text:
        return 0 if code == digits[0] else 1
    return 2 if folded.startswith(" ".join(text)) else 3


# --------------------------------------------------------------------------- fiscal years and periods

def month_periods(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The monthly periods of a fiscal year: (code, first day, last day); the first and last may be partial.

    A first fiscal year from 15 September 2026 to 31 December 2027 has 16
    periods: ('2026-09', 15/09/2026, 30/09/2026), ('2026-10', 01/10/2026,
    31/10/2026) … ('2027-12', 01/12/2027, 31/12/2027).
    """
    periods = []
    first = start
    while first <= end:
        month_start = first.replace(day=1)
        last = min(add_months(month_start, 1) - dt.timedelta(days=1), end)
        periods.append((f"{first.year}-{first.month:02d}", first, last))
        first = last + dt.timedelta(days=1)
    return periods


# --------------------------------------------------------------------------- year-end

@dataclass(frozen=True)
class ClosingScheme:
    """The accounts of the Belgian appropriation of the result (69 / 79 against 14).

    ================  ===================  =================
    role              company (be_comp)    association
    ================  ===================  =================
    profit to carry   693 (debit)          692
    loss to carry     793 (credit)         792
    profit brought    790 (credit)         790
    loss brought      690 (debit)          690
    retained profit   140                  140
    retained loss     141                  141
    ================  ===================  =================
    """

    profit_to_carry: str
    loss_to_carry: str
    profit_brought: str
    loss_brought: str
    retained_profit: str
    retained_loss: str

    def accounts(self) -> tuple[str, ...]:
        return (self.profit_to_carry, self.loss_to_carry, self.profit_brought, self.loss_brought,
                self.retained_profit, self.retained_loss)


COMPANY_CLOSING = ClosingScheme("693", "793", "790", "690", "140", "141")
ASSOCIATION_CLOSING = ClosingScheme("692", "792", "790", "690", "140", "141")


def closing_lines(balances: Mapping[str, int], scheme: ClosingScheme,
                  description: str = "") -> tuple[DraftLine, ...]:
    """The lines of the year-end closing entry: the whole result goes to 14 (carried forward).

    ``balances`` maps every account code to its net cents (debit − credit) over
    the fiscal year, the appropriations the accountant already booked by hand
    (legal reserve 6920, dividends 694 …) included. Two steps:

    1. the result brought forward from earlier years joins the appropriation:
       a credit balance on 140 moves to 790 (D 140 / C 790), a debit balance on
       141 to 690 (D 690 / C 141);
    2. what is left unappropriated in classes 6 and 7 is carried forward:
       a profit as D 693 / C 140, a loss as D 141 / C 793.

    Afterwards classes 6 and 7 are balanced to zero and 14 holds the total
    carried forward. Example: sales 700 C 10 000,00, purchases 604 D 7 000,00,
    140 C 500,00 from last year::

        D 140   500,00   C 790   500,00      (step 1)
        D 693 3 500,00   C 140 3 500,00      (step 2: 3 000,00 + 500,00)

    With a loss (604 D 12 000,00 instead), step 2 gives D 141 1 500,00 / C 793 1 500,00.
    """
    lines: list[DraftLine] = []
    pl_net = sum(net for code, net in balances.items() if is_profit_and_loss(code))
    retained_profit = balances.get(scheme.retained_profit, 0)
    retained_loss = balances.get(scheme.retained_loss, 0)
    for code, net in ((scheme.retained_profit, retained_profit), (scheme.retained_loss, retained_loss)):
        if net < 0:  # a credit balance on 14 (profit brought forward) -> 790
            lines += [DraftLine(code, debit_cents=-net, description=description),
                      DraftLine(scheme.profit_brought, credit_cents=-net, description=description)]
            pl_net += net
        elif net > 0:  # a debit balance on 14 (loss brought forward) -> 690
            lines += [DraftLine(scheme.loss_brought, debit_cents=net, description=description),
                      DraftLine(code, credit_cents=net, description=description)]
            pl_net += net
    if pl_net < 0:  # classes 6/7 net credit: a profit to carry forward
        lines += [DraftLine(scheme.profit_to_carry, debit_cents=-pl_net, description=description),
                  DraftLine(scheme.retained_profit, credit_cents=-pl_net, description=description)]
    elif pl_net > 0:
        lines += [DraftLine(scheme.retained_loss, debit_cents=pl_net, description=description),
                  DraftLine(scheme.loss_to_carry, credit_cents=pl_net, description=description)]
    return tuple(lines)


def carry_forward_lines(balances: Mapping[str, int], partner_balances: Mapping[tuple[str, int], int], *,
                        document_ref: str, due_date: dt.date, description: str = "") -> tuple[DraftLine, ...]:
    """The lines of the next year's opening entry: every balance-sheet account (classes 0–5) with a balance.

    An account whose lines named partners opens with one line per partner
    (customers' and suppliers' balances continue), plus one line without
    partner for any remainder. The original invoices stay the open items: these
    lines do not open items of their own (the service posts them with
    ``opens_item`` off) and carry ``document_ref`` and ``due_date`` only
    because partner lines must.

    Example: 400 D 1 210,00 (partner 7), 451 C 210,00, 140 C 1 000,00 →
    D 400 1 210,00 (partner 7), C 451 210,00, C 140 1 000,00.
    """
    lines: list[DraftLine] = []
    by_account: dict[str, list[tuple[int, int]]] = {}
    for (code, partner_id), net in partner_balances.items():
        if net:
            by_account.setdefault(code, []).append((partner_id, net))
    codes = {c for c, net in balances.items() if net} | set(by_account)
    for code in sorted(c for c in codes if is_balance_sheet(c)):
        rest = balances.get(code, 0)
        for partner_id, net in sorted(by_account.get(code, [])):
            lines.append(_side(code, net, partner_id=partner_id, description=description,
                               document_ref=document_ref, due_date=due_date))
            rest -= net
        if rest:
            lines.append(_side(code, rest, description=description))
    return tuple(lines)


def _side(code: str, net: int, **fields) -> DraftLine:
    return DraftLine(code, debit_cents=max(net, 0), credit_cents=max(-net, 0), **fields)


# --------------------------------------------------------------------------- the hash chain

@dataclass(frozen=True)
class SealedLine:
    """A line as the hash covers it (account by code, so a report can recompute it without ids)."""

    line_no: int
    account: str
    debit_cents: int
    credit_cents: int
    partner_id: int | None
    description: str
    due_date: dt.date | None
    document_ref: str | None
    vat_grids: str
    opens_item: bool


@dataclass(frozen=True)
class SealedEntry:
    """Everything the hash of a posted entry covers."""

    id: int
    reference: str
    journal: str
    fiscal_year: str
    number: int
    date: dt.date
    description: str
    kind: str
    reversal_of: int | None
    source_type: str | None
    source_id: str | None
    posted_at: str
    posted_by: str
    lines: tuple[SealedLine, ...]


def canonical(entry: SealedEntry) -> str:
    """Stable text of an entry: JSON arrays in a fixed order, dates ISO, no spaces."""
    head = [entry.id, entry.reference, entry.journal, entry.fiscal_year, entry.number, entry.date.isoformat(),
            entry.description, entry.kind, entry.reversal_of, entry.source_type, entry.source_id,
            entry.posted_at, entry.posted_by]
    body = [[x.line_no, x.account, x.debit_cents, x.credit_cents, x.partner_id, x.description,
             x.due_date.isoformat() if x.due_date else None, x.document_ref, x.vat_grids, bool(x.opens_item)]
            for x in entry.lines]
    return json.dumps([head, body], separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, entry: SealedEntry) -> str:
    """sha256 of the previous hash and this entry's canonical text: editing any entry breaks the chain."""
    return hashlib.sha256(f"{prev_hash}\x1f{canonical(entry)}".encode("utf-8")).hexdigest()


def first_chain_break(entries: Iterable[tuple[SealedEntry, str, str]]) -> tuple[SealedEntry, str] | None:
    """The first (entry, reason) whose stored (prev_hash, hash) does not follow from the entries before it.

    ``entries`` yields (sealed entry, stored prev_hash, stored hash) in posting
    order; reason is 'link' (the previous hash differs: an entry was removed or
    inserted) or 'content' (the entry or one of its lines was altered).
    """
    prev = GENESIS
    for sealed, stored_prev, stored_hash in entries:
        if stored_prev != prev:
            return sealed, "link"
        if entry_hash(stored_prev, sealed) != stored_hash:
            return sealed, "content"
        prev = stored_hash
    return None


def join_grids(grids: Sequence[str]) -> str:
    return " ".join(grids)


def split_grids(text: str | None) -> tuple[str, ...]:
    return tuple((text or "").split())
