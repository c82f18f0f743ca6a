"""Use cases of sales invoices and credit notes: save a draft, post it, credit it, read it back.

Saving resolves each typed line against the catalog (item by code, barcode or
name; the label in the customer's language; the price list's price and
discount; the eco-fee lines the item requires, added as separate lines), checks
everything at once (every bad line named) and stores the draft with its totals
from the one tax engine. Posting takes the gapless number and the journal entry
(VEN / VNC) in the same write transaction, so a refused posting leaves neither
a number nor an entry behind. A credit note refers to its invoice; crediting
more than what remains of the invoice is a warning, not a refusal.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Sequence

from equisis.catalog import service as catalog
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.ledger import posting as ledger_posting
from equisis.ledger import rules as ledger_rules
from equisis.ledger import service as ledger
from equisis.ledger.errors import BeforeLockDate, FiscalYearClosed, NoFiscalYear, PeriodLocked
from equisis.ledger.models import Account
from equisis.parties import service as parties
from equisis.parties.errors import PartyNotFound
from equisis.sales import rules
from equisis.sales.errors import (CreditedInvoiceOtherCustomer, CreditOfCreditNote, CreditOfDraft,
                                  CustomerRequired, InvalidKind, InvoiceNotDraft, InvoiceNotFound,
                                  NothingLeftToCredit, UnknownIncomeAccount, UnknownItem)
from equisis.sales.models import SalesDelivery, SalesInvoice, SalesInvoiceLine
from equisis.sales.rules import CREDIT_NOTE, INVOICE, LineInput
from equisis.store import audit
from equisis.store.database import write
from equisis.store.idempotency import once
from equisis.store.numbering import take_next_number
from equisis.vat import tax

SOURCE_TYPE = "sales_invoice"
DATE_ERRORS = (NoFiscalYear, FiscalYearClosed, PeriodLocked, BeforeLockDate)


@dataclass(frozen=True)
class DocumentInput:
    """A document as typed: the customer, the date, the lines; a credit note names its invoice."""

    customer_id: int | None
    date: dt.date
    lines: Sequence[LineInput]
    kind: str = INVOICE
    credited_invoice_id: int | None = None
    customer_reference: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Preview:
    """What the entry screen shows while typing: the resolved lines, totals and problems (nothing saved)."""

    lines: list[rules.Line]
    totals: rules.Totals
    problems: list[EquisisError] = field(default_factory=list)
    warnings: list[EquisisError] = field(default_factory=list)


# --------------------------------------------------------------------------- reading

def find_invoice(invoice_id) -> SalesInvoice:
    try:
        row = SalesInvoice.get_or_none(SalesInvoice.id == int(invoice_id))
    except (TypeError, ValueError, OverflowError):
        row = None
    if row is None:
        raise InvoiceNotFound(value=invoice_id)
    return row


def find_by_number(number: str) -> SalesInvoice:
    row = SalesInvoice.get_or_none(SalesInvoice.number == (number or "").strip().upper())
    if row is None:
        raise InvoiceNotFound(value=number, field="number")
    return row


def lines_of(invoice: SalesInvoice) -> list[SalesInvoiceLine]:
    return list(SalesInvoiceLine.select().where(SalesInvoiceLine.invoice == invoice.id)
                .order_by(SalesInvoiceLine.position))


def _line_of(x: SalesInvoiceLine) -> rules.Line:
    return rules.Line(x.description, x.qty_milli, x.unit_price_e4, x.discount_bp, x.vat_rate_bp, x.nature,
                      x.income_account, x.item_id, x.item_code, x.family_code, x.cost_e4, x.is_fee, x.price_source)


def stored_lines(invoice: SalesInvoice) -> list[rules.Line]:
    return [_line_of(x) for x in lines_of(invoice)]


def tax_result_of(invoice: SalesInvoice) -> tax.TaxResult:
    return rules.tax_of(invoice.kind, invoice.vat_regime, stored_lines(invoice))


def credit_notes_of(invoice: SalesInvoice) -> list[SalesInvoice]:
    return list(SalesInvoice.select().where(SalesInvoice.credited_invoice == invoice.id).order_by(SalesInvoice.id))


def remaining_of(invoice: SalesInvoice, *, excluding: int | None = None) -> int:
    """What remains of a posted invoice after the posted credit notes on it."""
    credited = [c.total_cents for c in credit_notes_of(invoice) if c.is_posted and c.id != excluding]
    return rules.remaining_to_credit(invoice.total_cents, credited)


def warnings_of(invoice: SalesInvoice) -> list[EquisisError]:
    """Warnings to show before posting: a credit note larger than what remains of its invoice."""
    if invoice.kind != CREDIT_NOTE or invoice.credited_invoice_id is None:
        return []
    credited = find_invoice(invoice.credited_invoice_id)
    return rules.credit_warnings(invoice.total_cents, remaining_of(credited, excluding=invoice.id),
                                 credited.number or "")


def deliveries_of(invoice: SalesInvoice) -> list[SalesDelivery]:
    return list(SalesDelivery.select().where(SalesDelivery.invoice == invoice.id).order_by(SalesDelivery.id))


# --------------------------------------------------------------------------- resolving lines

def _item_for(text: str):
    """The item typed: its exact code, else a barcode, else the best name match (catalog.lookup)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return catalog.find_item(text)
    except EquisisError:
        pass
    found = catalog.find_by_barcode(text)
    if found is not None:
        return found
    found = catalog.lookup(text, limit=1)
    return found[0] if found else None


def _cost_e4(item) -> int | None:
    """The purchase price per sale unit (the purchase unit converted), rounded to 4 decimals."""
    if item.purchase_price_e4 is None:
        return None
    known = catalog.conversions(item)
    ratio = known.get(item.sale_unit_id, Fraction(1)) / known.get(item.purchase_unit_id, Fraction(1))
    return tax.round_div((Fraction(item.purchase_price_e4) * ratio).numerator,
                         (Fraction(item.purchase_price_e4) * ratio).denominator)


def _family_code(item) -> str | None:
    return item.family.code if item.family_id else None


def _customer_categories(customer) -> list[str]:
    try:
        return list(parties.categories_of(customer))
    except AttributeError:  # pragma: no cover - parties without categories
        return []


def _priced_line(item, *, customer, day: dt.date, qty_milli: int, typed: LineInput | None, number: int,
                 language: str, is_fee: bool = False, categories: list[str] | None = None) -> rules.Line:
    """A catalog item on a line: its label, the price list's price (unless typed), its VAT and account."""
    typed = typed or LineInput()
    if typed.unit_price not in (None, "") and str(typed.unit_price).strip():
        price_e4, source = rules.parse_unit_price(typed.unit_price, number), ""
        discount = rules.parse_discount(typed.discount, number)
    else:
        quote = catalog.price_for(item, party_id=customer.id, quantity_milli=qty_milli, day=day,
                                  party_categories=categories if categories is not None
                                  else _customer_categories(customer))
        price_e4, source = quote.unit_price_e4, quote.source
        discount = (rules.parse_discount(typed.discount, number) if typed.discount not in (None, "")
                    else quote.discount_bp)
    rate = (rules.parse_vat_rate(typed.vat_rate, number) if typed.vat_rate not in (None, "")
            else item.vat_rate_bp)
    nature = typed.nature or item.nature
    account = (typed.income_account or "").strip() or item.income_account or \
        rules.default_income_account(customer.vat_regime, nature if nature in rules.NATURES else "goods")
    description = str(typed.description or "").strip() or catalog.label(item, language)
    return rules.Line(description, qty_milli, price_e4, discount, rate, nature, account, item.id, item.code,
                      _family_code(item), _cost_e4(item), is_fee, source)


def _free_line(typed: LineInput, *, customer, number: int, qty_milli: int) -> rules.Line:
    nature = typed.nature or "goods"
    rate = rules.parse_vat_rate(typed.vat_rate if typed.vat_rate not in (None, "") else 2100, number)
    account = (typed.income_account or "").strip() or \
        rules.default_income_account(customer.vat_regime, nature if nature in rules.NATURES else "goods")
    return rules.Line(str(typed.description).strip(), qty_milli, rules.parse_unit_price(typed.unit_price, number),
                      rules.parse_discount(typed.discount, number), rate, nature, account)


def resolve_lines(customer, kind: str, day: dt.date, typed_lines: Sequence[LineInput], *,
                  add_fees: bool = True) -> tuple[list[rules.Line], list[EquisisError]]:
    """The typed lines as checked lines, eco-fee lines added after their item; every problem collected.

    Blank lines are skipped. Fee lines typed again (a form re-submitted) are dropped and made anew
    from their item when ``add_fees`` (invoices); a credit note keeps the lines it copied.
    """
    language = customer.language or "fr"
    categories = _customer_categories(customer)
    lines: list[rules.Line] = []
    problems: list[EquisisError] = []
    typed_lines = [t for t in typed_lines if not t.is_blank()]
    for number, typed in enumerate(typed_lines, start=1):
        try:
            qty = rules.parse_quantity(typed.quantity if typed.quantity not in (None, "") else "1", number)
            item = _item_for(typed.item)
            if str(typed.item or "").strip() and item is None:
                raise UnknownItem(line=number, value=str(typed.item).strip(), field=f"lines-{number}-item")
            if item is None:
                free = rules.check_free_line(typed, number)
                if free:
                    problems += free
                    continue
                line = _free_line(typed, customer=customer, number=number, qty_milli=qty)
            else:
                line = _priced_line(item, customer=customer, day=day, qty_milli=qty, typed=typed, number=number,
                                    language=language, categories=categories)
        except ValidationErrors as exc:
            problems += exc.problems
            continue
        except EquisisError as exc:
            problems.append(exc)
            continue
        problems += rules.check_line(line, number, kind)
        lines.append(dataclasses.replace(line, typed_no=number))
        if add_fees and item is not None and qty > 0:
            for fee in catalog.fee_lines(item, qty):
                fee_line = _priced_line(fee.item, customer=customer, day=day, qty_milli=fee.quantity_milli,
                                        typed=None, number=number, language=language, is_fee=True,
                                        categories=categories)
                lines.append(dataclasses.replace(fee_line, typed_no=number))
    if not typed_lines:
        problems += rules.check_document(kind, [])
    return lines, problems


def _accounts_problems(lines: Sequence[rules.Line]) -> list[EquisisError]:
    codes = {x.income_account for x in lines}
    known = {a.code for a in Account.select(Account.code).where(Account.code.in_(sorted(codes)))} if codes else set()
    return [UnknownIncomeAccount(line=n, value=x.income_account, field=f"lines-{n}-income_account")
            for n, x in enumerate(lines, start=1) if x.income_account not in known]


def date_problems(day: dt.date, role: str) -> list[EquisisError]:
    """The ledger's own refusals for a document dated ``day`` (no fiscal year, closed, locked period)."""
    books = ledger_posting.load_books([], role)
    probe = ledger_rules.DraftEntry("VEN", day, "", ())
    return [p for p in ledger_rules.check_entry(probe, books) if isinstance(p, DATE_ERRORS)]


def _customer(customer_id) -> object:
    if customer_id in (None, ""):
        raise CustomerRequired(field="customer")
    try:
        return parties.find_party(customer_id)
    except PartyNotFound:
        raise CustomerRequired(field="customer") from None


def _kind_of(doc: DocumentInput) -> str:
    if doc.kind not in rules.KINDS:
        raise InvalidKind(value=doc.kind, field="kind")
    return doc.kind


def _credited(doc: DocumentInput, customer) -> SalesInvoice | None:
    if doc.kind != CREDIT_NOTE:
        return None
    if doc.credited_invoice_id in (None, ""):
        raise InvoiceNotFound(value="—", field="credited_invoice")
    invoice = find_invoice(doc.credited_invoice_id)
    if invoice.kind != INVOICE:
        raise CreditOfCreditNote(number=invoice.number or invoice.id, field="credited_invoice")
    if not invoice.is_posted:
        raise CreditOfDraft(value=invoice.id, field="credited_invoice")
    if invoice.party_id != customer.id:
        raise CreditedInvoiceOtherCustomer(customer=invoice.party_name, field="customer")
    return invoice


def preview(doc: DocumentInput, *, role: str = "sales") -> Preview:
    """Resolve and total a document without saving it (the live totals of the entry screen)."""
    kind = _kind_of(doc)
    customer = _customer(doc.customer_id)
    lines, problems = resolve_lines(customer, kind, doc.date, doc.lines, add_fees=kind == INVOICE)
    problems += rules.check_customer_regime(customer.name, customer.vat_regime, customer.vat_number)
    return Preview(lines, rules.totals(kind, customer.vat_regime, lines), problems)


def _checked(doc: DocumentInput, role: str):
    kind = _kind_of(doc)
    customer = _customer(doc.customer_id)
    credited = _credited(doc, customer)
    lines, problems = resolve_lines(customer, kind, doc.date, doc.lines, add_fees=kind == INVOICE)
    problems += rules.check_customer_regime(customer.name, customer.vat_regime, customer.vat_number)
    problems += _accounts_problems(lines)
    problems += date_problems(doc.date, role)
    if problems:
        raise ValidationErrors(problems)
    return kind, customer, credited, lines


# --------------------------------------------------------------------------- saving drafts

def _header(kind: str, customer, credited, doc: DocumentInput, lines: Sequence[rules.Line]) -> dict:
    address = parties.invoicing_address(customer)
    language = customer.language or "fr"
    totals = rules.totals(kind, customer.vat_regime, lines)
    terms = customer.payment_terms_days if kind == INVOICE else 0
    return dict(
        kind=kind, date=doc.date, due_date=rules.due_date(doc.date, terms), party=customer.id,
        party_name=customer.name, party_vat_number=customer.vat_number,
        party_address="\n".join(address.lines(language)) if address else "",
        party_country=(address.country if address else None) or customer.country or "BE", language=language,
        vat_regime=customer.vat_regime, payment_terms_days=terms,
        credited_invoice=credited.id if credited else None,
        customer_reference=(doc.customer_reference or "").strip()[:80], notes=(doc.notes or "").strip(),
        net_cents=totals.net_cents, vat_cents=totals.vat_cents, total_cents=totals.total_cents,
        cost_cents=totals.cost_cents, updated_at=audit.now_iso())


def _store_lines(invoice: SalesInvoice, kind: str, regime: str, lines: Sequence[rules.Line]) -> None:
    result = rules.tax_of(kind, regime, lines)
    rows = []
    for position, (line, line_tax) in enumerate(zip(lines, result.lines), start=1):
        amounts = line.amounts
        rows.append(dict(invoice=invoice.id, position=position, item=line.item_id, item_code=line.item_code,
                         family_code=line.family_code, description=line.description, qty_milli=line.qty_milli,
                         unit_price_e4=line.unit_price_e4, discount_bp=line.discount_bp,
                         vat_rate_bp=line.vat_rate_bp, nature=line.nature, income_account=line.income_account,
                         net_cents=amounts.net_cents, vat_cents=line_tax.vat_cents, cost_e4=line.cost_e4,
                         cost_cents=amounts.cost_cents or 0, is_fee=line.is_fee, price_source=line.price_source))
    if rows:
        SalesInvoiceLine.insert_many(rows).execute()


def create_invoice(doc: DocumentInput, *, role: str = "sales", key: str | None = None) -> SalesInvoice:
    """Save a new draft (invoice or credit note); ``key`` makes a double submit return the first one."""
    def create():
        kind, customer, credited, lines = _checked(doc, role)
        now = audit.now_iso()
        invoice = SalesInvoice.create(**_header(kind, customer, credited, doc, lines), created_at=now,
                                      created_by=audit.current_actor() or "")
        _store_lines(invoice, kind, customer.vat_regime, lines)
        audit.record("create", "sales_invoice", invoice.id, after=invoice.snapshot())
        return invoice.id

    ref, _created = once(key, "sales.invoice", create)
    return find_invoice(int(ref))


def update_draft(invoice_id: int, doc: DocumentInput, *, role: str = "sales") -> SalesInvoice:
    """Replace a draft's header and lines (a posted document refuses: InvoiceNotDraft)."""
    with write():
        invoice = find_invoice(invoice_id)
        if invoice.is_posted:
            raise InvoiceNotDraft(number=invoice.number)
        doc = dataclasses.replace(doc, kind=invoice.kind, credited_invoice_id=invoice.credited_invoice_id)
        kind, customer, credited, lines = _checked(doc, role)
        before = invoice.snapshot()
        SalesInvoice.update(**_header(kind, customer, credited, doc, lines)).where(
            SalesInvoice.id == invoice.id).execute()
        SalesInvoiceLine.delete().where(SalesInvoiceLine.invoice == invoice.id).execute()
        _store_lines(invoice, kind, customer.vat_regime, lines)
        invoice = find_invoice(invoice.id)
        audit.record("update", "sales_invoice", invoice.id, before=before, after=invoice.snapshot())
    return invoice


def delete_draft(invoice_id: int) -> None:
    with write():
        invoice = find_invoice(invoice_id)
        if invoice.is_posted:
            raise InvoiceNotDraft(number=invoice.number)
        before = invoice.snapshot()
        invoice.delete_instance(recursive=False)
        audit.record("delete", "sales_invoice", invoice_id, before=before)


def typed_lines_of(invoice: SalesInvoice, *, quantities: dict[int, int] | None = None,
                   include_fees: bool = True) -> list[LineInput]:
    """The stored lines as typed input (to edit a draft or to pre-fill a credit note)."""
    typed = []
    for x in lines_of(invoice):
        if x.is_fee and not include_fees:
            continue
        qty = x.qty_milli if quantities is None else quantities.get(x.position, 0)
        if qty == 0 and quantities is not None:
            continue
        typed.append(LineInput(item=x.item_code or "", description=x.description,
                               quantity=Decimal(qty).scaleb(-3), unit_price=Decimal(x.unit_price_e4).scaleb(-4),
                               discount=Decimal(x.discount_bp).scaleb(-2), vat_rate=x.vat_rate_bp,
                               nature=x.nature, income_account=x.income_account))
    return typed


def credit_invoice(invoice_id: int, *, day: dt.date, quantities: dict[int, int] | None = None,
                   role: str = "sales", key: str | None = None) -> SalesInvoice:
    """A draft credit note pre-filled from a posted invoice: every line, or ``quantities`` {position: qty_milli}."""
    invoice = find_invoice(invoice_id)
    if invoice.kind != INVOICE:
        raise CreditOfCreditNote(number=invoice.number or invoice.id)
    if not invoice.is_posted:
        raise CreditOfDraft(value=invoice.id)
    if quantities is None and remaining_of(invoice) <= 0:
        raise NothingLeftToCredit(number=invoice.number)
    doc = DocumentInput(invoice.party_id, day, typed_lines_of(invoice, quantities=quantities), kind=CREDIT_NOTE,
                        credited_invoice_id=invoice.id, customer_reference=invoice.number or "")
    return create_invoice(doc, role=role, key=key)


# --------------------------------------------------------------------------- posting

def entry_of(invoice: SalesInvoice, number: str, ogm: str | None,
             stored: Sequence[SalesInvoiceLine] | None = None) -> ledger_rules.DraftEntry:
    """The journal entry of a document: 400 for the total (OGM on it), income per line, VAT, with grids."""
    stored = lines_of(invoice) if stored is None else stored
    result = rules.tax_of(invoice.kind, invoice.vat_regime, [_line_of(x) for x in stored])
    description = f"{number} {invoice.party_name}"[:250]
    lines = list(tax.entry_lines(result, [x.income_account for x in stored], partner_account=rules.CUSTOMER_ACCOUNT,
                                 partner_id=invoice.party_id, document_ref=number, due_date=invoice.due_date,
                                 description=description))
    if ogm:
        lines[0] = dataclasses.replace(lines[0], description=f"{description} {rules.format_ogm(ogm)}"[:250])
    return ledger_rules.DraftEntry(rules.JOURNALS[invoice.kind], invoice.date, description, tuple(lines),
                                   source=(SOURCE_TYPE, str(invoice.id)))


def post_invoice(invoice_id: int, *, role: str = "sales", key: str | None = None) -> SalesInvoice:
    """Post a draft: gapless number, OGM, journal entry, frozen, all in one transaction.

    The ledger refuses a date in a locked period or closed year (its errors surface as they are);
    the number taken is then rolled back with everything else. Posting a posted document again
    returns it unchanged (a double click posts once).
    """
    def post():
        invoice = find_invoice(invoice_id)
        if invoice.is_posted:
            return invoice.id
        stored = lines_of(invoice)
        problems = rules.check_document(invoice.kind, [_line_of(x) for x in stored])
        problems += rules.check_customer_regime(invoice.party_name, invoice.vat_regime, invoice.party_vat_number)
        if invoice.kind == CREDIT_NOTE:
            doc = DocumentInput(invoice.party_id, invoice.date, (), kind=invoice.kind,
                                credited_invoice_id=invoice.credited_invoice_id)
            _credited(doc, _customer(invoice.party_id))
        year = ledger.fiscal_year_of(invoice.date)
        if year is None:
            problems += date_problems(invoice.date, role)
        if problems:
            raise ValidationErrors(problems)
        sequence = take_next_number(rules.NUMBER_PREFIX[invoice.kind], year.code)
        number = rules.format_number(invoice.kind, year.code, sequence)
        ogm = rules.ogm_for(year.code, sequence, invoice.kind) if invoice.kind == INVOICE else None
        entry = ledger.post_entry(entry_of(invoice, number, ogm, stored), role=role)
        SalesInvoice.update(state=rules.POSTED, number=number, fiscal_year=year.code, sequence_count=sequence,
                            ogm=ogm, entry=entry.id, posted_at=audit.now_iso(),
                            posted_by=audit.current_actor() or "").where(
            (SalesInvoice.id == invoice.id) & (SalesInvoice.state == rules.DRAFT)).execute()
        audit.record("post", "sales_invoice", invoice.id, after={"number": number, "entry": entry.reference,
                                                                 "total_cents": invoice.total_cents})
        return invoice.id

    ref, _created = once(key, "sales.post", post)
    return find_invoice(int(ref))


def create_and_post(doc: DocumentInput, *, role: str = "sales", key: str | None = None) -> SalesInvoice:
    """Save and post in one go (scripts, the API with ``post=true``, the benchmark)."""
    with write():
        invoice = create_invoice(doc, role=role, key=key)
        return post_invoice(invoice.id, role=role)


def record_delivery(invoice: SalesInvoice, channel: str, *, recipients: str = "", message_id: str | None = None,
                    document_id: int | None = None) -> SalesDelivery:
    with write():
        row = SalesDelivery.create(invoice=invoice.id, channel=channel, recipients=recipients[:400],
                                   message_id=message_id, document_id=document_id, at=audit.now_iso(),
                                   actor=audit.current_actor() or "")
        audit.record("create", "sales_delivery", row.id, after={"invoice": invoice.number, "channel": channel,
                                                                 "recipients": recipients})
    return row


def unsent_posted() -> list[SalesInvoice]:
    """Posted documents never sent nor printed, oldest first (the batch screen)."""
    delivered = SalesDelivery.select(SalesDelivery.invoice)
    return list(SalesInvoice.select().where((SalesInvoice.state == rules.POSTED)
                                            & (SalesInvoice.id.not_in(delivered)))
                .order_by(SalesInvoice.date, SalesInvoice.id))
