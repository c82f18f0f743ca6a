"""Creating a company with everything its modules need, for the setup wizard, the CLI and the demo.

The company package creates the folder, the profile and the first
administrator; each business module then prepares its part (the ledger its
chart of accounts, journals and first fiscal year…) through the hooks listed
in :func:`module_hooks`, each in its own transaction, in layer order.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Callable

from equisis.company import service as company_service
from equisis.company.errors import SetupAlreadyDone
from equisis.company.rules import CompanyIdentity, FirstAdmin
from equisis.store import Instance, audit

_first_run = threading.Lock()


#: "module:function" called with the CompanyIdentity, the new company routed, in layer order; one line each.
MODULE_HOOKS: list[str] = [
    "equisis.ledger.service:setup_books",
]


def module_hooks() -> list[Callable[[CompanyIdentity], None]]:
    import importlib

    hooks = []
    for target in MODULE_HOOKS:
        module, _, function = target.partition(":")
        hooks.append(getattr(importlib.import_module(module), function))
    return hooks


def create_company(instance: Instance, identity: CompanyIdentity, admin: FirstAdmin, *,
                   slug: str | None = None, first_run: bool = False) -> str:
    """Create and prepare a company; return its slug.

    ``first_run`` (the wizard, reachable without signing in) serialises
    concurrent submits so two browsers racing through the wizard cannot
    create two companies.
    """
    guard = _first_run if first_run else contextlib.nullcontext()
    with guard:
        if first_run and instance.slugs():
            raise SetupAlreadyDone()
        created = company_service.create_company(instance, identity, admin, slug=slug)
    with instance.get(created).session(), audit.acting_as(f"setup:{admin.username}"):
        for hook in module_hooks():
            hook(identity)
    return created

