"""Till invoices: a business customer's tickets on a proper invoice — at once for one ticket, or at month end.

How the turnover is not posted twice: the tickets are the sales. Each one was posted with its
session (turnover and VAT per rate, and — paid "on account" — the amount on the customer's 400
line, due at the close). A till invoice is a **summary document** with its own gapless number
(``POSF/<year>/<n>``, one series for both kinds) that lists those tickets and their VAT: it posts
nothing, and a ticket can sit on one till invoice only (a unique index), so a ticket invoiced at
the till is never taken again by the month-end invoice. The customer pays the 400 balance the
tickets opened (or paid at the till already).

- **At once** (``kind`` "ticket"): the till validates a sale with ``invoice: true`` for a customer
  with a VAT number; :func:`invoice_ticket` runs inside the ticket's own write transaction, so the
  ticket and its invoice number are taken together (or not at all). Its session may still be open:
  the invoice posts nothing, the close posts the ticket as any other.
- **Month end** (``kind`` "month"): :func:`create_counter_invoice` groups the customer's tickets of a
  month on closed sessions (their entries exist) not yet on a till invoice.

The customer's name, invoicing address, VAT number and language are copied onto the invoice when it
is issued (a later change of the customer does not rewrite an issued invoice). Its PDF is
:mod:`equisis.pos.invoice_pdf`.
"""
from __future__ import annotations

import datetime as dt

from equisis.parties import service as parties
from equisis.pos.errors import CounterInvoiceNotFound, InvoiceNeedsVatNumber, NothingToInvoice, TicketNotInvoiced
from equisis.pos.models import CashSession, CounterInvoice, CounterInvoiceTicket, Ticket
from equisis.store import audit
from equisis.store.database import write
from equisis.store.numbering import format_number, take_next_number

JOURNAL = "POSF"
SOURCE_TYPE = "pos_counter_invoice"


def open_tickets(party_id: int, month: str) -> list[Ticket]:
    """The customer's tickets of ``month`` ('2026-03') on closed sessions and on no till invoice yet."""
    year, number = (int(x) for x in month.split("-"))
    first = dt.date(year, number, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    invoiced = CounterInvoiceTicket.select(CounterInvoiceTicket.ticket)
    return list(Ticket.select().join(CashSession)
                .where((Ticket.customer_id == party_id) & (Ticket.day >= first) & (Ticket.day <= last)
                       & (CashSession.state == "closed") & (Ticket.id.not_in(invoiced)))
                .order_by(Ticket.id))


def _customer_fields(party) -> dict:
    language = party.language if party.language in ("fr", "nl", "de", "en") else "fr"
    address = parties.invoicing_address(party)
    return {"party_id": party.id, "party_name": party.name[:200], "party_vat_number": party.vat_number or "",
            "party_address": "\n".join(address.lines(language)) if address else "", "language": language}


def _issue(party, tickets: list[Ticket], *, kind: str, month: str, day: dt.date) -> CounterInvoice:
    """Number and write the invoice of ``tickets`` (inside the caller's write transaction)."""
    sequence = take_next_number(JOURNAL, str(day.year))
    invoice = CounterInvoice.create(
        number=format_number(JOURNAL, str(day.year), sequence), year=day.year, sequence_count=sequence,
        month=month, day=day, kind=kind, net_cents=sum(t.net_cents for t in tickets),
        vat_cents=sum(t.vat_cents for t in tickets), total_cents=sum(t.total_cents for t in tickets),
        created_at=audit.now_iso(), **_customer_fields(party))
    for ticket in tickets:
        CounterInvoiceTicket.create(invoice=invoice, ticket=ticket)
    audit.record("create", SOURCE_TYPE, invoice.id,
                 after={"number": invoice.number, "kind": kind, "party": party.id, "tickets": len(tickets)})
    return invoice


def create_counter_invoice(party_id: int, month: str, *, day: dt.date) -> CounterInvoice:
    """Group the month's tickets of a customer on a numbered summary invoice (nothing is posted)."""
    party = parties.find_party(party_id)
    with write():
        found = open_tickets(party.id, month)
        if not found:
            raise NothingToInvoice(customer=party.name, month=month)
        return _issue(party, found, kind="month", month=month, day=day)


def check_invoiceable(party) -> None:
    """An invoice at the till is for a business customer: one with a VAT number."""
    if not (party.vat_number or "").strip():
        raise InvoiceNeedsVatNumber(customer=party.name, field="customer_id")


def invoice_ticket(ticket: Ticket) -> CounterInvoice:
    """The invoice of one ticket, issued at once (call inside the ticket's write transaction)."""
    party = parties.find_party(ticket.customer_id)
    check_invoiceable(party)
    with write():
        return _issue(party, [ticket], kind="ticket", month=ticket.day.strftime("%Y-%m"), day=ticket.day)


def tickets_of(invoice: CounterInvoice) -> list[Ticket]:
    return [x.ticket for x in CounterInvoiceTicket.select().where(CounterInvoiceTicket.invoice == invoice)
            .order_by(CounterInvoiceTicket.id)]


def invoice_of_ticket(ticket_id: int) -> CounterInvoice | None:
    """The till invoice a ticket sits on (at once or at month end), if any."""
    row = CounterInvoiceTicket.get_or_none(CounterInvoiceTicket.ticket == ticket_id)
    return row.invoice if row is not None else None


def require_invoice_of_ticket(ticket: Ticket) -> CounterInvoice:
    found = invoice_of_ticket(ticket.id)
    if found is None:
        raise TicketNotInvoiced(ticket=ticket.number)
    return found


def find_invoice(invoice_id) -> CounterInvoice:
    try:
        found = CounterInvoice.get_or_none(CounterInvoice.id == int(invoice_id))
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise CounterInvoiceNotFound(invoice=invoice_id)
    return found
