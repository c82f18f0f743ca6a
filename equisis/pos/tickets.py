"""Tickets: ring up lines, take the payments, validate once per client UUID, refund from the original.

``create_ticket`` runs in one ``write()`` transaction: it first looks the ticket's UUID up (a
retried or doubled submit — even two at the same instant, which ``BEGIN IMMEDIATE`` serialises —
gets the first ticket back), then resolves the lines (catalog price VAT included, sales period,
weight or price read from a variable-measure EAN-13), checks the cashier's rights (a supervisor's
PIN lends them), computes the totals through the one tax engine (:func:`rules.ticket_totals`),
settles the payments (€0.05 cash rounding on the part paid in cash), takes the next gapless number
of the till and the year, writes the ticket, its lines and payments, uses or issues vouchers, moves
the stock (unless deferred to the close), lets the loyalty card earn, and queues the print job.
Printing happens after the commit (:mod:`equisis.pos.printing`): a printer that does not answer
never loses a sale.
"""
from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from dataclasses import dataclass, field

from peewee import fn

from equisis.catalog import rules as catalog_rules
from equisis.catalog import service as catalog
from equisis.catalog.models import Item
from equisis.core.money import from_cents
from equisis.ledger.rules import join_grids
from equisis.parties import service as parties
from equisis.pos import counter, rules, service, vouchers
from equisis.pos.errors import (CustomerNotFound, CustomerRequired, InvalidDiscount, InvalidPaymentMethod,
                                InvalidPrice, InvalidQuantity, InvalidUuid, MixedRefund, NoLines, PaymentShort,
                                RefundLineMismatch, RefundNotInvoiced, RefundTooLarge, SessionClosed,
                                SessionOfOtherTerminal, TicketNotFound, UnknownCode, VoucherKindMismatch)
from equisis.pos.loyalty import rules as loyalty_rules
from equisis.pos.models import (CashSession, PosTerminal, PrintJob, Ticket, TicketLine, TicketPayment)
from equisis.pos.sessions import find_session
from equisis.sales import rules as sales_rules
from equisis.store import audit
from equisis.store.database import write
from equisis.store.numbering import take_next_number
from equisis.users.models import User

SOURCE_TYPE = "pos_ticket"
VAT_CODES = {2100: "A", 1200: "B", 600: "C", 0: "D"}


@dataclass
class Resolved:
    till: rules.TillLine
    kind: str
    item: Item | None
    description: str
    unit: str
    catalog_price_e4: int
    income_account: str
    refund_of: TicketLine | None = None
    allowance_cents: int = 0  # refunds: the original line's share of its ticket discount, in proportion


@dataclass
class TicketRequest:
    """What the till submits (see the API contract in views.py)."""

    uuid: str
    session_id: int
    lines: list
    payments: list = field(default_factory=list)
    customer_id: int | None = None
    invoice: bool = False
    supervisor: dict | None = None
    card_code: str | None = None
    redeem_reward_id: int | None = None
    discount_vouchers: list = field(default_factory=list)
    parked_id: int | None = None


# --------------------------------------------------------------------------- reading

def find_ticket(ticket_id) -> Ticket:
    try:
        found = Ticket.get_or_none(Ticket.id == int(ticket_id))
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise TicketNotFound(ticket=ticket_id)
    return found


def find_by_barcode(code: str) -> Ticket:
    found = Ticket.get_or_none(Ticket.barcode == (code or "").strip().upper())
    if found is None:
        found = Ticket.get_or_none(Ticket.number == (code or "").strip().upper())
    if found is None:
        raise TicketNotFound(ticket=(code or "").strip()[:40])
    return found


def refunded_milli(line_id: int) -> int:
    """How much of an original line was already given back (a positive quantity)."""
    return -int(TicketLine.select(fn.SUM(TicketLine.quantity_milli))
                .where(TicketLine.refund_of_line == line_id).scalar() or 0)


def check_uuid(value) -> str:
    try:
        return str(uuid_module.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise InvalidUuid(str(value)[:40], field="uuid")


# --------------------------------------------------------------------------- lines

def _item_by_code(code: str) -> tuple[Item | None, rules.Embedded | None]:
    text = (code or "").strip()
    if not text:
        return None, None
    item = Item.get_or_none(Item.code == text.upper()) or catalog.find_by_barcode(text)
    if item is not None:
        return item, None
    embedded = rules.parse_embedded(text)
    if embedded is None:
        return None, None
    item = catalog.find_by_barcode(embedded.item_code) or Item.get_or_none(Item.code == embedded.plu)
    return item, embedded if item is not None else None


def shelf_price_e4(item: Item, day: dt.date, *, customer=None, quantity_milli: int = 1000,
                   categories: tuple[str, ...] | None = None) -> tuple[int, str]:
    """The unit price VAT included, and where it comes from when it is not the shelf price.

    With a customer, :func:`equisis.catalog.service.price_for` prices the item (the customer's own
    list, a list of one of their categories, a general list; quantity breaks; its % discount is
    folded into the unit price, not shown as a cashier's discount) — the price excl. VAT per unit
    becomes VAT-inclusive and is rounded to the cent like the shelf price, and the ticket derives
    its nets from these inclusive amounts as for any line. A sales period still applies when it is
    lower (:func:`rules.best_till_price`). The label is the list's or the period's name.
    """
    regular = catalog_rules.price_incl_vat_cents(item.sale_price_e4, item.vat_rate_bp) * 100
    listed = None
    if customer is not None:
        if categories is None:
            categories = customer_categories(customer)
        quote = catalog.price_for(item, party_id=customer.id, quantity_milli=abs(quantity_milli) or 1000, day=day,
                                  party_categories=categories)
        if quote.source:
            listed = (rules.inclusive_unit_price_e4(quote.unit_price_e4, quote.discount_bp, item.vat_rate_bp),
                      quote.source)
    try:
        from equisis.pos import loyalty
        sale = loyalty.active_sale_price(item, day)
    except (ImportError, AttributeError):
        sale = None
    period = None
    if sale:
        period = (catalog_rules.price_incl_vat_cents(sale[0], item.vat_rate_bp) * 100, sale[1])
    return rules.best_till_price(regular, listed, period)


def customer_categories(customer) -> tuple[str, ...]:
    try:
        return tuple(parties.categories_of(customer))
    except AttributeError:  # pragma: no cover - parties without categories
        return ()


def _int(value, default=None):
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def resolve_line(data: dict, number: int, *, day: dt.date, language: str, regime: str, customer=None,
                 categories: tuple[str, ...] = ()) -> Resolved:
    """One submitted line as the ticket will hold it (unknown code: the line is refused, UnknownCode)."""
    if not isinstance(data, dict):
        raise UnknownCode(code=str(data)[:40], field=f"lines.{number}")
    try:
        qty = _int(data.get("quantity_milli"), 1000)
    except ValueError:
        raise InvalidQuantity(line=number, value=str(data.get("quantity_milli"))[:20], field=f"lines.{number}")
    try:
        discount = _int(data.get("discount_bp"), 0)
    except ValueError:
        discount = -1
    if not 0 <= discount <= 10000:
        raise InvalidDiscount(line=number, field=f"lines.{number}")
    if data.get("gift_voucher_cents") is not None:
        try:
            value = _int(data.get("gift_voucher_cents"))
        except ValueError:
            value = 0
        if not value or value <= 0:
            raise InvalidPrice(line=number, value=str(data.get("gift_voucher_cents"))[:20], field=f"lines.{number}")
        return Resolved(rules.TillLine(1000, value * 100, 0, taxable=False), "voucher", None,
                        "Gift voucher", "", value * 100, "")
    if data.get("refund_of_line_id") is not None:
        return _refund_line(data, number, qty)
    item, embedded = _item_by_code(str(data.get("item_code") or ""))
    if item is None:
        raise UnknownCode(code=str(data.get("item_code") or "")[:40], field=f"lines.{number}")
    if embedded is not None and embedded.kind == "weight":
        qty = embedded.value
    catalog_price, label = shelf_price_e4(item, day, customer=customer, quantity_milli=qty, categories=categories)
    if embedded is not None and embedded.kind == "price":
        catalog_price, qty, label = embedded.value * 100, 1000, ""
    if qty == 0 or qty < 0:
        raise InvalidQuantity(line=number, value=str(qty), field=f"lines.{number}")
    try:
        price = _int(data.get("unit_price_e4"), catalog_price)
    except ValueError:
        price = -1
    if price < 0:
        raise InvalidPrice(line=number, value=str(data.get("unit_price_e4"))[:20], field=f"lines.{number}")
    description = catalog.label(item, language) + (f" ({label})" if label else "")
    account = item.income_account or sales_rules.default_income_account(regime, item.nature)
    return Resolved(rules.TillLine(qty, price, item.vat_rate_bp, discount, item.nature), "item", item,
                    description[:200], item.sale_unit_id or "", catalog_price, account)


def _refund_line(data: dict, number: int, qty: int) -> Resolved:
    try:
        original = TicketLine.get_or_none(TicketLine.id == int(data["refund_of_line_id"]))
    except (TypeError, ValueError):
        original = None
    if original is None or original.kind != "item" or original.ticket.kind != "sale":
        raise RefundLineMismatch(line=number, ticket="?", field=f"lines.{number}")
    wanted = abs(qty)
    left = original.quantity_milli - refunded_milli(original.id)
    if wanted == 0 or wanted > left:
        raise RefundTooLarge(line=number, wanted=_qty(wanted), left=_qty(left), item=original.description,
                             ticket=original.ticket.number, field=f"lines.{number}")
    share = sales_round(original.allowance_cents * wanted, original.quantity_milli)
    item = Item.get_or_none(Item.id == original.item_id) if original.item_id else None
    return Resolved(rules.TillLine(-wanted, original.unit_price_e4, original.vat_rate_bp, original.discount_bp,
                                   original.nature), "item", item, original.description, original.unit,
                    original.catalog_price_e4, original.income_account, original, share)


def sales_round(numerator: int, denominator: int) -> int:
    from equisis.vat.tax import round_div
    return round_div(numerator, denominator) if denominator else 0


def _qty(milli: int) -> str:
    text = f"{milli / 1000:.3f}".rstrip("0").rstrip(".")
    return text


# --------------------------------------------------------------------------- computing a ticket

@dataclass
class Computed:
    resolved: list[Resolved]
    totals: rules.TicketTotals
    settlement: rules.Settlement
    refund: bool
    regime: str
    customer: object | None
    needs: rules.Needs
    discounts: list  # [(voucher, cents)]
    redemption: object | None = None


def _reward(request: TicketRequest):
    """The loyalty reward the ticket asks for, if the card can afford it (redeemed when the ticket is written)."""
    try:
        from equisis.pos import loyalty
    except ImportError:
        return None
    card = loyalty.find_card(request.card_code)
    if card is None:
        return None
    return next((r for r in loyalty.rewards_available(card.id) if r.id == int(request.redeem_reward_id)), None)


def find_customer(customer_id):
    """The party a till names as its customer (None: a walk-in customer); CustomerNotFound if unknown."""
    if customer_id is None or customer_id == "":
        return None
    try:
        return parties.find_party(int(customer_id))
    except Exception:
        raise CustomerNotFound(customer=str(customer_id)[:20], field="customer_id")


def compute(request: TicketRequest, *, day: dt.date, language: str) -> Computed:
    """Resolve, rate and settle a ticket without saving anything (the preview uses it as it is)."""
    customer = find_customer(request.customer_id)
    regime = customer.vat_regime if customer is not None else "be"
    categories = customer_categories(customer) if customer is not None else ()
    if not request.lines:
        raise NoLines(field="lines")
    resolved = [resolve_line(x, i, day=day, language=language, regime=regime, customer=customer,
                             categories=categories)
                for i, x in enumerate(request.lines, start=1)]
    refunds = [r for r in resolved if r.refund_of is not None]
    if refunds and len(refunds) != len(resolved):
        raise MixedRefund(field="lines")
    refund = bool(refunds)
    if refund and len({r.refund_of.ticket_id for r in refunds}) != 1:
        raise MixedRefund(field="lines")
    discounts, ticket_discount = [], 0
    pre = rules.ticket_totals([r.till for r in resolved], regime=regime, refund=refund)
    taxable_total = pre.total_cents - pre.untaxed_cents
    for code in request.discount_vouchers or ():
        voucher, seen = vouchers.usable(code, day)
        if voucher.kind != "discount":
            raise VoucherKindMismatch(code=voucher.code, field="discount_vouchers")
        cents = rules.discount_of_voucher(taxable_total - ticket_discount, value_cents=voucher.value_cents,
                                          percent_bp=voucher.percent_bp)
        discounts.append((voucher, cents))
        ticket_discount += cents
    redemption = None
    if request.card_code and request.redeem_reward_id and not refund:
        redemption = _reward(request)
        if redemption is not None and redemption.kind == "discount":
            ticket_discount += min(redemption.value_cents, max(taxable_total - ticket_discount, 0))
    if refund:
        ticket_discount = -sum(r.allowance_cents for r in resolved)
    totals = rules.ticket_totals([r.till for r in resolved], regime=regime, refund=refund,
                                 ticket_discount_cents=ticket_discount)
    payments = []
    for p in request.payments or ():
        method = (p or {}).get("method") if isinstance(p, dict) else None
        if method not in rules.METHODS:
            raise InvalidPaymentMethod(str(method)[:20], field="payments")
        amount = p.get("amount_cents", 0)
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise InvalidPrice(line=0, value=str(amount)[:20], field="payments")
        code = p.get("voucher_code")
        if method == "voucher" and not refund:
            voucher, seen = vouchers.usable(str(code or ""), day)
            if voucher.kind == "discount":
                raise VoucherKindMismatch(code=voucher.code, field="payments")
            amount, code = min(amount, seen.balance_cents), voucher.code
        payments.append(rules.PaymentInput(method, amount, code))
    if any(p.method == "credit" for p in payments) or request.invoice:
        if customer is None:
            raise CustomerRequired(field="customer_id")
    if request.invoice:
        if refund:
            raise RefundNotInvoiced(field="invoice")
        counter.check_invoiceable(customer)
    settlement = rules.settle(totals.total_cents, payments)
    max_discount = max([r.till.discount_bp for r in resolved if r.refund_of is None] or [0])
    price_change = any(r.refund_of is None and r.kind == "item" and r.till.unit_price_e4 != r.catalog_price_e4
                       for r in resolved)
    needs = rules.Needs(discount_bp=max_discount, refund=refund, price_change=price_change)
    return Computed(resolved, totals, settlement, refund, regime, customer, needs, discounts, redemption)


def preview(request: TicketRequest, *, day: dt.date | None = None, language: str = "fr") -> dict:
    """Totals, VAT, the rounding line (cash only) and the change, nothing saved."""
    done = compute(request, day=day or dt.date.today(), language=language)
    return summary(done)


def summary(done: Computed) -> dict:
    t, s = done.totals, done.settlement
    return {
        "lines": [{"description": r.description, "quantity_milli": r.till.quantity_milli,
                   "unit_price_e4": r.till.unit_price_e4, "discount_bp": r.till.discount_bp,
                   "amount_cents": amount, "vat_rate_bp": r.till.rate_bp, "kind": r.kind}
                  for r, amount in zip(done.resolved, t.amounts)],
        "total_cents": t.total_cents, "net_cents": t.tax.net_cents * (-1 if done.refund else 1),
        "vat_cents": t.tax.vat_cents * (-1 if done.refund else 1),
        "price_rounding_cents": t.price_rounding_cents, "discount_cents": sum(c for _v, c in done.discounts),
        "vat": [{"code": VAT_CODES.get(g.rate_bp, "D"), "rate_bp": g.rate_bp, "base_cents": g.base_cents,
                 "vat_cents": g.vat_cents} for g in t.tax.groups],
        "rounding_cents": s.rounding_cents, "to_pay_cents": s.to_pay_cents, "change_cents": s.change_cents,
        "short_cents": s.short_cents,
        "payments": [{"method": m, "amount_cents": a, "voucher_code": v} for m, a, v, _t in s.applied],
    }


# --------------------------------------------------------------------------- validating

def create_ticket(terminal: PosTerminal, cashier: User, request: TicketRequest, *, day: dt.date | None = None,
                  language: str = "fr") -> tuple[Ticket, bool]:
    """Validate a ticket once per UUID; returns (ticket, created)."""
    ticket_uuid = check_uuid(request.uuid)
    request.uuid = ticket_uuid
    day = day or dt.date.today()
    with write():
        existing = Ticket.get_or_none(Ticket.uuid == ticket_uuid)
        if existing is not None:
            return existing, False
        session = find_session(request.session_id)
        if session.state != "open":
            raise SessionClosed(session=session.id, field="session_id")
        if session.terminal_id != terminal.id:
            raise SessionOfOtherTerminal(session=session.id, field="session_id")
        done = compute(request, day=day, language=language)
        supervisor = service.authorise(cashier, rules.missing_rights(service.rights_of_role(cashier.role), done.needs),
                                       request.supervisor, needs=done.needs)
        if done.settlement.short_cents:
            raise PaymentShort(short=from_cents(done.settlement.short_cents),
                               due=from_cents(abs(done.settlement.to_pay_cents)), field="payments")
        ticket = _write(terminal, session, cashier, supervisor, request, done, day, language)
        if request.redeem_reward_id and request.card_code:
            _redeem(ticket, request)
        if service.stock_mode() == "validation":
            move_ticket_stock(ticket, terminal)
        _earn(ticket, request)
        if request.invoice:
            counter.invoice_ticket(ticket)
        if terminal.printer_kind != "none":
            PrintJob.create(terminal=terminal, kind="ticket", ticket_id=ticket.id, created_at=audit.now_iso(),
                            open_drawer=any(p.method == "cash" for p in ticket.payments))
        audit.record("create", "pos_ticket", ticket.id, after={"number": ticket.number, "uuid": ticket.uuid,
                                                               "to_pay_cents": ticket.to_pay_cents})
    return ticket, True


def _write(terminal, session, cashier, supervisor, request, done: Computed, day, language) -> Ticket:
    t, s = done.totals, done.settlement
    sign = -1 if done.refund else 1
    sequence = take_next_number(f"POS-{terminal.code}", str(day.year))
    refund_of = done.resolved[0].refund_of.ticket if done.refund else None
    ticket = Ticket.create(
        uuid=request.uuid, terminal=terminal, session=session, year=day.year, sequence_count=sequence,
        number=rules.ticket_number(terminal.code, day.year, sequence),
        barcode=rules.ticket_barcode(terminal.id, day.year, sequence), kind="refund" if done.refund else "sale",
        refund_of=refund_of, customer_id=done.customer.id if done.customer else None, vat_regime=done.regime,
        cashier_id=cashier.id, supervisor_id=supervisor.id if supervisor else None, at=audit.now_iso(), day=day,
        language=language, total_cents=t.total_cents, net_cents=t.tax.net_cents * sign,
        vat_cents=t.tax.vat_cents * sign,
        price_rounding_cents=t.price_rounding_cents, rounding_cents=s.rounding_cents, to_pay_cents=s.to_pay_cents,
        change_cents=s.change_cents, discount_cents=sum(c for _v, c in done.discounts),
        invoice_requested=bool(request.invoice), card_code=(request.card_code or None),
        parked_id=request.parked_id)
    vat_by_line = {x.index: x for x in t.tax.lines}
    taxable_positions = [i for i, flag in enumerate(t.taxable) if flag]
    for position, r in enumerate(done.resolved, start=1):
        i = position - 1
        line_tax = vat_by_line.get(taxable_positions.index(i)) if t.taxable[i] else None
        voucher_code = None
        if r.kind == "voucher":
            voucher_code = vouchers.issue("gift", value_cents=t.amounts[i], ticket_id=ticket.id, day=day,
                                          party_id=ticket.customer_id).code
        sign = -1 if done.refund else 1
        TicketLine.create(
            ticket=ticket, position=position, kind=r.kind, item_id=r.item.id if r.item else None,
            item_code=r.item.code if r.item else "", description=r.description, unit=r.unit,
            quantity_milli=r.till.quantity_milli, unit_price_e4=r.till.unit_price_e4,
            catalog_price_e4=r.catalog_price_e4, discount_bp=r.till.discount_bp, allowance_cents=t.allowances[i],
            amount_cents=t.amounts[i], net_cents=t.nets[i], vat_cents=(line_tax.vat_cents * sign) if line_tax else 0,
            vat_rate_bp=r.till.rate_bp, vat_grids=join_grids(line_tax.base_grids) if line_tax else "",
            income_account=r.income_account, nature=r.till.nature,
            refund_of_line=r.refund_of.id if r.refund_of else None, voucher_code=voucher_code)
    for voucher, cents in done.discounts:
        vouchers.take(voucher, ticket.id, cents, day)
    for method, amount, code, tendered in s.applied:
        if not amount and method != "cash":
            continue
        if method == "voucher":
            if done.refund:  # money given back as a credit voucher
                code = vouchers.issue("credit", value_cents=-amount, ticket_id=ticket.id, day=day,
                                      party_id=ticket.customer_id).code
            else:
                voucher, _seen = vouchers.usable(code or "", day)
                if voucher.kind == "discount":
                    raise VoucherKindMismatch(code=voucher.code, field="payments")
                vouchers.take(voucher, ticket.id, amount, day)
                code = voucher.code
        TicketPayment.create(ticket=ticket, method=method, amount_cents=amount, tendered_cents=tendered,
                             voucher_code=code, party_id=ticket.customer_id if method == "credit" else None)
    return ticket


def _redeem(ticket: Ticket, request: TicketRequest) -> None:
    """A loyalty reward taken on this ticket: the discount is in its totals, a voucher reward is issued."""
    try:
        from equisis.pos import loyalty
    except ImportError:
        return
    card = loyalty.find_card(request.card_code)
    if card is None:
        return
    redemption = loyalty.redeem(card.id, int(request.redeem_reward_id), ticket_id=ticket.id,
                                key=f"pos-redeem-{ticket.uuid}")
    if redemption.voucher_value_cents:
        vouchers.issue("gift", value_cents=redemption.voucher_value_cents, ticket_id=ticket.id, day=ticket.day,
                       party_id=ticket.customer_id, note="loyalty")


def _earn(ticket: Ticket, request: TicketRequest) -> None:
    code = ticket.card_code or (ticket.refund_of.card_code if ticket.refund_of_id else None)
    if not code:
        return
    try:
        from equisis.pos import loyalty
    except ImportError:
        return
    card = loyalty.find_card(code)
    if card is None:
        return
    items = [(x.item_code, abs(x.quantity_milli)) for x in ticket.lines if x.kind == "item" and x.item_code]
    loyalty.earn(card.id, ticket_id=ticket.id, amount_cents=ticket.total_cents, item_codes=items,
                 key=f"pos-earn-{ticket.uuid}")


# --------------------------------------------------------------------------- stock

def _stock_requests(ticket: Ticket, terminal: PosTerminal) -> list:
    from equisis.stock.service import MoveRequest, Source

    requests = []
    for line in ticket.lines:
        if line.kind != "item" or not line.item_id or line.nature != "goods":
            continue
        out = line.quantity_milli > 0
        requests.append(MoveRequest(
            "delivery" if out else "customer_return", line.item_id, abs(line.quantity_milli),
            unit=line.unit or None, from_location=terminal.warehouse if out else None,
            to_location=None if out else terminal.warehouse, day=ticket.day, party_id=ticket.customer_id,
            source=Source(SOURCE_TYPE, ticket.uuid, line.position)))
    return requests


def move_ticket_stock(ticket: Ticket, terminal: PosTerminal) -> None:
    """The ticket's goods leave (or come back to) the till's stock place; keyed, so twice moves once."""
    from equisis.stock import service as stock

    requests = _stock_requests(ticket, terminal)
    if requests:
        stock.post_moves(requests)


def move_session_stock(session: CashSession) -> None:
    """Stock deferred to the close: every ticket of the session, in one go (already moved lines are skipped)."""
    from equisis.stock import service as stock

    requests = []
    for ticket in Ticket.select().where(Ticket.session == session).order_by(Ticket.id):
        requests += _stock_requests(ticket, session.terminal)
    if requests:
        stock.post_moves(requests)


# --------------------------------------------------------------------------- views of a ticket

def ticket_dict(ticket: Ticket) -> dict:
    jobs = list(PrintJob.select().where((PrintJob.ticket_id == ticket.id)).order_by(PrintJob.id.desc()).limit(1))
    return {
        "id": ticket.id, "uuid": ticket.uuid, "number": ticket.number, "barcode": ticket.barcode,
        "kind": ticket.kind, "terminal": ticket.terminal.code, "session_id": ticket.session_id,
        "day": ticket.day.isoformat(), "at": ticket.at, "customer_id": ticket.customer_id,
        "refund_of": ticket.refund_of.number if ticket.refund_of_id else None,
        "total_cents": ticket.total_cents, "net_cents": ticket.net_cents, "vat_cents": ticket.vat_cents,
        "price_rounding_cents": ticket.price_rounding_cents, "rounding_cents": ticket.rounding_cents,
        "to_pay_cents": ticket.to_pay_cents, "change_cents": ticket.change_cents,
        "discount_cents": ticket.discount_cents,
        "lines": [{"id": x.id, "position": x.position, "kind": x.kind, "item_code": x.item_code,
                   "description": x.description, "quantity_milli": x.quantity_milli,
                   "unit_price_e4": x.unit_price_e4, "discount_bp": x.discount_bp, "amount_cents": x.amount_cents,
                   "net_cents": x.net_cents, "vat_cents": x.vat_cents, "vat_rate_bp": x.vat_rate_bp,
                   "voucher_code": x.voucher_code,
                   "refundable_milli": (x.quantity_milli - refunded_milli(x.id))
                   if ticket.kind == "sale" and x.kind == "item" else 0}
                  for x in ticket.lines.order_by(TicketLine.position)],
        "payments": [{"method": p.method, "amount_cents": p.amount_cents, "tendered_cents": p.tendered_cents,
                      "voucher_code": p.voucher_code} for p in ticket.payments.order_by(TicketPayment.id)],
        "vouchers_issued": [v.code for v in vouchers.vouchers_of_ticket(ticket.id)],
        "invoice": _invoice_dict(ticket),
        "print": {"status": jobs[0].status, "job_id": jobs[0].id} if jobs else {"status": "none", "job_id": None},
    }


def _invoice_dict(ticket: Ticket) -> dict | None:
    invoice = counter.invoice_of_ticket(ticket.id)
    if invoice is None:
        return None
    return {"id": invoice.id, "number": invoice.number, "kind": invoice.kind,
            "pdf": f"/pos/tickets/{ticket.id}/invoice.pdf"}


def scan(code: str, *, day: dt.date | None = None, language: str = "fr", customer_id=None) -> dict:
    """What a scanned or typed code is: an item (weight/price read from a 20–29 EAN-13), a voucher, a ticket
    (for a return) or a loyalty card; an unknown code is UnknownCode (404). With ``customer_id`` the
    item's price is the customer's (price lists, see :func:`shelf_price_e4`)."""
    day = day or dt.date.today()
    text = (code or "").strip()
    customer = find_customer(customer_id)
    card = _card(text) if text.startswith(loyalty_rules.CARD_PREFIX) else None
    if card is not None:  # cards share the 2x in-store range with weighed items: a card is never read as one
        return _card_view(card)
    item, embedded = _item_by_code(text)
    if item is not None:
        qty = embedded.value if embedded is not None and embedded.kind == "weight" else 1000
        price, label = shelf_price_e4(item, day, customer=customer, quantity_milli=qty)
        if embedded is not None and embedded.kind == "price":
            price, label = embedded.value * 100, ""
        return {"kind": "item", "item_code": item.code, "description": catalog.label(item, language),
                "unit": item.sale_unit_id, "unit_price_e4": price, "quantity_milli": qty,
                "vat_rate_bp": item.vat_rate_bp, "sale_label": label, "active": item.active,
                "embedded": embedded.kind if embedded else None, "code": text}
    if rules.is_ticket_barcode(text.upper()) or Ticket.select().where(Ticket.number == text.upper()).exists():
        return {"kind": "ticket", "ticket": ticket_dict(find_by_barcode(text))}
    if text:
        from equisis.pos.models import Voucher
        voucher = Voucher.get_or_none(Voucher.code == text.upper())
        if voucher is not None:
            return {"kind": "voucher", "voucher": vouchers.view(voucher, day).as_dict()}
        card = _card(text)
        if card is not None:
            return _card_view(card)
    raise UnknownCode(code=text[:40], field="code")


def _card(text: str):
    from equisis.pos import loyalty
    try:
        return loyalty.find_card(text)
    except Exception:  # noqa: BLE001 - a malformed card code is simply not a card
        return None


def _card_view(card) -> dict:
    from equisis.pos import loyalty
    held = loyalty.balance(card.id)
    return {"kind": "card", "card": {"id": card.id, "code": card.code, "party_id": card.party_id,
                                     "points": held.points, "stamps": held.stamps}}
