"""Backup and restore of a large company while a writer keeps selling: times, archive size, writer stall.

    .venv/bin/python bench/backup.py                          # 1 GB of documents, a 500 MB database
    .venv/bin/python bench/backup.py --documents-mb 20 --database-mb 20

A writer thread commits one small write() transaction every 10 ms (a till) for the
whole backup; the figure that matters is its longest wait (goal: under 200 ms).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from equisis import doctor  # noqa: E402
from equisis.backup import rules, service  # noqa: E402
from equisis.documents import service as documents  # noqa: E402
from equisis.schema import all_migrations  # noqa: E402
from equisis.store import Instance, current_database, write  # noqa: E402
from equisis.store.models import Setting  # noqa: E402
from tests.factories import make_company  # noqa: E402

WORDS = "Vase en grès émaillé Ardennes; bougie parfumée soja; bougeoir laiton 12 cm; qty 2; 34,95 EUR; "


def fill_database(store, megabytes: int) -> None:
    """Rows like sales lines: half structured text that compresses, half random ids that do not."""
    with store.session():
        current_database().execute_sql(
            "CREATE TABLE IF NOT EXISTS bench_sale_line (id INTEGER PRIMARY KEY, ticket TEXT, line TEXT)")
        target = megabytes * 1024 * 1024
        batch = 2000
        while os.path.getsize(store.db_path) + os.path.getsize(f"{store.db_path}-wal") < target:
            with write():
                current_database().execute_sql(
                    "INSERT INTO bench_sale_line(ticket, line) SELECT hex(randomblob(16)), ? || hex(randomblob(40)) "
                    "FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                    "SELECT i FROM n)", (WORDS * 2, batch))
        current_database().execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def fill_documents(store, megabytes: int, file_kb: int) -> int:
    """Archived documents: PDF-like files of random bytes (PDFs are already compressed)."""
    count = max(1, megabytes * 1024 // file_kb)
    with store.session():
        for n in range(count):
            documents.archive_document(
                store, b"%PDF-1.7\n" + os.urandom(file_kb * 1024), kind="invoice", journal="VEN",
                year="2026", period=f"2026-{n % 12 + 1:02d}", object_type="invoice", object_id=n, language="fr",
                file_name=f"Facture VEN-2026-{n:05d}")
    return count


class Writer(threading.Thread):
    """A till: one small write() transaction every 10 ms; keeps each transaction's latency."""

    def __init__(self, store):
        super().__init__(daemon=True)
        self.store, self.stop, self.latencies = store, threading.Event(), []

    def run(self):
        with self.store.session():
            n = 0
            while not self.stop.is_set():
                started = time.perf_counter()
                with write():
                    Setting.insert(key=f"bench.sale.{n}", value_json="1").on_conflict_replace().execute()
                self.latencies.append((time.perf_counter(), time.perf_counter() - started))
                n += 1
                time.sleep(0.01)
        self.store.database.close()

    def worst_between(self, start: float, end: float) -> tuple[float, int]:
        window = [latency for at, latency in self.latencies if start <= at <= end]
        return (max(window) if window else 0.0), len(window)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents-mb", type=int, default=1024)
    parser.add_argument("--database-mb", type=int, default=500)
    parser.add_argument("--file-kb", type=int, default=200, help="size of each generated document")
    parser.add_argument("--snapshot-pages", type=int, default=256, help="database pages copied per step")
    parser.add_argument("--snapshot-pause-ms", type=float, default=2.0, help="pause between steps")
    parser.add_argument("--folder", type=Path, default=None, help="work here (default: a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        root = Path(tmp)
        instance = Instance(root / "instance", all_migrations())
        slug = make_company(instance)
        store = instance.get(slug)
        started = time.perf_counter()
        fill_database(store, args.database_mb)
        count = fill_documents(store, args.documents_mb, args.file_kb)
        print(f"company: database {os.path.getsize(store.db_path) / 1e6:.0f} MB, {count} documents "
              f"({args.documents_mb} MB) — generated in {time.perf_counter() - started:.0f} s")

        writer = Writer(store)
        writer.start()
        time.sleep(1.0)
        baseline, _ = writer.worst_between(0, time.perf_counter())
        phases: dict[str, float] = {}

        def progress(phase: str, done: int, total: int) -> None:
            phases.setdefault(phase, time.perf_counter())

        started = time.perf_counter()
        result = service.back_up(store, root / "stick", checks=doctor.run, trigger="cli", progress=progress,
                                 snapshot_pages=args.snapshot_pages, snapshot_pause_s=args.snapshot_pause_ms / 1000)
        ended = time.perf_counter()
        worst, transactions = writer.worst_between(started, ended)
        marks = sorted(phases.items(), key=lambda item: item[1]) + [("end", ended)]
        split = ", ".join(f"{name} {later - at:.1f} s" for (name, at), (_, later) in zip(marks, marks[1:]))
        writer.stop.set()
        writer.join()
        print(f"backup: {result.duration_s:.1f} s ({split}); archive {rules.human_size(result.size_bytes)} "
              f"in {len(result.paths)} file(s); status {result.status}")
        print(f"writer during the backup: {transactions} transactions, longest {worst * 1000:.0f} ms "
              f"(before the backup: {baseline * 1000:.0f} ms; goal < 200 ms)")
        instance.close()

        other = Instance(root / "other", all_migrations())
        started = time.perf_counter()
        restored = service.restore(other, result.paths[0], checks=doctor.run, now=dt.datetime.now())
        print(f"restore: {time.perf_counter() - started:.1f} s (checksums, integrity, doctor, switch) "
              f"as {restored.slug}; warnings {len(restored.warnings)}")
        other.close()


if __name__ == "__main__":
    main()
