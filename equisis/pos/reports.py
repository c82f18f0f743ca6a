"""X and Z reports of a cash session (PDF, and two columns for the receipt printer) and the turnover of any period.

The X report is read mid-day from an open session (nothing changes); the Z report is the closing
cash sheet of a closed session: the summary (turnover per VAT rate, payments per method, roundings,
cash put in and taken out, expected cash, the count per denomination, the difference, who counted
and who confirmed) followed by the detail (every ticket). Both carry the GKS notice.
"""
from __future__ import annotations

import datetime as dt
import json

from peewee import fn

from equisis.core.i18n import N_, gettext
from equisis.documents import service as documents
from equisis.documents.pdf import BusinessDocument, TableColumn
from equisis.pos import accounting, rules
from equisis.pos.models import CashSession, PosTerminal, Ticket, TicketLine, TicketPayment
from equisis.pos.sessions import cash_summary, find_session
from equisis.users.models import User


def _name(user_id) -> str:
    user = User.get_or_none(User.id == user_id) if user_id else None
    return user.display_name if user else "-"


def summary_rows(session: CashSession) -> list[tuple[str, int]]:
    """(msgid, params, value) rows of a session's summary, in print order: the ticket count, then cents."""
    figures = accounting.session_figures(session.id)
    cash = cash_summary(session)
    rows = [(N_("Tickets"), None, figures["ticket_count"])]
    by_rate = {}
    for rate, net, vat in (TicketLine.select(TicketLine.vat_rate_bp, fn.SUM(TicketLine.net_cents),
                                             fn.SUM(TicketLine.vat_cents)).join(Ticket)
                           .where((Ticket.session == session.id) & (TicketLine.kind == "item"))
                           .group_by(TicketLine.vat_rate_bp).tuples()):
        by_rate[rate] = (int(net or 0), int(vat or 0))
    for rate, (net, vat) in sorted(by_rate.items(), reverse=True):
        rows.append((N_("Turnover excl. VAT at {rate} %"), {"rate": f"{rate / 100:g}"}, net))
        rows.append((N_("VAT at {rate} %"), {"rate": f"{rate / 100:g}"}, vat))
    rows.append((N_("Total with VAT"), None, figures["to_pay_cents"] - figures["rounding_cents"]))
    rows.append((N_("Cash rounding (€0.05)"), None, figures["rounding_cents"]))
    rows.append((N_("VAT-inclusive price rounding"), None, figures["price_rounding_cents"]))
    if figures["vouchers_sold_cents"]:
        rows.append((N_("Vouchers issued"), None, figures["vouchers_sold_cents"]))
    for method in rules.METHODS:
        cents = figures["payments"].get(method, 0) if method != "credit" else sum(figures["partners"].values())
        if cents:
            rows.append((rules.METHOD_LABELS[method], None, cents))
    rows += [(N_("Float"), None, session.float_cents), (N_("Cash put in"), None, cash.moves_in_cents),
             (N_("Cash taken out"), None, cash.moves_out_cents), (N_("Expected cash"), None, cash.expected_cents)]
    if session.state == "closed":
        rows += [(N_("Counted cash"), None, session.counted_cents),
                 (N_("Difference"), None, session.difference_cents)]
    return rows


def _text(row) -> str:
    msgid, params, _value = row
    return gettext(msgid, **(params or {}))


def _value(row) -> str:
    msgid, _params, value = row
    if msgid == N_("Tickets"):
        return str(value)
    return f"{(value or 0) / 100:.2f}"


def paper_rows(session_id: int) -> tuple[str, list[tuple[str, str]]]:
    """The report for the receipt printer: X while open, Z once closed."""
    session = find_session(session_id)
    kind = "Z" if session.state == "closed" else "X"
    title = gettext(N_("{kind} report, session {session}"), kind=kind, session=session.id)
    return title, [(_text(r), _value(r)) for r in summary_rows(session)] + [("", gettext(rules.GKS_NOTICE_SHORT))]


def session_pdf(session_id: int, *, language: str, company_folder=None) -> bytes:
    """The X (open session) or Z (closed: count and ticket detail) report as a PDF."""
    session = find_session(session_id)
    terminal: PosTerminal = session.terminal
    kind = "Z" if session.state == "closed" else "X"
    pdf = BusinessDocument(documents.letterhead_from_profile(company_folder), language=language,
                           title=gettext(N_("{kind} report, session {session}"), locale=language, kind=kind,
                                         session=session.id))
    pdf.add_page()
    details = [(N_("Till"), f"{terminal.code} {terminal.name}"), (N_("Opened"), session.opened_at[:16]),
               (N_("Opened by"), _name(session.opened_by))]
    if session.state == "closed":
        details += [(N_("Closed"), (session.closed_at or "")[:16]), (N_("Counted by"), _name(session.closed_by)),
                    (N_("Confirmed by"), _name(session.confirmed_by))]
    pdf.title_block(details=details)
    rows = summary_rows(session)
    pdf.lines_table([TableColumn(N_("Summary"), 4), TableColumn(N_("Amount"), 1, "money")],
                    [[gettext(r[0], locale=language, **(r[1] or {})), r[2] or 0] for r in rows[1:]])
    pdf.paragraph(gettext(N_("Tickets: {count}"), locale=language, count=rows[0][2]))
    if session.state == "closed":
        counts = json.loads(session.counts_json or "{}")
        if counts:
            pdf.lines_table([TableColumn(N_("Denomination"), 2, "money"), TableColumn(N_("Pieces"), 1),
                             TableColumn(N_("Amount"), 2, "money")],
                            [[int(d), str(n), int(d) * n] for d, n in sorted(counts.items(), key=lambda x: -int(x[0]))])
        tickets = list(Ticket.select().where(Ticket.session == session).order_by(Ticket.id))
        pdf.lines_table([TableColumn(N_("Ticket"), 3), TableColumn(N_("Time"), 2), TableColumn(N_("VAT"), 1, "money"),
                         TableColumn(N_("To pay"), 2, "money")],
                        [[t.number, t.at[11:16], t.vat_cents, t.to_pay_cents] for t in tickets])
    pdf.paragraph(gettext(rules.GKS_NOTICE, locale=language), size=8)
    return pdf.to_bytes()


def turnover(start: dt.date, end: dt.date, *, terminal_id: int | None = None) -> dict:
    """The turnover of a day or any period: per day, per VAT rate and per way of paying."""
    where = (Ticket.day >= start) & (Ticket.day <= end)
    if terminal_id:
        where &= Ticket.terminal == terminal_id
    days = [{"day": d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)), "tickets": int(n),
             "net_cents": int(net or 0), "vat_cents": int(vat or 0), "total_cents": int(total or 0)}
            for d, n, net, vat, total in Ticket.select(Ticket.day, fn.COUNT(Ticket.id), fn.SUM(Ticket.net_cents),
                                                       fn.SUM(Ticket.vat_cents), fn.SUM(Ticket.to_pay_cents))
            .where(where).group_by(Ticket.day).order_by(Ticket.day).tuples()]
    rates = [{"rate_bp": r, "net_cents": int(net or 0), "vat_cents": int(vat or 0)}
             for r, net, vat in TicketLine.select(TicketLine.vat_rate_bp, fn.SUM(TicketLine.net_cents),
                                                  fn.SUM(TicketLine.vat_cents)).join(Ticket)
             .where(where & (TicketLine.kind == "item")).group_by(TicketLine.vat_rate_bp)
             .order_by(TicketLine.vat_rate_bp.desc()).tuples()]
    methods = [{"method": m, "amount_cents": int(c or 0)}
               for m, c in TicketPayment.select(TicketPayment.method, fn.SUM(TicketPayment.amount_cents)).join(Ticket)
               .where(where).group_by(TicketPayment.method).order_by(TicketPayment.method).tuples()]
    return {"start": start, "end": end, "days": days, "rates": rates, "methods": methods,
            "tickets": sum(d["tickets"] for d in days), "net_cents": sum(d["net_cents"] for d in days),
            "vat_cents": sum(d["vat_cents"] for d in days), "total_cents": sum(d["total_cents"] for d in days)}


Z_KIND = "pos_z_report"
Z_JOURNAL = "POSZ"


def archive_z(place, session_id: int, *, language: str | None = None):
    """Keep the Z report of a closed session for good (documents/<year>/<period>/POSZ/), once.

    Called after the close's write transaction (archiving writes a file, then its row): the report
    then appears in the documents archive and the accountant pack of its period. A second call
    returns the first copy; an open session has no Z report (None).
    """
    from pathlib import Path

    from equisis.company import service as company_service
    from equisis.documents.models import ArchivedDocument
    from equisis.pos.invoice_pdf import period_of

    session = find_session(session_id)
    if session.state != "closed":
        return None
    found = (ArchivedDocument.select().where((ArchivedDocument.object_type == "pos_session")
                                             & (ArchivedDocument.object_id == str(session.id))
                                             & (ArchivedDocument.kind == Z_KIND)).first())
    if found is not None:
        return found
    language = language or company_service.profile().language or "fr"
    folder = getattr(place, "folder", None)
    content = session_pdf(session.id, language=language, company_folder=Path(folder) if folder else None)
    day = session.close_day or dt.date.today()
    year, period = period_of(day)
    name = gettext(N_("{kind} report, session {session}"), locale=language, kind="Z", session=session.id)
    return documents.archive_document(place, content, kind=Z_KIND, journal=Z_JOURNAL, year=year, period=period,
                                      object_type="pos_session", object_id=session.id, language=language,
                                      file_name=f"{name} {session.terminal.code}")
