"""Catalog fixtures: a company (tests/conftest.py) with a few items, run as a test actor."""
from __future__ import annotations

import pytest

from equisis.catalog import service as catalog
from equisis.store.audit import acting_as


@pytest.fixture
def books(company):
    with acting_as("test:catalog"):
        yield company


@pytest.fixture
def lamp(books):
    return catalog.create_item("LAMP", name_fr="Lampe de bureau", name_nl="Bureaulamp", sale_price="30,00",
                               purchase_price="18,00", vat_rate=2100)


@pytest.fixture
def recupel(books):
    return catalog.create_item("RECUPEL-S", name_fr="Cotisation Recupel", sale_price="0,50", is_eco_fee=True,
                               vat_rate=2100)
