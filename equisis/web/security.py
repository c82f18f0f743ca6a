"""Sessions, CSRF tokens and the per-company signed-in user.

The session cookie (signed, HttpOnly, SameSite=Lax) holds, per company slug,
the signed-in user id and the time of the last request; a session idle longer
than SESSION_IDLE_MINUTES is treated as signed out. Every form carries the
session's CSRF token (``_csrf``), htmx sends it as the X-CSRF-Token header.
"""
from __future__ import annotations

import hmac
import secrets
import time

from flask import current_app, session

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class CsrfFailed(EquisisError):
    template = N_("This form has expired or did not come from Equisis. Reload the page and try again.")
    status = 400


class SessionExpired(EquisisError):
    template = N_("Your session has expired; please sign in again.")
    status = 401


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(sent: str | None) -> None:
    expected = session.get("csrf")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise CsrfFailed()


def new_form_key() -> str:
    """An idempotency key rendered into a form: the same submit twice makes one document."""
    return secrets.token_urlsafe(18)


def sign_in(slug: str, user_id: int) -> None:
    # A fresh CSRF token after sign-in: a token learnt before cannot be replayed.
    session["csrf"] = secrets.token_urlsafe(32)
    users = dict(session.get("users", {}))
    users[slug] = {"id": user_id, "seen": time.time()}
    session["users"] = users
    session.permanent = True


def sign_out(slug: str) -> None:
    users = dict(session.get("users", {}))
    users.pop(slug, None)
    session["users"] = users


def signed_in_user_id(slug: str, now: float | None = None) -> int | None:
    """The user id signed in for ``slug``; raises SessionExpired after the idle limit."""
    entry = session.get("users", {}).get(slug)
    if not entry:
        return None
    now = time.time() if now is None else now
    idle_s = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if now - entry["seen"] > idle_s:
        sign_out(slug)
        raise SessionExpired()
    if now - entry["seen"] > 30:  # refresh the cookie at most every 30 s
        users = dict(session["users"])
        users[slug] = {"id": entry["id"], "seen": now}
        session["users"] = users
    return entry["id"]
