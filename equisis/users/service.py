"""Use cases for users: add, authenticate, change password or PIN, API tokens.

Passwords and PINs are hashed with Argon2id (argon2-cffi). Unknown users still
cost one hash verification, so response time does not reveal which user names exist.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from equisis.core.errors import NotFound
from equisis.core.i18n import gettext
from equisis.store import audit
from equisis.store.database import current_database, write
from equisis.users import rules
from equisis.users.errors import (InvalidCredentials, InvalidPin, InvalidToken, LastAdministrator, PinAlreadyUsed,
                                  UnknownUser, UserExists)
from equisis.users.models import ApiToken, User

_hasher = PasswordHasher()
_DUMMY_HASH = None


def configure_hasher(**params) -> None:
    """Argon2 cost parameters (``time_cost``, ``memory_cost``…); tests lower them, production keeps defaults."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(**params)
    _DUMMY_HASH = None


def _verify(stored_hash: str | None, secret: str) -> bool:
    global _DUMMY_HASH
    if stored_hash is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = _hasher.hash(secrets.token_hex(8))
        stored_hash = _DUMMY_HASH
        secret = secret + "\x00never"
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def add_user(username: str, password: str, role: str, *, display_name: str | None = None,
             language: str = "fr", pin: str | None = None) -> User:
    rules.check_username(username)
    rules.check_password(password)
    rules.check_role(role)
    if pin is not None:
        rules.check_pin(pin)
    password_hash = _hasher.hash(password)
    with write():
        if User.select().where(User.username == username).exists():
            raise UserExists(username, field="username")
        if pin is not None:
            _check_pin_free(pin)
        user = User.create(username=username, display_name=display_name or username, role=role,
                           password_hash=password_hash, pin_hash=_hasher.hash(pin) if pin else None,
                           language=language, created_at=audit.now_iso())
        audit.record("create", "user", user.id, after=user.snapshot())
    return user


def _check_pin_free(pin: str, except_user_id: int | None = None) -> None:
    for other in User.select().where(User.pin_hash.is_null(False) & User.active):
        if other.id != except_user_id and _verify(other.pin_hash, pin):
            raise PinAlreadyUsed(field="pin")


def find_user(username: str) -> User:
    user = User.get_or_none((User.username == username) & User.active)
    if user is None:
        raise UnknownUser(username)
    return user


def authenticate(username: str, password: str) -> User:
    user = User.get_or_none((User.username == username) & User.active)
    if not _verify(user.password_hash if user else None, password or "") or user is None:
        raise InvalidCredentials()
    if _hasher.check_needs_rehash(user.password_hash) and not current_database().read_only:
        with write():
            User.update(password_hash=_hasher.hash(password)).where(User.id == user.id).execute()
    return user


def authenticate_pin(user_id: int, pin: str) -> User:
    """Sign in at a shared till; only till roles (rules.PIN_SIGN_IN_ROLES) may use a PIN to sign in."""
    user = User.get_or_none((User.id == user_id) & User.active & User.role.in_(rules.PIN_SIGN_IN_ROLES))
    if not _verify(user.pin_hash if user else None, pin or "") or user is None:
        raise InvalidPin()
    return user


def set_password(username: str, password: str) -> None:
    rules.check_password(password)
    user = find_user(username)
    password_hash = _hasher.hash(password)
    with write():
        User.update(password_hash=password_hash).where(User.id == user.id).execute()
        audit.record("update", "user", user.id, before={"password": "…"}, after={"password": "changed"})


def set_pin(username: str, pin: str) -> None:
    rules.check_pin(pin)
    user = find_user(username)
    _check_pin_free(pin, except_user_id=user.id)
    pin_hash = _hasher.hash(pin)
    with write():
        User.update(pin_hash=pin_hash).where(User.id == user.id).execute()
        audit.record("update", "user", user.id, before={"pin": "…"}, after={"pin": "changed"})


def update_user(user_id: int, **changes) -> User:
    allowed = {"display_name", "role", "language", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    if "role" in changes:
        rules.check_role(changes["role"])
    with write():
        user = User.get_by_id(user_id)
        before = user.snapshot()
        demoted = changes.get("role", user.role) != "admin" or not changes.get("active", user.active)
        if user.role == "admin" and user.active and demoted and _active_admins() == 1:
            raise LastAdministrator(user.username)
        for name, value in changes.items():
            setattr(user, name, value)
        user.save()
        audit.record("update", "user", user.id, before=before, after=user.snapshot())
    return user


def _active_admins() -> int:
    return User.select().where((User.role == "admin") & User.active).count()


def pin_users() -> list[User]:
    """The users a shared till offers in its PIN switch (active, a till role, with a PIN)."""
    return list(User.select().where(User.active & User.pin_hash.is_null(False)
                                    & User.role.in_(rules.PIN_SIGN_IN_ROLES)).order_by(User.display_name))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(company_slug: str, username: str, label: str = "API") -> str:
    """A new bearer token '<company>.<secret>', shown once; only its hash is stored."""
    user = find_user(username)
    token = f"{company_slug}.{secrets.token_urlsafe(32)}"
    with write():
        row = ApiToken.create(token_hash=_token_hash(token), user=user, label=label, created_at=audit.now_iso())
        audit.record("create", "api_token", row.id, after={"user": username, "label": label})
    return token


def company_of_token(token: str) -> str | None:
    """The company a token names (before any database is opened)."""
    slug, sep, _ = (token or "").partition(".")
    return slug if sep else None


#: The label of the short-lived tokens a page mints for its signed-in user (the till); they expire
#: SESSION_TOKEN_HOURS after their creation and are revoked when the user signs out there.
SESSION_TOKEN_LABEL = "page session"
SESSION_TOKEN_HOURS = 12


def _expired(row: ApiToken, now: dt.datetime | None = None) -> bool:
    if row.label != SESSION_TOKEN_LABEL:
        return False
    now = now or dt.datetime.fromisoformat(audit.now_iso())
    return dt.datetime.fromisoformat(row.created_at) + dt.timedelta(hours=SESSION_TOKEN_HOURS) <= now


def user_for_token(token: str) -> User:
    row = (ApiToken.select(ApiToken, User).join(User)
           .where((ApiToken.token_hash == _token_hash(token or "")) & ApiToken.revoked_at.is_null()
                  & User.active).first())
    if row is None or _expired(row):
        raise InvalidToken()
    return row.user


def session_token(company_slug: str, user_id: int, reuse: str | None = None) -> str:
    """A short-lived bearer token for a page that calls the API as its signed-in user (the till page).

    ``reuse`` (the token the page had) is kept while it is the same user's, unrevoked and unexpired;
    otherwise it is revoked and a new one issued. Expired page tokens of the user are revoked on the way.
    """
    user = User.get_by_id(user_id)
    if reuse:
        row = ApiToken.get_or_none(ApiToken.token_hash == _token_hash(reuse))
        if row is not None and row.user_id == user.id and row.revoked_at is None and not _expired(row) \
                and company_of_token(reuse) == company_slug:
            return reuse
        revoke_token_value(reuse)
    with write():
        for row in ApiToken.select().where((ApiToken.user == user) & (ApiToken.label == SESSION_TOKEN_LABEL)
                                           & ApiToken.revoked_at.is_null()):
            if _expired(row):
                ApiToken.update(revoked_at=audit.now_iso()).where(ApiToken.id == row.id).execute()
    return issue_token(company_slug, user.username, SESSION_TOKEN_LABEL)


def revoke_token_value(token: str | None) -> bool:
    """Revoke the token given in clear (a page signing out); False when it is unknown or revoked already."""
    if not token:
        return False
    with write():
        row = ApiToken.get_or_none(ApiToken.token_hash == _token_hash(token))
        if row is None or row.revoked_at is not None:
            return False
        ApiToken.update(revoked_at=audit.now_iso()).where(ApiToken.id == row.id).execute()
        audit.record("cancel", "api_token", row.id, before={"revoked": False}, after={"revoked": True})
    return True


def revoke_token(token_id: int) -> None:
    with write():
        row = ApiToken.get_or_none(ApiToken.id == token_id)
        if row is None:
            raise NotFound(what=gettext("API token"))
        if row.revoked_at is None:
            ApiToken.update(revoked_at=audit.now_iso()).where(ApiToken.id == token_id).execute()
            audit.record("cancel", "api_token", token_id, before={"revoked": False}, after={"revoked": True})
