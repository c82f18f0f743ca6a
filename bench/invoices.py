"""Sales invoices: create and post 10,000 invoices of 1–10 lines (rate per second); render their PDFs.

    .venv/bin/python bench/invoices.py                      # 10,000 invoices, 300 PDFs per worker
    .venv/bin/python bench/invoices.py --invoices 2000 --pdfs 100 --workers 2

Each invoice is saved and posted as the screen does it (items resolved from the
catalog, price lists, the tax engine, the gapless number, the journal entry) in
its own write transaction. PDFs are rendered from the posted invoices, without
archiving, in ``--workers`` processes: the figure is PDFs per second per core.
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from equisis.catalog import service as catalog  # noqa: E402
from equisis.parties import service as parties  # noqa: E402
from equisis.sales import delivery, pdf, service  # noqa: E402
from equisis.sales.models import SalesInvoice  # noqa: E402
from equisis.sales.rules import LineInput  # noqa: E402
from equisis.schema import all_migrations  # noqa: E402
from equisis.store import Instance  # noqa: E402
from equisis.store.audit import acting_as  # noqa: E402
from tests.factories import make_company  # noqa: E402

ITEMS, CUSTOMERS = 300, 100
YEAR_START = dt.date(2026, 1, 1)


def seed(store) -> None:
    with store.session(), acting_as("bench"):
        for n in range(CUSTOMERS):
            parties.create_party(f"Client {n:03d} SRL", is_customer=True, language=("fr", "nl", "en")[n % 3],
                                 addresses=[{"street": f"Rue {n}", "postcode": "5000", "city": "Namur"}])
        for n in range(ITEMS):
            catalog.create_item(f"IT{n:04d}", name_fr=f"Article {n}", name_nl=f"Artikel {n}",
                                sale_price=f"{5 + n % 90},{n % 100:02d}", purchase_price=f"{3 + n % 50}",
                                vat_rate=(2100, 600, 1200)[n % 3], nature=("goods", "services")[n % 5 == 0])
        price_list = catalog.create_price_list("Bench list", party_id=1)
        catalog.add_price_rule(price_list.id, discount="5")


def create_and_post(store, count: int) -> float:
    rng = random.Random(4)
    with store.session(), acting_as("bench"):
        customer_ids = list(range(1, CUSTOMERS + 1))
        started = time.perf_counter()
        for n in range(count):
            lines = [LineInput(item=f"IT{rng.randrange(ITEMS):04d}", quantity=str(rng.randint(1, 20)))
                     for _ in range(rng.randint(1, 10))]
            day = YEAR_START + dt.timedelta(days=n * 365 // max(count, 1))
            service.create_and_post(service.DocumentInput(rng.choice(customer_ids), day, lines))
        return time.perf_counter() - started


def _render_worker(args) -> tuple[int, float]:
    instance_path, slug, ids = args
    instance = Instance(Path(instance_path), all_migrations(), read_only=True)
    store = instance.get(slug)
    with store.session():
        head = delivery.letterhead(store)
        docs = [delivery.printed_of(SalesInvoice.get_by_id(i), head) for i in ids]
    started = time.perf_counter()
    size = sum(len(pdf.render(d)) for d in docs)
    elapsed = time.perf_counter() - started
    instance.close()
    return size, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--pdfs", type=int, default=300, help="PDFs rendered per worker")
    parser.add_argument("--workers", type=int, default=1)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = Instance(Path(folder), all_migrations())
        slug = make_company(instance)
        store = instance.get(slug)
        seed(store)
        elapsed = create_and_post(store, options.invoices)
        with store.session():
            posted = SalesInvoice.select().where(SalesInvoice.state == "posted").count()
        print(f"created and posted {options.invoices} invoices ({posted} posted) of 1–10 lines in {elapsed:.1f} s: "
              f"{options.invoices / elapsed:.0f} invoices/s")
        instance.close()
        jobs = [(folder, slug, [1 + (w * options.pdfs + k) % options.invoices for k in range(options.pdfs)])
                for w in range(options.workers)]
        if options.workers == 1:
            results = [_render_worker(jobs[0])]
        else:
            with multiprocessing.get_context("spawn").Pool(options.workers) as pool:
                results = pool.map(_render_worker, jobs)
        for n, (size, seconds) in enumerate(results, start=1):
            print(f"worker {n}: {options.pdfs} PDFs in {seconds:.1f} s: {options.pdfs / seconds:.1f} PDFs/s per core, "
                  f"{size / options.pdfs / 1024:.0f} KiB each")


if __name__ == "__main__":
    main()
