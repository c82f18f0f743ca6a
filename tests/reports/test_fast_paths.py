"""The reports' fast paths give what the plain rules give.

The general, partner and journal ledgers build their lines without the frozen
dataclass's ``__init__``, read the general ledger's lines without joins and in
index order, and the aged balance ages raw open-item rows instead of
``open_items_at``'s values: each is checked here against the plain reading
(``_line_query`` and :func:`rules.running_section`; ``open_items_at`` and
:func:`rules.age_items`) on the hand-checked books and on more of them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from equisis.ledger import service as ledger
from equisis.ledger.models import EntryLine
from equisis.reports import balances, rules, service
from tests.reports.conftest import line_on, post
from tests.reports.test_queries import grow

D = dt.date


def plain_general_ledger(start, end, accounts=None, prefixes=None):
    """The general ledger's sections as the rules give them, from the lines' plain query."""
    period = service.check_range(start, end)
    chart = balances.chart_index("fr")
    columns = balances.balance_columns(balances.Calendar.load(), start, end)
    ids = [chart[c].id for c in accounts] if accounts else \
        [a.id for c, a in chart.items() if not prefixes or c.startswith(tuple(prefixes))]
    query = service._line_query(period).where(EntryLine.account.in_(ids)).order_by(
        EntryLine.date, EntryLine.entry, EntryLine.line_no)
    by_account = {}
    for raw in service._rows_of(query):
        row = service._row(raw)
        by_account.setdefault(row["account"], []).append(row)
    codes = set(accounts or ()) or {c for c in set(columns.opening) | set(by_account)
                                    if columns.opening.get(c) or c in by_account}
    if prefixes and not accounts:
        codes = {c for c in codes if c.startswith(tuple(prefixes))}
    return tuple(rules.running_section(c, chart[c].name, columns.opening.get(c, 0), by_account.get(c, ()))
                 for c in sorted(codes))


RANGES = [(D(2026, 1, 1), D(2026, 12, 31)), (D(2026, 2, 15), D(2026, 3, 5)), (D(2027, 1, 1), D(2027, 12, 31)),
          (D(2026, 1, 10), D(2027, 6, 30))]


def same_general_ledgers(start, end):
    for accounts, prefixes in [(None, None), (["550001"], None), (["400", "7000", "440"], None),
                               (None, ("4", "6"))]:
        report = service.general_ledger(start, end, accounts=accounts, prefixes=prefixes)
        plain = plain_general_ledger(start, end, accounts, prefixes)
        assert report.sections == plain
        assert repr(report.sections) == repr(plain)


@pytest.mark.parametrize("start, end", RANGES)
def test_general_ledger_is_the_plain_reading(books, start, end):
    grow(0, 12)
    same_general_ledgers(start, end)


@pytest.mark.parametrize("start, end", RANGES)
def test_general_ledger_of_closed_years_is_the_plain_reading(closed_books, start, end):
    same_general_ledgers(start, end)


def test_ledger_lines_are_ordinary_frozen_lines(books):
    (section,) = service.general_ledger(D(2026, 1, 1), D(2026, 12, 31), accounts=["400"]).sections
    line = section.lines[0]
    assert type(line) is rules.LedgerLine
    assert set(vars(line)) == {f.name for f in dataclasses.fields(rules.LedgerLine)}
    assert line == rules.LedgerLine(**dataclasses.asdict(line))
    assert hash(line) == hash(rules.LedgerLine(**dataclasses.asdict(line)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.balance_cents = 0


def test_partner_ledger_and_journals_build_the_rules_lines(books):
    for section in service.partner_ledger("customers", D(2026, 1, 1), D(2026, 12, 31)).sections:
        rows = [{k: v for k, v in dataclasses.asdict(x).items() if k != "balance_cents"} for x in section.lines]
        assert section == rules.running_section(section.key, section.name, section.opening_cents, rows)


def test_instance_maker_calls_the_class_when_it_cannot_skip_its_init():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        a: int

    @dataclasses.dataclass(frozen=True)
    class Checked:
        a: int

        def __post_init__(self):
            if self.a < 0:
                raise ValueError(self.a)

    assert service._instance_maker(Slotted)({"a": 1}) == Slotted(1)
    with pytest.raises(ValueError):
        service._instance_maker(Checked)({"a": -1})


def test_lines_out_of_id_order_within_a_date_are_sorted():
    # (id, entry, line number, date, ..., account at 7): line 12 belongs to an earlier entry than line 11
    row = lambda line_id, entry, no, day, account=1: (line_id, entry, no, day, 0, "", "", account)  # noqa: E731
    assert service._in_line_order([row(10, 5, 1, "2026-01-02"), row(11, 5, 2, "2026-01-02"),
                                   row(12, 4, 1, "2026-01-03"), row(13, 7, 1, "2026-01-02", account=2)])
    assert not service._in_line_order([row(11, 6, 1, "2026-01-02"), row(12, 5, 1, "2026-01-02")])
    assert not service._in_line_order([row(11, 5, 2, "2026-01-02"), row(12, 5, 1, "2026-01-02")])


def plain_aged(kind, at):
    account_kind = service.PARTNER_KINDS[kind]
    items = ledger.open_items_at(at, kinds=[account_kind])
    names = service._party_names(i.partner_id for i in items)
    rows = rules.aged_rows(rules.age_items(at, items, 1 if account_kind == "receivable" else -1), names)
    return tuple(rows)


@pytest.mark.parametrize("kind", ["customers", "suppliers"])
def test_aged_balance_is_the_plain_reading(books, kind):
    grow(0, 30)
    undone = ledger.matches_of_line(line_on(books.entries.f1, "400"))[0].group_id
    ledger.unreconcile(undone, reason="test")
    post("BNK1 2026-12-20 Claes pays part of F2", f"""
        550001 100,00 D
        400    100,00 C partner={books.claes.id} ref=F2 due=2026-12-20""")
    for at in (D(2026, 1, 10), D(2026, 2, 15), D(2026, 3, 31), D(2026, 6, 30), D(2026, 11, 30),
               D(2026, 12, 31), D(2027, 12, 31)):
        report = service.aged_balance(kind, at)
        assert report.rows == plain_aged(kind, at)
        assert report.total_cents == sum(r.total_cents for r in report.rows)
