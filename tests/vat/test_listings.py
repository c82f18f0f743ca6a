"""The annual client listing (NewLK) and the intra-Community listing (NewICO), credit notes included."""
from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from equisis.vat import intervat, service
from equisis.vat.errors import InvalidYear, ListingPartnerProblem, NothingToList
from tests.vat.conftest import make_party
from tests.vat.conftest import needs_intervat_schemas

D = dt.date


def clients(year=2026):
    return {x.vat_number: (x.turnover_cents, x.vat_cents) for x in service.client_listing(year)}


def test_client_listing_counts_turnover_and_vat_less_credit_notes(books, cast):
    books.sell(cast.dupont, [(100_000, 2100), (20_000, 600)], D(2026, 1, 15))
    books.sell(cast.dupont, [(30_000, 2100)], D(2026, 9, 1), credit_note=True)
    books.sell(cast.builder, [(50_000, 2100, "services")], D(2026, 5, 1))  # co-contractor: 45, no VAT
    assert clients() == {"0477472701": (90_000, 21_000 + 1_200 - 6_300), "0417497106": (50_000, 0)}


def test_client_listing_threshold_is_250_euros(books, cast):
    books.sell(cast.dupont, [(25_000, 2100)], D(2026, 3, 1))      # exactly 250,00: listed
    books.sell(cast.brasserie, [(24_999, 2100)], D(2026, 3, 1))   # 249,99: not listed
    books.sell(cast.consumer, [(90_000, 2100)], D(2026, 3, 1))    # no VAT number: never listed
    books.sell(cast.paris, [(90_000, 2100)], D(2026, 3, 1))       # EU customer: the ICO, not this listing
    assert clients() == {"0477472701": (25_000, 5_250)}


def test_credit_notes_can_take_a_customer_below_the_threshold(books, cast):
    books.sell(cast.dupont, [(30_000, 2100)], D(2026, 3, 1))
    books.sell(cast.dupont, [(10_000, 2100)], D(2026, 4, 1), credit_note=True)
    assert clients() == {}


@needs_intervat_schemas
def test_nil_client_listing_is_valid(company):
    content = service.client_listing_xml(2026)
    document = etree.fromstring(content)
    assert intervat.schema("client-listing").validate(document)
    listing = document.find("{*}ClientListing")
    assert (listing.get("ClientsNbr"), listing.get("TurnOverSum"), listing.get("VATAmountSum")) == ("0", "0.00", "0.00")
    assert listing.find("{*}Client") is None


def test_client_listing_xml_lists_each_customer(books, cast):
    books.sell(cast.dupont, [(100_000, 2100)], D(2026, 1, 15))
    books.sell(cast.brasserie, [(40_000, 1200)], D(2026, 6, 15))
    document = etree.fromstring(service.client_listing_xml("2026"))
    listed = [(c.findtext("{*}CompanyVATNumber"), c.findtext("{*}TurnOver"), c.findtext("{*}VATAmount"))
              for c in document.iter("{*}Client")]
    assert listed == [("0202239951", "400.00", "48.00"), ("0477472701", "1000.00", "210.00")]
    assert document.find("{*}ClientListing").get("TurnOverSum") == "1400.00"


def test_client_listing_years_are_checked(company):
    with pytest.raises(InvalidYear):
        service.client_listing_xml("20x6")


def intra(period="2026-Q1"):
    return {(x.vat.text, x.code): x.amount_cents for x in service.intra_lines(period)[1]}


@needs_intervat_schemas
def test_intra_listing_codes_and_credit_notes(books, cast):
    books.sell(cast.paris, [(200_000, 2100)], D(2026, 1, 10))
    books.sell(cast.paris, [(25_000, 2100)], D(2026, 2, 10), credit_note=True)
    books.sell(cast.berlin, [(80_000, 2100, "services")], D(2026, 2, 11))
    books.sell(cast.berlin, [(5_000, 2100, "services")], D(2026, 2, 12), credit_note=True)
    books.sell(cast.berlin, [(30_000, 2100)], D(2026, 3, 3), triangular=True)
    books.sell(cast.berlin, [(1_000, 2100)], D(2026, 3, 4), triangular=True, credit_note=True)
    books.sell(cast.paris, [(7_000, 2100)], D(2026, 4, 1))  # next quarter
    assert intra() == {("FR40303265045", "L"): 175_000, ("DE136695976", "S"): 75_000,
                       ("DE136695976", "T"): 29_000}
    document = etree.fromstring(service.intra_listing_xml("2026-Q1"))
    assert intervat.schema("intra-listing").validate(document)
    rows = [(c.find("{*}CompanyVATNumber").get("issuedBy"), c.findtext("{*}CompanyVATNumber"),
             c.findtext("{*}Code"), c.findtext("{*}Amount")) for c in document.iter("{*}IntraClient")]
    assert rows == [("DE", "136695976", "S", "750.00"), ("DE", "136695976", "T", "290.00"),
                    ("FR", "40303265045", "L", "1750.00")]
    assert intra("2026-04") == {("FR40303265045", "L"): 7_000}


def test_a_credit_note_alone_is_listed_negative(books, cast):
    books.sell(cast.paris, [(25_000, 2100)], D(2026, 5, 10), credit_note=True)
    assert intra("2026-Q2") == {("FR40303265045", "L"): -25_000}
    assert b"<Amount>-250.00</Amount>" in service.intra_listing_xml("2026-Q2")


def test_greek_customers_are_issued_by_EL(books, cast):
    athens = make_party("Athens Home AE", "EL094259216", regime="eu", country="GR")
    books.sell(athens, [(10_000, 2100)], D(2026, 1, 10))
    assert b'issuedBy="EL">094259216<' in service.intra_listing_xml("2026-Q1")


def test_intra_listing_refuses_a_customer_without_valid_eu_vat_number(books, cast):
    nowhere = make_party("Sans Numéro SARL", regime="eu", country="FR")
    books.sell(nowhere, [(10_000, 2100)], D(2026, 1, 10))
    with pytest.raises(ListingPartnerProblem) as caught:
        service.intra_listing_xml("2026-Q1")
    assert "Sans Numéro SARL" in caught.value.message() and "no VAT number" in caught.value.message()


def test_an_empty_intra_listing_is_not_filed(company):
    with pytest.raises(NothingToList):
        service.intra_listing_xml("2026-Q1")
