"""Purchases fixtures: suppliers of every VAT regime, a helper entering a document, the ledger lines it posted."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.ledger import service as ledger
from equisis.parties import service as parties
from equisis.purchases import rules, service
from equisis.store.audit import acting_as

D = dt.date


@pytest.fixture
def actor(company):
    with acting_as("user:sophie"):
        yield


@pytest.fixture
def suppliers(company, actor):
    """One supplier per VAT regime."""
    make = parties.create_party
    return {
        "be": make("Bureau Plus SRL", vat_number="BE0202239951", is_supplier=True, payment_terms_days=30),
        "eu": make("Papier Groothandel BV", vat_number="NL004495445B01", is_supplier=True, vat_regime="eu",
                   country="NL", payment_terms_days=60),
        "cocontractor": make("Bati Renov SRL", vat_number="BE0477472701", is_supplier=True,
                             vat_regime="cocontractor"),
        "non_eu": make("Cloud Tools Inc", is_supplier=True, vat_regime="non_eu", country="US",
                       payment_terms_days=0),
        "exempt": make("Petit Artisan", vat_number="BE0417497106", is_supplier=True, vat_regime="exempt"),
    }


def line(account="604", price="1000", *, qty=1000, rate=2100, category="", deductible=10_000, discount=0,
         item="", description="") -> rules.LineInput:
    """A line in euros (price as text, 4 decimals at most)."""
    return rules.LineInput(item_code=item, account=account if not item else "", description=description,
                           qty_milli=qty, unit_price_e4=None if price is None else rules.scaled(price, 4, line=1,
                                                                                             column="unit_price"),
                           discount_bp=discount, vat_rate_bp=rate, purchase_category=category,
                           deductible_bp=deductible)


def document(supplier, *lines, ref="FA-2026-001", day=D(2026, 3, 10), kind="invoice", **extra):
    return rules.InvoiceInput(supplier.id, ref, day, tuple(lines), kind=kind, **extra)


@pytest.fixture
def enter(actor):
    """enter(supplier, line(...), ..., post=True) -> the posted (or draft) document."""
    def _enter(supplier, *lines, post=True, force=False, role="accountant", **extra):
        invoice = service.create_invoice(document(supplier, *lines, **extra))
        return service.post_invoice(invoice.id, role=role, force=force) if post else invoice
    return _enter


def booked(invoice) -> list[tuple]:
    """The entry's lines as (account, debit cents, credit cents, grids, partner id, document ref)."""
    return [(x.account.code, x.debit_cents, x.credit_cents, x.vat_grids, x.partner_id, x.document_ref)
            for x in ledger.entry_lines(invoice.entry_id)]


def table(invoice) -> list[tuple]:
    """The entry's lines as (account, debit, credit, grids) — the shape the regime tests compare."""
    return [row[:4] for row in booked(invoice)]
