"""Build the accounting reports for any date range, optionally beside the same range a year earlier.

Each function reads the books with a fixed number of queries, whatever their size
(no query per account, partner or entry), and returns a value of
:mod:`equisis.reports.values`; :mod:`equisis.reports.layout` turns it into a sheet
that the screen, the PDF and the spreadsheet writers all show.

Where each report reads from (see :mod:`equisis.reports.balances` for ranges that
do not start or end on a period boundary):

======================  ==========================================================
trial balance           ``account_balance`` (whole periods), lines of edge periods
customers'/suppliers'   ``partner_balance`` the same way
balances
general ledger          lines of the chosen accounts by the (account, date) index;
                        the opening balance as the trial balance's
partner ledgers         lines by the (partner, account, date) / (account, date) index
journals                entries by journal and date, their lines by entry
aged balances           ``open_item`` residuals, corrected by the matches dated
                        after the report date (ledger's ``open_items_at``)
NBB schemas             the trial balance's sums, evaluated by the rubric table
======================  ==========================================================
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import JOIN, Case, fn

from equisis.documents.models import ArchivedDocument
from equisis.ledger import service as ledger
from equisis.ledger.models import Account, Entry, EntryLine, Journal, Period
from equisis.ledger.reconciliation import open_rows_at
from equisis.parties.models import Party
from equisis.reports import balances, nbb, rules, values
from equisis.reports.errors import InvalidRange, UnknownAccount, UnknownJournal, UnknownReportKind
from equisis.store.database import current_database

#: The partner reports: customers read receivable accounts (40), suppliers payable ones (44).
PARTNER_KINDS = {"customers": "receivable", "suppliers": "payable"}
#: Internal accounts: transfers between the company's own bank and cash accounts (58) and suspense
#: accounts (499). Both must come back to zero; the report shows what has not.
INTERNAL_PREFIXES = ("58", "499")
#: Values bound in one IN (…): SQLite takes up to 32 766; beyond, a query reads the wider set instead.
MAX_BOUND = 30000


def check_range(start: dt.date, end: dt.date) -> rules.DateRange:
    if end < start:
        raise InvalidRange(start=start.isoformat(), end=end.isoformat(), field="to")
    return rules.DateRange(start, end)


def default_range(today: dt.date) -> rules.DateRange:
    """The fiscal year of ``today``: what a report shows before anyone picks dates."""
    return balances.Calendar.load().default_range(today)


def _names(chart: dict[str, balances.ChartEntry]) -> dict[str, str]:
    return {code: entry.name for code, entry in chart.items()}


def _partner_kind(kind: str) -> str:
    if kind not in PARTNER_KINDS:
        raise UnknownReportKind(kind=kind)
    return PARTNER_KINDS[kind]


# --------------------------------------------------------------------------- trial balance

def trial_balance(start: dt.date, end: dt.date, *, compare: bool = False, language: str = "fr",
                  prefixes: tuple[str, ...] | None = None) -> values.TrialBalance:
    """Opening, debit, credit and closing of every account with an amount, totals per class.

    ``compare`` adds the closing balances of the same range a year earlier;
    ``prefixes`` keeps only the accounts whose code starts with one of them.
    """
    period = check_range(start, end)
    calendar = balances.Calendar.load()
    columns = balances.balance_columns(calendar, period.start, period.end)
    previous_range, previous, previous_unallocated = None, None, 0
    if compare:
        previous_range = period.previous_year()
        before = balances.balance_columns(calendar, previous_range.start, previous_range.end)
        previous, previous_unallocated = before.closing(), before.unallocated_cents
    names = _names(balances.chart_index(language))
    lines = rules.balance_lines(columns.opening, columns.movements, names, previous)
    unallocated = columns.unallocated_cents
    if prefixes is not None:
        lines = [x for x in lines if x.key.startswith(tuple(prefixes))]
        unallocated = previous_unallocated = 0
    groups = rules.class_totals(lines, compare)
    total = rules.total_of(lines, "Total", "", compare)
    total = rules.BalanceTotal("Total", "", total.opening_cents + unallocated, total.debit_cents,
                               total.credit_cents, total.closing_cents + unallocated,
                               (total.previous_cents + previous_unallocated) if compare else None)
    return values.TrialBalance(period, previous_range, tuple((c, tuple(m), t) for c, m, t in groups), total,
                              unallocated, previous_unallocated)


# --------------------------------------------------------------------------- ledgers

def _line_query(period: rules.DateRange, *, journals: list[int] | None = None):
    """Lines dated in the range with their entry, journal, account and partner.

    Without ``journals`` the opening journals are left out (their entries are
    opening balances); with it, every entry of those journals counts.
    """
    if journals is None:
        condition = ((EntryLine.date >= period.start.isoformat()) & (EntryLine.date <= period.end.isoformat())
                     & (Journal.kind != balances.OPENING_KIND))
    else:
        condition = ((Entry.date >= period.start.isoformat()) & (Entry.date <= period.end.isoformat())
                     & Entry.journal.in_(journals))
    return (EntryLine.select(EntryLine.id, EntryLine.entry, EntryLine.date, Journal.code, Entry.reference,
                             Entry.description, EntryLine.description, Account.code, EntryLine.partner,
                             Party.name, EntryLine.document_ref, EntryLine.due_date, EntryLine.debit_cents,
                             EntryLine.credit_cents, Entry.source_type, Entry.source_id)
            .join(Entry, on=(EntryLine.entry == Entry.id))
            .join(Journal, on=(Entry.journal == Journal.id))
            .switch(EntryLine).join(Account, on=(EntryLine.account == Account.id))
            .switch(EntryLine).join(Party, JOIN.LEFT_OUTER, on=(EntryLine.partner == Party.id))
            .where(condition))


def _row(raw: tuple) -> dict:
    (line_id, entry_id, day, journal, reference, entry_text, line_text, account, partner_id, partner_name,
     document_ref, due_date, debit, credit, source_type, source_id) = raw
    return {"line_id": line_id, "entry_id": entry_id, "date": _day(day), "journal": journal,
            "reference": reference, "description": line_text or entry_text or "", "account": account,
            "partner_id": partner_id, "partner_name": partner_name or "", "document_ref": document_ref or "",
            "due_date": _day(due_date) if due_date else None, "debit_cents": debit, "credit_cents": credit,
            "source_type": source_type, "source_id": source_id}


def _rows_of(query):
    """The rows as SQLite gives them (``_row`` converts the dates): peewee's per-value conversion costs more
    than the query itself on a ledger of many thousand lines."""
    return current_database().execute(query)


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def source_documents(rows) -> dict[int, int]:
    """{entry id: id of the archived document of its source} for ledger rows (one query)."""
    sources = {(r["source_type"], str(r["source_id"])): r["entry_id"] for r in rows if r["source_type"]}
    if not sources:
        return {}
    ids = sorted({i for _, i in sources})
    query = (ArchivedDocument.select(ArchivedDocument.id, ArchivedDocument.object_type,
                                     ArchivedDocument.object_id)
             .where(ArchivedDocument.object_type.in_(sorted({t for t, _ in sources})))
             .order_by(ArchivedDocument.id))
    if len(ids) <= MAX_BOUND:
        query = query.where(ArchivedDocument.object_id.in_(ids))
    found: dict[int, int] = {}
    for doc_id, object_type, object_id in query.tuples():
        entry_id = sources.get((object_type, object_id))
        if entry_id is not None:
            found.setdefault(entry_id, doc_id)  # the first document archived for the source
    return found


def general_ledger(start: dt.date, end: dt.date, *, accounts: list[str] | None = None,
                   prefixes: tuple[str, ...] | None = None, language: str = "fr") -> values.GeneralLedger:
    """The grand-livre: per account, its opening balance, each line with the running balance, its closing.

    ``accounts`` (codes) chooses accounts; unset, every account with an amount in
    the range is shown (``prefixes`` narrows them).
    """
    period = check_range(start, end)
    calendar = balances.Calendar.load()
    all_accounts = balances.chart_index(language)
    if accounts:
        unknown = [code for code in accounts if code not in all_accounts]
        if unknown:
            raise UnknownAccount(account=unknown[0], field="account")
    columns = balances.balance_columns(calendar, period.start, period.end)
    if accounts:
        ids = [all_accounts[c].id for c in accounts]
    else:  # naming the accounts lets SQLite read each one's range from the (account, date) index
        ids = [a.id for code, a in all_accounts.items() if not prefixes or code.startswith(tuple(prefixes))]
    by_account = _account_lines(period, ids, {a.id: code for code, a in all_accounts.items()})
    codes = set(accounts or ()) or {c for c in set(columns.opening) | set(by_account)
                                    if columns.opening.get(c) or c in by_account}
    if prefixes and not accounts:
        codes = {c for c in codes if c.startswith(tuple(prefixes))}
    sections = tuple(_running_section(code, all_accounts[code].name, columns.opening.get(code, 0),
                                      by_account.get(code, ()))
                     for code in sorted(codes))
    rows = [row for code in sorted(by_account) for row in by_account[code]]
    return values.GeneralLedger(period, sections, source_documents(rows))


#: A line's description, else its entry's (as ``_row``: ``line_text or entry_text or ""``), in one column.
_described = Case(None, [(EntryLine.description != "", EntryLine.description)], fn.COALESCE(Entry.description, ""))


def _account_lines(period: rules.DateRange, account_ids: list[int], codes: dict[int, str]) -> dict[str, list]:
    """{account code: its lines dated in the range as ``_running_section`` rows, by date, entry and line}
    (opening-journal entries left out), in three queries whatever their number.

    The lines are read in the order of the (account, date) index, with their entry only: the journals'
    codes and the partners' names are looked up in Python (the partners present, in one query), and each
    date is converted once. Within a date the index gives the lines by id, which is their entry's and line
    number's order as the posting engine writes them; a range where it is not is sorted in Python.
    """
    journals = dict(current_database().execute(Journal.select(Journal.id, Journal.code)))
    query = (EntryLine.select(EntryLine.id, EntryLine.entry, EntryLine.line_no, EntryLine.date, Entry.journal,
                              Entry.reference, _described, EntryLine.account,
                              EntryLine.partner, EntryLine.document_ref, EntryLine.due_date,
                              EntryLine.debit_cents, EntryLine.credit_cents, Entry.source_type, Entry.source_id)
             .join(Entry, on=(EntryLine.entry == Entry.id))
             .where(EntryLine.account.in_(account_ids)
                    & (EntryLine.date >= period.start.isoformat()) & (EntryLine.date <= period.end.isoformat())
                    & Entry.journal.not_in(Journal.select(Journal.id).where(Journal.kind == balances.OPENING_KIND)))
             .order_by(EntryLine.account, EntryLine.date, EntryLine.id))
    found = list(_rows_of(query))
    if not _in_line_order(found):
        found.sort(key=lambda r: (r[7], r[3], r[1], r[2]))   # account, date, entry, line number
    names = _party_names({row[8] for row in found})
    days: dict = {}
    by_account: dict[str, list] = {}
    rows, last_account = [], None
    for (line_id, entry_id, _line_no, day, journal_id, reference, description, account_id, partner_id,
         document_ref, due_date, debit, credit, source_type, source_id) in found:
        if account_id != last_account:
            last_account, rows = account_id, by_account.setdefault(codes[account_id], [])
        rows.append({"line_id": line_id, "entry_id": entry_id,
                     "date": days.get(day) or days.setdefault(day, _day(day)),
                     "journal": journals[journal_id], "reference": reference,
                     "description": description, "account": codes[account_id],
                     "partner_id": partner_id, "partner_name": names.get(partner_id, "") if partner_id else "",
                     "document_ref": document_ref or "",
                     "due_date": (days.get(due_date) or days.setdefault(due_date, _day(due_date)))
                     if due_date else None,
                     "debit_cents": debit, "credit_cents": credit, "source_type": source_type,
                     "source_id": source_id})
    return by_account


def _in_line_order(found: list[tuple]) -> bool:
    """Whether rows by (account, date, id) are also by (account, date, entry, line number)."""
    last_account = last_day = last_entry = last_no = None
    for row in found:
        account_id, day, entry_id, line_no = row[7], row[3], row[1], row[2]
        if account_id == last_account and day == last_day and (
                entry_id < last_entry or (entry_id == last_entry and line_no < last_no)):
            return False
        last_account, last_day, last_entry, last_no = account_id, day, entry_id, line_no
    return True


def partner_ledger(kind: str, start: dt.date, end: dt.date, *,
                   partner_id: int | None = None) -> values.PartnerLedger:
    """Per customer (or supplier): opening balance, each line on its 40 (44) accounts, running balance."""
    account_kind = _partner_kind(kind)
    period = check_range(start, end)
    calendar = balances.Calendar.load()
    kind_accounts = {a.code: a for a in Account.select().where(Account.kind == account_kind)}
    columns = balances.balance_columns(calendar, period.start, period.end, by_partner=True)
    opening: dict[int, int] = {}
    for (code, pid), amount in columns.opening.items():
        if code in kind_accounts and (partner_id is None or pid == partner_id):
            opening[pid] = opening.get(pid, 0) + amount
    query = _line_query(period).where(EntryLine.account.in_([a.id for a in kind_accounts.values()]))
    query = query.where(EntryLine.partner == partner_id) if partner_id is not None else \
        query.where(EntryLine.partner.is_null(False))
    query = query.order_by(EntryLine.partner, EntryLine.date, EntryLine.entry, EntryLine.line_no)
    by_partner: dict[int, list[dict]] = {}
    for raw in _rows_of(query):
        row = _row(raw)
        by_partner.setdefault(row["partner_id"], []).append(row)
    ids = {pid for pid, amount in opening.items() if amount} | set(by_partner)
    if partner_id is not None:
        ids.add(partner_id)
    names = _party_names(ids)
    sections = sorted(
        (_running_section(str(pid), names.get(pid, ""), opening.get(pid, 0), by_partner.get(pid, ()))
         for pid in ids), key=lambda s: (s.name.casefold(), int(s.key)))
    rows = [row for rows_ in by_partner.values() for row in rows_]
    return values.PartnerLedger(kind, period, tuple(sections), source_documents(rows))


def _running_section(key: str, name: str, opening_cents: int, rows) -> rules.LedgerSection:
    """:func:`rules.running_section` (the same section, line for line) for rows built here: each row, a
    dict of every field of a line but the balance, gets its balance and becomes the line's ``__dict__``
    (:func:`_instance_maker`), so 30,000 lines take about 15 ms instead of 120."""
    balance, lines, debit, credit = opening_cents, [], 0, 0
    for row in rows:
        balance += row["debit_cents"] - row["credit_cents"]
        debit += row["debit_cents"]
        credit += row["credit_cents"]
        row["balance_cents"] = balance   # the rows are this module's own, built for their section
        lines.append(_ledger_line(row))
    return rules.LedgerSection(key, name, opening_cents, tuple(lines), debit, credit, balance)


def _instance_maker(cls):
    """A constructor of ``cls`` from a dict holding every one of its fields.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``
    (about 4 µs for a ledger line of 16 fields: 120 ms for 30,000 lines); the
    instance here gets the dict as its ``__dict__`` instead, which is what that
    ``__init__`` leaves behind. Only for a plain dataclass (no ``__slots__``, no
    ``__post_init__``); any other class is called as usual.
    """
    if not dataclasses.is_dataclass(cls) or "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        return lambda fields: cls(**fields)
    new, assign = object.__new__, object.__setattr__

    def make(fields: dict):
        instance = new(cls)
        assign(instance, "__dict__", fields)
        return instance
    return make


_ledger_line = _instance_maker(rules.LedgerLine)


def _party_names(ids) -> dict[int, str]:
    """{party id: name} in one query."""
    ids = sorted({int(i) for i in ids if i is not None})
    if not ids:
        return {}
    query = Party.select(Party.id, Party.name)
    if len(ids) <= MAX_BOUND:
        query = query.where(Party.id.in_(ids))
    return dict(query.tuples())


# --------------------------------------------------------------------------- journals

def journal_report(start: dt.date, end: dt.date, *, journal: str | None = None) -> values.JournalReport:
    """Per journal: its entries in the range with their lines, totals, and the totals per period."""
    period = check_range(start, end)
    journals = {j.code: j for j in Journal.select().order_by(Journal.code)}
    if journal and journal not in journals:
        raise UnknownJournal(journal=journal, field="journal")
    chosen = [journals[journal]] if journal else list(journals.values())
    ids = [j.id for j in chosen]
    line_query = _line_query(period, journals=ids).order_by(Journal.code, Entry.date, Entry.number,
                                                            EntryLine.line_no)
    by_journal: dict[str, dict[int, list[dict]]] = {}
    entry_texts: dict[int, str] = {}
    for raw in _rows_of(line_query):
        row = _row(raw)
        by_journal.setdefault(row["journal"], {}).setdefault(row["entry_id"], []).append(row)
        entry_texts.setdefault(row["entry_id"], raw[5] or "")
    per_period = (Entry.select(Journal.code, Period.code, fn.SUM(Entry.debit_total_cents))
                  .join(Journal, on=(Entry.journal == Journal.id))
                  .switch(Entry).join(Period, on=(Entry.period == Period.id))
                  .where((Entry.date >= period.start.isoformat()) & (Entry.date <= period.end.isoformat())
                         & Entry.journal.in_(ids))
                  .group_by(Journal.code, Period.code).order_by(Journal.code, Period.code))
    periods: dict[str, list[tuple[str, int]]] = {}
    for code, period_code, total in per_period.tuples():
        periods.setdefault(code, []).append((period_code, total))
    sections = []
    for j in chosen:
        entries = []
        for entry_id, rows in by_journal.get(j.code, {}).items():
            section = _running_section(str(entry_id), "", 0, rows)
            entries.append(values.JournalEntry(entry_id, rows[0]["reference"], rows[0]["date"],
                                              entry_texts[entry_id], section.lines, section.debit_cents,
                                              section.credit_cents))
        if entries or journal:
            sections.append(values.JournalSection(
                j.code, j.name, tuple(entries), sum(e.debit_cents for e in entries),
                sum(e.credit_cents for e in entries), tuple(periods.get(j.code, ()))))
    rows = [row for entries in by_journal.values() for rows_ in entries.values() for row in rows_]
    return values.JournalReport(period, tuple(sections), source_documents(rows))


# --------------------------------------------------------------------------- partner balances

def partner_balance(kind: str, start: dt.date, end: dt.date, *,
                    compare: bool = False) -> values.PartnerBalance:
    """Customers' (or suppliers') balances: opening, debit, credit, closing per partner."""
    account_kind = _partner_kind(kind)
    period = check_range(start, end)
    calendar = balances.Calendar.load()
    codes = {code for (code,) in Account.select(Account.code).where(Account.kind == account_kind).tuples()}

    def per_partner(columns):
        opening, movements = {}, {}
        for (code, pid), amount in columns.opening.items():
            if code in codes:
                opening[str(pid)] = opening.get(str(pid), 0) + amount
        for (code, pid), (debit, credit) in columns.movements.items():
            if code in codes:
                d, c = movements.get(str(pid), (0, 0))
                movements[str(pid)] = (d + debit, c + credit)
        return opening, movements

    opening, movements = per_partner(balances.balance_columns(calendar, period.start, period.end,
                                                              by_partner=True))
    previous_range = previous = None
    if compare:
        previous_range = period.previous_year()
        before_opening, before_moves = per_partner(
            balances.balance_columns(calendar, previous_range.start, previous_range.end, by_partner=True))
        previous = {k: before_opening.get(k, 0) + d - c for k, (d, c) in before_moves.items()}
        for k, amount in before_opening.items():
            previous.setdefault(k, amount)
    ids = set(opening) | set(movements) | set(previous or {})
    names = {str(pid): name for pid, name in _party_names(int(i) for i in ids).items()}
    lines = sorted(rules.balance_lines(opening, movements, names, previous),
                   key=lambda x: (x.name.casefold(), int(x.key)))
    return values.PartnerBalance(kind, period, previous_range, tuple(lines),
                                rules.total_of(lines, "Total", "", compare))


# --------------------------------------------------------------------------- aged balances

def _due_order(row: tuple):
    """Sort key of open-item rows: due date, else date (ISO text sorts as the dates do), then line."""
    return row[6] or row[5], row[0]


def aged_balance(kind: str, at: dt.date) -> values.AgedBalance:
    """Receivables (customers) or payables (suppliers) open at the end of ``at``, by due-date bucket.

    The open items come from :func:`equisis.ledger.reconciliation.open_rows_at` (the
    rows behind ``open_items_at``): the maintained ``open_item`` residuals, given
    back what matches effective after ``at`` took off them (a fixed number of
    queries, no scan of the lines); the partners' names in one more query, for the
    partners present only. Each item is aged straight from its row (thousands of
    them: the age and bucket are worked out once per due date).
    """
    account_kind = _partner_kind(kind)
    sign = 1 if account_kind == "receivable" else -1
    found = open_rows_at(at, kinds=[account_kind])
    found.sort(key=_due_order)  # as open_items_at: oldest due date (else date) first, then line
    names = _party_names({row[4] for row in found})
    days: dict = {}    # ISO text -> date
    ages: dict = {}    # ISO due date (else date) -> (days overdue, bucket key)
    aged = []
    for line_id, entry_id, reference, account, partner_id, date, due_date, document_ref, _amount, residual \
            in found:
        due = due_date or date
        age = ages.get(due)
        if age is None:
            overdue = rules.days_overdue(at, None, _day(due))   # ``due``: the due date, else the date
            age = ages[due] = (overdue, rules.bucket_of(overdue).key)
        day = days.get(date) or days.setdefault(date, _day(date))
        due_day = (days.get(due_date) or days.setdefault(due_date, _day(due_date))) if due_date else None
        aged.append(rules.AgedItem(line_id, entry_id, reference, account, partner_id, day, due_day,
                                   document_ref or "", sign * residual, age[0], age[1]))
    rows = rules.aged_rows(aged, names)
    buckets, total = rules.aged_totals(rows)
    return values.AgedBalance(kind, at, tuple(rows), buckets, total)


# --------------------------------------------------------------------------- internal accounts, chart

def internal_accounts(start: dt.date, end: dt.date, *, language: str = "fr") -> values.GeneralLedger:
    """Internal transfers (58) and suspense accounts (499): opening, lines and closing of each.

    Money moved between the company's own bank and cash accounts passes through
    58, and amounts waiting for their account sit on 499: both must come back to
    zero, so a closing balance here is something to look at.
    """
    return general_ledger(start, end, prefixes=INTERNAL_PREFIXES, language=language)


def chart_of_accounts(language: str = "fr") -> tuple[values.ChartLine, ...]:
    """Classes and two-digit groups as headings, then every account (two queries)."""
    lines = [values.ChartLine(a.code, a.name(language), a.kind, bool(a.reconcilable), bool(a.is_blocked))
             for a in ledger.accounts()]
    for group in ledger.groups():
        if len(group.code_start) <= 2 and not group.code_end:
            lines.append(values.ChartLine(group.code_start, group.name(language), "", False, False, True,
                                         len(group.code_start) - 1))
    return tuple(sorted(lines, key=lambda x: (x.code, not x.is_group)))


# --------------------------------------------------------------------------- NBB schema

def nbb_schema(model: str, start: dt.date, end: dt.date, *, compare: bool = True,
               language: str = "fr") -> values.NbbReport:
    """The NBB balance sheet (at ``end``) and profit and loss account (over the range) of ``model``.

    The balance sheet reads balances since the start of the open run of fiscal
    years, so its line 6/7 holds the result not yet appropriated; the P&L reads the
    range's movements of classes 6 and 7. ``compare`` adds the previous year.
    """
    if model not in nbb.MODELS:
        raise UnknownReportKind(kind=model)
    period = check_range(start, end)
    calendar = balances.Calendar.load()
    names = _names(balances.chart_index(language))

    def amounts(span: rules.DateRange):
        sheet = balances.balances_at(calendar, span.end)
        moves = {c: v for c, v in rules.net(balances.range_totals(calendar, span.start, span.end)).items()
                 if rules.is_profit_and_loss(c)}
        return sheet, moves

    current = amounts(period)
    previous_range = period.previous_year() if compare else None
    previous = amounts(previous_range) if compare else None

    def statement(kind: str, index: int) -> tuple[values.NbbLine, ...]:
        rubrics = nbb.rubrics(model, kind)
        amounts_now = rules.evaluate_rubrics(rubrics, current[index])
        before = rules.evaluate_rubrics(rubrics, previous[index]) if previous else {}
        read_now = rules.accounts_by_rubric(rubrics, current[index])
        read_then = rules.accounts_by_rubric(rubrics, previous[index]) if previous else {}
        lines = []
        for rubric in rubrics:
            details = ()
            if rubric.reads_accounts:
                now, then = read_now.get(rubric.key, {}), read_then.get(rubric.key, {})
                details = tuple((code, names.get(code, ""), now.get(code, 0),
                                 then.get(code) if previous else None)
                                for code in sorted(set(now) | set(then)))
            lines.append(values.NbbLine(rubric, amounts_now[rubric.key],
                                       before.get(rubric.key) if previous else None, details))
        return tuple(lines)

    unmapped = rules.unmapped_accounts(nbb.rubrics(model, "bs"), current[0])
    return values.NbbReport(model, period, previous_range, statement("bs", 0), statement("pl", 1),
                           tuple(unmapped))
