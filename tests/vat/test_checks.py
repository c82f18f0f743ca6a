"""The check screen's findings: arithmetic of the grids and what needs the books."""
from __future__ import annotations

import datetime as dt

from equisis.ledger import service as ledger
from equisis.ledger.rules import DraftEntry, DraftLine
from equisis.store.database import write
from equisis.vat import checks, rules, service
from tests.vat.conftest import make_party
from tests.vat.scenario import post_quarter

D = dt.date
DAY = D(2026, 2, 10)


def codes(period="2026-Q1"):
    return [f.code for f in checks.findings(period)]


def post(lines, day=DAY):
    return ledger.post_entry(DraftEntry("OD", day, "by hand", tuple(lines)), role="accountant")


def test_a_consistent_quarter_has_nothing_to_report(books, cast):
    post_quarter(books, cast)
    assert codes() == []


def test_grid_checks_are_pure_and_tolerant():
    ok = rules.with_balance({"03": 100_000, "54": 21_050})  # 50 cents of rounding
    assert rules.check_grids(ok) == []
    off = rules.with_balance({"03": 100_000, "54": 20_000})
    assert [f.code for f in rules.check_grids(off)] == ["vat-on-sales"]
    assert [f.code for f in rules.check_grids(rules.with_balance({"49": 10_000, "64": 3_000}))] == \
        ["credit-note-vat"]
    assert [f.code for f in rules.check_grids(rules.with_balance({"86": 10_000, "55": 100}))] == \
        ["vat-on-acquisitions"]
    assert [f.code for f in rules.check_grids(rules.with_balance({"87": 10_000, "56": 5_000}))] == ["vat-on-87"]
    negative = rules.check_grids(rules.with_balance({"81": -1}))
    assert [(f.code, f.grid, f.blocking) for f in negative] == [("negative", "81", True)]


def test_vat_off_the_rates_is_reported_with_its_grid(books, cast):
    books.sell(cast.dupont, [(100_000, 2100)], DAY)
    post([DraftLine("451", 5_000, 0, vat_grids=("54",)), DraftLine("7000", 0, 5_000)])
    found = [f for f in checks.findings("2026-Q1") if f.code == "vat-on-sales"]
    assert len(found) == 1 and found[0].grid == "54"
    assert "Grid 54" in checks.message_of(found[0])


def test_intra_eu_sale_to_a_customer_without_valid_vat_number(books, cast):
    nowhere = make_party("Sans Numéro SARL", regime="eu", country="FR")
    typo = make_party("Typo GmbH", regime="eu", country="DE", raw_vat="DE136695977")
    belgian = make_party("Belge mal classé SRL", "BE0202239951", regime="eu")
    for party in (nowhere, typo, belgian):
        books.sell(party, [(10_000, 2100)], DAY)
    found = {f.party_id: f for f in checks.findings("2026-Q1") if f.code == "intra-vat"}
    assert set(found) == {nowhere.id, typo.id, belgian.id}
    assert all(f.blocking and f.grid == "46" and f.entry_id for f in found.values())
    assert "no VAT number" in checks.message_of(found[nowhere.id])
    assert "not a valid EU VAT number" in checks.message_of(found[typo.id])
    assert "Belgian VAT number" in checks.message_of(found[belgian.id])
    assert checks.findings("2026-Q1")[0].blocking  # blocking findings come first


def test_cocontractor_and_listing_customers_need_a_belgian_vat_number(books, cast):
    builder = make_party("Bouw Zonder Nummer BV", regime="cocontractor")
    bad = make_party("Faute de Frappe SRL", raw_vat="BE0477472702")
    books.sell(builder, [(10_000, 2100, "services")], DAY)
    books.sell(bad, [(10_000, 2100)], DAY)
    found = {f.code: f for f in checks.findings("2026-Q1")}
    assert found["cocontractor-vat"].party_id == builder.id and found["cocontractor-vat"].grid == "45"
    assert found["listing-vat"].party_id == bad.id
    assert "BE0477472702" in checks.message_of(found["listing-vat"])


def test_sales_lines_without_a_customer(books, cast):
    post([DraftLine("400", 12_100, 0, partner_id=cast.dupont.id, document_ref="T1", due_date=DAY),
          DraftLine("7000", 0, 10_000, vat_grids=("03",)), DraftLine("451", 0, 2_100, vat_grids=("54",))])
    found = [f for f in checks.findings("2026-Q1") if f.code == "no-customer"]
    assert len(found) == 1 and found[0].grid == "03" and found[0].entry_id
    assert "grid 03" in checks.message_of(found[0])


def test_entries_posted_into_a_filed_period(company, books, cast):
    books.sell(cast.dupont, [(10_000, 2100)], DAY)
    service.file_return("2026-Q1", today=D(2026, 4, 20))
    assert codes() == []
    # a system posting that ignores the VAT lock (as a year-end could) still shows up
    from equisis.ledger.posting import Posting, post_system

    draft = DraftEntry("OD", DAY, "late", (DraftLine("451", 1_000, 0, vat_grids=("64",)), DraftLine("7000", 0, 1_000)))
    with write():
        post_system([Posting(draft)], role="accountant")
    assert {"posted-after-filing", "changed-after-filing"} <= set(codes())
