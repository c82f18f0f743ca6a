"""The pure rules of the reports: ranges, where balances start, buckets, rubrics, running balances."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.ledger import chart
from equisis.reports import nbb, rules
from equisis.web import listing

D = dt.date
MONTHS_2026 = [(D(2026, m, 1), (D(2026, m + 1, 1) if m < 12 else D(2027, 1, 1)) - dt.timedelta(days=1))
               for m in range(1, 13)]


@pytest.mark.parametrize("start, end, whole, edges", [
    (D(2026, 1, 1), D(2026, 12, 31), (D(2026, 1, 1), D(2026, 12, 31)), ()),
    (D(2026, 3, 1), D(2026, 3, 31), (D(2026, 3, 1), D(2026, 3, 31)), ()),
    (D(2026, 3, 10), D(2026, 5, 31), (D(2026, 4, 1), D(2026, 5, 31)), ((D(2026, 3, 10), D(2026, 3, 31)),)),
    (D(2026, 3, 10), D(2026, 6, 20), (D(2026, 4, 1), D(2026, 5, 31)),
     ((D(2026, 3, 10), D(2026, 3, 31)), (D(2026, 6, 1), D(2026, 6, 20)))),
    (D(2026, 3, 10), D(2026, 3, 20), None, ((D(2026, 3, 10), D(2026, 3, 20)),)),
    (D(2026, 3, 10), D(2026, 4, 20), None,
     ((D(2026, 3, 10), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 4, 20)))),
    (D(2025, 6, 1), D(2026, 1, 31), (D(2026, 1, 1), D(2026, 1, 31)), ()),  # days before the books: nothing
    (D(2027, 1, 1), D(2027, 3, 31), None, ()),
])
def test_a_range_is_whole_periods_plus_its_edges(start, end, whole, edges):
    assert rules.split_range(start, end, MONTHS_2026) == rules.RangeParts(whole, edges)


YEARS = [rules.Year("2024", D(2024, 1, 1), D(2024, 12, 31), True),
         rules.Year("2025", D(2025, 1, 1), D(2025, 12, 31), False),
         rules.Year("2026", D(2026, 1, 1), D(2026, 12, 31), False)]


@pytest.mark.parametrize("day, expected", [
    (D(2024, 6, 1), D(2024, 1, 1)),      # the first year starts its own run
    (D(2025, 6, 1), D(2025, 1, 1)),      # 2024 is closed: its balances reach 2025 by the opening entry
    (D(2026, 6, 1), D(2025, 1, 1)),      # 2025 still open: 2026's balances run on from 2025
    (D(2027, 2, 1), D(2025, 1, 1)),      # after the last year: the last one's run
    (D(2023, 2, 1), None),               # before the books
])
def test_balances_start_after_the_last_closed_year(day, expected):
    assert rules.chain_start(day, YEARS) == expected


@pytest.mark.parametrize("day, shifted", [
    (D(2026, 3, 15), D(2025, 3, 15)), (D(2024, 2, 29), D(2023, 2, 28)), (D(2025, 2, 28), D(2024, 2, 29)),
    (D(2026, 12, 31), D(2025, 12, 31)),
])
def test_previous_year_keeps_the_end_of_february(day, shifted):
    assert rules.shift_year(day, -1) == shifted


def test_a_range_ends_after_it_starts():
    with pytest.raises(ValueError):
        rules.DateRange(D(2026, 2, 1), D(2026, 1, 31))
    assert rules.DateRange(D(2026, 1, 1), D(2026, 3, 31)).previous_year() == rules.DateRange(D(2025, 1, 1),
                                                                                            D(2025, 3, 31))


@pytest.mark.parametrize("days, bucket", [
    (-10, "not_due"), (0, "not_due"), (1, "d1_30"), (30, "d1_30"), (31, "d31_60"), (60, "d31_60"),
    (61, "d61_90"), (90, "d61_90"), (91, "over_90"), (4000, "over_90"),
])
def test_aging_buckets(days, bucket):
    assert rules.bucket_of(days).key == bucket


def test_an_item_without_due_date_is_due_on_its_date():
    assert rules.days_overdue(D(2026, 3, 31), None, D(2026, 3, 1)) == 30
    assert rules.days_overdue(D(2026, 3, 31), D(2026, 4, 30), D(2026, 3, 1)) == -30


def test_running_balance_starts_from_the_opening():
    blank = dict(description="", account="400", partner_id=None, partner_name="", document_ref="",
                 due_date=None)
    rows = [dict(line_id=1, entry_id=1, date=D(2026, 1, 2), journal="VEN", reference="VEN/2026/00001",
                 debit_cents=2100, credit_cents=0, **blank),
            dict(line_id=2, entry_id=2, date=D(2026, 1, 3), journal="BNK1", reference="BNK1/2026/00001",
                 debit_cents=0, credit_cents=5000, **blank)]
    section = rules.running_section("400", "Customers", 10000, rows)
    assert [x.balance_cents for x in section.lines] == [12100, 7100]
    assert (section.debit_cents, section.credit_cents, section.closing_cents) == (2100, 5000, 7100)


def test_rubrics_evaluate_accounts_and_totals():
    rubrics = [rules.Rubric("m", "pl", 1, "70", "70", "3", "-", ("70",), ()),
               rules.Rubric("m", "pl", 2, "60/61", "60/61", "3", "+", ("60", "61"), ()),
               rules.Rubric("m", "pl", 3, "9900", "9900", "2", "", (), ((1, "70"), (-1, "60/61")))]
    values = rules.evaluate_rubrics(rubrics, {"7000": -100000, "604": 30000, "6100": 5000, "400": 121000})
    assert values == {"70": 100000, "60/61": 35000, "9900": 65000}
    assert rules.rubric_accounts(rubrics[1], {"604": 30000, "6100": 5000, "700": 1}) == {"604": 30000,
                                                                                        "6100": 5000}


def test_spreadsheet_protection_is_the_list_exports_one():
    assert rules.FORMULA_TRIGGERS == listing.FORMULA_TRIGGERS


# --------------------------------------------------------------------------- our NBB table

@pytest.mark.parametrize("model", nbb.MODELS)
def test_every_account_of_the_chart_is_counted_once_on_each_side(model):
    """Assets − liabilities = Σ(classes 1–7) = 0 for any balanced books: each account counts once."""
    sheet, pl = nbb.rubrics(model, "bs"), nbb.rubrics(model, "pl")
    assets = rules.coefficients(sheet, nbb.TOTAL_ASSETS)
    liabilities = rules.coefficients(sheet, nbb.TOTAL_LIABILITIES)
    result = rules.coefficients(pl, nbb.RESULT)

    def count(coefficients, code):
        return sum(v for prefix, v in coefficients.items() if code.startswith(prefix))

    wrong = []
    for account in chart.accounts_for("micro"):
        code = account.code
        sides = (count(assets, code), count(liabilities, code))
        if code[0] in "12345" and sides not in ((1, 0), (0, -1)):
            wrong.append((code, sides))
        if code[0] in "67":
            if sides != (0, -1):
                wrong.append((code, sides))
            expected = 0 if code[:2] in ("69", "79") else -1  # appropriations are not the result
            if count(result, code) != expected:
                wrong.append((code, "pl", count(result, code)))
        if code[0] == "0" and sides != (0, 0):
            wrong.append((code, sides))
    assert not wrong


@pytest.mark.parametrize("model", nbb.MODELS)
@pytest.mark.parametrize("statement", nbb.STATEMENTS)
def test_rubric_table_is_well_formed(model, statement):
    rubrics = nbb.rubrics(model, statement)
    keys = [r.key for r in rubrics]
    assert len(keys) == len(set(keys))
    for rubric in rubrics:
        assert bool(rubric.prefixes) != bool(rubric.terms), rubric.key
        assert all(term in keys for _sign, term in rubric.terms), rubric.key
        assert all(rubric.label(lang) for lang in ("fr", "nl", "de", "en")), rubric.key
        assert rubric.code in (rubric.key, "")
    assert rules.evaluate_rubrics(rubrics, {}) == {k: 0 for k in keys}  # no cycle, every term known
