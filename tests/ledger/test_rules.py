"""Posting rules, lock dates, periods, year-end lines and the hash chain: pure, table-driven."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from equisis.ledger import errors, rules
from equisis.ledger.rules import AccountInfo, Books, JournalInfo, PeriodInfo
from tests.ledger.notation import draft, lines

D = dt.date
ACCOUNTS = {a.code: a for a in [
    AccountInfo(1, "400", "receivable", reconcilable=True),
    AccountInfo(2, "7000", "income"),
    AccountInfo(3, "451", "vat"),
    AccountInfo(4, "550001", "bank"),
    AccountInfo(5, "60", "expense", postable=False),
    AccountInfo(6, "6040", "expense", is_blocked=True),
    AccountInfo(7, "440", "payable", reconcilable=True),
]}
JOURNALS = {"VEN": JournalInfo(1, "VEN", "sale"), "BNK1": JournalInfo(2, "BNK1", "bank"),
            "OLD": JournalInfo(3, "OLD", "misc", is_active=False)}
PERIODS = (
    PeriodInfo(1, "2025-12", D(2025, 12, 1), D(2025, 12, 31), True, 1, "2025", True),
    PeriodInfo(2, "2026-01", D(2026, 1, 1), D(2026, 1, 31), False, 2, "2026", False),
    PeriodInfo(3, "2026-02", D(2026, 2, 1), D(2026, 2, 28), True, 2, "2026", False),
    PeriodInfo(4, "2026-03", D(2026, 3, 1), D(2026, 3, 31), False, 2, "2026", False),
)
BOOKS = Books(ACCOUNTS, JOURNALS, PERIODS, partner_ids=frozenset({7}))
SALE = """
    400  121,00 D partner=7 ref=F1 due=2026-04-09
    7000 100,00 C grids=03
    451   21,00 C grids=54
"""


def problems_of(header, body, books=BOOKS, **kwargs):
    return [type(p) for p in rules.check_entry(draft(header, body), books, **kwargs)]


def test_a_correct_sale_has_no_problem():
    assert problems_of("VEN 2026-03-10 Invoice F1", SALE) == []


@pytest.mark.parametrize("header, body, expected", [
    ("VEN 2026-03-10 x", "400 121,00 D partner=7 ref=F1 due=2026-04-09\n7000 100,00 C",
     [errors.EntryNotBalanced]),
    ("VEN 2026-02-10 x", SALE, [errors.PeriodLocked]),
    ("VEN 2025-12-10 x", SALE, [errors.FiscalYearClosed]),
    ("VEN 2024-01-10 x", SALE, [errors.NoFiscalYear]),
    ("VEN 2026-03-10 x", "6040 10,00 D\n550001 10,00 C", [errors.AccountBlocked]),
    ("VEN 2026-03-10 x", "60 10,00 D\n550001 10,00 C", [errors.AccountNotPostable]),
    ("VEN 2026-03-10 x", "999999 10,00 D\n550001 10,00 C", [errors.UnknownAccount]),
    ("VEN 2026-03-10 x", "400 10,00 D\n550001 10,00 C",
     [errors.PartnerRequired, errors.DocumentRefRequired, errors.DueDateRequired]),
    ("VEN 2026-03-10 x", "400 10,00 D partner=8 ref=F due=2026-04-01\n550001 10,00 C",
     [errors.UnknownPartner]),
    ("VEN 2026-03-10 x", "7000 10,00 D grids=99\n550001 10,00 C", [errors.UnknownVatGrid]),
    ("VEN 2026-03-10 x", "7000 0,00 D\n550001 0,00 C", [errors.EmptyLine, errors.EmptyLine]),
    ("VEN 2026-03-10 x", "550001 10,00 D", [errors.TooFewLines, errors.EntryNotBalanced]),
    ("XXX 2026-03-10 x", "7000 10,00 D\n550001 10,00 C", [errors.UnknownJournal]),
    ("OLD 2026-03-10 x", "7000 10,00 D\n550001 10,00 C", [errors.JournalInactive]),
])
def test_each_bad_draft_is_refused_for_its_reason(header, body, expected):
    assert problems_of(header, body) == expected


@pytest.mark.parametrize("debit, credit, expected", [
    (-100, 0, errors.NegativeAmount),
    (100, 100, errors.BothSides),
    (0, 0, errors.EmptyLine),
])
def test_amounts_are_non_negative_and_on_one_side(debit, credit, expected):
    entry = rules.DraftEntry("BNK1", D(2026, 3, 1), "x", (rules.DraftLine("7000", debit, credit),
                                                          rules.DraftLine("550001", 100, 0)))
    assert expected in [type(p) for p in rules.check_entry(entry, BOOKS)]


def test_a_float_amount_is_refused_not_rounded():
    entry = rules.DraftEntry("BNK1", D(2026, 3, 1), "x", (rules.DraftLine("7000", 12.5, 0),
                                                          rules.DraftLine("550001", 0, 1250)))
    found = rules.check_entry(entry, BOOKS)
    assert [type(p) for p in found] == [errors.AmountNotWhole]


def test_an_unbalanced_entry_shows_the_difference():
    (problem,) = rules.check_entry(draft("BNK1 2026-03-10 x", "550001 121,00 D\n7000 100,00 C"), BOOKS)
    assert problem.difference_cents == 2100
    assert problem.debit_cents == 12100 and problem.credit_cents == 10000
    assert "differ by 21,00\xa0€" in problem.message("en")  # en_BE formats like fr_BE
    assert "21,00\xa0€" in problem.message("fr") and "€\xa021,00" in problem.message("nl")


def test_every_problem_is_reported_at_once_with_its_line():
    found = rules.check_entry(draft("VEN 2026-02-10 x", "400 121,00 D\n6040 100,00 C"), BOOKS)
    assert [type(p) for p in found] == [
        errors.PartnerRequired, errors.DocumentRefRequired, errors.DueDateRequired, errors.AccountBlocked,
        errors.EntryNotBalanced, errors.PeriodLocked]
    assert found[0].line == 1 and found[0].field == "lines-1-partner"
    assert found[3].line == 2 and found[3].message("en") == "Line 2: account 6040 is blocked."


@pytest.mark.parametrize("role, everyone, accountant, expected", [
    ("sales", D(2026, 3, 31), D(2026, 1, 31), D(2026, 3, 31)),
    ("cashier", None, D(2026, 1, 31), D(2026, 1, 31)),
    ("accountant", D(2026, 3, 31), D(2026, 1, 31), D(2026, 1, 31)),
    ("admin", D(2026, 3, 31), None, None),
    ("warehouse", None, None, None),
])
def test_lock_date_per_role(role, everyone, accountant, expected):
    assert rules.lock_date_for(role, everyone, accountant) == expected


@pytest.mark.parametrize("role, refused", [("sales", True), ("accountant", False)])
def test_the_accountant_posts_where_sales_cannot(role, refused):
    books = dataclasses.replace(BOOKS, lock_date=rules.lock_date_for(role, D(2026, 3, 31), D(2026, 1, 31)))
    found = problems_of("VEN 2026-03-10 x", SALE, books)
    assert found == ([errors.BeforeLockDate] if refused else [])


def test_the_year_end_ignores_locks_but_not_a_closed_year():
    assert problems_of("VEN 2026-02-10 x", SALE, enforce_locks=False) == []
    assert problems_of("VEN 2025-12-10 x", SALE, enforce_locks=False) == [errors.FiscalYearClosed]


def test_reversed_lines_swap_sides_and_keep_everything_else():
    original = lines(SALE)
    mirror = rules.reversed_lines(original)
    assert [(x.debit_cents, x.credit_cents) for x in mirror] == [(0, 12100), (10000, 0), (2100, 0)]
    assert mirror[0].partner_id == 7 and mirror[0].document_ref == "F1" and mirror[1].vat_grids == ("03",)


def test_line_helper_takes_euros():
    assert rules.line("7000", credit="100,50") == rules.DraftLine("7000", 0, 10050)


# --------------------------------------------------------------------------- chart and periods

@pytest.mark.parametrize("code, ok", [("400", True), ("550001", True), ("58", True), ("8000", False),
                                      ("4", False), ("40a", False), ("12345678901", False)])
def test_account_codes(code, ok):
    if ok:
        assert rules.check_account_code(code) == code
    else:
        with pytest.raises(errors.InvalidAccountCode):
            rules.check_account_code(code)


def test_groups_of_an_account_from_class_down():
    groups = [rules.Group("5"), rules.Group("55"), rules.Group("550", "559"), rules.Group("57"),
              rules.Group("6")]
    assert [g.code_start for g in rules.groups_of("550001", groups)] == ["5", "55", "550"]
    assert [g.code_start for g in rules.groups_of("553", groups)] == ["5", "55", "550"]


def test_periods_of_a_long_first_year_with_partial_months():
    periods = rules.month_periods(D(2026, 9, 15), D(2027, 12, 31))
    assert len(periods) == 16
    assert periods[0] == ("2026-09", D(2026, 9, 15), D(2026, 9, 30))
    assert periods[5] == ("2027-02", D(2027, 2, 1), D(2027, 2, 28))
    assert periods[-1] == ("2027-12", D(2027, 12, 1), D(2027, 12, 31))


# --------------------------------------------------------------------------- year-end

def _closing(balances, scheme=rules.COMPANY_CLOSING):
    return [(x.account, x.debit_cents, x.credit_cents) for x in rules.closing_lines(balances, scheme)]


def test_a_profit_is_carried_forward_on_140():
    assert _closing({"7000": -1_000_000, "604": 700_000, "400": 300_000}) == [
        ("693", 300_000, 0), ("140", 0, 300_000)]


def test_a_loss_is_carried_forward_on_141():
    assert _closing({"7000": -1_000_000, "604": 1_200_000}) == [("141", 200_000, 0), ("793", 0, 200_000)]


def test_the_profit_brought_forward_joins_the_appropriation():
    assert _closing({"7000": -1_000_000, "604": 700_000, "140": -50_000}) == [
        ("140", 50_000, 0), ("790", 0, 50_000), ("693", 350_000, 0), ("140", 0, 350_000)]


def test_appropriations_booked_by_hand_are_respected():
    # legal reserve of 150,00 already booked: D 6920 / C 130
    assert _closing({"7000": -1_000_000, "604": 700_000, "6920": 15_000}) == [
        ("693", 285_000, 0), ("140", 0, 285_000)]


def test_associations_carry_forward_on_692_and_792():
    assert _closing({"730": -10_000}, rules.ASSOCIATION_CLOSING) == [("692", 10_000, 0), ("140", 0, 10_000)]
    assert _closing({"61": 10_000}, rules.ASSOCIATION_CLOSING) == [("141", 10_000, 0), ("792", 0, 10_000)]


def test_result_of_year_leaves_appropriations_out():
    balances = {"7000": -1_000_000, "604": 700_000, "693": 300_000, "140": -300_000}
    assert rules.result_of_year(balances) == 300_000


def test_carry_forward_per_partner_and_remainder():
    found = rules.carry_forward_lines(
        {"400": 15_000, "451": -2_100, "7000": -10_000, "140": -15_000, "550001": 2_100},
        {("400", 7): 12_100, ("400", 8): 2_900}, document_ref="2026", due_date=D(2027, 1, 1))
    assert [(x.account, x.partner_id, x.debit_cents, x.credit_cents) for x in found] == [
        ("140", None, 0, 15_000), ("400", 7, 12_100, 0), ("400", 8, 2_900, 0), ("451", None, 0, 2_100),
        ("550001", None, 2_100, 0)]
    assert rules.is_balanced(found)
    assert found[1].document_ref == "2026" and found[1].due_date == D(2027, 1, 1)


# --------------------------------------------------------------------------- hash chain

def _sealed(entry_id=1, amount=12100):
    return rules.SealedEntry(entry_id, f"VEN/2026/{entry_id:05d}", "VEN", "2026", entry_id, D(2026, 3, 10),
                             "x", "standard", None, None, None, "2026-03-10T10:00:00+00:00", "user:sophie",
                             (rules.SealedLine(1, "400", amount, 0, 7, "", D(2026, 4, 9), "F1", "", True),
                              rules.SealedLine(2, "7000", 0, amount, None, "", None, None, "03", False)))


def test_the_hash_covers_content_and_the_previous_hash():
    first = _sealed()
    assert rules.entry_hash(rules.GENESIS, first) != rules.entry_hash("1" * 64, first)
    assert rules.entry_hash(rules.GENESIS, first) != rules.entry_hash(rules.GENESIS, _sealed(amount=12101))


def test_the_first_chain_break_is_named():
    a, b, c = _sealed(1), _sealed(2), _sealed(3)
    ha = rules.entry_hash(rules.GENESIS, a)
    hb = rules.entry_hash(ha, b)
    hc = rules.entry_hash(hb, c)
    chain = [(a, rules.GENESIS, ha), (b, ha, hb), (c, hb, hc)]
    assert rules.first_chain_break(chain) is None
    tampered = [(a, rules.GENESIS, ha), (_sealed(2, amount=1), ha, hb), (c, hb, hc)]
    assert rules.first_chain_break(tampered) == (tampered[1][0], "content")
    assert rules.first_chain_break([(a, rules.GENESIS, ha), (c, hb, hc)]) == (c, "link")
