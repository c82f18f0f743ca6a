"""Roles, credentials policy and login throttling: pure rules, the clock passed in.

Roles (a user has one): ``admin`` may do everything; ``accountant`` keeps the
books and reports; ``sales`` sells and invoices; ``warehouse`` moves stock;
``cashier`` works the till. A route names the roles it admits; admin is always
admitted.
"""
from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass, field

from equisis.core.i18n import N_
from equisis.users.errors import InvalidPinFormat, InvalidUsername, UnknownRole, WeakPassword

ROLES = ("admin", "accountant", "sales", "warehouse", "cashier")
ROLE_LABELS = {
    "admin": N_("Administrator"), "accountant": N_("Accountant"), "sales": N_("Salesperson"),
    "warehouse": N_("Warehouse clerk"), "cashier": N_("Cashier"),
}
#: Roles that may sign in at a shared till with a PIN. Admins and accountants hold the books:
#: they sign in with their password (a PIN is four digits, easy to watch over a shoulder).
PIN_SIGN_IN_ROLES = ("cashier", "sales", "warehouse")
PASSWORD_MIN_LENGTH = 8
USERNAME = re.compile(r"^[A-Za-z0-9._-]{2,40}\Z")  # \Z: "$" would let a trailing newline in
PIN = re.compile(r"^[0-9]{4,6}\Z")  # ASCII digits only


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UnknownRole(role, roles=", ".join(ROLES), field="role")
    return role


def is_allowed(role: str, allowed: tuple[str, ...]) -> bool:
    """admin passes everywhere; others only where named. ``("*",)`` admits any signed-in role."""
    return role == "admin" or "*" in allowed or role in allowed


def check_username(name: str) -> str:
    if not isinstance(name, str) or not USERNAME.match(name):
        raise InvalidUsername(name, field="username")
    return name


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN_LENGTH:
        raise WeakPassword(min_length=PASSWORD_MIN_LENGTH, field="password")
    return password


def check_pin(pin: str) -> str:
    if not isinstance(pin, str) or not PIN.match(pin):
        raise InvalidPinFormat(field="pin")
    return pin


@dataclass
class Throttle:
    """At most ``limit`` failures per key in ``window_s`` seconds; then the key waits.

    Keys are ('login', company, username) and ('ip', address): guessing one
    account's password and spraying many accounts from one address are both
    slowed down. Success clears the account's key.

        >>> t = Throttle(limit=2, window_s=60)
        >>> t.fail("k", now=0); t.fail("k", now=1); t.blocked_for("k", now=2)
        58.0
    """

    limit: int = 5
    window_s: float = 15 * 60
    _failures: dict = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key, now: float) -> deque:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def fail(self, key, now: float) -> None:
        with self._guard:
            self._recent(key, now).append(now)

    def blocked_for(self, key, now: float) -> float:
        """Seconds left before ``key`` may try again (0 when it may)."""
        with self._guard:
            times = self._recent(key, now)
            if len(times) < self.limit:
                return 0.0
            return max(0.0, min(self.window_s, times[-self.limit] + self.window_s - now))

    def clear(self, key) -> None:
        with self._guard:
            self._failures.pop(key, None)
