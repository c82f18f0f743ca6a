"""The return computed from posted documents: every grid rule, 71/72, XML validity, periods."""
from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from equisis.company import service as company_service
from equisis.ledger import service as ledger
from equisis.ledger.rules import DraftEntry, DraftLine
from equisis.vat import intervat, rules, service
from equisis.vat.errors import CompanyVatNumberMissing, InvalidVatPeriod, NegativeGrid, WrongPeriodKind
from tests.vat.scenario import EXPECTED, post_quarter
from tests.vat.conftest import needs_intervat_schemas

D = dt.date
DAY = D(2026, 2, 10)


def nonzero(grids) -> dict:
    return {g: v for g, v in grids.items() if v}


# Each case: who, how, the document's lines, and every grid it must fill (71/72 included).
SALES = [
    ("dupont", {}, [(10_000, 2100)], {"03": 10_000, "54": 2_100, "71": 2_100}),
    ("dupont", {}, [(10_000, 1200)], {"02": 10_000, "54": 1_200, "71": 1_200}),
    ("dupont", {}, [(10_000, 600)], {"01": 10_000, "54": 600, "71": 600}),
    ("dupont", {}, [(10_000, 0)], {"00": 10_000}),
    ("paris", {}, [(10_000, 2100)], {"46": 10_000}),
    ("paris", {}, [(10_000, 2100, "services")], {"44": 10_000}),
    ("berlin", {"triangular": True}, [(10_000, 2100)], {"46": 10_000}),
    ("geneva", {}, [(10_000, 2100)], {"47": 10_000}),
    ("geneva", {}, [(10_000, 2100, "services")], {"47": 10_000}),
    ("builder", {}, [(10_000, 2100, "services")], {"45": 10_000}),
    ("dupont", {"credit_note": True}, [(10_000, 2100)], {"49": 10_000, "64": 2_100, "72": 2_100}),
    ("dupont", {"credit_note": True}, [(10_000, 600)], {"49": 10_000, "64": 600, "72": 600}),
    ("paris", {"credit_note": True}, [(10_000, 2100)], {"48": 10_000}),
    ("paris", {"credit_note": True}, [(10_000, 2100, "services")], {"48": 10_000}),
    ("berlin", {"credit_note": True, "triangular": True}, [(10_000, 2100)], {"48": 10_000}),
    ("geneva", {"credit_note": True}, [(10_000, 2100)], {"49": 10_000}),
    ("builder", {"credit_note": True}, [(10_000, 2100, "services")], {"49": 10_000}),
]


@pytest.mark.parametrize("who,options,lines,expected", SALES)
def test_sales_grid_rules(books, cast, who, options, lines, expected):
    books.sell(getattr(cast, who), lines, DAY, **options)
    assert nonzero(service.compute_return("2026-Q1").grids) == expected


PURCHASES = [
    ("wholesaler", {}, [(10_000, 2100, "resale")], {"81": 10_000, "59": 2_100, "72": 2_100}),
    ("wholesaler", {}, [(10_000, 2100, "services")], {"82": 10_000, "59": 2_100, "72": 2_100}),
    ("wholesaler", {}, [(10_000, 600, "misc_goods")], {"82": 10_000, "59": 600, "72": 600}),
    ("wholesaler", {}, [(10_000, 2100, "investment")], {"83": 10_000, "59": 2_100, "72": 2_100}),
    # half-deductible: the other half is part of the cost on 81
    ("wholesaler", {}, [(10_000, 2100, "resale", 5_000)], {"81": 11_050, "59": 1_050, "72": 1_050}),
    ("amsterdam", {}, [(10_000, 2100, "resale")], {"81": 10_000, "86": 10_000, "55": 2_100, "59": 2_100}),
    ("amsterdam", {}, [(10_000, 2100, "services")], {"82": 10_000, "88": 10_000, "55": 2_100, "59": 2_100}),
    ("builder_supplier", {}, [(10_000, 2100, "services")], {"82": 10_000, "87": 10_000, "56": 2_100,
                                                            "59": 2_100}),
    ("us_supplier", {}, [(10_000, 2100, "services")], {"82": 10_000, "87": 10_000, "56": 2_100, "59": 2_100}),
    ("us_supplier", {"import_deferral": True}, [(10_000, 2100, "resale")],
     {"81": 10_000, "87": 10_000, "57": 2_100, "59": 2_100}),
    ("wholesaler", {"credit_note": True}, [(10_000, 2100, "resale")], {"85": 10_000, "63": 2_100, "71": 2_100}),
    ("amsterdam", {"credit_note": True}, [(10_000, 2100, "services")], {"84": 10_000, "62": 2_100, "63": 2_100}),
]


@pytest.mark.parametrize("who,options,lines,expected", PURCHASES)
def test_purchase_grid_rules(books, cast, who, options, lines, expected):
    from tests.vat.conftest import make_party

    if who == "builder_supplier":
        party = make_party("Bouw Peeters BV", "BE0202239951", regime="cocontractor", customer=False, supplier=True)
    elif who == "us_supplier":
        party = make_party("Acme Inc", regime="non_eu", country="US", customer=False, supplier=True)
    else:
        party = getattr(cast, who)
    books.buy(party, lines, DAY, **options)
    grids = service.compute_return("2026-Q1").grids
    if who == "wholesaler" and options.get("credit_note"):
        assert grids["81"] == -10_000  # a credit note received reduces 81 (and sits on 85)
        grids = {**grids, "81": 0}
    if who == "amsterdam" and options.get("credit_note"):
        assert grids["82"] == -10_000 and grids["88"] == 0
        grids = {**grids, "82": 0}
    assert nonzero(grids) == expected


def test_the_demo_quarter_fills_every_grid_it_should(books, cast):
    post_quarter(books, cast)
    view = service.compute_return("2026-Q1")
    assert {g: view.grids[g] for g in EXPECTED} == EXPECTED
    due = sum(view.grids[g] for g in ("54", "55", "56", "57", "61", "63"))
    deductible = sum(view.grids[g] for g in ("59", "62", "64"))
    assert (view.grids["71"], view.grids["72"]) == (0, deductible - due) == (0, 113_550)


def test_a_quarter_sums_its_months_and_ignores_other_quarters(books, cast):
    for month in (1, 2, 3, 4):
        books.sell(cast.dupont, [(10_000, 2100)], D(2026, month, 28))
    assert service.compute_return("2026-Q1").grids["03"] == 30_000
    assert service.compute_return("2026-Q2").grids["03"] == 10_000


def test_monthly_declarant_gets_months(monthly, books, cast):
    books.sell(cast.dupont, [(10_000, 2100)], D(2026, 3, 31))
    books.sell(cast.dupont, [(5_000, 2100)], D(2026, 4, 1))
    assert service.compute_return("2026-03").grids["03"] == 10_000
    with pytest.raises(WrongPeriodKind) as caught:
        service.compute_return("2026-Q1")
    assert caught.value.message() == "The company files its VAT returns monthly: declare a month like 2026-03, not 2026-Q1."


def test_quarterly_declarant_cannot_declare_a_month(company):
    with pytest.raises(WrongPeriodKind) as caught:
        service.compute_return("2026-03")
    assert caught.value.message() == ("The company files its VAT returns quarterly: declare a quarter like 2026-Q1, "
                                      "not 2026-03.")


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-Q1", "", "2026", "Q1-2026", "2026-3"])
def test_bad_periods_are_refused(company, text):
    with pytest.raises(InvalidVatPeriod):
        service.compute_return(text)


def test_regularisations_posted_by_hand_reach_61_and_62(books, cast):
    ledger.post_entry(DraftEntry("OD", DAY, "Regularisation", (
        DraftLine("411", 5_000, 0, vat_grids=("62",)), DraftLine("451", 0, 5_000),
        DraftLine("451", 0, 1_000, vat_grids=("61",)), DraftLine("411", 1_000, 0))), role="accountant")
    grids = service.compute_return("2026-Q1").grids
    assert (grids["61"], grids["62"], grids["72"]) == (1_000, 5_000, 4_000)


@needs_intervat_schemas
def test_xml_is_valid_with_the_right_period_and_balance(books, cast):
    books.sell(cast.dupont, [(10_000, 2100)], DAY)
    content = service.return_xml("2026-Q1")
    document = etree.fromstring(content)
    assert intervat.schema("return").validate(document)
    ns = {"v": intervat.NS["return"], "c": intervat.NS_COMMON}
    assert document.findtext("v:VATDeclaration/v:Period/v:Quarter", namespaces=ns) == "1"
    assert document.findtext("v:VATDeclaration/v:Period/v:Year", namespaces=ns) == "2026"
    assert document.findtext("v:VATDeclaration/v:Declarant/c:VATNumber", namespaces=ns) == "0403170701"
    amounts = {a.get("GridNumber"): a.text for a in document.iterfind(".//v:Amount", ns)}
    assert amounts == {"03": "100.00", "54": "21.00", "71": "21.00"}


def test_an_empty_period_still_declares_71(company):
    amounts = {a.get("GridNumber"): a.text
               for a in etree.fromstring(service.return_xml("2026-Q1")).iter("{*}Amount")}
    assert amounts == {"71": "0.00"}


def test_q4_return_says_the_client_listing_is_nil(books, cast):
    books.sell(cast.consumer, [(10_000, 2100)], D(2026, 11, 5))  # a consumer: nobody to list
    content = service.return_xml("2026-Q4")
    assert b"<ClientListingNihil>YES</ClientListingNihil>" in content
    books.sell(cast.dupont, [(30_000, 2100)], D(2026, 11, 6))
    assert b"<ClientListingNihil>NO</ClientListingNihil>" in service.return_xml("2026-Q4")
    assert b"<ClientListingNihil>NO</ClientListingNihil>" in service.return_xml("2026-Q1")


def test_a_negative_grid_is_an_error_never_a_file(books, cast):
    books.buy(cast.wholesaler, [(10_000, 2100, "resale")], DAY, credit_note=True)  # 81 = -100,00
    with pytest.raises(NegativeGrid) as caught:
        service.return_xml("2026-Q1")
    assert "81" in caught.value.message()


@needs_intervat_schemas
def test_an_invalid_document_is_refused_by_the_schema(company):
    from equisis.vat.errors import InvalidXml

    period = rules.parse_period("2026-Q1")
    with pytest.raises(InvalidXml):
        intervat.return_xml(intervat.Declarant("0403170701", "X"), period, {"03": -5, "71": 0})
    with pytest.raises(InvalidXml):
        intervat.return_xml(intervat.Declarant("BE0403170701", "X"), period, {"71": 0})


def test_a_company_without_vat_number_cannot_export(company):
    company_service.update_profile(vat_number=None)
    with pytest.raises(CompanyVatNumberMissing):
        service.return_xml("2026-Q1")


def test_drill_down_lists_exactly_the_lines_of_a_grid(books, cast):
    post_quarter(books, cast)
    books.sell(cast.berlin, [(5_000, 2100, "services")], D(2026, 3, 25), credit_note=True)  # on 48s44
    period = rules.parse_period("2026-Q1")
    for grid in rules.DRILLABLE:
        lines = list(service.grid_lines(period, grid))
        assert sum(service.line_amount(x, grid) for x in lines) == service.compute_return("2026-Q1").grids[grid]
    refs = {x.document_ref for x in service.grid_lines(period, "44")}
    assert len(refs) == 1  # 44 only: not the 48s44 credit-note code that contains "44"
    assert {x.entry.source_type for x in service.grid_lines(period, "03")} == {"sales_invoice"}
