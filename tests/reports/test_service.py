"""Every report on the hand-checked books of conftest.py: golden figures, balanced totals, the summaries
agreeing with the lines for any range."""
from __future__ import annotations

import datetime as dt

import pytest
from peewee import fn

from equisis.ledger import service as ledger
from equisis.ledger.models import Account, Entry, EntryLine, Journal
from equisis.reports import service
from equisis.reports.errors import InvalidRange, UnknownAccount, UnknownJournal, UnknownReportKind
from tests.reports.conftest import line_on, post

D = dt.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))


def by_code(report):
    return {x.key: (x.opening_cents, x.debit_cents, x.credit_cents, x.closing_cents)
            for _cls, lines, _total in report.groups for x in lines}


def totals(total):
    return (total.opening_cents, total.debit_cents, total.credit_cents, total.closing_cents)


# --------------------------------------------------------------------------- trial balance

def test_trial_balance_of_the_year(books):
    report = service.trial_balance(*YEAR, language="fr")
    assert by_code(report) == {
        "100": (0, 0, 1000000, -1000000),
        "400": (0, 181500, 100000, 81500),
        "411": (0, 12600, 0, 12600),
        "440": (0, 48400, 72600, -24200),
        "451": (0, 0, 31500, -31500),
        "550001": (0, 1100000, 48400, 1051600),
        "604": (0, 40000, 0, 40000),
        "6100": (0, 20000, 0, 20000),
        "7000": (0, 0, 150000, -150000),
    }
    assert totals(report.total) == (0, 1402500, 1402500, 0)
    classes = {cls: totals(total) for cls, _lines, total in report.groups}
    assert classes["4"] == (0, 242500, 204100, 38400)
    assert classes["7"] == (0, 0, 150000, -150000)
    assert report.groups[0][1][0].name == "Capital souscrit"


def test_trial_balance_of_a_range_cut_inside_periods(books):
    """16 January – 15 February: the edges are read from the lines, the opening from before the 16th."""
    report = service.trial_balance(D(2026, 1, 16), D(2026, 2, 15))
    assert by_code(report) == {
        "100": (-1000000, 0, 0, -1000000),
        "400": (121000, 60500, 0, 181500),
        "411": (0, 8400, 0, 8400),
        "440": (0, 0, 48400, -48400),
        "451": (-21000, 0, 10500, -31500),
        "550001": (1000000, 0, 0, 1000000),
        "604": (0, 40000, 0, 40000),
        "7000": (-100000, 0, 50000, -150000),
    }
    assert totals(report.total)[0] == totals(report.total)[3] == 0


def _scan(start, end):
    """What a full scan of the lines says: {code: (opening net, debit, credit)} — the test's own oracle."""
    def sums(condition):
        query = (EntryLine.select(Account.code, fn.SUM(EntryLine.debit_cents), fn.SUM(EntryLine.credit_cents))
                 .join(Account).switch(EntryLine).join(Entry).join(Journal).where(condition)
                 .group_by(Account.code))
        return {code: (d, c) for code, d, c in query.tuples()}
    before = sums(EntryLine.date < start.isoformat())
    within = sums((EntryLine.date >= start.isoformat()) & (EntryLine.date <= end.isoformat()))
    return {code: (before.get(code, (0, 0))[0] - before.get(code, (0, 0))[1],) + within.get(code, (0, 0))
            for code in set(before) | set(within)}


@pytest.mark.parametrize("start, end", [
    (D(2026, 1, 1), D(2026, 1, 31)), (D(2026, 1, 15), D(2026, 1, 15)), (D(2026, 1, 20), D(2026, 3, 5)),
    (D(2026, 2, 11), D(2026, 12, 31)), (D(2025, 12, 1), D(2026, 2, 20)), (D(2026, 3, 6), D(2026, 3, 9)),
])
def test_summaries_and_edges_agree_with_a_scan_of_the_lines(books, start, end):
    report = service.trial_balance(start, end)
    scanned = {code: v for code, v in _scan(start, end).items() if any(v)}
    ours = {code: (o, d, c) for code, (o, d, c, _closing) in by_code(report).items()}
    assert ours == scanned


def test_after_closing_the_opening_entry_is_the_opening_column(closed_books):
    report = service.trial_balance(D(2027, 1, 1), D(2027, 12, 31), compare=True)
    assert by_code(report) == {
        "100": (-1000000, 0, 0, -1000000),
        "140": (-90000, 0, 0, -90000),
        "400": (81500, 12100, 0, 93600),
        "411": (12600, 0, 0, 12600),
        "440": (-24200, 0, 0, -24200),
        "451": (-31500, 0, 2100, -33600),
        "550001": (1051600, 0, 0, 1051600),
        "604": (0, 0, 0, 0),          # shown for the previous year's column
        "6100": (0, 0, 0, 0),
        "693": (0, 0, 0, 0),
        "7000": (0, 0, 10000, -10000),
    }
    previous = {x.key: x.previous_cents for _c, lines, _t in report.groups for x in lines}
    assert previous["7000"] == -150000 and previous["693"] == 90000 and previous["140"] == -90000
    assert totals(report.total) == (0, 12100, 12100, 0) and report.total.previous_cents == 0


def test_a_year_not_yet_closed_shows_its_result_on_a_line_of_its_own(books):
    """2027 starts while 2026 is open: no opening entry yet, balances run on from 2026."""
    ledger.create_next_fiscal_year()
    post("VEN 2027-01-20 Cash sale", "550001 100,00 D\n7000 100,00 C")
    report = service.trial_balance(D(2027, 1, 1), D(2027, 12, 31))
    lines = by_code(report)
    assert lines["550001"] == (1051600, 10000, 0, 1061600)
    assert lines["7000"] == (0, 0, 10000, -10000)      # income starts the year at zero
    assert "604" not in lines
    assert report.unallocated_cents == -90000          # 2026's profit, not yet appropriated
    assert totals(report.total) == (0, 10000, 10000, 0)


def test_bad_ranges_and_names_are_refused(books):
    with pytest.raises(InvalidRange):
        service.trial_balance(D(2026, 2, 1), D(2026, 1, 1))
    with pytest.raises(UnknownAccount):
        service.general_ledger(*YEAR, accounts=["999999"])
    with pytest.raises(UnknownJournal):
        service.journal_report(*YEAR, journal="NOPE")
    with pytest.raises(UnknownReportKind):
        service.partner_balance("employees", *YEAR)


# --------------------------------------------------------------------------- ledgers and journals

def test_general_ledger_runs_the_balance(books):
    (section,) = service.general_ledger(*YEAR, accounts=["400"]).sections
    assert [(x.reference, x.debit_cents, x.credit_cents, x.balance_cents) for x in section.lines] == [
        ("VEN/2026/00001", 121000, 0, 121000),
        ("VEN/2026/00002", 60500, 0, 181500),
        ("BNK1/2026/00001", 0, 100000, 81500),
    ]
    assert (section.opening_cents, section.closing_cents) == (0, 81500)
    assert section.lines[0].partner_name == "Maison Dupont SRL" and section.lines[0].document_ref == "F1"


def test_general_ledger_from_mid_year_starts_from_the_balance_before(books):
    (section,) = service.general_ledger(D(2026, 2, 15), D(2026, 12, 31), accounts=["550001"]).sections
    assert section.opening_cents == 1000000
    assert [x.balance_cents for x in section.lines] == [1100000, 1051600]


def test_general_ledger_of_every_account_matches_the_trial_balance(closed_books):
    report = service.general_ledger(D(2027, 1, 1), D(2027, 12, 31))
    balance = by_code(service.trial_balance(D(2027, 1, 1), D(2027, 12, 31)))
    sections = {s.key: (s.opening_cents, s.debit_cents, s.credit_cents, s.closing_cents)
                for s in report.sections}
    assert sections == {code: v for code, v in balance.items() if any(v)}


def test_partner_ledger_and_balances(books):
    ledger_ = service.partner_ledger("customers", *YEAR)
    assert [(s.name, [x.balance_cents for x in s.lines]) for s in ledger_.sections] == [
        ("Atelier Claes BV", [60500]), ("Maison Dupont SRL", [121000, 21000])]
    one = service.partner_ledger("customers", *YEAR, partner_id=books.dupont.id)
    assert [s.name for s in one.sections] == ["Maison Dupont SRL"]
    report = service.partner_balance("suppliers", *YEAR)
    assert [(x.name, x.debit_cents, x.credit_cents, x.closing_cents) for x in report.lines] == [
        ("Textiles Janssens BV", 48400, 72600, -24200)]


def test_partner_balances_carry_forward_per_partner(closed_books):
    report = service.partner_balance("customers", D(2027, 1, 1), D(2027, 12, 31), compare=True)
    assert [(x.name, x.opening_cents, x.debit_cents, x.closing_cents, x.previous_cents)
            for x in report.lines] == [
        ("Atelier Claes BV", 60500, 12100, 72600, 60500), ("Maison Dupont SRL", 21000, 0, 21000, 21000)]
    assert report.total.closing_cents == 93600


def test_journals_with_their_period_totals(closed_books):
    report = service.journal_report(*YEAR)
    summary = {j.code: (len(j.entries), j.debit_cents, j.credit_cents, j.periods) for j in report.journals}
    assert summary == {
        "ACH": (2, 72600, 72600, (("2026-01", 48400), ("2026-03", 24200))),
        "BNK1": (2, 148400, 148400, (("2026-02", 100000), ("2026-03", 48400))),
        "CLO": (1, 90000, 90000, (("2026-12", 90000),)),
        "OD": (1, 1000000, 1000000, (("2026-01", 1000000),)),
        "VEN": (2, 181500, 181500, (("2026-01", 121000), ("2026-02", 60500))),
    }
    opening = service.journal_report(D(2027, 1, 1), D(2027, 1, 31), journal="OUV")
    (journal,) = opening.journals
    assert journal.entries[0].reference == "OUV/2027/00001" and journal.debit_cents == 1145700


# --------------------------------------------------------------------------- aged balances

@pytest.mark.parametrize("at, expected", [
    # 15/02: F1 fell due the day before, Dupont's payment of 20/02 has not come yet; F2 is not due.
    (D(2026, 2, 15), {"Atelier Claes BV": (60500, 0, 0, 0, 0), "Maison Dupont SRL": (0, 121000, 0, 0, 0)}),
    # 31/03: 210 left of F1, 45 days late; F2 19 days late.
    (D(2026, 3, 31), {"Atelier Claes BV": (0, 60500, 0, 0, 0), "Maison Dupont SRL": (0, 0, 21000, 0, 0)}),
    (D(2026, 5, 31), {"Atelier Claes BV": (0, 0, 0, 60500, 0), "Maison Dupont SRL": (0, 0, 0, 0, 21000)}),
    (D(2026, 1, 10), {}),
])
def test_aged_receivables_at_several_dates(books, at, expected):
    report = service.aged_balance("customers", at)
    assert {r.name: r.buckets for r in report.rows} == expected
    assert report.total_cents == sum(sum(b) for b in expected.values())
    by_line = {i.line_id: i.residual_cents for r in report.rows for i in r.items}
    assert by_line == {i.line_id: i.residual_cents for i in ledger.open_items_at(at, kinds=["receivable"])}


@pytest.mark.parametrize("at, expected", [
    (D(2026, 3, 1), (0, 48400, 0, 0, 0)),      # S1 10 days late; S2 not booked yet
    (D(2026, 3, 31), (24200, 0, 0, 0, 0)),     # S1 paid on 10/03; S2 due 04/04
])
def test_aged_payables_show_what_we_owe_as_positive(books, at, expected):
    (row,) = service.aged_balance("suppliers", at).rows
    assert (row.name, row.buckets) == ("Textiles Janssens BV", expected)


def test_aged_balance_ignores_undone_matches_and_follows_later_ones(books):
    result = ledger.matches_of_line(line_on(books.entries.f1, "400"))
    ledger.unreconcile(result[0].group_id, reason="wrong invoice")
    report = service.aged_balance("customers", D(2026, 3, 31))
    dupont = next(r for r in report.rows if r.name == "Maison Dupont SRL")
    assert dupont.total_cents == 21000          # 1 210 open − 1 000 unmatched payment, both in the buckets
    assert sorted(i.residual_cents for i in dupont.items) == [-100000, 121000]


# --------------------------------------------------------------------------- chart, internal accounts

def test_chart_of_accounts_in_the_chosen_language(company):
    lines = {x.code: x for x in service.chart_of_accounts("nl") if not x.is_group}
    assert lines["400"].name == "Klanten"
    assert lines["400"].kind == "receivable" and lines["400"].reconcilable
    groups = [x for x in service.chart_of_accounts("nl") if x.is_group]
    assert groups[0].code == "0" and any(g.code == "40" for g in groups)


def test_internal_accounts_show_transfers_not_back_to_zero(books):
    ledger.add_account("580000", "Virements internes", kind="other")
    post("BNK1 2026-04-01 To the till", "580000 300,00 D\n550001 300,00 C")
    post("CSH1 2026-04-02 From the bank", "570001 200,00 D\n580000 200,00 C")
    (section,) = service.internal_accounts(*YEAR).sections
    assert (section.key, section.closing_cents) == ("580000", 10000)


# --------------------------------------------------------------------------- NBB

@pytest.mark.parametrize("model", ["abbr", "micro"])
def test_nbb_schema_before_closing(books, model):
    report = service.nbb_schema(model, *YEAR)
    assert report.value("20/58") == report.value("10/49") == 1145700
    assert report.value("40") == 81500 and report.value("54/58") == 1051600 and report.value("41") == 12600
    assert report.value("6/7") == 90000 and report.value("14") == 0        # not appropriated yet
    assert report.value("100") == 1000000 and report.value("10/15") == 1090000
    assert report.value("440/4") == 24200 and report.value("450/3") == 31500
    assert report.value("70", "pl") == 150000 and report.value("60/61", "pl") == 60000
    assert report.value("9900", "pl") == report.value("9904", "pl") == report.value("9905", "pl") == 90000
    assert report.unmapped == ()
    line_40 = next(x for x in report.balance_sheet if x.rubric.key == "40")
    assert [(code, amount) for code, _name, amount, _prev in line_40.accounts] == [("400", 81500)]


def test_nbb_schema_after_closing_with_the_previous_year(closed_books):
    report = service.nbb_schema("micro", D(2027, 1, 1), D(2027, 12, 31))
    assert report.value("20/58") == report.value("10/49") == 1157800
    assert report.value("14") == 90000 and report.value("6/7") == 10000
    assert report.value("9905", "pl") == 10000
    previous = {x.rubric.key: x.previous_cents for x in report.balance_sheet}
    assert previous["20/58"] == previous["10/49"] == 1145700 and previous["14"] == 90000
    assert previous["6/7"] == 0
    assert {x.rubric.key: x.previous_cents for x in report.profit_and_loss}["9905"] == 90000


def test_nbb_result_equals_the_year_result_the_closing_books(closed_books):
    assert closed_books.closing.result_cents == service.nbb_schema("abbr", *YEAR).value("9905", "pl")


def test_aged_balances_match_the_partner_balances(closed_books):
    """What the accountant checks first: the open items per customer add up to the customer's balance."""
    at = D(2027, 1, 31)
    aged = {r.name: r.total_cents for r in service.aged_balance("customers", at).rows}
    balances = {x.name: x.closing_cents
                for x in service.partner_balance("customers", D(2027, 1, 1), at).lines}
    assert aged == balances == {"Atelier Claes BV": 72600, "Maison Dupont SRL": 21000}


def test_ledger_lines_lead_to_their_source_document(books):
    from equisis.documents.service import archive_document
    from tests.ledger.notation import draft

    body = "400 121,00 D partner=1 ref=F42 due=2026-06-01\n7000 121,00 C"
    entry = ledger.post_entry(draft("VEN 2026-05-02 Invoice 42", body, source=("sales.invoice", 42)),
                              role="accountant")
    document = archive_document(books.store, b"%PDF-1.4 test", kind="invoice", journal="VEN", year="2026",
                                period="2026-05", object_type="sales.invoice", object_id=42, language="fr",
                                file_name="Facture 42")
    report = service.general_ledger(*YEAR, accounts=["400"])
    assert report.documents == {entry.id: document.id}
    assert service.journal_report(*YEAR, journal="VEN").documents == {entry.id: document.id}
