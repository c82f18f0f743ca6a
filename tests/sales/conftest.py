"""Sales fixtures: a company with customers (Belgian, EU, French-speaking, Dutch-speaking), items, a price list."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.catalog import service as catalog
from equisis.parties import service as parties
from equisis.sales import service as sales
from equisis.sales.rules import CREDIT_NOTE, INVOICE, LineInput

DAY = dt.date(2026, 3, 10)


def make_customer(name="Maison Dupont SRL", **over):
    values = dict(vat_number="BE0403170701", is_customer=True, language="fr", email="compta@dupont.example",
                  addresses=[{"street": "Rue Haute 5", "postcode": "1000", "city": "Bruxelles"}])
    values.update(over)
    return parties.create_party(name, **values)


def make_item(code="CHAIR", **over):
    values = dict(name_fr="Chaise en chêne", name_nl="Eiken stoel", name_en="Oak chair", sale_price="50",
                  purchase_price="30", vat_rate=2100, nature="goods")
    values.update(over)
    return catalog.create_item(code, **values)


def doc(customer, *lines, day=DAY, kind=INVOICE, credited=None, **over):
    typed = [x if isinstance(x, LineInput) else LineInput(**x) for x in lines]
    return sales.DocumentInput(customer.id, day, typed, kind=kind, credited_invoice_id=credited, **over)


@pytest.fixture
def customer(company):
    return make_customer()


@pytest.fixture
def flemish(company):
    return make_customer("Bakkerij Peeters BV", vat_number="BE0417497106", language="nl",
                         email="boekhouding@peeters.example", invoice_by_email=True,
                         addresses=[{"street": "Kerkstraat 1", "postcode": "9000", "city": "Gent"}])


@pytest.fixture
def eu_customer(company):
    return make_customer("Société Lyonnaise SARL", vat_number="FR40303265045", vat_regime="eu", country="FR",
                         language="fr", addresses=[{"street": "Rue de la République 1", "postcode": "69001",
                                                    "city": "Lyon", "country": "FR"}])


@pytest.fixture
def chair(company):
    return make_item()


@pytest.fixture
def service_item(company):
    return make_item("INSTALL", name_fr="Installation", name_en="Installation", sale_price="45", purchase_price="0",
                     nature="services")


@pytest.fixture
def fridge(company):
    """An item with a Recupel eco-fee of 10,00 € per piece and a barcode."""
    make_item("RECUPEL", name_fr="Cotisation Recupel", name_en="Recupel fee", sale_price="10", purchase_price="10",
              is_eco_fee=True)
    item = make_item("FRIDGE", name_fr="Réfrigérateur", name_en="Fridge", sale_price="400", purchase_price="250",
                     barcodes=["5410000000019"])
    catalog.set_fees("FRIDGE", [("RECUPEL", "1")])
    return item


def line(item="CHAIR", qty="1", **over):
    return LineInput(item=item, quantity=qty, **over)


@pytest.fixture
def posted_invoice(company, customer, chair):
    invoice = sales.create_invoice(doc(customer, line("CHAIR", "2")))
    return sales.post_invoice(invoice.id)


__all__ = ["CREDIT_NOTE", "INVOICE", "DAY", "doc", "line", "make_customer", "make_item"]
