"""Cash sessions: open with a counted float, cash in and out with a reason, close with a count.

Closing (one ``write()`` transaction, all or nothing): the expected cash (float + cash kept from the
tickets + cash put in − cash taken out) is compared with the count per denomination; the
difference is booked; the session's stock moves are written when the stock is deferred to the
close; the aggregated entry is posted (:mod:`equisis.pos.accounting`); the session is frozen (a
database trigger refuses any later change). Closing twice, or from two tills at once, closes once:
``BEGIN IMMEDIATE`` serialises the two, and the second finds the session closed (409) — unless it
repeats the first one's idempotency key, then it gets the first result.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from equisis.company import service as company_service
from equisis.core.i18n import N_, gettext, language
from equisis.pos import accounting, rules, service
from equisis.pos.errors import (InvalidAmount, InvalidCount, InvalidDirection, NoOpenSession, ReasonRequired,
                                SameController, SessionAlreadyOpen, SessionClosed, SessionNotFound)
from equisis.pos.models import CashMovement, CashSession, PosTerminal
from equisis.store import audit
from equisis.store.database import write
from equisis.store.idempotency import once
from equisis.users.models import User

LABELS = {"entry": N_("Till {terminal}: Z of session {session}"), "turnover": N_("Till turnover"),
          "vat": N_("VAT on till sales"), "vouchers_sold": N_("Vouchers issued"), "cash": N_("Cash takings"),
          "card": N_("Card payments"), "vouchers_used": N_("Vouchers used"), "on_account": N_("Tickets on account"),
          "rounding": N_("Cash rounding (€0.05)"), "price_rounding": N_("VAT-inclusive price rounding"),
          "moves": N_("Cash put in or taken out"), "difference": N_("Cash difference at the count")}


@dataclass(frozen=True)
class CloseResult:
    session_id: int
    expected_cents: int
    counted_cents: int
    difference_cents: int
    entry_id: int | None


def find_session(session_id) -> CashSession:
    try:
        found = CashSession.get_or_none(CashSession.id == int(session_id))
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise SessionNotFound(session=session_id, field="session_id")
    return found


def current_session(terminal: PosTerminal) -> CashSession | None:
    return (CashSession.select().where((CashSession.terminal == terminal) & (CashSession.state == "open"))
            .order_by(CashSession.id.desc()).first())


def require_open(terminal: PosTerminal) -> CashSession:
    session = current_session(terminal)
    if session is None:
        raise NoOpenSession(terminal=terminal.name)
    return session


def parse_counts(counts) -> tuple[dict, int]:
    """{"5000": 2, …} checked: euro denominations in cents, whole non-negative numbers of pieces."""
    if counts is None:
        return {}, 0
    if not isinstance(counts, dict):
        raise InvalidCount(str(counts)[:40], field="counts")
    clean = {}
    for key, pieces in counts.items():
        try:
            value, number = int(key), int(pieces)
        except (TypeError, ValueError):
            raise InvalidCount(f"{key}: {pieces}"[:40], field="counts")
        if value not in rules.DENOMINATIONS or number < 0 or isinstance(pieces, bool):
            raise InvalidCount(f"{key}: {pieces}"[:40], field="counts")
        if number:
            clean[str(value)] = clean.get(str(value), 0) + number
    return clean, rules.count_total(clean)


def open_session(terminal: PosTerminal, cashier: User, *, float_cents: int | None = None,
                 counts: dict | None = None) -> CashSession:
    """Open the till's session with its float: counted per denomination, or typed as one amount."""
    clean, counted = parse_counts(counts)
    if counts is None:
        if not isinstance(float_cents, int) or isinstance(float_cents, bool) or float_cents < 0:
            raise InvalidAmount(float_cents, field="float_cents")
        counted = float_cents
    with write():
        existing = current_session(terminal)
        if existing is not None:
            raise SessionAlreadyOpen(terminal=terminal.name, session=existing.id)
        session = CashSession.create(terminal=terminal, opened_at=audit.now_iso(), opened_by=cashier.id,
                                     float_cents=counted, opening_counts_json=json.dumps(clean))
        audit.record("create", "pos_session", session.id, after={"terminal": terminal.code, "float_cents": counted})
    return session


def add_movement(session_id: int, cashier: User, *, direction: str, amount_cents, reason: str) -> CashMovement:
    """Cash put in (change from the safe) or taken out (to the bank, a supplier paid in cash), with its reason."""
    if direction not in ("in", "out"):
        raise InvalidDirection(direction, field="direction")
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
        raise InvalidAmount(amount_cents, field="amount_cents")
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(field="reason")
    with write():
        session = find_session(session_id)
        if session.state != "open":
            raise SessionClosed(session=session.id)
        row = CashMovement.create(session=session, direction=direction, amount_cents=amount_cents,
                                  reason=reason[:200], at=audit.now_iso(), user_id=cashier.id)
        audit.record("create", "pos_cash_movement", row.id,
                     after={"session": session.id, "direction": direction, "amount_cents": amount_cents,
                            "reason": reason[:200]})
    return row


def record_drawer_opening(session: CashSession, cashier: User, supervisor: User | None, reason: str) -> CashMovement:
    """The drawer opened without a sale: logged with who allowed it."""
    with write():
        row = CashMovement.create(session=session, direction="drawer", amount_cents=0,
                                  reason=(reason or "")[:200] or "-", at=audit.now_iso(), user_id=cashier.id,
                                  supervisor_id=supervisor.id if supervisor else None)
        audit.record("create", "pos_drawer", row.id, after={"session": session.id,
                                                            "supervisor": supervisor.username if supervisor else None})
    return row


def cash_summary(session: CashSession) -> rules.CashSummary:
    figures = accounting.session_figures(session.id)
    return rules.CashSummary(session.float_cents, figures["payments"].get("cash", 0), figures["moves_in_cents"],
                             figures["moves_out_cents"])


def labels() -> dict:
    with language(company_service.profile().language):
        return {k: gettext(v) for k, v in LABELS.items()}


def close_session(session_id, cashier: User, *, counts: dict, confirmed_by: User | None = None,
                  day: dt.date | None = None, key: str | None = None) -> CloseResult:
    """Count, book the difference, move deferred stock, post the entry and freeze the session."""
    clean, counted = parse_counts(counts if counts is not None else {})
    if confirmed_by is not None and confirmed_by.id == cashier.id:
        raise SameController(field="confirmed_by")
    day = day or dt.date.today()

    def close():
        session = find_session(session_id)
        if session.state != "open":
            raise SessionClosed(session=session.id)
        summary = cash_summary(session)
        difference = counted - summary.expected_cents
        if service.stock_mode() == "close":
            from equisis.pos import tickets
            tickets.move_session_stock(session)
        names = labels()
        names["entry"] = names["entry"].format(terminal=session.terminal.code, session=session.id)
        entry_id = accounting.post_session(session, accounting.session_figures(session.id), difference, day,
                                           role=cashier.role, labels=names)
        updated = (CashSession.update(state="closed", closed_at=audit.now_iso(), closed_by=cashier.id,
                                      confirmed_by=confirmed_by.id if confirmed_by else None, close_day=day,
                                      counts_json=json.dumps(clean), expected_cents=summary.expected_cents,
                                      counted_cents=counted, difference_cents=difference, entry_id=entry_id)
                   .where((CashSession.id == session.id) & (CashSession.state == "open")).execute())
        if updated != 1:
            raise SessionClosed(session=session.id)
        audit.record("post", "pos_session", session.id,
                     after={"expected_cents": summary.expected_cents, "counted_cents": counted,
                            "difference_cents": difference, "entry": entry_id,
                            "confirmed_by": confirmed_by.username if confirmed_by else None})
        return session.id

    ref, _created = once(key, "pos.close", close)
    return result_of(find_session(int(ref)))


def result_of(session: CashSession) -> CloseResult:
    return CloseResult(session.id, session.expected_cents or 0, session.counted_cents or 0,
                       session.difference_cents or 0, session.entry_id)


def sessions_of(terminal: PosTerminal | None = None) -> list[CashSession]:
    query = CashSession.select().order_by(CashSession.id.desc())
    if terminal is not None:
        query = query.where(CashSession.terminal == terminal)
    return list(query)
