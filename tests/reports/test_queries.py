"""No N+1: each report issues the same number of SQL statements over 10 or 200 accounts, partners and entries.

Statements are counted at the source, with the apsw connection's ``exec_trace``.
"""
from __future__ import annotations

import contextlib
import datetime as dt

from equisis.ledger import service as ledger
from equisis.ledger.rules import DraftEntry, DraftLine
from equisis.parties import service as parties
from equisis.reports import service
from equisis.store.database import current_database

D = dt.date
EDGES = (D(2026, 1, 10), D(2026, 11, 20))     # a range cut inside periods: summaries and edge lines


@contextlib.contextmanager
def counting():
    connection = current_database().connection()
    statements: list[str] = []

    def trace(_cursor, sql, _bindings):
        statements.append(sql)
        return True

    previous = connection.exec_trace
    connection.exec_trace = trace
    try:
        yield statements
    finally:
        connection.exec_trace = previous


def grow(start: int, stop: int) -> None:
    """Accounts 6100nn, customers and their invoices (two months apart), each half paid in December."""
    drafts, customers = [], []
    for n in range(start, stop):
        ledger.add_account(f"6199{n:04d}", f"Frais {n}", kind="expense")
        customers.append(parties.create_party(f"Client {n:03d}", is_customer=True))
    for n, customer in zip(range(start, stop), customers):
        day = D(2026, 1 + n % 11, 1 + n % 27)
        drafts.append(DraftEntry("VEN", day, f"Invoice {n}", (
            DraftLine("400", 12100, 0, customer.id, due_date=day + dt.timedelta(days=30),
                      document_ref=f"F{n}"),
            DraftLine("7000", 0, 10000), DraftLine("451", 0, 2100))))
        drafts.append(DraftEntry("OD", day, f"Cost {n}", (DraftLine(f"6199{n:04d}", 500, 0),
                                                          DraftLine("550001", 0, 500))))
        drafts.append(DraftEntry("BNK1", D(2026, 12, 5), f"Payment {n}", (
            DraftLine("550001", 6000, 0), DraftLine("400", 0, 6000, customer.id, due_date=D(2026, 12, 5),
                                                     document_ref=f"F{n}"))))
    posted = ledger.post_entries(drafts, role="accountant")
    lines = {}
    for p in posted:
        for x in ledger.entry_lines(p.entry_id):
            if x.account.code == "400":
                lines.setdefault(x.partner_id, []).append(x.id)
    for ids in lines.values():
        ledger.reconcile(ids)   # matched on 5 December: after the aged balance's date below


REPORTS = {
    "trial balance": lambda: service.trial_balance(*EDGES, compare=True),
    "general ledger": lambda: service.general_ledger(*EDGES),
    "customers' balances": lambda: service.partner_balance("customers", *EDGES, compare=True),
    "customers' ledger": lambda: service.partner_ledger("customers", *EDGES),
    "journals": lambda: service.journal_report(*EDGES),
    "aged balance": lambda: service.aged_balance("customers", D(2026, 11, 30)),
    "NBB": lambda: service.nbb_schema("abbr", *EDGES, compare=True),
    "internal accounts": lambda: service.internal_accounts(*EDGES),
    "chart": lambda: service.chart_of_accounts("fr"),
}


def count_statements() -> dict[str, int]:
    counts = {}
    for name, build in REPORTS.items():
        with counting() as statements:
            build()
        counts[name] = len(statements)
    return counts


def test_query_counts_do_not_grow_with_the_books(company):
    grow(0, 10)
    small = count_statements()
    grow(10, 200)
    large = count_statements()
    assert large == small
    assert all(count <= 20 for count in small.values()), small


def test_aged_balance_with_many_items_stays_right(company):
    grow(0, 30)
    report = service.aged_balance("customers", D(2026, 11, 30))
    assert len(report.rows) == 30 and report.total_cents == 30 * 12100
    assert service.aged_balance("customers", D(2026, 12, 31)).total_cents == 30 * 6100
