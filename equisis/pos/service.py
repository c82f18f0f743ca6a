"""Tills, their settings, the cashier signed in on each and the rights a supervisor's PIN lends.

Company settings of the till (``pos.*``, audited): ``pos.stock_mode`` ("validation": stock leaves at
each ticket; "close": all of a session's tickets move the stock when it closes), ``pos.rights``
(per role: ``discount_bp``, ``refund``, ``drawer``, ``price``; see rules.DEFAULT_RIGHTS), and the
accounts the session close posts on (``pos.card_account`` 58 card transit, ``pos.voucher_account``
489 vouchers outstanding, ``pos.rounding_gain``/``pos.rounding_loss`` 757100/657100,
``pos.difference_gain``/``pos.difference_loss`` 757100/657100, ``pos.transfer_account`` 58 for cash
taken to the bank or the safe, ``pos.income_account`` 7000 when an item names none).

A request names its till either by the paired LAN terminal behind its token (a till paired with
``equisis.lan`` is registered here on first use) or by the ``X-Pos-Terminal`` header (a back-office
user driving a till). The cashier is whoever signed in there with a PIN, else the token's user.
Supervisors: users of a PIN role (cashier, sales, warehouse: admins and accountants sign in with a
password) whose role has the right asked; their PIN authorises that one action.
"""
from __future__ import annotations

from equisis.company import service as company_service
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import N_, gettext
from equisis.pos import rules
from equisis.pos.errors import (InvalidStockMode, NotACashJournal, RightMissing, SupervisorNotAllowed,
                                TerminalNameRequired, TerminalNotFound, TerminalRequired, UnknownStockPlace)
from equisis.pos.models import PosTerminal, PrintJob
from equisis.store import audit
from equisis.store.database import write
from equisis.users import service as users
from equisis.users.errors import InvalidPin
from equisis.users.models import User

DEFAULTS = {
    "pos.stock_mode": "validation",
    "pos.rights": {},
    "pos.card_account": "58",
    "pos.voucher_account": "489",
    "pos.rounding_gain": "757100",
    "pos.rounding_loss": "657100",
    "pos.difference_gain": "757100",
    "pos.difference_loss": "657100",
    "pos.transfer_account": "58",
    "pos.income_account": "7000",
    "pos.voucher_validity_days": 365,
}
ACTIONS = {"discount": N_("give this discount"), "refund": N_("give a refund"), "drawer": N_("open the drawer"),
           "price": N_("change a price")}


def setting(key: str):
    value = company_service.get_setting(key)
    return DEFAULTS.get(key) if value is None else value


def stock_mode() -> str:
    return setting("pos.stock_mode")


def set_stock_mode(mode: str) -> None:
    if mode not in rules.STOCK_MODES:
        raise InvalidStockMode(mode, field="stock_mode")
    company_service.set_settings({"pos.stock_mode": mode})


def rights_of_role(role: str) -> dict:
    return rules.rights_of(role, setting("pos.rights"))


# --------------------------------------------------------------------------- terminals

def terminals(*, active_only: bool = False) -> list[PosTerminal]:
    query = PosTerminal.select().order_by(PosTerminal.code)
    if active_only:
        query = query.where(PosTerminal.active == True)  # noqa: E712
    return list(query)


def find_terminal(terminal_id) -> PosTerminal:
    try:
        found = PosTerminal.get_or_none(PosTerminal.id == int(terminal_id))
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise TerminalNotFound(terminal=terminal_id, field="terminal")
    return found


def _check_printer(kind: str, address: str, timeout_ms: int = 3000) -> tuple[str, str]:
    """(kind, address) as :func:`equisis.pos.printer.check_config` normalises them (InvalidPrinterSetting)."""
    from equisis.pos import printer

    config = printer.check_config(kind, address, (timeout_ms or 0) / 1000)
    return config.kind, config.address


def register_terminal(name: str, *, lan_terminal_id: int | None = None, warehouse: str = "MAIN",
                      cash_journal: str = "CSH1", printer_kind: str = "none", printer_address: str = "",
                      printer_timeout_ms: int = 3000) -> PosTerminal:
    """A till with its name, stock place, cash journal and printer; its code T1, T2… numbers its tickets."""
    name = (name or "").strip()
    if not name:
        raise TerminalNameRequired(field="name")
    printer_kind, printer_address = _check_printer(printer_kind, printer_address, printer_timeout_ms)
    with write():
        n = PosTerminal.select().count() + 1
        while PosTerminal.select().where(PosTerminal.code == f"T{n}").exists():
            n += 1
        terminal = PosTerminal.create(code=f"T{n}", name=name[:80], lan_terminal_id=lan_terminal_id,
                                      warehouse=warehouse, cash_journal=cash_journal, printer_kind=printer_kind,
                                      printer_address=printer_address, printer_timeout_ms=printer_timeout_ms,
                                      created_at=audit.now_iso())
        audit.record("create", "pos_terminal", terminal.id, after=terminal.snapshot())
    return terminal


def update_terminal(terminal_id: int, **changes) -> PosTerminal:
    """Rename a till, move it to another stock place or journal, or change its printer."""
    allowed = {"name", "warehouse", "cash_journal", "printer_kind", "printer_address", "printer_timeout_ms",
               "printer_width_count", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown terminal fields {sorted(unknown)}")
    with write():
        terminal = find_terminal(terminal_id)
        before = terminal.snapshot()
        if {"printer_kind", "printer_address", "printer_timeout_ms"} & set(changes):
            changes["printer_kind"], changes["printer_address"] = _check_printer(
                changes.get("printer_kind", terminal.printer_kind),
                changes.get("printer_address", terminal.printer_address),
                changes.get("printer_timeout_ms", terminal.printer_timeout_ms))
        for key, value in changes.items():
            setattr(terminal, key, value)
        terminal.save()
        audit.record("update", "pos_terminal", terminal.id, before=before, after=terminal.snapshot())
    return terminal


def save_terminal(terminal_id: int | None, *, name: str, warehouse: str, cash_journal: str, printer_kind: str,
                  printer_address: str = "", printer_timeout="3") -> PosTerminal:
    """The till settings form: create (``terminal_id`` None) or change a till, every problem reported at once.

    ``warehouse`` is a stock warehouse or location code (the tickets' goods leave from there);
    ``cash_journal`` a cash journal of the ledger (the session close posts in it); the printer is
    checked by :func:`equisis.pos.printer.check_config` (``printer_timeout`` in seconds, as typed).
    """
    from equisis.ledger.models import Journal
    from equisis.pos import printer
    from equisis.stock.models import Location, Warehouse

    problems: list[EquisisError] = []
    name = (name or "").strip()
    if not name:
        problems.append(TerminalNameRequired(field="name"))
    place = (warehouse or "").strip().upper()
    if not place or not (Warehouse.get_or_none(Warehouse.code == place) or Location.get_or_none(Location.code == place)):
        problems.append(UnknownStockPlace(code=place or "-", field="warehouse"))
    journal_code = (cash_journal or "").strip().upper()
    journal = Journal.get_or_none(Journal.code == journal_code)
    if journal is None or journal.kind != "cash":
        problems.append(NotACashJournal(journal=journal_code or "-", field="cash_journal"))
    try:
        config = printer.check_config(printer_kind, printer_address, printer_timeout)
    except EquisisError as exc:
        problems.append(exc)
        config = None
    if problems:
        raise ValidationErrors(problems)
    values = dict(warehouse=place, cash_journal=journal_code, printer_kind=config.kind,
                  printer_address=config.address, printer_timeout_ms=int(round(config.timeout_s * 1000)))
    if terminal_id is None:
        return register_terminal(name, **values)
    return update_terminal(terminal_id, name=name[:80], **values)


TEST_PAGE_TITLE = N_("Test page")


def print_test_page(terminal: PosTerminal) -> None:
    """Send a short ESC/POS test page to the till's printer now (PrinterUnreachable, translated, if it fails)."""
    from equisis.pos import printer, receipt

    rows = [(gettext(N_("Till")), f"{terminal.code} {terminal.name}"), (gettext(N_("Printer")), terminal.printer_address),
            (gettext(N_("Printed at")), audit.now_iso()[:16].replace("T", " "))]
    payload = receipt.escpos_text_report(gettext(TEST_PAGE_TITLE), rows, company_service.profile().language,
                                         width_chars=terminal.printer_width_count or 42)
    printer.send(printer.PrinterConfig(terminal.printer_kind, terminal.printer_address,
                                       (terminal.printer_timeout_ms or 3000) / 1000), payload)


def terminal_for(user: User, requested=None) -> PosTerminal:
    """The till a request comes from: its paired LAN terminal, else the X-Pos-Terminal it names."""
    from equisis.lan.models import Terminal

    lan = Terminal.get_or_none((Terminal.user == user.id) & Terminal.revoked_at.is_null())
    if lan is not None:
        found = PosTerminal.get_or_none(PosTerminal.lan_terminal_id == lan.id)
        return found or register_terminal(lan.name, lan_terminal_id=lan.id)
    if requested in (None, ""):
        raise TerminalRequired()
    return find_terminal(requested)


# --------------------------------------------------------------------------- cashiers and supervisors

def find_user(user_id: int) -> User:
    return User.get_by_id(user_id)


def cashier_of(terminal: PosTerminal, token_user: User) -> User:
    """The cashier signed in with a PIN on this till, else the user behind the token."""
    if terminal.cashier_id:
        user = User.get_or_none((User.id == terminal.cashier_id) & User.active)
        if user is not None:
            return user
    return token_user


def sign_in_cashier(terminal: PosTerminal, user_id: int, pin: str) -> User:
    """Switch the till's cashier after checking the PIN (the view throttles failures)."""
    user = users.authenticate_pin(int(user_id), pin)
    with write():
        PosTerminal.update(cashier_id=user.id).where(PosTerminal.id == terminal.id).execute()
        audit.record("login", "pos_terminal", terminal.id, after={"cashier": user.username})
    return user


def sign_out_cashier(terminal: PosTerminal) -> None:
    with write():
        PosTerminal.update(cashier_id=None).where(PosTerminal.id == terminal.id).execute()
        audit.record("update", "pos_terminal", terminal.id, after={"cashier": None})


def authorise(cashier: User, missing: list[str], supervisor: dict | None, *, needs: rules.Needs | None = None
              ) -> User | None:
    """None when nothing is missing; else the supervisor whose PIN lends the missing rights.

    Raises RightMissing (no supervisor given, or a wrong PIN) or SupervisorNotAllowed.
    """
    if not missing:
        return None
    action = gettext(ACTIONS[missing[0]])
    if not supervisor or not supervisor.get("user_id") or not supervisor.get("pin"):
        raise RightMissing(cashier=cashier.display_name, action=action)
    try:
        boss = users.authenticate_pin(int(supervisor["user_id"]), str(supervisor["pin"]))
    except (InvalidPin, TypeError, ValueError):
        raise RightMissing(cashier=cashier.display_name, action=action, field="supervisor")
    boss_rights = rights_of_role(boss.role)
    still = rules.missing_rights(boss_rights, needs) if needs else [m for m in missing if not boss_rights.get(m)]
    if still or boss.id == cashier.id:
        raise SupervisorNotAllowed(supervisor=boss.display_name, field="supervisor")
    return boss


def queued_jobs(terminal: PosTerminal) -> list[PrintJob]:
    return list(PrintJob.select().where((PrintJob.terminal == terminal) & (PrintJob.status != "printed"))
                .order_by(PrintJob.id))
