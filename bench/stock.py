"""Stock at scale: move insert rate, stock per item, stock value at a date, item history; eight writers at once.

    .venv/bin/python bench/stock.py                                   # 1,000,000 moves on 10,000 items, 60 s
    .venv/bin/python bench/stock.py --moves 100000 --items 2000 --seconds 10

Moves go through ``equisis.stock.service.post_moves`` as documents of 100 lines (a purchase receipt or a sales
run), dated over two years so that the monthly summaries matter; a sample of single-move documents gives the
one-ticket rate (each its own fsync'd transaction). The value at a date is compared with recomputing it from
every move (``valuation.value_by_replay``) and the ratio is printed. Then eight threads (the server's) move the same items
for ``--seconds``: errors (a "database is locked" above all) are counted and the doctor's checks must pass.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from equisis.catalog.models import Item  # noqa: E402
from equisis.schema import all_migrations  # noqa: E402
from equisis.stock import doctor, reports, service as stock, valuation  # noqa: E402
from equisis.store import Instance, write  # noqa: E402
from equisis.store.audit import acting_as  # noqa: E402
from tests.factories import make_company  # noqa: E402

START = dt.date(2025, 1, 1)
DAYS = 730


def make_items(count: int) -> list[str]:
    now = "2025-01-01T00:00:00+00:00"
    codes = [f"B{n:06d}" for n in range(count)]
    with write():
        for start in range(0, count, 500):
            Item.insert_many([{"code": c, "name_fr": c, "stock_unit": "pce", "sale_unit": "pce",
                               "purchase_unit": "pce", "created_at": now, "updated_at": now}
                              for c in codes[start:start + 500]]).execute()
    return codes


def make_places() -> list[str]:
    places = ["MAIN"]
    for wh in ("DEP", "SHOP"):
        stock.create_warehouse(wh, wh)
        for n in range(1, 5):
            stock.create_location(wh, f"{wh}-{n:02d}")
            places.append(f"{wh}-{n:02d}")
    return places


def one_request(rng, codes, places, day, n):
    item = rng.choice(codes)
    roll = rng.random()
    if roll < 0.45:
        return stock.MoveRequest("receipt", item, rng.randint(1, 20) * 1000, to_location=rng.choice(places),
                                 cost_cents=rng.randint(100, 5000), day=day)
    if roll < 0.9:
        return stock.MoveRequest("delivery", item, rng.randint(1, 3) * 1000, from_location=rng.choice(places), day=day,
                                 source=stock.Source("bench", str(n), 1))
    src, dst = rng.sample(places, 2)
    return stock.MoveRequest("transfer", item, 1000, from_location=src, to_location=dst, day=day)


def insert_moves(total: int, codes, places, rng) -> tuple[float, float]:
    """(moves per second in documents of 100 lines, single-move documents per second)."""
    batch, done, started = 100, 0, time.perf_counter()
    while done < total:
        day = START + dt.timedelta(days=done * DAYS // total)
        stock.post_moves([one_request(rng, codes, places, day, done + i) for i in range(batch)])
        done += batch
        if done % 100_000 == 0:
            print(f"  … {done:,} moves ({done / (time.perf_counter() - started):,.0f}/s)", flush=True)
    batched = done / (time.perf_counter() - started)
    day = START + dt.timedelta(days=DAYS)
    started = time.perf_counter()
    for i in range(200):
        stock.post_moves([one_request(rng, codes, places, day, total + i)])
    single = 200 / (time.perf_counter() - started)
    return batched, single


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def concurrent_writer(store, seed: int, seconds: int, codes, results: list) -> None:
    """One of the server's threads (a company folder is opened by one process; its waitress threads write)."""
    rng = random.Random(seed)
    errors, locked, moves = 0, 0, 0
    deadline = time.monotonic() + seconds
    with store.session(), acting_as(f"bench:writer{seed}"):
        while time.monotonic() < deadline:
            item = rng.choice(codes)
            try:
                if rng.random() < 0.5:
                    stock.receive(item, 2000, to="MAIN", cost_cents=300)
                else:
                    stock.deliver(item, 1000, from_="MAIN")
                moves += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported
                errors += 1
                locked += "locked" in str(exc)
    results.append((moves, errors, locked))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=60, help="how long the eight writers run")
    parser.add_argument("--writers", type=int, default=8)
    options = parser.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "instance"
        instance = Instance(root, all_migrations())
        slug = make_company(instance, slug="bench")
        store = instance.get(slug)
        with store.session(), acting_as("bench"):
            stock.set_negative_policy("allow")
            codes = make_items(options.items)
            places = make_places()
            print(f"Stock bench: {options.moves:,} moves on {options.items:,} items, {len(places)} locations")
            batched, single = insert_moves(options.moves, codes, places, rng)
            print(f"move insert rate: {batched:,.0f} moves/s (documents of 100 lines); "
                  f"{single:,.0f} single-move documents/s")
            lookup = timed(lambda: stock.stock_of(rng.choice(codes)), 200)
            print(f"stock per item (all locations and lots): {lookup:.2f} ms median")
            history = timed(lambda: reports.item_history(rng.choice(codes), page=1), 50)
            print(f"item history page (50 moves with running quantity): {history:.2f} ms median")
            day = START + dt.timedelta(days=DAYS // 2 + 10)
            summary_ms = timed(lambda: valuation.total_value_at(day), 3)
            fast = valuation.total_value_at(day)
            started = time.perf_counter()
            slow = valuation.value_by_replay(day)
            replay_ms = (time.perf_counter() - started) * 1000
            print(f"stock value at {day}: {summary_ms:,.0f} ms from the monthly summaries, {replay_ms:,.0f} ms "
                  f"replaying every move; ratio {replay_ms / max(summary_ms, 0.001):,.0f}x; "
                  f"values {'equal' if fast == slow else f'DIFFER {fast} != {slow}'}")
        hot = codes[:20]
        results: list = []
        threads = [threading.Thread(target=concurrent_writer, args=(store, seed, options.seconds, hot, results))
                   for seed in range(options.writers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        moves = sum(r[0] for r in results)
        errors = sum(r[1] for r in results)
        locked = sum(r[2] for r in results)
        with store.session():
            problems = doctor.check_quantities() + doctor.check_valuation()
        instance.close()
        print(f"{options.writers} writers for {options.seconds} s on the same {len(hot)} items: {moves:,} moves "
              f"({moves / elapsed:,.0f}/s), {errors} errors, {locked} 'database is locked'; doctor: "
              f"{'quantities equal the moves' if not problems else f'{len(problems)} PROBLEMS'}")


if __name__ == "__main__":
    main()
