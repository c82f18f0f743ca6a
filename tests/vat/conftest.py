"""VAT fixtures: a company with its books, parties with VAT regimes, and documents posted to the ledger
through the one tax engine (``equisis.vat.tax``), as the sales and purchases modules post them."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from equisis.ledger import service as ledger
from equisis.ledger.rules import DraftEntry
from equisis.parties import service as parties
from equisis.parties.models import Party
from equisis.store.database import write
from equisis.vat import intervat, tax

D = dt.date
SALE_ACCOUNT = "7000"
PURCHASE_ACCOUNTS = {"resale": "604", "misc_goods": "6100", "services": "6100", "investment": "240000"}


def make_party(name: str, vat: str | None = None, *, regime: str = "be", country: str = "BE",
               customer: bool = True, supplier: bool = False, raw_vat: str | None = None) -> Party:
    """A party with its VAT regime; ``raw_vat`` stores a number as typed, unchecked (bad-input tests)."""
    party = parties.create_party(name, vat_number=vat, is_customer=customer, is_supplier=supplier)
    changes = {"vat_regime": regime, "country": country}
    if raw_vat is not None:
        changes["vat_number"] = raw_vat
    with write():
        Party.update(**changes).where(Party.id == party.id).execute()
    return Party.get_by_id(party.id)


class Books:
    """Posts sales and purchase documents the way the document modules do (one entry per document)."""

    def __init__(self):
        self.numbers = itertools.count(1)

    def sell(self, party: Party, lines, day: dt.date, *, credit_note: bool = False, triangular: bool = False,
             ref: str | None = None, role: str = "accountant"):
        """lines: [(net_cents, rate_bp[, nature])]."""
        taxable = [tax.TaxableLine(x[0], x[1], nature=x[2] if len(x) > 2 else "goods") for x in lines]
        result = tax.compute(taxable, tax.Treatment("sale", party.vat_regime, credit_note=credit_note,
                                                    triangular=triangular))
        number = next(self.numbers)
        ref = ref or (f"NC2026/{number:05d}" if credit_note else f"F2026/{number:05d}")
        draft_lines = tax.entry_lines(result, [SALE_ACCOUNT] * len(taxable), partner_account="400",
                                      partner_id=party.id, document_ref=ref, due_date=day + dt.timedelta(days=30),
                                      description=ref)
        draft = DraftEntry("VNC" if credit_note else "VEN", day, ref, draft_lines, source=("sales_invoice", number))
        return ledger.post_entry(draft, role=role)

    def buy(self, party: Party, lines, day: dt.date, *, credit_note: bool = False, ref: str | None = None,
            import_deferral: bool = False):
        """lines: [(net_cents, rate_bp[, purchase_category[, deductible_bp]])]."""
        taxable = [tax.TaxableLine(x[0], x[1], purchase_category=x[2] if len(x) > 2 else "resale",
                                   deductible_bp=x[3] if len(x) > 3 else 10_000) for x in lines]
        result = tax.compute(taxable, tax.Treatment("purchase", party.vat_regime, credit_note=credit_note,
                                                    import_deferral=import_deferral))
        number = next(self.numbers)
        ref = ref or (f"AC2026/{number:05d}" if credit_note else f"A2026/{number:05d}")
        accounts = [PURCHASE_ACCOUNTS[t.purchase_category] for t in taxable]
        draft_lines = tax.entry_lines(result, accounts, partner_account="440", partner_id=party.id,
                                      document_ref=ref, due_date=day + dt.timedelta(days=30), description=ref)
        draft = DraftEntry("ANC" if credit_note else "ACH", day, ref, draft_lines,
                           source=("purchase_invoice", number))
        return ledger.post_entry(draft, role="accountant")


@pytest.fixture
def books(company):
    return Books()


@pytest.fixture
def monthly(company):
    from equisis.company import service as company_service

    company_service.update_profile(vat_filing="monthly")
    return company


@pytest.fixture
def cast(company):
    """The usual parties: Belgian business and consumer, EU business, non-EU, co-contractor, suppliers."""
    class Cast:
        dupont = make_party("Maison Dupont SRL", "BE0477472701")
        brasserie = make_party("Brasserie Peeters BV", "BE0202239951")
        consumer = make_party("Jean Martin")
        paris = make_party("Boutique Paris SARL", "FR40303265045", regime="eu", country="FR")
        berlin = make_party("Berlin Design GmbH", "DE136695976", regime="eu", country="DE")
        geneva = make_party("Genève Concept SA", regime="non_eu", country="CH")
        builder = make_party("Construct Lambert SRL", "BE0417497106", regime="cocontractor")
        wholesaler = make_party("Groothandel Janssens NV", "BE0403170701", customer=False, supplier=True)
        amsterdam = make_party("Amsterdam Supplies BV", "NL004495445B01", regime="eu", country="NL",
                               customer=False, supplier=True)
    return Cast


#: The official Intervat schemas are reference data outside the project (belgium/README.md): the tests that
#: validate against them skip, with the reason, where they are absent.
needs_intervat_schemas = pytest.mark.skipif(
    intervat.schema("return") is None,
    reason=f"Intervat schemas not found in {intervat.schema_dir()} (set EQUISIS_REFERENCE_DIR)")
