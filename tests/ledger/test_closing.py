"""Year-end: the closing books the result on 14, the next year opens with the balances; reopening reverses."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis import doctor
from equisis.core.errors import Forbidden, ValidationErrors
from equisis.ledger import errors
from equisis.ledger import service as ledger
from equisis.ledger.closing import year_balances
from equisis.ledger.models import Entry, Period
from tests.ledger.conftest import line_on

D = dt.date


def ledger_problems(store):
    return {name: found for name, found in doctor.run(store) if name.startswith("ledger") and found}


def lines_of(entry_id):
    return [(x.account.code, x.partner_id, x.debit_cents, x.credit_cents)
            for x in ledger.entry_lines(entry_id)]


@pytest.fixture
def year_2026(company, invoice, post, supplier):
    """Sales 1 000,00 + VAT to the customer (half paid), purchases 300,00 from the supplier: profit 700,00."""
    sale = invoice("F1", "1000,00")
    post("BNK1 2026-06-01 Payment", f"""
        550001 605,00 D
        400    605,00 C partner={sale_partner(sale)} ref=F1 due=2026-06-01
    """)
    post("ACH 2026-04-01 Supplier bill", f"""
        604 300,00 D
        411  63,00 D grids=59
        440 363,00 C partner={supplier.id} ref=S1 due=2026-05-01
    """)
    return sale


def sale_partner(entry):
    return next(x.partner_id for x in ledger.entry_lines(entry.id) if x.account.code == "400")


def test_closing_books_the_profit_on_14_and_opens_the_next_year(company, year_2026, customer, supplier):
    result = ledger.close_fiscal_year("2026", role="accountant")
    assert (result.result_cents, result.next_fiscal_year) == (70000, "2027")
    closing = Entry.get_by_id(result.closing_entry_id)
    assert (closing.reference, closing.date, closing.kind) == ("CLO/2026/00001", D(2026, 12, 31), "closing")
    assert lines_of(closing.id) == [("693", None, 70000, 0), ("140", None, 0, 70000)]
    balances = year_balances(ledger.find_fiscal_year("2026"))
    assert sum(net for code, net in balances.items() if code[0] in "67") == 0
    opening = Entry.get_by_id(result.opening_entry_id)
    assert (opening.reference, opening.date, opening.kind) == (
        "OUV/2027/00001", D(2027, 1, 1), "carry_forward")
    assert lines_of(opening.id) == [
        ("140", None, 0, 70000), ("400", customer.id, 60500, 0), ("411", None, 6300, 0),
        ("440", supplier.id, 0, 36300), ("451", None, 0, 21000), ("550001", None, 60500, 0)]
    assert ledger.find_fiscal_year("2026").state == "closed"
    assert {(p.state, p.locked_by) for p in ledger.periods("2026")} == {("locked", "closing")}
    assert not ledger_problems(company)


def test_a_loss_is_carried_forward_as_debit_on_141(company, post):
    post("OD 2026-05-01 Rent", "6100 500,00 D\n550001 500,00 C")
    result = ledger.close_fiscal_year("2026", role="admin")
    assert result.result_cents == -50000
    assert lines_of(result.closing_entry_id) == [("141", None, 50000, 0), ("793", None, 0, 50000)]
    assert ("141", None, 50000, 0) in lines_of(result.opening_entry_id)


def test_the_profit_brought_forward_joins_the_next_appropriation(company, year_2026, post):
    ledger.close_fiscal_year("2026", role="accountant")
    post("VEN 2027-02-01 Cash sale", "550001 100,00 D\n7000 100,00 C")
    result = ledger.close_fiscal_year("2027", role="accountant")
    assert lines_of(result.closing_entry_id) == [
        ("140", None, 70000, 0), ("790", None, 0, 70000), ("693", None, 80000, 0), ("140", None, 0, 80000)]
    assert ("140", None, 0, 80000) in lines_of(result.opening_entry_id)


def test_invoices_of_a_closed_year_stay_open_and_are_paid_next_year(company, year_2026, customer, payment):
    ledger.close_fiscal_year("2026", role="accountant")
    assert [(i.reference, i.residual_cents) for i in ledger.open_items(kinds=["receivable"])] == [
        ("VEN/2026/00001", 121000), ("BNK1/2026/00001", -60500)]
    first = ledger.open_items(kinds=["receivable"])[1].line_id
    paid = payment("605,00", "2027-01-15")
    ledger.reconcile([line_on(year_2026, "400"), first, line_on(paid, "400")])
    assert ledger.open_items(kinds=["receivable"]) == []
    assert not ledger_problems(company)


def test_a_closed_year_refuses_postings(company, year_2026, post):
    ledger.close_fiscal_year("2026", role="accountant")
    with pytest.raises(ValidationErrors) as caught:
        post("OD 2026-12-31 Late", "550001 1,00 D\n7000 1,00 C", role="admin")
    assert [type(p) for p in caught.value.problems] == [errors.FiscalYearClosed]
    with pytest.raises(errors.PeriodLockedByClosing):
        ledger.unlock_period("2026-12")


def test_closing_rules(company, year_2026):
    with pytest.raises(Forbidden):
        ledger.close_fiscal_year("2026", role="sales")
    ledger.create_next_fiscal_year()
    with pytest.raises(errors.PreviousYearOpen):
        ledger.close_fiscal_year("2027", role="accountant")
    ledger.close_fiscal_year("2026", role="accountant")
    with pytest.raises(errors.FiscalYearNotOpen):
        ledger.close_fiscal_year("2026", role="accountant")


def test_reopening_reverses_the_closing_and_the_opening(company, year_2026, post):
    first = ledger.close_fiscal_year("2026", role="accountant")
    reversals = ledger.reopen_fiscal_year("2026", role="accountant", reason="late supplier invoice")
    assert [Entry.get_by_id(i).reversal_of_id for i in reversals] == [first.closing_entry_id,
                                                                     first.opening_entry_id]
    assert ledger.find_fiscal_year("2026").state == "open"
    assert Period.select().where(Period.state == "locked").count() == 0
    assert set(year_balances(ledger.find_fiscal_year("2027")).values()) == {0}
    post("ACH 2026-12-20 Late bill", "604 100,00 D\n550001 100,00 C")
    again = ledger.close_fiscal_year("2026", role="accountant")
    assert lines_of(again.closing_entry_id) == [("693", None, 60000, 0), ("140", None, 0, 60000)]
    assert Entry.get_by_id(again.opening_entry_id).reference == "OUV/2027/00003"
    assert not ledger_problems(company)


def test_reopening_needs_the_next_year_open(company, year_2026):
    ledger.close_fiscal_year("2026", role="accountant")
    ledger.close_fiscal_year("2027", role="accountant")
    with pytest.raises(errors.NextYearClosed):
        ledger.reopen_fiscal_year("2026", role="accountant", reason="x")
    with pytest.raises(errors.FiscalYearNotClosed):
        ledger.reopen_fiscal_year("2028", role="accountant", reason="x")


def test_an_association_closes_on_692(instance):
    from equisis.store import audit  # noqa: F401
    from tests.factories import make_company

    slug = make_company(instance, name="Les Amis du Quartier ASBL", legal_form="asbl", slug="amis")
    with instance.get(slug).session():
        ledger.post_entry(ledger.DraftEntry("OD", D(2026, 2, 1), "Membership fees", (
            ledger.DraftLine("550001", 20000), ledger.DraftLine("730", 0, 20000))), role="accountant")
        result = ledger.close_fiscal_year("2026", role="accountant")
        assert lines_of(result.closing_entry_id) == [("692", None, 20000, 0), ("140", None, 0, 20000)]
