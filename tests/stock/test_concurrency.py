"""Eight writers moving the same items at once: nobody sees "database is locked", and the current-quantity table
still equals the sum of the moves (bench/stock.py runs the same for a minute)."""
from __future__ import annotations

import random
import threading

from equisis.catalog import service as catalog
from equisis.stock import doctor, service as stock
from equisis.stock.models import Move
from equisis.store.audit import acting_as

WRITERS, MOVES_EACH = 8, 30
ITEMS = ("A1", "A2", "A3")
PLACES = ("MAIN", "DEP", "DEP-X")


def writer(store, seed: int, failures: list) -> None:
    rng = random.Random(seed)
    with store.session(), acting_as(f"test:writer{seed}"):
        for n in range(MOVES_EACH):
            item = rng.choice(ITEMS)
            kind = rng.choice(("receipt", "delivery", "transfer"))
            src, dst = rng.sample(PLACES, 2)
            try:
                if kind == "receipt":
                    stock.receive(item, rng.randint(1, 5) * 1000, to=dst, cost_cents=rng.randint(100, 900))
                elif kind == "delivery":
                    stock.deliver(item, 1000, from_=src, source=stock.Source("pos_ticket", f"w{seed}-{n}", 1))
                else:
                    stock.transfer(item, 500, from_=src, to=dst)
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                failures.append(f"writer {seed} move {n}: {type(exc).__name__}: {exc}")


def test_eight_concurrent_writers_keep_quantities_equal_to_the_moves(company):
    for code in ITEMS:
        catalog.create_item(code, name_fr=code)
    stock.create_warehouse("DEP", "Depot")
    stock.create_location("DEP", "DEP-X")
    stock.set_negative_policy("allow")
    failures: list = []
    threads = [threading.Thread(target=writer, args=(company, seed, failures)) for seed in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:5]
    assert not any("locked" in f for f in failures)
    assert Move.select().count() == WRITERS * MOVES_EACH
    problems = doctor.check_quantities() + doctor.check_valuation()
    assert not problems, [str(p) for p in problems[:5]]
