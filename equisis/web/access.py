"""Who may call which route: every view declares it, the app refuses views that do not.

``@roles("accountant", "sales")`` admits signed-in users with one of those roles
(admin always); ``@roles("*")`` any signed-in user; ``@public`` anyone (login,
health check, setup wizard). ``@api(...)`` is the same for bearer-token routes.
``@public_json`` admits anyone to a JSON endpoint that devices call without a
session (a terminal pairing itself): no CSRF token, but a JSON body is required,
which a page of another site cannot send without the browser's CORS preflight.
A view without a declaration is refused (deny by default), and a test walks the
URL map to prove every endpoint has one.
"""
from __future__ import annotations

from dataclasses import dataclass

from equisis.users.rules import ROLES


@dataclass(frozen=True)
class Access:
    kind: str                 # 'public' | 'session' | 'api'
    roles: tuple[str, ...] = ()
    csrf: bool = True         # False: public JSON called without a session (public_json)


PUBLIC = Access("public")


def _mark(access: Access):
    def decorate(view):
        view.equisis_access = access
        return view
    return decorate


def public(view):
    return _mark(PUBLIC)(view)


def public_json(view):
    return _mark(Access("public", csrf=False))(view)


def roles(*names: str):
    _check(names)
    return _mark(Access("session", tuple(names)))


def api(*names: str):
    _check(names)
    return _mark(Access("api", tuple(names)))


def _check(names):
    unknown = [n for n in names if n != "*" and n not in ROLES]
    if not names or unknown:
        raise ValueError(f"roles() needs known roles, got {names}")


def access_of(view) -> Access | None:
    return getattr(view, "equisis_access", None)
