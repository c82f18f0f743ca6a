"""Reconciliation rules: allocation of payments to invoices, and suggestions. Pure."""
import datetime as dt

import pytest

from equisis.ledger import errors, matching
from equisis.ledger.matching import Allocation, OpenLine

D = dt.date


def open_line(line_id, residual, *, day=1, due=None, ref=None, account="400", partner=7):
    return OpenLine(line_id, account, partner, D(2026, 3, day), D(2026, 4, due) if due else None, residual,
                    ref)


@pytest.mark.parametrize("lines, expected", [
    # an invoice paid in two instalments
    ([open_line(1, 10000), open_line(2, -4000, day=5), open_line(3, -6000, day=9)],
     [Allocation(1, 2, 4000), Allocation(1, 3, 6000)]),
    # one payment for three invoices
    ([open_line(1, 10000), open_line(2, 5000), open_line(3, 3000), open_line(4, -18000, day=20)],
     [Allocation(1, 4, 10000), Allocation(2, 4, 5000), Allocation(3, 4, 3000)]),
    # a partial payment: the invoice stays open for 70,00
    ([open_line(1, 10000), open_line(2, -3000)], [Allocation(1, 2, 3000)]),
    # the oldest due date is paid first
    ([open_line(1, 10000, due=30), open_line(2, 5000, due=10), open_line(3, -5000)],
     [Allocation(2, 3, 5000)]),
])
def test_allocate(lines, expected):
    assert matching.allocate(lines) == expected


def test_residuals_after_a_partial_payment():
    lines = [open_line(1, 10000), open_line(2, -3000)]
    assert matching.residuals_after(lines, matching.allocate(lines)) == {1: 7000, 2: 0}


def test_lines_of_two_partners_are_not_matched():
    with pytest.raises(errors.MatchAcrossAccounts):
        matching.allocate([open_line(1, 100), open_line(2, -100, partner=8)])


def test_two_debits_have_nothing_to_match():
    with pytest.raises(errors.NothingToMatch):
        matching.allocate([open_line(1, 100), open_line(2, 100)])


def test_suggestions_by_reference_amount_and_sum():
    lines = [open_line(1, 10000, ref="F1"), open_line(2, 5000, ref="F2"), open_line(3, 3000, ref="F3"),
             open_line(4, 7777, ref="F4"),
             open_line(5, -7000, day=9, ref="+++f4+++"),  # wrong amount, but names F4
             open_line(6, -5000, day=10), open_line(7, -13000, day=11)]
    found = {s.line_ids: s.reason for s in matching.suggest(lines)}
    assert found == {(4, 5): "reference", (2, 6): "amount", (7, 1, 3): "sum"}


def test_structured_communications_compare_without_punctuation():
    structured = matching.normalise_reference("+++090/9337/55493+++")
    assert structured == matching.normalise_reference("090933755493") == "090933755493"


@pytest.mark.parametrize("module", ["rules.py", "matching.py", "chart.py"])
def test_the_ledger_rules_are_pure(module):
    """Like every rules.py (tests/test_architecture.py): no database, no web framework."""
    from tests.test_architecture import PURE_FORBIDDEN, ROOT, imports_of

    bad = [n for n in imports_of(ROOT / "ledger" / module) if n.split(".")[0] in PURE_FORBIDDEN]
    assert not bad
