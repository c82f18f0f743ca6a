"""``equisis doctor``: every package's checks on a company, in layer order.

A module adds one line to MODULE_CHECKS: a module whose ``checks(store)``
returns [(name, check)] (ledger: balances equal the sum of entries; stock:
quantities equal the sum of moves …); a check returns a list of problems.
"""
from __future__ import annotations

from typing import Callable

from equisis.schema import all_migrations
from equisis.store import doctor as store_doctor


MODULE_CHECKS: list[str] = [
    "equisis.ledger.doctor",
    "equisis.vat.doctor",
    "equisis.stock.doctor",
    "equisis.pos.doctor",
]


def checks(store) -> list[tuple[str, Callable[[], list]]]:
    import importlib

    from equisis.documents import service as documents

    schema = all_migrations()
    spine = [
        ("SQLite integrity", store_doctor.check_integrity),
        ("foreign keys", store_doctor.check_foreign_keys),
        ("migrations", lambda: store_doctor.check_migrations(schema)),
        ("audit chain", store_doctor.check_audit_chain),
        ("document checksums", lambda: [p.message() for p in documents.check_documents(store)]),
    ]
    return spine + [check for module in MODULE_CHECKS for check in importlib.import_module(module).checks(store)]


def run(store) -> list[tuple[str, list]]:
    """Run every check inside ``store``'s session; returns [(check name, problems)]."""
    results = []
    with store.session():
        for name, check in checks(store):
            results.append((name, [str(p) for p in check()]))
    return results
