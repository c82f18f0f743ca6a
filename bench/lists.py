"""A list page over 100,000 rows and its Excel/CSV export.

Fills a company's audit log with 100,000 chained events (bulk insert, the
same hashes audit.record would compute), then asks the audit log screen
through the Flask test client: server time of the first page (Server-Timing),
SQL statements per page at 1,000 and 100,000 rows, and export durations.
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from equisis import create_app  # noqa: E402
from equisis.store import audit, write  # noqa: E402
from equisis.store.models import AuditEvent  # noqa: E402
from tests.factories import ADMIN_PASSWORD, make_company  # noqa: E402


def fill(count: int) -> None:
    last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    prev = last.hash if last else audit.GENESIS
    rows = []
    for i in range(count):
        fields = dict(at=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00.000000+00:00",
                      actor=f"user:clerk{i % 7}", action=("create", "post", "cancel", "setting")[i % 4],
                      object_type=("invoice", "ticket", "entry")[i % 3], object_id=str(100000 + i),
                      before_json=None, after_json=f'{{"total_cents": {i * 7 % 100000}}}')
        digest = audit.chain_hash(prev, **fields)
        rows.append({**fields, "prev_hash": prev, "hash": digest})
        prev = digest
    with write():
        for start in range(0, len(rows), 2000):  # 2,000 rows x 10 columns stays under SQLite's variable limit
            AuditEvent.insert_many(rows[start:start + 2000]).execute()


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, cursor, sql, bindings):
        self.count += 1
        return True


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "bench"})
        instance = app.extensions["equisis.instance"]
        slug = make_company(instance)
        store = instance.get(slug)
        client = app.test_client()
        page = client.get(f"/c/{slug}/login")
        token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
        client.post(f"/c/{slug}/login", data={"_csrf": token, "username": "sophie", "password": ADMIN_PASSWORD})
        counter = StatementCounter()
        connection = store.database.connection()
        connection.exec_trace = counter
        for target in (1_000, 100_000):
            with store.session():
                started = time.perf_counter()
                fill(target - AuditEvent.select().count())
                filled = time.perf_counter() - started
            timings = []
            for _ in range(5):
                counter.count = 0
                response = client.get(f"/c/{slug}/audit/")
                assert response.status_code == 200
                timings.append(float(response.headers["Server-Timing"].split("dur=")[1]))
            statements = counter.count
            searched = client.get(f"/c/{slug}/audit/?q=clerk3&action=post&sort=actor&dir=desc&page=40")
            search_ms = float(searched.headers["Server-Timing"].split("dur=")[1])
            print(f"{target:>7} rows (filled in {filled:.1f} s): first page {min(timings):.1f} ms best, "
                  f"{sorted(timings)[2]:.1f} ms median, {statements} SQL statements; "
                  f"search+filter+sort page 40: {search_ms:.1f} ms")
        for fmt in ("xlsx", "csv"):
            started = time.perf_counter()
            response = client.get(f"/c/{slug}/audit/?export={fmt}")
            size = len(response.data)
            print(f"export {fmt}: 100,000 rows in {time.perf_counter() - started:.1f} s, {size / 1e6:.1f} MB")
        connection.exec_trace = None
        instance.close()


if __name__ == "__main__":
    main()
