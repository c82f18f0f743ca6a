"""``equisis doctor``: every package's checks on a company, in layer order.

A module adds its checks here (ledger: balances equal the sum of entries;
stock: quantities equal the sum of moves …).
"""
from __future__ import annotations

from typing import Callable

from equisis.schema import all_migrations
from equisis.store import doctor as store_doctor


def checks(store) -> list[tuple[str, Callable[[], list]]]:
    from equisis.documents import service as documents

    schema = all_migrations()
    return [
        ("SQLite integrity", store_doctor.check_integrity),
        ("foreign keys", store_doctor.check_foreign_keys),
        ("migrations", lambda: store_doctor.check_migrations(schema)),
        ("audit chain", store_doctor.check_audit_chain),
        ("document checksums", lambda: [p.message() for p in documents.check_documents(store)]),
    ]


def run(store) -> list[tuple[str, list]]:
    """Run every check inside ``store``'s session; returns [(check name, problems)]."""
    results = []
    with store.session():
        for name, check in checks(store):
            results.append((name, [str(p) for p in check()]))
    return results
