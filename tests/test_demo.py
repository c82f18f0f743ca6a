"""The demo company's year of books (equisis/demo/books.py): sound, realistic and the same every time."""
from __future__ import annotations

import collections
import datetime as dt
import random
import time

import pytest
from peewee import fn
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat

from equisis import doctor
from equisis.demo import build_demo
from equisis.demo.books import belgian_vat, foreign_vat
from equisis.ledger import service as ledger
from equisis.ledger.models import Entry, GridBalance, Journal
from equisis.parties.models import Party
from equisis.purchases.models import PurchaseInvoice
from equisis.sales.models import SalesInvoice
from equisis.vat import service as vat_service
from equisis.schema import all_migrations
from equisis.store import Instance

TODAY = dt.date(2026, 11, 28)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def build(folder, today=TODAY):
    """(instance, store, seconds) of a new demo instance in ``folder``."""
    instance = Instance(folder, all_migrations())
    started = time.perf_counter()
    slug = build_demo(instance, today=today)
    return instance, instance.get(slug), time.perf_counter() - started


def fingerprint(store) -> dict:
    """What two builds of the same day must share: totals per account and partner, open items, parties."""
    with store.session():
        return {
            "accounts": ledger.account_totals(*YEAR),
            "partners": ledger.partner_totals(*YEAR),
            "open": [(i.reference, i.account, i.partner_id, i.residual_cents) for i in ledger.open_items()],
            "parties": [(p.id, p.name, p.vat_number, p.language) for p in Party.select().order_by(Party.id)],
            "entries": [(e.reference, e.date, e.description) for e in Entry.select().order_by(Entry.id)],
        }


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    instance, store, seconds = build(tmp_path_factory.mktemp("demo") / "instance")
    print(f"\nbuild_demo(today={TODAY}): {seconds:.2f} s")
    yield store, seconds
    instance.close()


def test_builds_in_reasonable_time_and_every_doctor_check_passes(demo):
    store, seconds = demo
    assert seconds > 0  # it completed (printed with -s: a second or two on the appliance's kind of machine)
    results = doctor.run(store)
    assert {name for name, _problems in results} >= {"ledger: entries balanced", "ledger: hash chain",
                                                     "ledger: reconciliations"}
    assert [(name, problems) for name, problems in results if problems] == []


def test_a_year_of_entries_in_every_journal_and_a_balanced_trial_balance(demo):
    store, _seconds = demo
    with store.session():
        totals = ledger.account_totals(*YEAR)
        by_journal = collections.Counter(code for code, in Entry.select(Journal.code).join(Journal).tuples())
        last = Entry.select(Entry.date).order_by(Entry.date.desc()).first().date
    assert sum(d for d, _c in totals.values()) == sum(c for _d, c in totals.values())
    assert 1_500 <= sum(by_journal.values()) <= 3_000
    assert set(by_journal) == {"OUV", "VEN", "VNC", "ACH", "BNK1", "CSH1", "OD"}
    assert by_journal["VEN"] > 250 and by_journal["ACH"] > 200 and by_journal["CSH1"] > 250
    assert last <= TODAY
    net = {code: d - c for code, (d, c) in totals.items()}
    assert net["100"] == -2_000_000                        # capital from the opening entry
    assert net["1730"] < 0 and net["4230"] < 0             # the loan, this year's part not all repaid yet
    assert net["7000"] < 0 and net["604"] > 0 and net["6202"] > 0
    assert "6302" not in net                               # depreciation waits for 31 December


def test_sales_and_purchases_carry_the_belgian_vat_grids(demo):
    store, _seconds = demo
    with store.session():
        grids = {grid: (d, c) for grid, d, c in GridBalance.select(
            GridBalance.grid, fn.SUM(GridBalance.debit_cents), fn.SUM(GridBalance.credit_cents))
            .group_by(GridBalance.grid).tuples()}
    assert set(grids) >= {"01", "03", "54", "46L", "49", "64", "81", "82", "83", "59"}
    assert grids["03"][1] > grids["01"][1] > 0             # bases on the credit side
    assert grids["81"][0] > 0 and grids["59"][0] > 0       # purchases and deductible VAT on the debit side
    assert grids["49"][0] > 0 and grids["64"][0] > 0       # credit notes: base 49, VAT 64 (debit)


def test_the_year_is_made_of_documents_and_its_vat_returns_are_filed_and_plausible(demo):
    """Invoices, credit notes and purchases are documents; Q1-Q3 are filed, their periods locked, and
    each return's balance is what the quarter's VAT settlement entry moved to the VAT current account."""
    store, _seconds = demo
    with store.session():
        invoices = SalesInvoice.select().where(SalesInvoice.kind == "invoice").count()
        credit_notes = SalesInvoice.select().where(SalesInvoice.kind == "credit_note").count()
        bought = PurchaseInvoice.select().count()
        numbers = [i.number for i in SalesInvoice.select().where(SalesInvoice.kind == "invoice")
                   .order_by(SalesInvoice.date, SalesInvoice.id)]
        returns = {q: vat_service.compute_return(f"2026-Q{q}") for q in range(1, 5)}
        settled = {e.description: sum(x.credit_cents - x.debit_cents for x in ledger.entry_lines(e.id)
                                      if x.account.code == "4512")
                   for e in Entry.select().join(Journal).where(Journal.code == "OD")
                   if e.description.startswith("Déclaration TVA")}
    assert invoices > 250 and credit_notes >= 1 and bought > 200
    assert numbers == sorted(numbers), "invoice numbers follow their dates"
    assert [bool(returns[q].filed) for q in range(1, 5)] == [True, True, True, False]
    for q in (1, 2, 3):
        grids = returns[q].grids
        assert grids["03"] > grids["01"] > 0 and grids["54"] > 0 and grids["81"] > 0 and grids["59"] > 0
        assert grids["46"] > 0 or grids["44"] > 0
        assert grids.get("71", 0) - grids.get("72", 0) == settled[f"Déclaration TVA T{q} 2026"]


def test_receivables_have_open_items_some_overdue_and_payments_are_matched(demo):
    store, _seconds = demo
    with store.session():
        receivable = ledger.open_items(kinds=("receivable",))
        payable = ledger.open_items(kinds=("payable",))
        aged = ledger.open_items_at(dt.date(2026, 6, 30), kinds=("receivable",))
    assert len(receivable) >= 20 and len(payable) >= 5
    overdue = [i for i in receivable if i.due_date < TODAY - dt.timedelta(days=60)]
    recent = [i for i in receivable if i.date > TODAY - dt.timedelta(days=30)]
    assert overdue and recent
    assert any(0 < i.residual_cents < i.amount_cents for i in receivable + aged)  # a partial payment
    assert len(aged) > 10


def test_parties_have_valid_vat_numbers_and_write_in_french_dutch_and_german(demo):
    store, _seconds = demo
    with store.session():
        found = list(Party.select())
    customers = [p for p in found if p.is_customer]
    suppliers = [p for p in found if p.is_supplier]
    assert 35 <= len(customers) <= 50 and 10 <= len(suppliers) <= 15
    assert {p.language for p in customers} == {"fr", "nl", "de"}
    private = [p for p in customers if p.vat_number is None]
    assert 3 <= len(private) <= 10
    numbers = [p.vat_number for p in found if p.vat_number]
    assert len(numbers) == len(set(numbers))
    belgian = [n for n in numbers if n.startswith("BE")]
    foreign = [n for n in numbers if not n.startswith("BE")]
    assert all(be_vat.is_valid(n) for n in belgian)
    assert all(eu_vat.is_valid(n) for n in foreign) and {n[:2] for n in foreign} == {"FR", "NL", "DE", "LU"}
    assert all(p.enterprise_number == p.vat_number[2:] for p in found if p.vat_number in belgian)


def test_the_same_day_gives_the_same_books(demo, tmp_path):
    store, _seconds = demo
    instance, again, seconds = build(tmp_path / "again")
    try:
        print(f"\nsecond build_demo: {seconds:.2f} s")
        assert fingerprint(again) == fingerprint(store)
    finally:
        instance.close()


@pytest.mark.parametrize("today,entries,depreciation", [
    (dt.date(2026, 1, 1), (1, 10), False),
    (dt.date(2026, 12, 31), (1_500, 3_000), True),
])
def test_the_year_stops_at_today_and_depreciation_waits_for_31_december(tmp_path, today, entries, depreciation):
    instance, store, seconds = build(tmp_path / "instance", today)
    try:
        print(f"\nbuild_demo(today={today}): {seconds:.2f} s")
        assert all(problems == [] for _name, problems in doctor.run(store))
        with store.session():
            count = Entry.select().count()
            last = Entry.select(Entry.date).order_by(Entry.date.desc()).first().date
            totals = ledger.account_totals(*YEAR)
        assert entries[0] <= count <= entries[1] and last <= today
        assert ("6302" in totals) is depreciation
    finally:
        instance.close()


def test_vat_numbers_are_built_with_their_check_digits():
    assert belgian_vat(4031707) == "BE0403170701"
    rnd = random.Random(1)
    for body in (rnd.randint(4_000_000, 9_999_999) for _ in range(200)):
        assert be_vat.is_valid(belgian_vat(body))
    for country in ("FR", "NL", "DE", "LU"):
        for _ in range(20):
            number = foreign_vat(country, rnd)
            assert number.startswith(country) and eu_vat.is_valid(number)


def test_the_shop_has_two_tills_ready_for_the_till_screen(demo):
    from equisis.pos import service as pos
    store, _seconds = demo
    with store.session():
        tills = [(t.code, t.name, t.printer_kind, t.warehouse, t.cash_journal, t.active) for t in pos.terminals()]
    assert tills == [("T1", "Caisse 1", "none", "MAG", "CSH1", True), ("T2", "Caisse 2", "none", "MAG", "CSH1", True)]
