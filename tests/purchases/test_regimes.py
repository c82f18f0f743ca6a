"""Each VAT regime of a purchase: the ledger lines it posts and the grids of the Belgian return they feed."""
from __future__ import annotations

from equisis.ledger.models import Entry, GridBalance
from equisis.purchases import service
from tests.purchases.conftest import D, booked, line, table


def test_belgian_21_percent_fully_deductible_by_category(suppliers, enter):
    invoice = enter(suppliers["be"], line("604", "1000"), line("61329", "200"), line("241000", "15000"))
    assert invoice.number == "A2026/00001" and invoice.state == "posted"
    assert (invoice.net_cents, invoice.vat_cents, invoice.total_cents) == (1_620_000, 340_200, 1_960_200)
    assert table(invoice) == [
        ("440", 0, 1_960_200, ""),
        ("604", 100_000, 0, "81"),
        ("61329", 20_000, 0, "82"),
        ("241000", 1_500_000, 0, "83"),
        ("411", 340_200, 0, "59"),
    ]
    entry = Entry.get_by_id(invoice.entry_id)
    assert entry.journal.code == "ACH" and entry.date == D(2026, 3, 10)
    assert (entry.source_type, entry.source_id) == ("purchase_invoice", str(invoice.id))
    supplier = suppliers["be"].id
    assert {(partner, ref) for *_, partner, ref in booked(invoice)} == {(supplier, "A2026/00001")}
    assert invoice.due_date == D(2026, 4, 9)  # the supplier's 30 days


def test_car_costs_half_deductible(suppliers, enter):
    invoice = enter(suppliers["be"], line("612901", "100", deductible=5000))
    # the non-deductible half of the VAT is a cost, reported with the purchase on 82
    assert table(invoice) == [("440", 0, 12_100, ""), ("612901", 11_050, 0, "82"), ("411", 1_050, 0, "59")]
    assert invoice.deductible_cents == 1_050


def test_non_deductible_vat_is_a_cost(suppliers, enter):
    invoice = enter(suppliers["be"], line("616580", "50", rate=1200, deductible=0))
    assert table(invoice) == [("440", 0, 5_600, ""), ("616580", 5_600, 0, "82")]


def test_intra_eu_goods_reverse_charged(suppliers, enter):
    invoice = enter(suppliers["eu"], line("604", "1000"))
    assert (invoice.vat_cents, invoice.self_assessed_cents, invoice.total_cents) == (0, 21_000, 100_000)
    assert table(invoice) == [("440", 0, 100_000, ""), ("604", 100_000, 0, "81 86"), ("411", 21_000, 0, "59"),
                              ("451", 0, 21_000, "55")]
    assert invoice.due_date == D(2026, 5, 9)  # 60 days


def test_intra_eu_services_reverse_charged(suppliers, enter):
    invoice = enter(suppliers["eu"], line("6162", "300"))
    assert table(invoice) == [("440", 0, 30_000, ""), ("6162", 30_000, 0, "82 88"), ("411", 6_300, 0, "59"),
                              ("451", 0, 6_300, "55")]


def test_intra_eu_goods_bought_on_a_61_account_stay_goods(suppliers, enter):
    invoice = enter(suppliers["eu"], line("6120", "100", category="misc_goods"))
    assert table(invoice)[1] == ("6120", 10_000, 0, "82 86")


def test_cocontractor_reverse_charge(suppliers, enter):
    invoice = enter(suppliers["cocontractor"], line("611", "2000", rate=2100))
    assert table(invoice) == [("440", 0, 200_000, ""), ("611", 200_000, 0, "82 87"), ("411", 42_000, 0, "59"),
                              ("451", 0, 42_000, "56")]


def test_non_eu_services_reverse_charged(suppliers, enter):
    invoice = enter(suppliers["non_eu"], line("613310", "99,99"))
    assert table(invoice) == [("440", 0, 9_999, ""), ("613310", 9_999, 0, "82 87"), ("411", 2_100, 0, "59"),
                              ("451", 0, 2_100, "56")]
    assert invoice.due_date == invoice.invoice_date


def test_non_eu_goods_with_import_deferral(suppliers, enter):
    invoice = enter(suppliers["non_eu"], line("604", "500"), import_deferral=True)
    assert table(invoice) == [("440", 0, 50_000, ""), ("604", 50_000, 0, "81 87"), ("411", 10_500, 0, "59"),
                              ("451", 0, 10_500, "57")]


def test_exempt_supplier_charges_no_vat(suppliers, enter):
    invoice = enter(suppliers["exempt"], line("61329", "250"))
    assert table(invoice) == [("440", 0, 25_000, ""), ("61329", 25_000, 0, "82")]


def test_belgian_credit_note(suppliers, enter):
    invoice = enter(suppliers["be"], line("604", "1000"))
    note = service.create_credit_note(invoice.id, supplier_ref="NC-7", invoice_date=D(2026, 3, 20),
                                      lines=(line("604", "100"),))
    note = service.post_invoice(note.id, role="accountant")
    assert note.number == "AC2026/00001" and note.credit_of_id == invoice.id
    assert Entry.get_by_id(note.entry_id).journal.code == "ANC"
    assert table(note) == [("440", 12_100, 0, ""), ("604", 0, 10_000, "81 85"), ("411", 0, 2_100, "63")]


def test_intra_eu_credit_note(suppliers, enter):
    invoice = enter(suppliers["eu"], line("604", "1000"))
    note = service.post_invoice(service.create_credit_note(invoice.id, supplier_ref="CN-1",
                                                           invoice_date=D(2026, 3, 25)).id, role="accountant")
    assert table(note) == [("440", 100_000, 0, ""), ("604", 0, 100_000, "81 84"), ("411", 0, 21_000, "63"),
                           ("451", 21_000, 0, "62")]


def test_cocontractor_credit_note_lands_on_85_62_63(suppliers, enter):
    invoice = enter(suppliers["cocontractor"], line("611", "2000"))
    note = service.post_invoice(service.create_credit_note(invoice.id, supplier_ref="CN-2",
                                                           invoice_date=D(2026, 3, 25)).id, role="accountant")
    assert table(note) == [("440", 200_000, 0, ""), ("611", 0, 200_000, "82 85"), ("411", 0, 42_000, "63"),
                           ("451", 42_000, 0, "62")]


def test_grids_of_the_period_add_up(suppliers, enter):
    enter(suppliers["be"], line("604", "1000"))
    enter(suppliers["eu"], line("6162", "300"), ref="EU-1")
    grids = {g.grid: g.debit_cents - g.credit_cents for g in GridBalance.select()}
    assert grids == {"81": 100_000, "82": 30_000, "88": 30_000, "59": 21_000 + 6_300, "55": -6_300}
