"""``equisis doctor`` checks of the till: every closed session's entry equals its tickets, and every ticket
balances (payments = lines + roundings); ticket numbers are gapless per till and year."""
from __future__ import annotations

from peewee import fn

from equisis.pos import accounting
from equisis.pos.models import CashSession, Ticket, TicketLine, TicketPayment
from equisis.store.doctor import Problem


def checks(store) -> list[tuple[str, object]]:
    return [
        ("pos: closed sessions' entries equal their tickets", check_sessions),
        ("pos: tickets balance", check_tickets),
        ("pos: ticket numbers gapless per till and year", check_numbers),
    ]


def check_sessions() -> list[Problem]:
    return [Problem("pos session", f"session {s.id}: the entry differs from its tickets")
            for s in CashSession.select().where(CashSession.state == "closed")
            if not accounting.entry_matches_tickets(s)]


def check_tickets() -> list[Problem]:
    lines = dict(TicketLine.select(TicketLine.ticket, fn.SUM(TicketLine.amount_cents)).group_by(TicketLine.ticket)
                 .tuples())
    paid = dict(TicketPayment.select(TicketPayment.ticket, fn.SUM(TicketPayment.amount_cents))
                .group_by(TicketPayment.ticket).tuples())
    problems = []
    for ticket_id, number, total, rounding, to_pay in Ticket.select(
            Ticket.id, Ticket.number, Ticket.total_cents, Ticket.rounding_cents, Ticket.to_pay_cents).tuples():
        if lines.get(ticket_id, 0) != total or total + rounding != to_pay or (paid.get(ticket_id, 0) != to_pay):
            problems.append(Problem("pos ticket", f"ticket {number} does not balance"))
    return problems


def check_numbers() -> list[Problem]:
    problems = []
    for terminal, year, count, top in (Ticket.select(Ticket.terminal, Ticket.year, fn.COUNT(Ticket.id),
                                                     fn.MAX(Ticket.sequence_count))
                                       .group_by(Ticket.terminal, Ticket.year).tuples()):
        if count != top:
            problems.append(Problem("pos numbering", f"till {terminal}, {year}: {count} tickets up to number {top}"))
    return problems


def check() -> list[Problem]:
    return check_sessions() + check_tickets() + check_numbers()
