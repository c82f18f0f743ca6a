"""The VAT return and the listings of a year with 50,000 documents (issue #4, "Measured").

Generates one calendar year (2026) of a quarterly declarant through the real tax engine
(``equisis.vat.tax``) and posting engine (``ledger.post_entries`` in batches of 1,000): sales
invoices at 21/12/6 % to Belgian businesses and consumers, intra-EU goods and services,
triangular sales, exports, co-contractor sales, credit notes, purchases (goods, services,
investments, intra-EU, partly deductible) and purchase credit notes. Then prints server time
(best of N, in this process, warm) of:

* the return of each quarter (grid sums from the ledger's grid × period summaries) and of
  its XML (built and validated against the Intervat schema);
* the drill-down's first page of grid 03 for a quarter;
* the check screen's findings of a quarter;
* the annual client listing (grouping the year's grid lines per customer) and its XML;
* the intra-Community listing of each quarter and its XML.

It asserts nothing. The generated company is cached in ``bench/out/`` keyed by size.

    .venv/bin/python bench/vat.py [--documents 50000] [--regenerate] [--repeat 5]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from equisis.ledger import service as ledger  # noqa: E402
from equisis.ledger.models import EntryLine  # noqa: E402
from equisis.ledger.rules import DraftEntry  # noqa: E402
from equisis.parties.models import Party  # noqa: E402
from equisis.schema import all_migrations  # noqa: E402
from equisis.store import Instance, write  # noqa: E402
from equisis.store.audit import acting_as  # noqa: E402
from equisis.vat import checks, rules, service, tax  # noqa: E402
from tests.factories import make_company  # noqa: E402

OUT = ROOT / "bench" / "out"
GENERATOR_VERSION = 1
YEAR = 2026
BATCH = 1_000
BE_VAT = ["BE0477472701", "BE0202239951", "BE0417497106", "BE0403170701"]
EU_VAT = [("FR", "FR40303265045"), ("DE", "DE136695976"), ("NL", "NL004495445B01"), ("LU", "LU15027442"),
          ("AT", "ATU13585627"), ("ES", "ESA13585625"), ("GR", "EL094259216")]


def _party(name, vat, regime, country, customer=True, supplier=False) -> int:
    return Party.insert(name=name, vat_number=vat, language="fr", is_customer=customer, is_supplier=supplier,
                        created_at="2026-01-01T00:00:00+00:00", name_key=name.lower(), vat_regime=regime,
                        country=country).execute()


def make_parties(rng) -> dict:
    """Belgian businesses (sharing a few valid VAT numbers: the listing merges nothing, the check digits
    matter), consumers, EU businesses, non-EU customers, co-contractors and suppliers."""
    with write():
        people = {
            "be": [_party(f"Client BE {i}", BE_VAT[i % len(BE_VAT)], "be", "BE") for i in range(400)],
            "consumer": [_party(f"Consommateur {i}", None, "be", "BE") for i in range(200)],
            "eu": [_party(f"EU customer {i}", EU_VAT[i % len(EU_VAT)][1], "eu", EU_VAT[i % len(EU_VAT)][0])
                   for i in range(60)],
            "non_eu": [_party(f"Export {i}", None, "non_eu", "CH") for i in range(20)],
            "cocontractor": [_party(f"Bouw {i}", BE_VAT[i % len(BE_VAT)], "cocontractor", "BE") for i in range(20)],
            "supplier": [_party(f"Supplier {i}", BE_VAT[i % len(BE_VAT)], "be", "BE", False, True)
                         for i in range(60)],
            "eu_supplier": [_party(f"EU supplier {i}", EU_VAT[i % len(EU_VAT)][1], "eu", EU_VAT[i % len(EU_VAT)][0],
                                   False, True) for i in range(15)],
        }
    return people


def document(rng, people, number: int, day: dt.date) -> DraftEntry:
    """One document of 1-6 lines, drawn from a plausible mix."""
    draw = rng.random()
    lines = rng.randint(1, 6)
    if draw < 0.70:  # sales invoices and credit notes
        credit = rng.random() < 0.06
        kind = rng.choices(["be", "consumer", "eu", "non_eu", "cocontractor"], [55, 25, 12, 4, 4])[0]
        regime = "be" if kind == "consumer" else kind
        partner = rng.choice(people[kind])
        taxable = [tax.TaxableLine(rng.randint(500, 250_000), rng.choice((2100, 2100, 2100, 1200, 600, 0)),
                                   nature=rng.choice(("goods", "goods", "services"))) for _ in range(lines)]
        treatment = tax.Treatment("sale", regime, credit_note=credit,
                                  triangular=kind == "eu" and rng.random() < 0.1)
        result = tax.compute(taxable, treatment)
        ref = f"{'NC' if credit else 'F'}{YEAR}/{number:06d}"
        drafts = tax.entry_lines(result, ["7000"] * lines, partner_account="400", partner_id=partner,
                                 document_ref=ref, due_date=day + dt.timedelta(days=30), description=ref)
        return DraftEntry("VNC" if credit else "VEN", day, ref, drafts, source=("sales_invoice", number))
    credit = rng.random() < 0.05
    eu = rng.random() < 0.15
    partner = rng.choice(people["eu_supplier" if eu else "supplier"])
    categories = rng.choices(["resale", "services", "misc_goods", "investment"], [50, 30, 15, 5], k=lines)
    taxable = [tax.TaxableLine(rng.randint(500, 150_000), rng.choice((2100, 2100, 600)), purchase_category=c,
                               deductible_bp=rng.choice((10_000, 10_000, 10_000, 5_000))) for c in categories]
    result = tax.compute(taxable, tax.Treatment("purchase", "eu" if eu else "be", credit_note=credit))
    accounts = [{"resale": "604", "services": "6100", "misc_goods": "6100", "investment": "240000"}[c]
                for c in categories]
    ref = f"{'AC' if credit else 'A'}{YEAR}/{number:06d}"
    drafts = tax.entry_lines(result, accounts, partner_account="440", partner_id=partner, document_ref=ref,
                             due_date=day + dt.timedelta(days=30), description=ref)
    return DraftEntry("ANC" if credit else "ACH", day, ref, drafts, source=("purchase_invoice", number))


def generate(folder: Path, documents: int) -> str:
    instance = Instance(folder, all_migrations())
    slug = make_company(instance, slug="vat-bench")
    rng = random.Random(4)
    started = time.perf_counter()
    with instance.get(slug).session(), acting_as("bench"):
        people = make_parties(rng)
        days = sorted(dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365)) for _ in range(documents))
        batch = []
        for number, day in enumerate(days, start=1):
            batch.append(document(rng, people, number, day))
            if len(batch) == BATCH:
                ledger.post_entries(batch, role="accountant")
                batch = []
        if batch:
            ledger.post_entries(batch, role="accountant")
        lines = EntryLine.select().count()
    elapsed = time.perf_counter() - started
    print(f"generated {documents:,} documents ({lines:,} ledger lines) in {elapsed:.1f} s "
          f"({documents / elapsed:,.0f} documents/s through tax engine + post_entries)")
    instance.close()
    return slug


def best(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    folder = OUT / f"vat-{args.documents}-v{GENERATOR_VERSION}"
    if args.regenerate and folder.exists():
        shutil.rmtree(folder)
    if not folder.exists():
        generate(folder, args.documents)
    instance = Instance(folder, all_migrations(), read_only=True)
    store = instance.get("vat-bench")
    rows = []
    with store.session():
        print(f"{EntryLine.select().count():,} ledger lines, "
              f"{EntryLine.select().where(EntryLine.vat_grids != '').count():,} with VAT grids")
        quarters = [p.code for p in rules.periods_of_year(YEAR, "quarterly")]
        for code in quarters:
            rows.append((f"return {code} (grids, 71/72)", *best(args.repeat, lambda: service.compute_return(code))))
            rows.append((f"return {code} XML (built + schema check)",
                         *best(args.repeat, lambda: service.return_xml(code))))
        year_time, year_grids = best(args.repeat, lambda: [service.compute_return(c).grids for c in quarters])
        rows.append(("return of the whole year (4 quarters)", year_time, None))
        period = rules.parse_period("2026-Q2")
        rows.append(("drill-down grid 03, Q2: count + first page of 50",
                     *best(args.repeat, lambda: (service.grid_lines(period, "03").count(),
                                                 list(service.grid_lines(period, "03")
                                                      .order_by(EntryLine.date).paginate(1, 50))))))
        rows.append(("check screen findings, Q2", *best(max(1, args.repeat // 2), lambda: checks.findings("2026-Q2"))))
        rows.append(("client listing 2026 (per customer)", *best(args.repeat, lambda: service.client_listing(YEAR))))
        rows.append(("client listing 2026 XML", *best(args.repeat, lambda: service.client_listing_xml(YEAR))))
        for code in quarters:
            rows.append((f"intra-Community listing {code} XML",
                         *best(args.repeat, lambda: service.intra_listing_xml(code))))
        listing = service.client_listing(YEAR)
        q1 = service.compute_return("2026-Q1").grids
    instance.close()
    print(f"\n{'what':58} {'ms (best of ' + str(args.repeat) + ')':>18}")
    for label, seconds, _ in rows:
        print(f"{label:58} {seconds * 1000:18.1f}")
    print(f"\nQ1: 03 = {q1['03'] / 100:,.2f} €, 54 = {q1['54'] / 100:,.2f} €, 59 = {q1['59'] / 100:,.2f} €, "
          f"71 = {q1['71'] / 100:,.2f} €, 72 = {q1['72'] / 100:,.2f} €; client listing: {len(listing)} customers; "
          f"year 71+72 over quarters: {sum(g['71'] - g['72'] for g in year_grids) / 100:,.2f} €")


if __name__ == "__main__":
    main()
