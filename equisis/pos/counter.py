"""The month-end counter invoice: a business customer's tickets of a month on one invoice.

How the turnover is not posted twice: the tickets are the sales. Each one was posted with its
session (turnover and VAT per rate, and — paid "on account" — the amount on the customer's 400
line, due at the close). The counter invoice is a **summary document** with its own gapless number
(``POSF/<year>/<n>``) that lists those tickets and their VAT: it posts nothing, and a ticket can
sit on one counter invoice only (a unique index). The customer pays the 400 balance the tickets
opened. Only tickets of closed sessions are taken (their entries exist).
"""
from __future__ import annotations

import datetime as dt

from equisis.parties import service as parties
from equisis.pos.errors import NothingToInvoice
from equisis.pos.models import CashSession, CounterInvoice, CounterInvoiceTicket, Ticket
from equisis.store import audit
from equisis.store.database import write
from equisis.store.numbering import format_number, take_next_number

JOURNAL = "POSF"


def open_tickets(party_id: int, month: str) -> list[Ticket]:
    """The customer's tickets of ``month`` ('2026-03') on closed sessions and on no counter invoice yet."""
    year, number = (int(x) for x in month.split("-"))
    first = dt.date(year, number, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    invoiced = CounterInvoiceTicket.select(CounterInvoiceTicket.ticket)
    return list(Ticket.select().join(CashSession)
                .where((Ticket.customer_id == party_id) & (Ticket.day >= first) & (Ticket.day <= last)
                       & (CashSession.state == "closed") & (Ticket.id.not_in(invoiced)))
                .order_by(Ticket.id))


def create_counter_invoice(party_id: int, month: str, *, day: dt.date) -> CounterInvoice:
    """Group the month's tickets of a customer on a numbered summary invoice (nothing is posted)."""
    party = parties.find_party(party_id)
    with write():
        found = open_tickets(party.id, month)
        if not found:
            raise NothingToInvoice(customer=party.name, month=month)
        sequence = take_next_number(JOURNAL, str(day.year))
        invoice = CounterInvoice.create(
            number=format_number(JOURNAL, str(day.year), sequence), year=day.year, sequence_count=sequence,
            party_id=party.id, month=month, day=day, net_cents=sum(t.net_cents for t in found),
            vat_cents=sum(t.vat_cents for t in found), total_cents=sum(t.total_cents for t in found),
            created_at=audit.now_iso())
        for ticket in found:
            CounterInvoiceTicket.create(invoice=invoice, ticket=ticket)
        audit.record("create", "pos_counter_invoice", invoice.id,
                     after={"number": invoice.number, "party": party.id, "tickets": len(found)})
    return invoice


def tickets_of(invoice: CounterInvoice) -> list[Ticket]:
    return [x.ticket for x in CounterInvoiceTicket.select().where(CounterInvoiceTicket.invoice == invoice)
            .order_by(CounterInvoiceTicket.id)]
