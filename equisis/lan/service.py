"""Use cases of terminals: pairing codes, pairing, the heartbeat, revoking; the server's identifier.

A paired terminal is a :class:`~equisis.lan.models.Terminal` row holding its own *technical user*
(role cashier, display name = the terminal's name, a random password nobody ever sees) and that
user's API token. The users package stays as it is: the token is an ordinary user token, so the
whole API (roles, language, audit actor ``user:terminal.xxxx``) works for terminals unchanged.
Revoking a terminal revokes the token *and* deactivates its user: the API answers 401 to both.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from equisis.company import service as company
from equisis.core.errors import NotFound
from equisis.core.i18n import gettext
from equisis.lan import rules
from equisis.lan.errors import InvalidPairingCode, NotATerminal
from equisis.lan.models import PairingCode, Terminal
from equisis.store import audit
from equisis.store.database import write
from equisis.users import service as users
from equisis.users.models import ApiToken

TERMINAL_ROLE = "cashier"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.fromisoformat(audit.now_iso())


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def _parse(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


# ---------------------------------------------------------------- pairing codes


@dataclass(frozen=True)
class IssuedCode:
    code: str                 # formatted, 'K7RM-3QXT': shown once
    expires_at: dt.datetime


def create_pairing_code(now: dt.datetime | None = None) -> IssuedCode:
    """A new one-time code for pairing a terminal with the current company, valid 10 minutes."""
    moment = _now(now)
    code = rules.new_pairing_code(secrets.choice)
    expires = rules.pairing_expiry(moment)
    with write():
        row = PairingCode.create(code_hash=rules.pairing_code_digest(code), created_at=_iso(moment),
                                 created_by=audit.current_actor(), expires_at=_iso(expires))
        audit.record("create", "pairing_code", row.id, after={"expires_at": row.expires_at})
    return IssuedCode(rules.format_pairing_code(code), expires)


def pending_codes(now: dt.datetime | None = None) -> list[PairingCode]:
    """Codes still usable (for the Terminals page: their expiry, never the code)."""
    moment = _now(now)
    rows = PairingCode.select().where(PairingCode.used_at.is_null()).order_by(PairingCode.id.desc())
    return [r for r in rows if rules.is_pairing_code_usable(_parse(r.expires_at), None, moment)]


# ---------------------------------------------------------------- pairing


@dataclass(frozen=True)
class PairedTerminal:
    company: str              # the company slug
    terminal_id: int
    name: str
    token: str                # '<company>.<secret>': shown once, to the terminal


def pair_terminal(stores: Iterable, code: str, name: str, *, remote_addr: str | None = None,
                  now: dt.datetime | None = None) -> PairedTerminal:
    """Pair a terminal with the company whose code this is; the terminal does not know the company yet.

    ``stores`` are the instance's open company stores: each is asked in turn for the code's hash
    (a lookup by a unique index); the pairing itself is one write in that company. A wrong, used
    or expired code raises InvalidPairingCode.
    """
    name = rules.check_terminal_name(name)
    normalised = rules.normalise_pairing_code(code)
    if normalised is None:
        raise InvalidPairingCode()
    digest = rules.pairing_code_digest(normalised)
    for store in stores:
        with store.session():
            if PairingCode.select().where(PairingCode.code_hash == digest).exists():
                with audit.acting_as(f"terminal:{name}"):
                    return _pair(store.slug, digest, name, remote_addr, _now(now))
    raise InvalidPairingCode()


def _pair(slug: str, digest: str, name: str, remote_addr: str | None, now: dt.datetime) -> PairedTerminal:
    language = company.profile().language
    with write():
        # Read again under the write lock: two terminals typing the same code make one pairing.
        code = PairingCode.get(PairingCode.code_hash == digest)
        if not rules.is_pairing_code_usable(_parse(code.expires_at), _parse(code.used_at), now):
            raise InvalidPairingCode()
        user = users.add_user(f"terminal.{secrets.token_hex(4)}", secrets.token_urlsafe(32), TERMINAL_ROLE,
                              display_name=name, language=language)
        token = users.issue_token(slug, user.username, label=gettext("Terminal {name}", name=name)[:80])
        token_row = ApiToken.get(ApiToken.user == user)
        terminal = Terminal.create(name=name, user=user, token=token_row, paired_at=_iso(now),
                                   paired_from=remote_addr)
        PairingCode.update(used_at=_iso(now), terminal=terminal).where(PairingCode.id == code.id).execute()
        audit.record("create", "terminal", terminal.id, after=terminal.snapshot())
    return PairedTerminal(slug, terminal.id, name, token)


# ---------------------------------------------------------------- paired terminals


def terminals() -> list[Terminal]:
    """Every terminal, active ones first, the most recently paired first."""
    return list(Terminal.select().order_by(Terminal.revoked_at.is_null(False), Terminal.id.desc()))


def terminal_of_user(user_id: int) -> Terminal:
    terminal = Terminal.get_or_none((Terminal.user == user_id) & Terminal.revoked_at.is_null())
    if terminal is None:
        raise NotATerminal()
    return terminal


def record_heartbeat(user_id: int, *, remote_addr: str | None = None,
                     now: dt.datetime | None = None) -> Terminal:
    """The terminal behind this user called in: note when and from where (at most once a minute)."""
    terminal = terminal_of_user(user_id)
    moment = _now(now)
    moved = terminal.last_seen_from != remote_addr
    if moved or rules.should_record_seen(_parse(terminal.last_seen_at), moment):
        with write():
            Terminal.update(last_seen_at=_iso(moment), last_seen_from=remote_addr).where(
                Terminal.id == terminal.id).execute()
        terminal = Terminal.get_by_id(terminal.id)
    return terminal


def revoke_terminal(terminal_id: int, now: dt.datetime | None = None) -> Terminal:
    """Unpair: the token is revoked and the technical user deactivated, so the API answers 401."""
    moment = _now(now)
    with write():
        terminal = Terminal.get_or_none(Terminal.id == terminal_id)
        if terminal is None:
            raise NotFound(what=gettext("Terminal"))
        if terminal.revoked_at is None:
            before = terminal.snapshot()
            users.revoke_token(terminal.token_id)
            users.update_user(terminal.user_id, active=False)
            Terminal.update(revoked_at=_iso(moment)).where(Terminal.id == terminal.id).execute()
            terminal = Terminal.get_by_id(terminal.id)
            audit.record("cancel", "terminal", terminal.id, before=before, after=terminal.snapshot())
    return terminal


# ---------------------------------------------------------------- the server's identifier


def server_id(instance_root: Path) -> str:
    """The server's stable identifier (in ``<instance>/server_id``), made on first use.

    Advertised in the TXT record and returned at pairing, so a terminal recognises its server
    whatever its address or (disambiguated) name.
    """
    path = Path(instance_root) / "server_id"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"server_id.{os.getpid()}.{secrets.token_hex(4)}")
        draft.write_text(secrets.token_hex(8) + "\n", encoding="ascii")
        try:
            os.link(draft, path)  # atomic and exclusive: two first starts agree on one identifier
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip()
