"""Lettrage on a real company: instalments, one payment for several invoices, undo, suggestions, the past."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis import doctor
from equisis.ledger import errors
from equisis.ledger import service as ledger
from equisis.ledger.models import EntryLine, Reconciliation
from equisis.store.database import current_database
from equisis.store.models import AuditEvent
from tests.ledger.conftest import line_on

D = dt.date


def residuals():
    return {i.reference: i.residual_cents for i in ledger.open_items()}


def ledger_problems(store):
    return {name: found for name, found in doctor.run(store) if name.startswith("ledger") and found}


def test_an_invoice_paid_in_two_instalments(company, invoice, payment):
    sale = invoice("F1")                      # 121,00
    first, second = payment("50,00", "2026-03-20"), payment("71,00", "2026-04-05")
    result = ledger.reconcile([line_on(sale, "400"), line_on(first, "400")])
    assert residuals() == {"VEN/2026/00001": 7100, "BNK1/2026/00002": -7100}
    assert result.residuals[line_on(sale, "400")] == 7100
    ledger.reconcile([line_on(sale, "400"), line_on(second, "400")])
    assert residuals() == {}
    assert [m.amount_cents for m in ledger.matches_of_line(line_on(sale, "400"))] == [5000, 7100]
    assert not ledger_problems(company)


def test_one_payment_for_three_invoices(company, invoice, payment):
    sales = [invoice("F1", "100,00"), invoice("F2", "50,00"), invoice("F3", "30,00")]
    paid = payment("217,80")                  # 121,00 + 60,50 + 36,30
    result = ledger.reconcile([line_on(s, "400") for s in sales] + [line_on(paid, "400")])
    assert [a.amount_cents for a in result.allocations] == [12100, 6050, 3630]
    assert residuals() == {}


def test_a_partial_payment_leaves_the_rest_open_and_the_past_is_rebuilt(company, invoice, payment):
    sale = invoice("F1", day="2026-03-10")
    paid = payment("21,00", "2026-03-20")
    ledger.reconcile([line_on(sale, "400"), line_on(paid, "400")])  # matched today, effective 20/03
    assert residuals() == {"VEN/2026/00001": 10000}
    before = {i.reference: i.residual_cents for i in ledger.open_items_at(D(2026, 3, 15))}
    after = {i.reference: i.residual_cents for i in ledger.open_items_at(D(2026, 3, 31))}
    assert before == {"VEN/2026/00001": 12100}
    assert after == {"VEN/2026/00001": 10000}
    assert ledger.open_items_at(D(2026, 3, 1)) == []



def test_items_settled_since_a_date_are_open_at_that_date(company, invoice, payment):
    """Open items at a past date come from today's residuals plus the matches effective after it."""
    paid_in_full = invoice("F1", day="2026-03-10")
    in_two_parts = invoice("F2", "50,00", day="2026-03-12")
    full = payment("121,00", "2026-04-15", ref="F1")
    part_one, part_two = payment("30,00", "2026-03-25", ref="F2"), payment("30,50", "2026-05-02", ref="F2")
    ledger.reconcile([line_on(paid_in_full, "400"), line_on(full, "400")])
    ledger.reconcile([line_on(in_two_parts, "400"), line_on(part_one, "400")])
    ledger.reconcile([line_on(in_two_parts, "400"), line_on(part_two, "400")])
    disputed, wrong_payment = invoice("F3", day="2026-03-01"), payment("121,00", "2026-03-05")
    undone = ledger.reconcile([line_on(disputed, "400"), line_on(wrong_payment, "400")])
    ledger.unreconcile(undone.group_id)     # undone: F3 and its payment are open at every date
    assert residuals() == {"VEN/2026/00003": 12100, "BNK1/2026/00004": -12100}

    def at(day):
        return {i.reference: i.residual_cents for i in ledger.open_items_at(day, kinds=("receivable",))}
    assert at(D(2026, 3, 31)) == {"VEN/2026/00003": 12100, "BNK1/2026/00004": -12100,
                                  "VEN/2026/00001": 12100, "VEN/2026/00002": 3050}
    assert at(D(2026, 4, 30)) == {"VEN/2026/00003": 12100, "BNK1/2026/00004": -12100, "VEN/2026/00002": 3050}
    assert at(D(2026, 5, 31)) == residuals()
    customer = ledger.entry_lines(paid_in_full.id)[0].partner_id
    assert {i.reference for i in ledger.open_items_at(D(2026, 3, 31), partner_id=customer, account="400")} \
        == set(at(D(2026, 3, 31)))

def test_undoing_a_match_reopens_the_lines_under_audit(company, invoice, payment):
    sale, paid = invoice("F1"), payment("121,00")
    result = ledger.reconcile([line_on(sale, "400"), line_on(paid, "400")])
    assert residuals() == {}
    assert ledger.unreconcile(result.group_id, reason="wrong customer") == 1
    assert residuals() == {"VEN/2026/00001": 12100, "BNK1/2026/00001": -12100}
    (match,) = Reconciliation.select()
    assert match.undone_at and match.undone_by
    event = (AuditEvent.select().where(AuditEvent.object_type == "reconciliation")
             .order_by(AuditEvent.id.desc()).get())
    assert event.action == "cancel" and "wrong customer" in event.after_json
    assert {i.reference: i.residual_cents for i in ledger.open_items_at(D(2026, 12, 31))} == residuals()
    with pytest.raises(errors.MatchNotFound):
        ledger.unreconcile(result.group_id)
    assert not ledger_problems(company)


def test_lines_of_different_partners_or_accounts_are_not_matched(company, invoice, payment, supplier):
    sale = invoice("F1")
    other = payment("121,00", partner=supplier.id)
    with pytest.raises(errors.MatchAcrossAccounts):
        ledger.reconcile([line_on(sale, "400"), line_on(other, "400")])
    with pytest.raises(errors.LineNotReconcilable):
        ledger.reconcile([line_on(sale, "400"), line_on(sale, "7000")])


def test_suggestions_read_references_and_amounts(company, invoice, payment):
    invoice("F1", "100,00")
    invoice("F2", "50,00")
    invoice("F3", "30,00")
    payment("60,50", ref="PAY-1")              # = F2
    payment("157,30", ref="PAY-2")             # = F1 + F3
    found = sorted((s.reason, s.amount_cents) for s in ledger.suggestions())
    assert found == [("amount", 6050), ("sum", 15730)]


def test_doctor_finds_an_open_item_out_of_step(company, invoice, payment):
    sale, paid = invoice("F1"), payment("50,00")
    ledger.reconcile([line_on(sale, "400"), line_on(paid, "400")])
    current_database().execute_sql("UPDATE open_item SET residual_cents = 12100 WHERE line_id = ?",
                                   (line_on(sale, "400"),))
    found = ledger_problems(company)
    assert "VEN/2026/00001 line 1" in found["ledger: reconciliations"][0]


def test_open_items_per_partner_and_due_date(company, invoice, supplier, post):
    invoice("F1", due="2026-04-01")
    invoice("F2", due="2026-05-01")
    post("ACH 2026-03-05 Supplier bill", f"""
        604 100,00 D
        440 100,00 C partner={supplier.id} ref=S1 due=2026-04-05
    """)
    assert [i.document_ref for i in ledger.open_items(kinds=["receivable"])] == ["F1", "F2"]
    assert [i.residual_cents for i in ledger.open_items(partner_id=supplier.id)] == [-10000]
    assert [i.document_ref for i in ledger.open_items(due_before=D(2026, 4, 2))] == ["F1"]
    assert EntryLine.select().where(EntryLine.opens_item == True).count() == 3  # noqa: E712
