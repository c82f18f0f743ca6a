"""Posting rate of the ledger engine, one entry per transaction and in batches; doctor time on the result.

Creates a company (its books from onboarding), 200 customers, then posts
three-line sales entries (400 / 7000 / 451 with VAT grids) through
``post_entry`` (one transaction each: every commit is an fsync) and
``post_entries`` (batches of 1,000), and reads the trial balance from the
maintained account × period balances. The full benchmark of issue #3 (1M
lines, reports, ledger/hledger/beancount) is ``bench/ledger.py`` of the reports.

    .venv/bin/python bench/ledger_posting.py [--entries 20000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from equisis import doctor  # noqa: E402
from equisis.ledger import service as ledger  # noqa: E402
from equisis.ledger.models import AccountBalance  # noqa: E402
from equisis.parties import service as parties  # noqa: E402
from equisis.schema import all_migrations  # noqa: E402
from equisis.store import Instance  # noqa: E402
from tests.factories import make_company  # noqa: E402


def sale(rnd: random.Random, customers: list[int], n: int) -> ledger.DraftEntry:
    net = rnd.randint(500, 250_000)
    vat = net * 21 // 100
    day = dt.date(2026, 1, 1) + dt.timedelta(days=rnd.randint(0, 364))
    return ledger.DraftEntry("VEN", day, f"Invoice {n}", (
        ledger.DraftLine("400", net + vat, partner_id=rnd.choice(customers), document_ref=f"F{n}",
                         due_date=day + dt.timedelta(days=30)),
        ledger.DraftLine("7000", 0, net, vat_grids=("03",)),
        ledger.DraftLine("451", 0, vat, vat_grids=("54",))))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = Instance(Path(folder), all_migrations())
        store = instance.get(make_company(instance))
        with store.session():
            customers = [parties.create_party(f"Customer {i}", is_customer=True).id for i in range(200)]
            rnd = random.Random(3)
            drafts = [sale(rnd, customers, n) for n in range(args.single)]
            started = time.perf_counter()
            for draft in drafts:
                ledger.post_entry(draft, role="accountant")
            single = args.single / (time.perf_counter() - started)
            drafts = [sale(rnd, customers, n) for n in range(args.entries)]
            started = time.perf_counter()
            for start in range(0, len(drafts), 1000):
                ledger.post_entries(drafts[start:start + 1000], role="accountant")
            batched = args.entries / (time.perf_counter() - started)
            timings = []
            for _ in range(20):
                started = time.perf_counter()
                year = ledger.account_totals(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
                timings.append(time.perf_counter() - started)
            rows = AccountBalance.select().count()
        started = time.perf_counter()
        problems = [p for _name, found in doctor.run(store) for p in found]
        checked = time.perf_counter() - started
        instance.close()
    print(f"posting, one entry per transaction: {single:,.0f} entries/s")
    print(f"posting, batches of 1,000:          {batched:,.0f} entries/s ({batched * 3:,.0f} lines/s)")
    print(f"trial balance of the year from {rows} balance rows ({len(year)} accounts): "
          f"{min(timings) * 1000:.1f} ms warm")
    print(f"doctor over {args.entries + args.single:,} entries: {checked:.2f} s, {len(problems)} problems")


if __name__ == "__main__":
    main()
