"""Reconciliation (lettrage): match open items, undo matches, suggest them, list open items at any date.

Posted lines never change. A match is a row of ``reconciliation`` (debit line,
credit line, amount, effective date); each line on a reconcilable account has
an ``open_item`` row whose residual is its amount minus its active matches,
updated in the same transaction as the match. "Open items of a partner" and
aged balances read ``open_item``; the open items at a past date are today's,
corrected by the matches effective after that date (``open_items_at``).
Undoing a match marks it undone (who, when) and restores the residuals; the
audit log keeps the reason.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
from dataclasses import dataclass
from typing import Iterable, Sequence

from peewee import SQL, fn

from equisis.ledger import matching
from equisis.ledger.errors import LineNotFound, LineNotReconcilable, MatchNotFound
from equisis.ledger.models import Account, Entry, EntryLine, OpenItem, Reconciliation
from equisis.store import audit
from equisis.store.database import current_database, write


@dataclass(frozen=True)
class OpenItemView:
    """An open item as lists and reports show it. Amounts are signed: debit > 0, credit < 0."""

    line_id: int
    entry_id: int
    reference: str
    account: str
    partner_id: int | None
    date: dt.date
    due_date: dt.date | None
    document_ref: str | None
    amount_cents: int
    residual_cents: int


@dataclass(frozen=True)
class MatchResult:
    group_id: int
    allocations: tuple[matching.Allocation, ...]
    residuals: dict  # {line_id: residual after the match}


def _view_query():
    return (OpenItem.select(OpenItem.line, EntryLine.entry, Entry.reference, Account.code, OpenItem.partner,
                            OpenItem.date, OpenItem.due_date, OpenItem.document_ref, OpenItem.amount_cents,
                            OpenItem.residual_cents)
            .join(EntryLine).join(Entry).switch(OpenItem).join(Account))


def _view(row: tuple) -> OpenItemView:
    line_id, entry_id, reference, account, partner_id, date, due_date, document_ref, amount, residual = row
    return OpenItemView(line_id, entry_id, reference, account, partner_id, _day(date), _day(due_date),
                        document_ref, amount, residual)


def _day(value) -> dt.date | None:
    """Dates read through .tuples() skip the field conversion: ISO text -> date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def open_items(*, partner_id: int | None = None, account: str | None = None,
               kinds: Sequence[str] | None = None, due_before: dt.date | None = None) -> list[OpenItemView]:
    """What is still open today, oldest due date first (reads the maintained open_item table)."""
    query = _view_query().where(OpenItem.residual_cents != 0)
    if partner_id is not None:
        query = query.where(OpenItem.partner == partner_id)
    if account is not None:
        query = query.where(Account.code == account)
    if kinds:
        query = query.where(Account.kind.in_(list(kinds)))
    if due_before is not None:
        query = query.where(fn.COALESCE(OpenItem.due_date, OpenItem.date) < due_before.isoformat())
    query = query.order_by(fn.COALESCE(OpenItem.due_date, OpenItem.date), OpenItem.line)
    return [_view(r) for r in _raw_rows(query)]


def _raw_rows(query):
    """The rows of ``query`` as SQLite gives them: peewee's per-value conversion of .tuples() costs more
    than the query itself on thousands of items (``_view`` converts the dates)."""
    return current_database().execute(query)


def open_items_at(day: dt.date, *, partner_id: int | None = None, account: str | None = None,
                  kinds: Sequence[str] | None = None) -> list[OpenItemView]:
    """What was open at the end of ``day``: lines dated up to then, less the matches effective by then.

    A match takes effect on the later of its two lines' dates, so a payment of
    5 January matched in March shows the invoice settled at 31 January. Undone
    matches never count.

    Read from the maintained residuals, not rebuilt from every line: an item open
    at ``day`` is either still open today or settled by a match effective after
    ``day``, and its residual then is today's plus what the matches effective
    after ``day`` took off it. The cost follows the items open today and the
    matches since ``day`` (index ``reconciliation_active_by_date``), not the size
    of the books.
    """
    rows = open_rows_at(day, partner_id=partner_id, account=account, kinds=kinds)
    rows.sort(key=_due_order)
    return [_view(row) for row in rows]


def _due_order(row: tuple):
    """Oldest due date (else date) first, then line: ISO text sorts as the dates do."""
    return row[6] or row[5], row[0]


def open_rows_at(day: dt.date, *, partner_id: int | None = None, account: str | None = None,
                 kinds: Sequence[str] | None = None) -> list[tuple]:
    """The items of :func:`open_items_at` as raw rows, in no particular order, for reports that build
    their own values from thousands of them: (line_id, entry_id, reference, account code, partner_id,
    date, due_date, document_ref, amount_cents, residual_cents at ``day``), dates as SQLite stores them
    (ISO text, or None for a missing due date)."""
    narrowing, by_account = [], []
    if partner_id is not None:
        narrowing.append(OpenItem.partner == partner_id)
    if account is not None:
        by_account.append(Account.code == account)
    if kinds:
        by_account.append(Account.kind.in_(list(kinds)))

    def matched_after(*columns):
        """The active matches effective after ``day`` on the items asked for (both lines of a match share
        their account and partner: the debit line's item tells). SQLite reads them by date first."""
        query = Reconciliation.select(*columns).where(Reconciliation.undone_at.is_null()
                                                      & (Reconciliation.date > day))
        if narrowing or by_account:
            query = query.join(OpenItem, on=(Reconciliation.debit_line == OpenItem.line)).where(*narrowing)
        if by_account:
            query = query.join(Account, on=(OpenItem.account == Account.id)).where(*by_account)
        return query

    given_back: dict[int, int] = collections.defaultdict(int)  # line -> signed amount matched after day
    for debit_line, credit_line, amount in _raw_rows(matched_after(
            Reconciliation.debit_line, Reconciliation.credit_line, Reconciliation.amount_cents)):
        given_back[debit_line] += amount
        given_back[credit_line] -= amount
    condition = OpenItem.date <= day
    for narrow in narrowing:
        condition &= narrow
    if by_account:
        # the accounts by a subquery, not a condition on the joined account: SQLite then reads the open items
        # account by account from their partial index (and their lines in about line order)
        condition &= OpenItem.account.in_(Account.select(Account.id).where(*by_account))
    queries = [_view_query().where(condition & (OpenItem.residual_cents != 0))]
    settled_since = sorted(line for line, amount in given_back.items() if amount)
    if settled_since:
        # the lines just read, bound as one JSON array (no limit on their number): SQLite looks them up in
        # line order, instead of reading the matches a second time
        queries.append(_view_query().where(condition & (OpenItem.residual_cents == 0) & OpenItem.line.in_(
            SQL("(SELECT value FROM json_each(?))", [json.dumps(settled_since)]))))
    rows = []
    for query in queries:
        for row in _raw_rows(query):
            back = given_back.get(row[0], 0)
            if not back:
                if row[9]:
                    rows.append(row)
            elif row[9] + back:
                rows.append(row[:9] + (row[9] + back,))
    return rows


def _open_lines(line_ids: Iterable[int]) -> list[matching.OpenLine]:
    wanted = sorted(set(line_ids))
    rows = {r.line_id: r for r in OpenItem.select(OpenItem, Account.code).join(Account)
            .where(OpenItem.line.in_(wanted))}
    for line_id in wanted:
        if line_id not in rows:
            found = EntryLine.select(EntryLine, Entry, Account).join(Entry).switch(EntryLine).join(Account) \
                .where(EntryLine.id == line_id).first()
            if found is None:
                raise LineNotFound(line_id=line_id)
            raise LineNotReconcilable(entry=found.entry.reference, account=found.account.code)
    return [matching.OpenLine(r.line_id, r.account.code, r.partner_id, r.date, r.due_date, r.residual_cents,
                              r.document_ref) for r in rows.values()]


def reconcile(line_ids: Sequence[int]) -> MatchResult:
    """Match the chosen lines (one account, one partner) fully or partially; see matching.allocate."""
    with write():
        lines = _open_lines(line_ids)
        allocations = matching.allocate(lines)
        group_id = _record(allocations)
        audit.record("create", "reconciliation", group_id,
                     after={"lines": sorted(line_ids),
                            "matches": [[a.debit_line_id, a.credit_line_id, a.amount_cents]
                                        for a in allocations]})
    return MatchResult(group_id, tuple(allocations), matching.residuals_after(lines, allocations))


def _record(allocations: Sequence[matching.Allocation]) -> int:
    """Store matches as one group and update the residuals; inside write()."""
    group_id = (Reconciliation.select(fn.MAX(Reconciliation.group_id)).scalar() or 0) + 1
    involved = {a.debit_line_id for a in allocations} | {a.credit_line_id for a in allocations}
    dates = dict(OpenItem.select(OpenItem.line, OpenItem.date)
                 .where(OpenItem.line.in_(sorted(involved))).tuples())
    actor, now = audit.current_actor(), audit.now_iso()
    Reconciliation.insert_many([
        {"group_id": group_id, "debit_line": a.debit_line_id, "credit_line": a.credit_line_id,
         "amount_cents": a.amount_cents, "date": max(dates[a.debit_line_id], dates[a.credit_line_id]),
         "matched_at": now, "matched_by": actor} for a in allocations]).execute()
    deltas = collections.defaultdict(int)
    for a in allocations:
        deltas[a.debit_line_id] -= a.amount_cents
        deltas[a.credit_line_id] += a.amount_cents
    _shift_residuals(deltas)
    return group_id


def _shift_residuals(deltas: dict[int, int]) -> None:
    for line_id, delta in deltas.items():
        if delta:
            (OpenItem.update(residual_cents=OpenItem.residual_cents + delta)
             .where(OpenItem.line == line_id).execute())


def unreconcile(group_id: int, *, reason: str = "") -> int:
    """Undo a group of matches (the lines become open again); returns how many matches were undone."""
    with write():
        matches = list(Reconciliation.select().where((Reconciliation.group_id == group_id)
                                                     & Reconciliation.undone_at.is_null()))
        if not matches:
            raise MatchNotFound(match_id=group_id)
        actor, now = audit.current_actor(), audit.now_iso()
        (Reconciliation.update(undone_at=now, undone_by=actor)
         .where((Reconciliation.group_id == group_id) & Reconciliation.undone_at.is_null()).execute())
        deltas = collections.defaultdict(int)
        for m in matches:
            deltas[m.debit_line_id] += m.amount_cents
            deltas[m.credit_line_id] -= m.amount_cents
        _shift_residuals(deltas)
        audit.record("cancel", "reconciliation", group_id,
                     before={"matches": [[m.debit_line_id, m.credit_line_id, m.amount_cents]
                                         for m in matches]},
                     after={"reason": reason})
    return len(matches)


def matches_of_line(line_id: int, *, include_undone: bool = False) -> list[Reconciliation]:
    query = Reconciliation.select().where((Reconciliation.debit_line == line_id)
                                          | (Reconciliation.credit_line == line_id))
    if not include_undone:
        query = query.where(Reconciliation.undone_at.is_null())
    return list(query.order_by(Reconciliation.id))


@dataclass(frozen=True)
class MatchGroupView:
    """A group of active matches as the reconciliation screen lists it (to undo it)."""

    group_id: int
    date: dt.date
    matched_at: str
    matched_by: str
    amount_cents: int  # the total matched by the group
    line_ids: tuple[int, ...]
    references: tuple[str, ...]  # the entries whose lines it matched, in line order


def match_groups(*, account: str | None = None, partner_id: int | None = None,
                 limit: int = 50) -> list[MatchGroupView]:
    """The latest groups of active matches on an account (and partner), newest first."""
    query = (Reconciliation.select(Reconciliation.group_id, Reconciliation.debit_line, Reconciliation.credit_line,
                                   Reconciliation.amount_cents, Reconciliation.date, Reconciliation.matched_at,
                                   Reconciliation.matched_by)
             .join(EntryLine, on=(Reconciliation.debit_line == EntryLine.id)).join(Account)
             .where(Reconciliation.undone_at.is_null()))
    if account is not None:
        query = query.where(Account.code == account)
    if partner_id is not None:
        query = query.where(EntryLine.partner == partner_id)
    groups: dict[int, list] = {}
    for row in query.order_by(Reconciliation.group_id.desc(), Reconciliation.id).tuples():
        if row[0] not in groups and len(groups) >= limit:
            break
        groups.setdefault(row[0], []).append(row)
    line_ids = sorted({x for rows in groups.values() for r in rows for x in (r[1], r[2])})
    references = dict(EntryLine.select(EntryLine.id, Entry.reference).join(Entry)
                      .where(EntryLine.id.in_(line_ids)).tuples()) if line_ids else {}
    views = []
    for group_id, rows in groups.items():
        ids = tuple(sorted({x for r in rows for x in (r[1], r[2])}))
        views.append(MatchGroupView(group_id, _day(rows[0][4]), rows[0][5], rows[0][6],
                                    sum(r[3] for r in rows), ids,
                                    tuple(dict.fromkeys(references[i] for i in ids))))
    return views


def suggestions(*, partner_id: int | None = None, account: str | None = None) -> list[matching.Suggestion]:
    """Matches worth proposing among today's open items (by reference, amount, or a sum of invoices)."""
    items = open_items(partner_id=partner_id, account=account)
    return matching.suggest([matching.OpenLine(i.line_id, i.account, i.partner_id, i.date, i.due_date,
                                               i.residual_cents, i.document_ref) for i in items])


def match_reversal(original_lines: Sequence[EntryLine], reversal_entry_id: int) -> int | None:
    """Match each still-open line of a reversed entry with its mirror line; inside write()."""
    residuals = dict(OpenItem.select(OpenItem.line, OpenItem.residual_cents)
                     .where(OpenItem.line.in_([x.id for x in original_lines])).tuples())
    mirror = dict(EntryLine.select(EntryLine.line_no, EntryLine.id)
                  .where(EntryLine.entry == reversal_entry_id).tuples())
    allocations = []
    for x in original_lines:
        left = residuals.get(x.id, 0)
        if left > 0:
            allocations.append(matching.Allocation(x.id, mirror[x.line_no], left))
        elif left < 0:
            allocations.append(matching.Allocation(mirror[x.line_no], x.id, -left))
    return _record(allocations) if allocations else None
