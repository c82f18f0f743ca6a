"""Ledger fixtures: a company with its books (the onboarding hook made them), parties, a posting helper."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.ledger import service as ledger
from equisis.parties import service as parties
from tests.ledger.notation import draft


@pytest.fixture
def customer(company):
    return parties.create_party("Maison Dupont SRL", vat_number="BE0403170701", is_customer=True,
                                language="fr")


@pytest.fixture
def supplier(company):
    return parties.create_party("Textiles Janssens BV", is_supplier=True, language="nl")


@pytest.fixture
def post(company):
    """post("VEN 2026-03-10 text", body, role=...) -> Entry."""
    def _post(header, body, *, role="accountant", key=None, **defaults):
        return ledger.post_entry(draft(header, body, **defaults), role=role, key=key)
    return _post


@pytest.fixture
def invoice(post, customer):
    """A sale to the customer: invoice(ref, euros, day) posts 400 D / 7000 C / 451 C with 21 % VAT."""
    def _invoice(ref="F1", amount="100,00", day="2026-03-10", due=None, partner=None):
        from decimal import Decimal

        from equisis.core.money import parse_amount

        net = parse_amount(amount)
        vat = (net * Decimal("0.21")).quantize(Decimal("0.01"))
        due = due or (dt.date.fromisoformat(day) + dt.timedelta(days=30)).isoformat()
        pid = partner or customer.id
        return post(f"VEN {day} Invoice {ref}", f"""
            400  {net + vat} D partner={pid} ref={ref} due={due}
            7000 {net} C grids=03
            451  {vat} C grids=54
        """)
    return _invoice


@pytest.fixture
def payment(post, customer):
    """A bank receipt from the customer: payment(euros, day, ref) posts 550001 D / 400 C."""
    def _payment(amount="121,00", day="2026-03-20", ref="PAY", partner=None):
        pid = partner or customer.id
        return post(f"BNK1 {day} Payment", f"""
            550001 {amount} D
            400    {amount} C partner={pid} ref={ref} due={day}
        """)
    return _payment


def line_on(entry, account: str):
    """The id of the (first) line of ``entry`` on ``account``."""
    return next(x.id for x in ledger.entry_lines(entry.id) if x.account.code == account)
