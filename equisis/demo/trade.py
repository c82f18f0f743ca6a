"""The demo's year as documents: real sales invoices, credit notes and purchase invoices.

The :class:`~equisis.demo.books.DemoPlanner` decides what happens (who buys how much when, who
pays late, which invoice is cancelled, the wholesalers' deliveries, rent and energy bills); this
planner turns its sales into invoices of catalog items for about the amounts it drew, its
cancellations into credit notes and its purchases into purchase invoices. The documents are then
created and posted in date order through the sales and purchase services — gapless numbers,
OGM, the tax engine's grids — and their customer and supplier lines are registered with the
:class:`~equisis.demo.books.Poster`, which posts the rest of the year (receipts, payments, tills,
payroll, VAT settlements) and reconciles the payments with the documents.
"""
from __future__ import annotations

import collections
import datetime as dt
import time
from dataclasses import dataclass

from equisis.catalog.models import Item
from equisis.demo import books
from equisis.demo.catalog import ARCHITECTS, build_catalog
from equisis.ledger import service as ledger
from equisis.parties import service as parties
from equisis.purchases import rules as purchase_rules
from equisis.purchases import service as purchases
from equisis.sales import service as sales
from equisis.sales.rules import LineInput
from equisis.store.database import write

#: Postcodes of the demo parties' towns (the street is made up).
POSTCODES = {
    "Namur": "5000", "Liège": "4000", "Gent": "9000", "Eupen": "4700", "Dinant": "5500", "Antwerpen": "2000",
    "Bruxelles": "1000", "Mons": "7000", "Leuven": "3000", "Anhée": "5537", "Lille": "59000", "Brugge": "8000",
    "Maastricht": "6211", "Namêche": "5300", "Mechelen": "2800", "Sankt Vith": "4780", "Ixelles": "1050",
    "Charleroi": "6000", "Aachen": "52062", "Hasselt": "3500", "Durbuy": "6940", "Kelmis": "4720",
    "Arlon": "6700", "Brussel": "1000", "Luxembourg": "1140", "Andenne": "5300", "De Panne": "8660",
    "Gembloux": "5030", "Bütgenbach": "4750", "Aalst": "9300", "Wavre": "1300", "Jambes": "5100",
    "Kortrijk": "8500", "Châtelet": "6200", "Mouscron": "7700", "Sint-Katelijne-Waver": "2860", "Bouge": "5004",
    "Ciney": "5590",
}
STREETS = ("Rue de l'Ange 12", "Grand-Place 3", "Kerkstraat 45", "Rue des Carmes 8", "Bahnhofstraße 17",
           "Avenue de la Gare 101", "Markt 9", "Chaussée de Louvain 250")
#: Purchase lines are described in the company's language (French) by the account they go to.
PURCHASE_TEXT = {"604": "Marchandises", "6100": "Loyer du magasin", "6125": "Électricité et gaz",
                 "6162": "Téléphone et internet", "61320": "Honoraires comptables",
                 "61652": "Publicité et imprimés", "611": "Entretien et réparations de la camionnette",
                 "240000": "Agencement du magasin"}
ROLE = books.ROLE


class TradePlanner(books.DemoPlanner):
    """The demo planner whose sales and purchases are documents (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sellable = [(x.code, x.nature, x.vat_rate_bp, x.sale_price_e4, x.sale_unit_id)
                         for x in Item.select().where((Item.active == True) & (Item.is_eco_fee == False))  # noqa: E712
                         .order_by(Item.code)]
        self.invoices: dict[int, object] = {}  # key -> the posted sales invoice
        self.credit_requests: list[tuple[dt.date, int, int]] = []  # (day, seq, key of the invoice)
        self.purchase_requests: list[tuple[dt.date, int, int, purchase_rules.InvoiceInput]] = []
        self._invoice = None

    # ---------------------------------------------------------------- sales as documents
    def invoice_lines(self, customer: int, bases: list[tuple[str, int, int]],
                      day: dt.date | None = None) -> tuple[int, list, list]:
        """Post an invoice of items for about each drawn base (the days come in order: so do the numbers)."""
        self._invoice = None
        if day > self.cutoff:
            return 0, [], []
        typed = []
        for account, amount, rate in bases:
            typed += self.items_for(account, amount, rate)
        self._invoice = sales.create_and_post(sales.DocumentInput(customer, day, typed), role=ROLE)
        return self._invoice.total_cents, [], []

    def items_for(self, account: str, amount: int, rate: int) -> list[LineInput]:
        if account == books.SERVICES:
            pool = [x for x in self.sellable if x[1] == "services"]
        else:
            pool = [x for x in self.sellable if x[1] == "goods" and x[2] == rate * 100]
        chosen = self.rnd.sample(pool, k=min(len(pool), self.rnd.choice((1, 1, 2, 3))))
        lines = []
        for code, _nature, _rate, price_e4, unit in chosen:
            share = amount // len(chosen)
            quantity = max(1, round(share * 100 / price_e4)) if price_e4 else 1
            if unit == "m" and self.rnd.random() < 0.5:
                lines.append(LineInput(item=code, quantity=f"{quantity}.5"))
            else:
                lines.append(LineInput(item=code, quantity=str(min(quantity, 60))))
        return lines

    def add(self, day, journal, description, lines, register=None, match=()) -> bool:
        if journal not in ("VEN", "VNC", "ACH"):
            return super().add(day, journal, description, lines, register, match)
        if day > self.cutoff:
            return False
        self.seq += 1
        quarter = (day.year, (day.month - 1) // 3)
        if journal == "VEN":
            self.invoices[register] = self._invoice
            self.vat_outside_events[(quarter, books.VAT_DUE)] += self._invoice.vat_cents
        elif journal == "VNC":
            self.credit_requests.append((day, self.seq, match[0]))
            self.vat_outside_events[(quarter, books.VAT_DUE)] -= self.invoices[match[0]].vat_cents
        else:
            self.purchase_requests.append((day, self.seq, register, self.purchase_input(day, lines)))
            self.vat_outside_events[(quarter, books.VAT_DEDUCTIBLE)] += sum(
                x[1] for x in lines if x[0] == books.VAT_DEDUCTIBLE)
        return True

    def purchase_input(self, day: dt.date, lines) -> purchase_rules.InvoiceInput:
        supplier, ref, due = lines[0][3], lines[0][4], lines[0][5]
        rate = self.found.suppliers[supplier].rate
        typed = tuple(purchase_rules.LineInput(account=account, description=PURCHASE_TEXT.get(account, ""),
                                               qty_milli=1000, unit_price_e4=base * 100, vat_rate_bp=rate * 100)
                      for account, base, _credit, *_rest in lines[1:] if account != books.VAT_DEDUCTIBLE)
        return purchase_rules.InvoiceInput(supplier, ref, day, typed, due_date=due)


# =========================================================================== parties' details

def enrich_parties(found: books.DemoParties) -> int:
    """Addresses, the architects' category, emails (half the companies want their invoices by email)."""
    by_name = {name: (city, country) for name, city, _language, country in books.CUSTOMERS}
    by_name.update({s.name: (s.city, "BE") for s in books.SUPPLIERS})
    hotel = None
    for n, party_id in enumerate(list(found.customers) + list(found.suppliers)):
        party = parties.find_party(party_id)
        city, country = by_name[party.name]
        changes = {"addresses": [{"kind": "invoicing", "street": STREETS[n % len(STREETS)],
                                  "postcode": POSTCODES[city], "city": city, "country": country or "BE"}]}
        if country and party.is_customer:
            slug = "".join(c for c in party.name.lower().split(" ")[0] if c.isalnum()) or "info"
            changes["email"] = f"compta@{slug}{n}.example"
            changes["invoice_by_email"] = n % 2 == 0
        if "rchitect" in party.name:
            changes["categories"] = [ARCHITECTS]
        if hotel is None and party.name.startswith("Hôtel"):
            hotel = party_id
        parties.update_party(party_id, **changes)
    return hotel


# =========================================================================== the year

@dataclass(frozen=True)
class TradeBuilt:
    parties: int
    items: int
    sales_invoices: int
    credit_notes: int
    purchase_invoices: int
    entries: int
    reconciliations: int
    seconds: float


def build_trade(today: dt.date, *, scale: float = 1.0, seed: int = books.SEED) -> TradeBuilt:
    """Parties, catalog and the fiscal year holding ``today`` up to ``today``, in one transaction.

    Runs inside the company's session (and an audit actor).
    """
    started = time.perf_counter()
    year = ledger.fiscal_year_of(today)
    if year is None:
        raise ValueError(f"no fiscal year holds {today}")
    with write():
        found = books.create_parties(seed)
        hotel = enrich_parties(found)
        items = build_catalog(hotel_party_id=hotel)
        planner = TradePlanner(year.start, year.end, today, found, scale=scale, seed=seed)
        events = planner.plan()
        poster = books.Poster(ROLE)
        invoices = create_documents(planner, poster)
        poster.post_all(events)
    return TradeBuilt(len(found.customers) + len(found.suppliers), len(items), len(planner.invoices),
                      len(planner.credit_requests), len(planner.purchase_requests),
                      len(events) + invoices, poster.stats["reconciliations"], time.perf_counter() - started)


def create_documents(planner: TradePlanner, poster: books.Poster) -> int:
    """Register the invoices' customer lines by key; create and post the credit notes and purchases in
    date order and register theirs."""
    for key, invoice in planner.invoices.items():
        poster.registered[key] = partner_line(sales.SOURCE_TYPE, invoice.id)
    for day, _seq, key in sorted(planner.credit_requests):
        credit = sales.credit_invoice(planner.invoices[key].id, day=day, role=ROLE)
        credit = sales.post_invoice(credit.id, role=ROLE)
        ledger.reconcile([poster.registered[key], partner_line(sales.SOURCE_TYPE, credit.id)])
        poster.stats["reconciliations"] += 1
    for day, _seq, key, data in sorted(planner.purchase_requests, key=lambda r: (r[0], r[1])):
        invoice = purchases.create_and_post(data, role=ROLE, force=True)
        poster.registered[key] = partner_line("purchase_invoice", invoice.id)
    return len(planner.invoices) + len(planner.credit_requests) + len(planner.purchase_requests)


def partner_line(source_type: str, document_id: int) -> int:
    """The id of the customer or supplier line (the first) of a document's entry."""
    entry = ledger.entries_of_source(source_type, document_id)[0]
    return next(x.id for x in ledger.entry_lines(entry.id) if x.line_no == 1)
