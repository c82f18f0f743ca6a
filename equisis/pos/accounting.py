"""What a cash session posts when it closes: one entry in the till's cash journal, the tickets as detail.

The entry (journal of the till, CSH1 by default; dated the day of the close) sums the session's
tickets with a handful of GROUP BY queries, so closing 2,000 tickets stays fast:

==========================  ======================================================================
line                        amount
==========================  ======================================================================
70x (item's account)        credit: line nets per account and grid (01/02/03; refunds debit, 49)
451                         credit: VAT per grid (54; refunds debit, grid 64)
489 vouchers outstanding    credit: gift vouchers sold and credit vouchers given; debit: used
570001 (journal's account)  debit: cash kept (payments net of change, cash refunds credit)
58 card transit             debit: card payments (the acquirer's transfer clears it)
400 per customer            debit: tickets paid on account (partner, reference, due date)
757100 / 657100             cash rounding (€0.05) and VAT-inclusive price rounding, each its line
58 transfers                cash put in (credit) or taken out (debit) of the drawer
757100 / 657100 vs 570001   the difference between the count and the expected cash
==========================  ======================================================================

Each ticket balances on its own (payments = lines + roundings), so the sum does too; the doctor
checks that every closed session's entry equals its tickets.
"""
from __future__ import annotations

import datetime as dt

from peewee import fn

from equisis.ledger import service as ledger
from equisis.ledger.models import Journal
from equisis.ledger.rules import DraftEntry, DraftLine, split_grids
from equisis.pos import service
from equisis.pos.models import CashMovement, CashSession, Ticket, TicketLine, TicketPayment

SOURCE_TYPE = "pos_session"


def cash_account(journal_code: str) -> str:
    journal = Journal.get_or_none(Journal.code == journal_code)
    if journal is None or journal.account_id is None:
        return "570001"
    return journal.account.code


def _signed(account: str, credit_cents: int, description: str, **fields) -> DraftLine | None:
    if not credit_cents:
        return None
    if credit_cents > 0:
        return DraftLine(account, 0, credit_cents, description=description, **fields)
    return DraftLine(account, -credit_cents, 0, description=description, **fields)


def session_figures(session_id: int) -> dict:
    """The sums a session posts (also what the Z report prints and the doctor compares)."""
    tickets = Ticket.select().where(Ticket.session == session_id)
    income = {}
    for account, grids, cents in (TicketLine.select(TicketLine.income_account, TicketLine.vat_grids,
                                                    fn.SUM(TicketLine.net_cents))
                                  .join(Ticket).where((Ticket.session == session_id) & (TicketLine.kind == "item"))
                                  .group_by(TicketLine.income_account, TicketLine.vat_grids).tuples()):
        income[(account, grids)] = int(cents or 0)
    vat = {}
    for kind, cents in (TicketLine.select(Ticket.kind, fn.SUM(TicketLine.vat_cents)).join(Ticket)
                        .where((Ticket.session == session_id) & (TicketLine.kind == "item"))
                        .group_by(Ticket.kind).tuples()):
        vat["64" if kind == "refund" else "54"] = int(cents or 0)
    vouchers_sold = (TicketLine.select(fn.SUM(TicketLine.amount_cents)).join(Ticket)
                     .where((Ticket.session == session_id) & (TicketLine.kind == "voucher")).scalar()) or 0
    payments = {m: int(c or 0) for m, c in TicketPayment.select(TicketPayment.method, fn.SUM(TicketPayment.amount_cents))
                .join(Ticket).where((Ticket.session == session_id) & (TicketPayment.method != "credit"))
                .group_by(TicketPayment.method).tuples()}
    partners = {p: int(c or 0) for p, c in TicketPayment.select(TicketPayment.party_id, fn.SUM(TicketPayment.amount_cents))
                .join(Ticket).where((Ticket.session == session_id) & (TicketPayment.method == "credit"))
                .group_by(TicketPayment.party_id).tuples()}
    sums = tickets.select(fn.COUNT(Ticket.id), fn.SUM(Ticket.rounding_cents), fn.SUM(Ticket.price_rounding_cents),
                          fn.SUM(Ticket.to_pay_cents), fn.SUM(Ticket.net_cents), fn.SUM(Ticket.vat_cents)).tuples()[0]
    moves = {d: int(c or 0) for d, c in CashMovement.select(CashMovement.direction, fn.SUM(CashMovement.amount_cents))
             .where(CashMovement.session == session_id).group_by(CashMovement.direction).tuples()}
    return {"income": income, "vat": vat, "vouchers_sold_cents": int(vouchers_sold), "payments": payments,
            "partners": partners, "ticket_count": int(sums[0] or 0), "rounding_cents": int(sums[1] or 0),
            "price_rounding_cents": int(sums[2] or 0), "to_pay_cents": int(sums[3] or 0),
            "net_cents": int(sums[4] or 0), "vat_cents": int(sums[5] or 0),
            "moves_in_cents": moves.get("in", 0), "moves_out_cents": moves.get("out", 0)}


def session_entry(session: CashSession, figures: dict, difference_cents: int, day: dt.date,
                  labels: dict) -> DraftEntry | None:
    """The draft entry of a closing session (None when nothing moved)."""
    terminal = session.terminal
    cash = cash_account(terminal.cash_journal)
    ref = f"Z{terminal.code}-{session.id}"
    lines: list[DraftLine | None] = []
    for (account, grids), cents in sorted(figures["income"].items()):
        lines.append(_signed(account or service.setting("pos.income_account"), cents, labels["turnover"],
                             vat_grids=split_grids(grids), document_ref=ref))
    for grid, cents in sorted(figures["vat"].items()):
        lines.append(_signed("451", cents, labels["vat"], vat_grids=(grid,), document_ref=ref))
    voucher_account = service.setting("pos.voucher_account")
    lines.append(_signed(voucher_account, figures["vouchers_sold_cents"], labels["vouchers_sold"], document_ref=ref))
    payments = figures["payments"]
    lines.append(_signed(cash, -payments.get("cash", 0), labels["cash"], document_ref=ref))
    lines.append(_signed(service.setting("pos.card_account"), -payments.get("card", 0), labels["card"],
                         document_ref=ref))
    lines.append(_signed(voucher_account, -payments.get("voucher", 0), labels["vouchers_used"], document_ref=ref))
    for party_id, cents in sorted(figures["partners"].items(), key=lambda x: x[0] or 0):
        lines.append(_signed("400", -cents, labels["on_account"], partner_id=party_id, document_ref=ref,
                             due_date=day))
    for key, label in (("rounding_cents", "rounding"), ("price_rounding_cents", "price_rounding")):
        cents = figures[key]
        account = service.setting("pos.rounding_gain" if cents > 0 else "pos.rounding_loss")
        lines.append(_signed(account, cents, labels[label], document_ref=ref))
    transfer = service.setting("pos.transfer_account")
    moved = figures["moves_in_cents"] - figures["moves_out_cents"]
    lines.append(_signed(cash, -moved, labels["moves"], document_ref=ref))
    lines.append(_signed(transfer, moved, labels["moves"], document_ref=ref))
    if difference_cents:
        account = service.setting("pos.difference_gain" if difference_cents > 0 else "pos.difference_loss")
        lines.append(_signed(cash, -difference_cents, labels["difference"], document_ref=ref))
        lines.append(_signed(account, difference_cents, labels["difference"], document_ref=ref))
    kept = tuple(x for x in lines if x is not None)
    if not kept:
        return None
    return DraftEntry(terminal.cash_journal, day, labels["entry"], kept, source=(SOURCE_TYPE, str(session.id)))


def post_session(session: CashSession, figures: dict, difference_cents: int, day: dt.date, *, role: str,
                 labels: dict) -> int | None:
    """Post the session's entry inside the caller's write(); returns the entry id (None: nothing to post)."""
    draft = session_entry(session, figures, difference_cents, day, labels)
    if draft is None:
        return None
    return ledger.post_entry(draft, role=role).id


def entry_matches_tickets(session: CashSession) -> bool:
    """The doctor's check: the entry posted at the close still says, account by account, what the tickets say."""
    draft = session_entry(session, session_figures(session.id), session.difference_cents or 0, session.close_day,
                          {k: "" for k in LABEL_KEYS})
    expected: dict = {}
    for x in draft.lines if draft else ():
        expected[x.account] = expected.get(x.account, 0) + x.credit_cents - x.debit_cents
    posted: dict = {}
    for x in ledger.entry_lines(session.entry_id) if session.entry_id else ():
        posted[x.account.code] = posted.get(x.account.code, 0) + x.credit_cents - x.debit_cents
    return {k: v for k, v in posted.items() if v} == {k: v for k, v in expected.items() if v}


LABEL_KEYS = ("entry", "turnover", "vat", "vouchers_sold", "cash", "card", "vouchers_used", "on_account", "rounding",
              "price_rounding", "moves", "difference")
