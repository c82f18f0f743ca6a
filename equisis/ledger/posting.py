"""The posting engine: the one way entries enter the books (every module calls it).

``post_entry(draft, role=...)`` loads what the draft refers to, checks it with
:func:`equisis.ledger.rules.check_entry` (every problem at once, as
``ValidationErrors``) and, in the same ``write()`` transaction:

1. takes the gapless number of the journal in the fiscal year (store.numbering);
2. writes the entry and its lines, sealed by a hash chained to the previous
   entry (sha256 of the canonical content and the previous hash);
3. adds the amounts to the summaries: account × period, partner × account ×
   period, VAT grid × period;
4. opens an item for each line on a reconcilable account (customers, suppliers…);
5. records an audit ``post`` event.

If anything fails, all of it rolls back, the number included. ``post_entries``
does the same for many drafts in one transaction (imports, migrations,
benchmarks): the references are loaded once, rows are written in bulk, and
one audit event covers the batch. Posted rows never change (database
triggers); ``reverse_entry`` corrects.
"""
from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

from peewee import EXCLUDED, fn

from equisis.company import service as company_service
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import N_, gettext
from equisis.ledger import reconciliation, rules
from equisis.ledger.bulk import insert_rows
from equisis.ledger.errors import AlreadyReversed, EntryNotFound, ReversalOfReversal, YearEndEntry
from equisis.ledger.models import (Account, AccountBalance, Entry, EntryLine, FiscalYear, GridBalance,
                                   Journal, OpenItem, PartnerBalance, Period)
from equisis.parties import service as parties
from equisis.store import audit
from equisis.store.database import write
from equisis.store.idempotency import once
from equisis.store.numbering import format_number, take_next_numbers
from equisis.users.rules import check_role

LOCK_DATE = "ledger.lock_date"
LOCK_DATE_ACCOUNTANT = "ledger.lock_date_accountant"
_CHUNK = 400  # rows per INSERT: well under SQLite's bound-variable limit for every table here


@dataclass(frozen=True)
class Posted:
    """What ``post_entries`` returns per draft, in order."""

    entry_id: int
    reference: str


@dataclass(frozen=True)
class Posting:
    draft: rules.DraftEntry
    kind: str = "standard"
    reversal_of: int | None = None
    opens_items: bool = True


# --------------------------------------------------------------------------- loading the books

def lock_dates() -> tuple[dt.date | None, dt.date | None]:
    """(everyone's lock date, the accountant's lock date) from the company settings."""
    def read(key):
        value = company_service.get_setting(key)
        return dt.date.fromisoformat(value) if value else None
    return read(LOCK_DATE), read(LOCK_DATE_ACCOUNTANT)


def load_books(drafts: Iterable[rules.DraftEntry], role: str) -> rules.Books:
    """The accounts, journals and partners the drafts name, every period, and the role's lock date."""
    drafts = list(drafts)
    codes = {x.account for d in drafts for x in d.lines}
    journal_codes = {d.journal for d in drafts}
    partner_ids = {x.partner_id for d in drafts for x in d.lines if isinstance(x.partner_id, int)}
    accounts = {}
    code_list = sorted(codes)
    for start in range(0, len(code_list), 500):
        query = (Account.select(Account.id, Account.code, Account.kind, Account.postable, Account.is_blocked,
                                Account.reconcilable).where(Account.code.in_(code_list[start:start + 500])))
        for a in query:
            accounts[a.code] = rules.AccountInfo(a.id, a.code, a.kind, a.postable, a.is_blocked,
                                                 a.reconcilable)
    journals = {j.code: rules.JournalInfo(j.id, j.code, j.kind, j.is_active)
                for j in Journal.select().where(Journal.code.in_(sorted(journal_codes)))}
    periods = tuple(
        rules.PeriodInfo(p.id, p.code, p.start, p.end, p.state == "locked", p.fiscal_year.id,
                         p.fiscal_year.code, p.fiscal_year.state == "closed")
        for p in Period.select(Period, FiscalYear).join(FiscalYear))
    everyone, accountant = lock_dates()
    return rules.Books(accounts, journals, periods, parties.existing_ids(partner_ids),
                       rules.lock_date_for(role, everyone, accountant))


# --------------------------------------------------------------------------- posting

def post_entry(draft: rules.DraftEntry, *, role: str, key: str | None = None) -> Entry:
    """Post one entry for a user of ``role``; ``key`` makes a retried submit return the first entry."""
    check_role(role)

    def create():
        books = load_books([draft], role)
        problems = rules.check_entry(draft, books)
        if problems:
            raise ValidationErrors(problems)
        posted = _write([Posting(draft)], books)
        audit.record("post", "entry", posted[0].entry_id, after={"reference": posted[0].reference})
        return posted[0].entry_id

    ref, _created = once(key, "ledger.entry", create)
    return Entry.get_by_id(int(ref))


def post_entries(drafts: Sequence[rules.DraftEntry], *, role: str) -> list[Posted]:
    """Post many entries in one transaction, all or nothing.

    Problems are reported for every draft at once: each is a ``ValidationErrors``
    of that draft, with ``.index`` (0-based position in ``drafts``), inside one
    outer ``ValidationErrors``.
    """
    check_role(role)
    drafts = list(drafts)
    with write():
        books = load_books(drafts, role)
        refused = []
        for index, draft in enumerate(drafts):
            problems = rules.check_entry(draft, books)
            if problems:
                error = ValidationErrors(problems)
                error.index = index
                refused.append(error)
        if refused:
            raise ValidationErrors(refused)
        posted = _write([Posting(d) for d in drafts], books)
        if posted:
            audit.record("post", "entries", f"{posted[0].entry_id}-{posted[-1].entry_id}",
                         after={"count": len(posted), "first": posted[0].reference,
                                "last": posted[-1].reference})
    return posted


def post_system(postings: Sequence[Posting], *, role: str, enforce_locks: bool = False) -> list[Posted]:
    """Post the ledger's own entries (closing, carry-forward, reversals), inside the caller's write()."""
    books = load_books([p.draft for p in postings], role)
    problems = [problem for p in postings
                for problem in rules.check_entry(p.draft, books, enforce_locks=enforce_locks)]
    if problems:
        raise ValidationErrors(problems)
    return _write(list(postings), books)


def _write(postings: list[Posting], books: rules.Books) -> list[Posted]:
    """Number, seal and store checked postings with their summaries; must run inside write()."""
    actor, now = audit.current_actor(), audit.now_iso()
    last = Entry.select(Entry.hash).order_by(Entry.id.desc()).first()
    prev_hash = last.hash if last else rules.GENESIS
    entry_id = (Entry.select(fn.MAX(Entry.id)).scalar() or 0) + 1
    line_id = (EntryLine.select(fn.MAX(EntryLine.id)).scalar() or 0) + 1
    entries, lines, items, posted = [], [], [], []
    by_account = collections.defaultdict(lambda: [0, 0])
    by_partner = collections.defaultdict(lambda: [0, 0])
    by_grid = collections.defaultdict(lambda: [0, 0])
    numbers = _take_numbers(postings, books)
    for posting in postings:
        draft = posting.draft
        period = books.period_of(draft.date)
        journal = books.journals[draft.journal]
        number = next(numbers[(journal.code, period.fiscal_year_code)])
        reference = format_number(journal.code, period.fiscal_year_code, number)
        sealed_lines = []
        for line_no, x in enumerate(draft.lines, start=1):
            account = books.accounts[x.account]
            opens = account.reconcilable and posting.opens_items
            sealed_lines.append(rules.SealedLine(line_no, x.account, x.debit_cents, x.credit_cents,
                                                 x.partner_id, x.description, x.due_date, x.document_ref,
                                                 rules.join_grids(x.vat_grids), opens))
        source_type, source_id = draft.source or (None, None)
        sealed = rules.SealedEntry(entry_id, reference, journal.code, period.fiscal_year_code, number,
                                   draft.date, draft.description, posting.kind, posting.reversal_of,
                                   source_type, source_id, now, actor, tuple(sealed_lines))
        entry_hash = rules.entry_hash(prev_hash, sealed)
        debit_total, _credit_total = rules.totals(draft.lines)
        day = draft.date.isoformat()
        entries.append((entry_id, journal.id, period.fiscal_year_id, period.id, number, reference, day,
                        draft.description, posting.kind, posting.reversal_of, source_type, source_id,
                        len(sealed_lines), debit_total, now, actor, prev_hash, entry_hash))
        for x in sealed_lines:
            account_id = books.accounts[x.account].id
            due = x.due_date.isoformat() if x.due_date else None
            lines.append((line_id, entry_id, x.line_no, account_id, x.partner_id, x.description,
                          x.debit_cents, x.credit_cents, due, x.document_ref, x.vat_grids, int(x.opens_item),
                          day, period.id))
            if x.opens_item:
                net = x.debit_cents - x.credit_cents
                items.append((line_id, account_id, x.partner_id, day, due, x.document_ref, net, net))
            _add(by_account[(account_id, period.id)], x)
            if x.partner_id is not None:
                _add(by_partner[(x.partner_id, account_id, period.id)], x)
            for grid in x.vat_grids.split():
                _add(by_grid[(grid, period.id)], x)
            line_id += 1
        posted.append(Posted(entry_id, reference))
        prev_hash = entry_hash
        entry_id += 1
    insert_rows(Entry, _ENTRY_COLUMNS, entries)
    insert_rows(EntryLine, _LINE_COLUMNS, lines)
    insert_rows(OpenItem, _ITEM_COLUMNS, items)
    _add_to_summaries(by_account, by_partner, by_grid)
    return posted


def _take_numbers(postings: list[Posting], books: rules.Books) -> dict:
    """One reservation of consecutive numbers per journal and fiscal year of the batch, taken in order."""
    counts = collections.Counter()
    for posting in postings:
        counts[(posting.draft.journal, books.period_of(posting.draft.date).fiscal_year_code)] += 1
    return {key: iter(take_next_numbers(key[0], key[1], count)) for key, count in counts.items()}


def _add(total: list[int], x: rules.SealedLine) -> None:
    total[0] += x.debit_cents
    total[1] += x.credit_cents


# Column orders of the row tuples _write builds (equisis.ledger.bulk writes them).
_ENTRY_COLUMNS = ("id", "journal", "fiscal_year", "period", "number", "reference", "date", "description",
                  "kind", "reversal_of", "source_type", "source_id", "line_count", "debit_total_cents",
                  "posted_at", "posted_by", "prev_hash", "hash")
_LINE_COLUMNS = ("id", "entry", "line_no", "account", "partner", "description", "debit_cents", "credit_cents",
                 "due_date", "document_ref", "vat_grids", "opens_item", "date", "period")
_ITEM_COLUMNS = ("line", "account", "partner", "date", "due_date", "document_ref", "amount_cents",
                 "residual_cents")


def _upsert(model, keys: list, rows: list[dict]) -> None:
    update = {model.debit_cents: model.debit_cents + EXCLUDED.debit_cents,
              model.credit_cents: model.credit_cents + EXCLUDED.credit_cents}
    for start in range(0, len(rows), _CHUNK):
        (model.insert_many(rows[start:start + _CHUNK])
         .on_conflict(conflict_target=keys, update=update).execute())


def _add_to_summaries(by_account, by_partner, by_grid) -> None:
    _upsert(AccountBalance, [AccountBalance.account, AccountBalance.period],
            [{"account": a, "period": p, "debit_cents": d, "credit_cents": c}
             for (a, p), (d, c) in by_account.items()])
    _upsert(PartnerBalance, [PartnerBalance.partner, PartnerBalance.account, PartnerBalance.period],
            [{"partner": q, "account": a, "period": p, "debit_cents": d, "credit_cents": c}
             for (q, a, p), (d, c) in by_partner.items()])
    _upsert(GridBalance, [GridBalance.grid, GridBalance.period],
            [{"grid": g, "period": p, "debit_cents": d, "credit_cents": c}
             for (g, p), (d, c) in by_grid.items()])


# --------------------------------------------------------------------------- reversals

def reverse_entry(entry_id: int, date: dt.date, reason: str, *, role: str, key: str | None = None) -> Entry:
    """Cancel a posted entry by its mirror image on ``date``, in the same journal.

    Refused for a reversal (post a new entry instead), for an entry reversed
    already and for the year-end's own entries (reopen the year). The
    reversal's lines on open items are matched with the original's at once, so
    a reversed invoice leaves no open item (an instalment already paid stays
    matched with its payment; the reversal keeps that part open).
    """
    check_role(role)

    def create():
        original = find_entry(entry_id)
        if original.kind == "reversal":
            raise ReversalOfReversal(entry=original.reference)
        if original.kind in ("closing", "carry_forward"):
            raise YearEndEntry(entry=original.reference)  # reopen_fiscal_year undoes those
        earlier = Entry.get_or_none(Entry.reversal_of == original.id)
        if earlier is not None:
            raise AlreadyReversed(entry=original.reference, reversal=earlier.reference)
        originals = entry_lines(original.id)
        posting = reversal_posting(original, originals, date, reason)
        books = load_books([posting.draft], role)
        problems = rules.check_entry(posting.draft, books)
        if problems:
            raise ValidationErrors(problems)
        posted = _write([posting], books)[0]
        reconciliation.match_reversal(originals, posted.entry_id)
        audit.record("post", "entry", posted.entry_id,
                     after={"reference": posted.reference, "reverses": original.reference, "reason": reason})
        return posted.entry_id

    ref, _created = once(key, "ledger.reversal", create)
    return Entry.get_by_id(int(ref))


def reversal_posting(original: Entry, originals: Sequence[EntryLine], date: dt.date, reason: str) -> Posting:
    """The mirror image of ``original`` on ``date``, keeping its source document for drill-down."""
    draft = rules.DraftEntry(
        original.journal.code, date,
        gettext(N_("Reversal of {reference}: {reason}"), reference=original.reference, reason=reason)[:250],
        rules.reversed_lines(_draft_line(x) for x in originals),
        source=(original.source_type, original.source_id) if original.source_type else None)
    return Posting(draft, "reversal", original.id, opens_items=original.kind != "carry_forward")


def _draft_line(x: EntryLine) -> rules.DraftLine:
    return rules.DraftLine(x.account.code, x.debit_cents, x.credit_cents, x.partner_id, x.description,
                           x.due_date, x.document_ref, rules.split_grids(x.vat_grids))


# --------------------------------------------------------------------------- reading entries

def find_entry(entry_id: int) -> Entry:
    entry = Entry.select(Entry, Journal).join(Journal).where(Entry.id == entry_id).first()
    if entry is None:
        raise EntryNotFound(entry=entry_id)
    return entry


def find_entry_by_reference(reference: str) -> Entry:
    entry = Entry.select(Entry, Journal).join(Journal).where(Entry.reference == reference).first()
    if entry is None:
        raise EntryNotFound(entry=reference)
    return entry


def entry_lines(entry_id: int) -> list[EntryLine]:
    """The lines of an entry in order, with their accounts."""
    return list(EntryLine.select(EntryLine, Account).join(Account).where(EntryLine.entry == entry_id)
                .order_by(EntryLine.line_no))


def entries_of_source(object_type: str, object_id) -> list[Entry]:
    """The entries a document posted (drill-down from a ledger line to its invoice works the other way)."""
    return list(Entry.select().where((Entry.source_type == object_type) & (Entry.source_id == str(object_id)))
                .order_by(Entry.id))


def reversal_of(entry_id: int) -> Entry | None:
    """The entry that reversed ``entry_id``, if any."""
    return Entry.get_or_none(Entry.reversal_of == entry_id)


def describe_problems(error: ValidationErrors) -> list[EquisisError]:
    """The flat list of problems of a post_entries refusal (each draft's problems in order)."""
    flat = []
    for problem in error.problems:
        flat.extend(problem.problems if isinstance(problem, ValidationErrors) else [problem])
    return flat
