"""The print queue of the tills: a job per ticket, copy, report or drawer opening, sent after the commit.

A job is written ``queued`` in the ticket's own transaction; :func:`process_job` then renders it
(``equisis.pos.receipt``) and sends it (``equisis.pos.printer``) outside any transaction. When the
printer does not answer, the job stays queued with its attempts and the error: the sale is done,
the till shows the job and offers the reprint (:func:`reprint` queues a copy marked DUPLICATE).
The receipt and printer modules are imported lazily: the till keeps selling without them.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from equisis.company import service as company_service
from equisis.core.errors import EquisisError
from equisis.core.i18n import gettext, language
from equisis.pos import rules
from equisis.pos.errors import PrintJobNotFound
from equisis.pos.models import PosTerminal, PrintJob, Ticket, TicketLine, TicketPayment
from equisis.store import audit
from equisis.store.database import write
from equisis.users.models import User

VAT_CODES = {2100: "A", 1200: "B", 600: "C", 0: "D"}


def find_job(job_id) -> PrintJob:
    found = PrintJob.get_or_none(PrintJob.id == job_id)
    if found is None:
        raise PrintJobNotFound(job=job_id)
    return found


def queue(terminal: PosTerminal, kind: str, *, ticket_id: int | None = None, session_id: int | None = None,
          open_drawer: bool = False) -> PrintJob:
    with write():
        return PrintJob.create(terminal=terminal, kind=kind, ticket_id=ticket_id, session_id=session_id,
                               open_drawer=open_drawer, created_at=audit.now_iso())


def reprint(ticket: Ticket, terminal: PosTerminal) -> PrintJob:
    """Queue a copy of a ticket (printed DUPLICATE) on this till's printer."""
    return queue(terminal, "copy", ticket_id=ticket.id)


def footer_lines(ticket: Ticket) -> tuple[str, ...]:
    lines = []
    from equisis.pos import vouchers
    for voucher in vouchers.vouchers_of_ticket(ticket.id):
        lines.append(f"{gettext('Voucher')} {voucher.code}: {voucher.value_cents / 100:.2f} EUR"
                     + (f" ({voucher.valid_to:%d/%m/%Y})" if voucher.valid_to else ""))
    if ticket.card_code:
        try:
            from equisis.pos import loyalty
            card = loyalty.find_card(ticket.card_code)
            if card is not None:
                held = loyalty.balance(card.id)
                lines.append(gettext("Loyalty card {code}: {points} points, {stamps} stamps", code=card.code,
                                     points=held.points, stamps=held.stamps))
        except (ImportError, AttributeError):
            pass
    lines.append(gettext(rules.GKS_NOTICE_SHORT))
    lines.append(gettext("Thank you for your visit!"))
    return tuple(lines)


def receipt_data(ticket: Ticket, *, copy: bool = False):
    """The ticket as the receipt module prints it, in the ticket's language."""
    from equisis.pos import receipt

    profile = company_service.profile()
    cashier = User.get_or_none(User.id == ticket.cashier_id)
    with language(ticket.language):
        footer = footer_lines(ticket)
    lines = tuple(
        receipt.ReceiptLine(x.description, x.quantity_milli, x.unit, x.unit_price_e4 // 100, x.amount_cents,
                            VAT_CODES.get(x.vat_rate_bp, "D") if x.kind == "item" else "",
                            f"-{x.discount_bp / 100:g} %" if x.discount_bp else "")
        for x in ticket.lines.order_by(TicketLine.position))
    vat: dict = {}
    for x in ticket.lines.where(TicketLine.kind == "item"):
        code = VAT_CODES.get(x.vat_rate_bp, "D")
        base, tax = vat.get(code, (x.vat_rate_bp, 0, 0))[1:]
        vat[code] = (x.vat_rate_bp, base + x.net_cents, tax + x.vat_cents)
    payments = tuple(receipt.ReceiptPayment(receipt.PAYMENT_LABELS.get(p.method, p.method),
                                            p.tendered_cents if p.method == "cash" else p.amount_cents)
                     for p in ticket.payments.order_by(TicketPayment.id))
    moment = dt.datetime.fromisoformat(ticket.at)
    return receipt.ReceiptData(
        company_name=profile.name,
        company_lines=tuple(x for x in (profile.street, f"{profile.postcode} {profile.city}".strip(),
                                        profile.vat_number, getattr(profile, "phone", "") or "") if x),
        number=ticket.number, moment=moment, terminal=ticket.terminal.name,
        cashier=cashier.display_name if cashier else "", language=ticket.language, lines=lines,
        vat=tuple(receipt.ReceiptVat(code, rate, base, tax) for code, (rate, base, tax) in sorted(vat.items())),
        total_cents=ticket.total_cents, rounding_cents=ticket.rounding_cents, to_pay_cents=ticket.to_pay_cents,
        payments=payments, change_cents=ticket.change_cents, barcode=ticket.barcode, footer_lines=footer,
        copy=copy, refund=ticket.kind == "refund")


def payload_of(job: PrintJob) -> bytes:
    from equisis.pos import receipt

    width = job.terminal.printer_width_count or 42
    if job.kind == "drawer":
        return receipt.drawer_kick()
    if job.kind in ("ticket", "copy"):
        ticket = Ticket.get_by_id(job.ticket_id)
        return receipt.escpos_ticket(receipt_data(ticket, copy=job.kind == "copy"), width_chars=width,
                                     open_drawer=job.open_drawer and job.kind == "ticket")
    from equisis.pos import reports
    title, rows = reports.paper_rows(job.session_id)
    return receipt.escpos_text_report(title, rows, company_service.profile().language, width_chars=width)


def config_of(terminal: PosTerminal):
    from equisis.pos import printer

    return printer.PrinterConfig(terminal.printer_kind, terminal.printer_address,
                                 (terminal.printer_timeout_ms or 3000) / 1000)


def process_job(job_id: int, *, send: Callable[[object, bytes], None] | None = None) -> PrintJob:
    """Render and send one job outside any transaction; a failure leaves it queued with the error."""
    job = find_job(job_id)
    if job.status == "printed":
        return job
    if job.terminal.printer_kind == "none":
        return job
    try:
        payload = payload_of(job)
        if send is None:
            from equisis.pos import printer
            send = printer.send
        send(config_of(job.terminal), payload)
    except (EquisisError, OSError, ImportError) as exc:
        message = exc.message() if isinstance(exc, EquisisError) else str(exc)
        with write():
            PrintJob.update(attempts_count=PrintJob.attempts_count + 1, last_error=message[:300]) \
                .where(PrintJob.id == job.id).execute()
        return find_job(job.id)
    with write():
        PrintJob.update(status="printed", attempts_count=PrintJob.attempts_count + 1, printed_at=audit.now_iso(),
                        last_error="").where(PrintJob.id == job.id).execute()
    return find_job(job.id)


def retry_queued(terminal: PosTerminal, *, send=None) -> list[PrintJob]:
    """Send again every job still queued on a till (oldest first)."""
    return [process_job(j.id, send=send) for j in
            PrintJob.select().where((PrintJob.terminal == terminal) & (PrintJob.status == "queued"))
            .order_by(PrintJob.id)]


def job_dict(job: PrintJob) -> dict:
    return {"id": job.id, "kind": job.kind, "ticket_id": job.ticket_id, "session_id": job.session_id,
            "status": job.status, "attempts": job.attempts_count, "error": job.last_error,
            "created_at": job.created_at}
