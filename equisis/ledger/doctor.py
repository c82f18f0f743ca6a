"""``equisis doctor`` checks of the books: each recomputes from the posted lines what the ledger maintains.

* every entry balanced, with the number of lines and the total it declares;
* the summaries (account × period, partner × account × period, VAT grid ×
  period) equal the sums of the lines;
* numbers gapless per journal and fiscal year (1..n, and the sequence at n+1);
* the hash chain intact: the first entry whose content or link does not
  match is named;
* reconciliations consistent: every open item equals its line's amount less
  its active matches, and exists exactly for the lines that open one.
"""
from __future__ import annotations

import collections
import itertools

from peewee import fn

from equisis.ledger import rules
from equisis.ledger.models import (Account, AccountBalance, Entry, EntryLine, FiscalYear, GridBalance,
                                   Journal, OpenItem, PartnerBalance, Reconciliation)
from equisis.store.doctor import Problem
from equisis.store.numbering import peek_next_number


def checks(store) -> list[tuple[str, object]]:
    return [
        ("ledger: entries balanced", check_entries_balanced),
        ("ledger: balances equal the lines", check_summaries),
        ("ledger: numbering gapless", check_numbering),
        ("ledger: hash chain", check_hash_chain),
        ("ledger: reconciliations", check_open_items),
    ]


def check_entries_balanced() -> list[Problem]:
    sums = {entry_id: (debit, credit, count) for entry_id, debit, credit, count in
            EntryLine.select(EntryLine.entry, fn.SUM(EntryLine.debit_cents), fn.SUM(EntryLine.credit_cents),
                             fn.COUNT(EntryLine.id)).group_by(EntryLine.entry).tuples()}
    problems = []
    for entry_id, reference, line_count, debit_total in Entry.select(
            Entry.id, Entry.reference, Entry.line_count, Entry.debit_total_cents).order_by(Entry.id).tuples():
        debit, credit, count = sums.get(entry_id, (0, 0, 0))
        if debit != credit:
            problems.append(Problem("entry", f"{reference}: debits {debit} ≠ credits {credit} (cents)"))
        if count != line_count or debit != debit_total:
            problems.append(Problem("entry", f"{reference}: {count} lines for {debit} cents, declared "
                                             f"{line_count} lines for {debit_total} cents"))
    return problems


def _compare(what: str, stored: dict, computed: dict) -> list[Problem]:
    problems = []
    for key in sorted(set(stored) | set(computed), key=str):
        have, want = stored.get(key, (0, 0)), computed.get(key, (0, 0))
        if tuple(have) != tuple(want):
            problems.append(Problem(what, f"{key}: stored debit/credit {have[0]}/{have[1]}, "
                                          f"lines give {want[0]}/{want[1]} (cents)"))
    return problems


def check_summaries() -> list[Problem]:
    codes = dict(Account.select(Account.id, Account.code).tuples())
    by_account, by_partner, by_grid = {}, {}, collections.defaultdict(lambda: [0, 0])
    query = (EntryLine.select(EntryLine.account, EntryLine.period, fn.SUM(EntryLine.debit_cents),
                              fn.SUM(EntryLine.credit_cents)).group_by(EntryLine.account, EntryLine.period))
    for account, period, debit, credit in query.tuples():
        by_account[(codes[account], period)] = (debit, credit)
    query = (EntryLine.select(EntryLine.partner, EntryLine.account, EntryLine.period,
                              fn.SUM(EntryLine.debit_cents), fn.SUM(EntryLine.credit_cents))
             .where(EntryLine.partner.is_null(False))
             .group_by(EntryLine.partner, EntryLine.account, EntryLine.period))
    for partner, account, period, debit, credit in query.tuples():
        by_partner[(partner, codes[account], period)] = (debit, credit)
    for grids, period, debit, credit in (EntryLine.select(EntryLine.vat_grids, EntryLine.period,
                                                          EntryLine.debit_cents, EntryLine.credit_cents)
                                         .where(EntryLine.vat_grids != "").tuples()):
        for grid in grids.split():
            by_grid[(grid, period)][0] += debit
            by_grid[(grid, period)][1] += credit
    stored_account = {(codes[a], p): (d, c) for a, p, d, c in AccountBalance.select(
        AccountBalance.account, AccountBalance.period, AccountBalance.debit_cents,
        AccountBalance.credit_cents).tuples() if d or c}
    stored_partner = {(q, codes[a], p): (d, c) for q, a, p, d, c in PartnerBalance.select(
        PartnerBalance.partner, PartnerBalance.account, PartnerBalance.period, PartnerBalance.debit_cents,
        PartnerBalance.credit_cents).tuples() if d or c}
    stored_grid = {(g, p): (d, c) for g, p, d, c in GridBalance.select(
        GridBalance.grid, GridBalance.period, GridBalance.debit_cents,
        GridBalance.credit_cents).tuples() if d or c}
    return (_compare("account × period", stored_account, by_account)
            + _compare("partner × account × period", stored_partner, by_partner)
            + _compare("VAT grid × period", stored_grid, {k: tuple(v) for k, v in by_grid.items()}))


def check_numbering() -> list[Problem]:
    numbers = collections.defaultdict(list)
    query = (Entry.select(Journal.code, FiscalYear.code, Entry.number)
             .join(Journal).switch(Entry).join(FiscalYear).tuples())
    for journal, year, number in query:
        numbers[(journal, year)].append(number)
    problems = []
    for (journal, year), taken in sorted(numbers.items()):
        taken.sort()
        expected = list(range(1, len(taken) + 1))
        if taken != expected:
            missing = sorted(set(range(1, max(taken) + 1)) - set(taken))
            doubled = [n for n, c in collections.Counter(taken).items() if c > 1]
            problems.append(Problem("numbering",
                                    f"{journal}/{year}: missing {missing[:10]}, doubled {doubled[:10]}"))
        following = peek_next_number(journal, year)
        if following != len(taken) + 1:
            problems.append(Problem("numbering", f"{journal}/{year}: {len(taken)} entries but the next "
                                                 f"number is {following}"))
    return problems


def _sealed_entries():
    """(SealedEntry, stored prev_hash, stored hash) in posting order; entries and lines streamed together."""
    entries = (Entry.select(Entry, Journal.code, FiscalYear.code.alias("fy_code")).join(Journal).switch(Entry)
               .join(FiscalYear).order_by(Entry.id).objects().iterator())
    lines = (EntryLine.select(EntryLine, Account.code.alias("account_code")).join(Account)
             .order_by(EntryLine.entry, EntryLine.line_no).objects().iterator())
    grouped = itertools.groupby(lines, key=lambda x: x.entry_id)
    pending = next(grouped, None)
    for entry in entries:
        own = []
        while pending is not None and pending[0] < entry.id:
            pending = next(grouped, None)  # lines of a vanished entry row: the link check reports that
        if pending is not None and pending[0] == entry.id:
            own = list(pending[1])
            pending = next(grouped, None)
        sealed_lines = tuple(rules.SealedLine(x.line_no, x.account_code, x.debit_cents, x.credit_cents,
                                              x.partner_id, x.description, x.due_date, x.document_ref,
                                              x.vat_grids, bool(x.opens_item)) for x in own)
        yield (rules.SealedEntry(entry.id, entry.reference, entry.code, entry.fy_code, entry.number,
                                 entry.date, entry.description, entry.kind, entry.reversal_of_id,
                                 entry.source_type, entry.source_id, entry.posted_at, entry.posted_by,
                                 sealed_lines),
               entry.prev_hash, entry.hash)


def check_hash_chain() -> list[Problem]:
    broken = rules.first_chain_break(_sealed_entries())
    if broken is None:
        return []
    sealed, reason = broken
    detail = ("altered after posting (its content no longer matches its hash)" if reason == "content"
              else "does not follow the entry before it (an entry was removed or inserted)")
    return [Problem("hash chain", f"first broken entry {sealed.reference} (id {sealed.id}): {detail}")]


def check_open_items() -> list[Problem]:
    matched = collections.defaultdict(int)
    for debit_line, credit_line, amount in (Reconciliation.select(Reconciliation.debit_line,
                                                                   Reconciliation.credit_line,
                                                                   Reconciliation.amount_cents)
                                            .where(Reconciliation.undone_at.is_null()).tuples()):
        matched[debit_line] -= amount
        matched[credit_line] += amount
    items = {line: (amount, residual) for line, amount, residual in
             OpenItem.select(OpenItem.line, OpenItem.amount_cents, OpenItem.residual_cents).tuples()}
    problems = []
    query = (EntryLine.select(EntryLine.id, Entry.reference, EntryLine.line_no, EntryLine.debit_cents,
                              EntryLine.credit_cents).join(Entry)
             .where(EntryLine.opens_item == True).order_by(EntryLine.id).tuples())  # noqa: E712
    for line_id, reference, line_no, debit, credit in query:
        amount = debit - credit
        expected = amount + matched.pop(line_id, 0)
        if line_id not in items:
            problems.append(Problem("open items", f"{reference} line {line_no}: no open item"))
            continue
        stored_amount, residual = items.pop(line_id)
        if stored_amount != amount or residual != expected:
            problems.append(Problem("open items", f"{reference} line {line_no}: residual {residual}, "
                                                  f"amount {stored_amount}; the line and its matches give "
                                                  f"{expected} of {amount} (cents)"))
        elif (amount > 0 and not 0 <= residual <= amount) or (amount < 0 and not amount <= residual <= 0):
            problems.append(Problem("open items", f"{reference} line {line_no}: matched beyond its amount"))
    for line_id in sorted(items):
        problems.append(Problem("open items", f"line {line_id} has an open item but opens none"))
    for line_id in sorted(matched):
        problems.append(Problem("open items", f"line {line_id} is matched but is no open item"))
    return problems
