"""The posting engine on a real company: numbers, summaries, immutability, the hash chain, reversals."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis import doctor
from equisis.core.errors import ValidationErrors
from equisis.ledger import errors
from equisis.ledger import service as ledger
from equisis.ledger.models import AccountBalance, Entry, EntryLine, GridBalance, OpenItem, PartnerBalance
from equisis.store import write
from equisis.store.database import current_database
from equisis.store.errors import PostedRowImmutable
from equisis.store.models import AuditEvent
from tests.ledger.conftest import line_on
from tests.ledger.notation import draft

D = dt.date


def problems(excinfo):
    return [type(p) for p in excinfo.value.problems]


def ledger_problems(store):
    return {name: found for name, found in doctor.run(store) if name.startswith("ledger") and found}


def test_a_sale_is_numbered_sealed_summarised_and_audited(company, invoice, customer):
    entry = invoice("F1", "100,00")
    assert entry.reference == "VEN/2026/00001" and entry.number == 1 and entry.kind == "standard"
    assert entry.line_count == 3 and entry.debit_total_cents == 12100 and len(entry.hash) == 64
    assert entry.prev_hash == "0" * 64
    sales = ledger.find_account("7000")
    assert AccountBalance.get(account=sales.id, period=entry.period_id).credit_cents == 10000
    receivable = ledger.find_account("400")
    assert PartnerBalance.get(partner=customer.id, account=receivable.id).debit_cents == 12100
    assert {(g.grid, g.credit_cents) for g in GridBalance.select()} == {("03", 10000), ("54", 2100)}
    (item,) = ledger.open_items()
    assert (item.reference, item.residual_cents, item.document_ref) == ("VEN/2026/00001", 12100, "F1")
    posts = AuditEvent.select().where((AuditEvent.action == "post") & (AuditEvent.object_type == "entry"))
    assert posts.count() == 1
    assert invoice("F2").prev_hash == entry.hash


def test_numbers_stay_gapless_when_a_posting_fails_in_between(company, invoice, post):
    invoice("F1")
    with pytest.raises(ValidationErrors):
        post("VEN 2026-03-11 broken", "7000 10,00 D\n451 9,00 C")
    assert invoice("F2").reference == "VEN/2026/00002"
    assert not ledger_problems(company)


def test_each_journal_and_fiscal_year_counts_on_its_own(company, invoice, payment):
    invoice("F1")
    assert payment().reference == "BNK1/2026/00001"
    ledger.create_next_fiscal_year()
    assert invoice("F2", day="2027-01-05").reference == "VEN/2027/00001"


def test_a_retried_submit_posts_once(company, post):
    body = "550001 10,00 D\n7000 10,00 C"
    first = post("BNK1 2026-03-01 x", body, key="retry-key-0000000001")
    again = post("BNK1 2026-03-01 x", body, key="retry-key-0000000001")
    assert first.id == again.id and Entry.select().count() == 1


@pytest.mark.parametrize("header, body, expected", [
    ("OD 2026-03-10 x", "550001 121,00 D\n7000 100,00 C", [errors.EntryNotBalanced]),
    ("OD 2026-03-10 x", "400 10,00 D\n7000 10,00 C",
     [errors.PartnerRequired, errors.DocumentRefRequired, errors.DueDateRequired]),
    ("OD 2030-03-10 x", "550001 10,00 D\n7000 10,00 C", [errors.NoFiscalYear]),
    ("NOPE 2026-03-10 x", "550001 10,00 D\n7000 10,00 C", [errors.UnknownJournal]),
])
def test_bad_entries_are_refused_with_nothing_written(company, post, header, body, expected):
    with pytest.raises(ValidationErrors) as caught:
        post(header, body)
    assert problems(caught) == expected
    assert Entry.select().count() == EntryLine.select().count() == AccountBalance.select().count() == 0


def test_blocked_and_non_postable_accounts(company, post):
    ledger.block_account("604")
    ledger.add_account("6049", "Achats - regroupement", kind="expense", postable=False)
    with pytest.raises(ValidationErrors) as caught:
        post("OD 2026-03-10 x", "604 10,00 D\n6049 10,00 D\n550001 20,00 C")
    assert problems(caught) == [errors.AccountBlocked, errors.AccountNotPostable]
    ledger.unblock_account("604")
    post("OD 2026-03-10 x", "604 10,00 D\n550001 10,00 C")


def test_lock_dates_per_role(company, post):
    ledger.set_lock_dates(everyone=D(2026, 3, 31), accountant=D(2026, 1, 31))
    with pytest.raises(ValidationErrors) as caught:
        post("OD 2026-03-10 x", "550001 10,00 D\n7000 10,00 C", role="sales")
    assert problems(caught) == [errors.BeforeLockDate]
    assert post("OD 2026-03-10 x", "550001 10,00 D\n7000 10,00 C", role="accountant")
    with pytest.raises(ValidationErrors):
        post("OD 2026-01-10 x", "550001 10,00 D\n7000 10,00 C", role="admin")
    with pytest.raises(errors.InvalidLockDate):
        ledger.set_lock_dates(everyone=D(2026, 1, 31), accountant=D(2026, 3, 31))


def test_locked_periods_refuse_everyone_until_unlocked(company, post):
    ledger.lock_period("2026-03")
    with pytest.raises(ValidationErrors) as caught:
        post("OD 2026-03-10 x", "550001 10,00 D\n7000 10,00 C", role="admin")
    assert problems(caught) == [errors.PeriodLocked]
    ledger.unlock_period("2026-03")
    post("OD 2026-03-10 x", "550001 10,00 D\n7000 10,00 C")


def test_a_vat_return_locks_its_periods_for_good(company):
    locked = ledger.lock_periods_for_vat_return(D(2026, 1, 1), D(2026, 3, 31))
    assert locked == ["2026-01", "2026-02", "2026-03"]
    with pytest.raises(errors.PeriodLockedByVat):
        ledger.unlock_period("2026-02")


def test_post_entries_is_all_or_nothing_and_reports_each_draft(company, customer):
    good = draft("BNK1 2026-03-01 a", "550001 10,00 D\n7000 10,00 C")
    bad = draft("BNK1 2026-03-02 b", "550001 10,00 D\n7000 9,00 C")
    with pytest.raises(ValidationErrors) as caught:
        ledger.post_entries([good, bad, good], role="accountant")
    (refusal,) = caught.value.problems
    assert refusal.index == 1 and [type(p) for p in refusal.problems] == [errors.EntryNotBalanced]
    assert Entry.select().count() == 0
    posted = ledger.post_entries([good, good], role="accountant")
    assert [p.reference for p in posted] == ["BNK1/2026/00001", "BNK1/2026/00002"]
    assert not ledger_problems(company)


# --------------------------------------------------------------------------- immutability

@pytest.mark.parametrize("sql", [
    "UPDATE entry SET description = 'changed'",
    "DELETE FROM entry",
    "UPDATE entry_line SET debit_cents = debit_cents + 1",
    "DELETE FROM entry_line",
    "INSERT INTO entry_line (entry_id, line_no, account_id, description, debit_cents, credit_cents, "
    "vat_grids, opens_item, date, period_id) "
    "SELECT entry_id, 9, account_id, '', 1, 0, '', 0, date, period_id FROM entry_line LIMIT 1",
    "DELETE FROM account WHERE code = '7000'",
    "UPDATE account SET code = '7009' WHERE code = '7000'",
    "DELETE FROM open_item",
    "UPDATE open_item SET amount_cents = 1",
])
def test_posted_rows_refuse_raw_sql(company, invoice, sql):
    invoice("F1")
    with pytest.raises(PostedRowImmutable):
        with write():
            current_database().execute_sql(sql)


def test_used_accounts_are_renamed_or_blocked_never_deleted(company, invoice):
    invoice("F1")
    ledger.rename_account("7000", fr="Ventes de marchandises (Belgique)", en="Sales of goods (Belgium)")
    assert ledger.find_account("7000").name("en") == "Sales of goods (Belgium)"
    with pytest.raises(errors.AccountInUse):
        ledger.delete_account("7000")
    with pytest.raises(errors.AccountInUse):
        ledger.update_account("7000", kind="expense")
    ledger.add_account("7099", "Ventes diverses", kind="income")
    ledger.delete_account("7099")
    with pytest.raises(errors.AccountNotFound):
        ledger.find_account("7099")


# --------------------------------------------------------------------------- the hash chain

def test_doctor_names_the_first_entry_altered_behind_the_application(company, invoice):
    invoice("F1")
    second = invoice("F2")
    invoice("F3")
    assert not ledger_problems(company)
    database = current_database()
    database.execute_sql('DROP TRIGGER "entry_line_no_update"')
    move = "UPDATE entry_line SET credit_cents = credit_cents + ? WHERE entry_id = ? AND line_no = ?"
    database.execute_sql(move, (-100, second.id, 2))  # 1,00 moved from sales to VAT: still balanced
    database.execute_sql(move, (100, second.id, 3))
    found = ledger_problems(company)
    assert set(found) == {"ledger: hash chain", "ledger: balances equal the lines"}
    assert "VEN/2026/00002" in found["ledger: hash chain"][0]


def test_doctor_finds_a_removed_entry(company, post):
    for n in range(3):
        post(f"OD 2026-03-1{n} x", "550001 10,00 D\n7000 10,00 C")
    database = current_database()
    for trigger in ("entry_no_delete", "entry_line_no_delete"):
        database.execute_sql(f'DROP TRIGGER "{trigger}"')
    database.execute_sql("DELETE FROM entry_line WHERE entry_id = 2")
    database.execute_sql("DELETE FROM entry WHERE id = 2")
    found = ledger_problems(company)
    assert "OD/2026/00003" in found["ledger: hash chain"][0]
    assert "missing [2]" in found["ledger: numbering gapless"][0]


# --------------------------------------------------------------------------- reversals

def test_a_reversal_cancels_the_entry_and_its_open_item(company, invoice):
    original = invoice("F1")
    reversal = ledger.reverse_entry(original.id, D(2026, 3, 31), "wrong customer", role="accountant")
    assert reversal.kind == "reversal" and reversal.reversal_of_id == original.id
    assert reversal.reference == "VEN/2026/00002" and "VEN/2026/00001" in reversal.description
    assert [(x.debit_cents, x.credit_cents) for x in ledger.entry_lines(reversal.id)] == [
        (0, 12100), (10000, 0), (2100, 0)]
    assert ledger.open_items() == []
    assert ledger.reversal_of(original.id).id == reversal.id
    assert not ledger_problems(company)


def test_a_reversal_of_a_reversal_and_a_second_reversal_are_refused(company, invoice):
    original = invoice("F1")
    reversal = ledger.reverse_entry(original.id, D(2026, 3, 31), "wrong", role="accountant")
    with pytest.raises(errors.ReversalOfReversal):
        ledger.reverse_entry(reversal.id, D(2026, 3, 31), "undo", role="accountant")
    with pytest.raises(errors.AlreadyReversed) as caught:
        ledger.reverse_entry(original.id, D(2026, 3, 31), "again", role="accountant")
    assert "VEN/2026/00002" in caught.value.message("en")


def test_reversing_a_partly_paid_invoice_keeps_the_payment_matched(company, invoice, payment):
    original = invoice("F1")
    paid = payment("40,00")
    ledger.reconcile([line_on(original, "400"), line_on(paid, "400")])
    reversal = ledger.reverse_entry(original.id, D(2026, 3, 31), "cancelled", role="accountant")
    (item,) = ledger.open_items()
    assert item.line_id == line_on(reversal, "400") and item.residual_cents == -4000  # the customer's credit
    assert not ledger_problems(company)


def test_a_reversal_in_a_locked_period_is_refused(company, invoice):
    original = invoice("F1")
    ledger.lock_period("2026-03")
    with pytest.raises(ValidationErrors) as caught:
        ledger.reverse_entry(original.id, D(2026, 3, 31), "late", role="accountant")
    assert problems(caught) == [errors.PeriodLocked]
    assert OpenItem.select().count() == 1
