"""Use cases of purchase invoices and credit notes: enter, check, post, credit, attach the supplier's PDF.

A document is entered as a draft (:func:`create_invoice`, :func:`update_invoice`), shown with its
VAT and warnings (:func:`preview`), then posted (:func:`post_invoice`): in one write transaction it
takes its internal gapless number (``A2026/00001``; ``AC…`` for credit notes, per fiscal year of the
booking date) and posts its entry to ACH / ANC through the ledger, every line carrying the supplier
as partner and the number as document reference. Posting refuses a VAT total that differs from the
one printed on the supplier's invoice beyond rounding, and asks for confirmation (``force``) when
the document may be a duplicate, when the printed VAT differs by rounding, or when a credit note
takes more than its invoice. Posted documents are frozen by database triggers: corrections are
credit notes (:func:`create_credit_note`). Every creating call takes an idempotency key.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from equisis.catalog import service as catalog
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import current_language
from equisis.documents import service as documents
from equisis.ledger import service as ledger
from equisis.ledger.errors import AccountNotFound, Amount, Day
from equisis.ledger.rules import DraftEntry
from equisis.parties import service as parties
from equisis.purchases import rules
from equisis.purchases.errors import (AccountNotAllowed, BookedInNextOpenPeriod, AccountOrItemRequired, AccountUnknown,
                                      ConfirmationRequired, CreditOfCreditNote, InvoiceDateRequired,
                                      InvoiceNotFound, ItemUnknown, NoFiscalYearFor, NoLines, NotADraft, NotPosted,
                                      OtherSupplier, PriceRequired, SupplierReferenceRequired, SupplierRequired,
                                      DueBeforeInvoice, VatMismatch)
from equisis.purchases.models import PurchaseInvoice, PurchaseLine
from equisis.store import audit
from equisis.store.database import write
from equisis.store.idempotency import once
from equisis.store.numbering import take_next_number
from equisis.vat import tax

SOURCE_TYPE = "purchase_invoice"  # ledger entries' source and attachments' object type


@dataclass(frozen=True)
class Checked:
    """An input that passed every check, with what it resolved to."""

    data: rules.InvoiceInput
    supplier: object
    regime: str
    booking_date: dt.date
    due_date: dt.date
    lines: tuple[rules.Line, ...]
    item_ids: tuple[int | None, ...]
    result: tax.TaxResult


@dataclass(frozen=True)
class Preview:
    """What the detail page and the API show before posting: the VAT, the check of the printed VAT, warnings."""

    invoice: PurchaseInvoice
    lines: list
    result: tax.TaxResult
    vat_check: EquisisError | None      # VatRounding (a warning) or VatMismatch (refused) or None
    warnings: list                      # everything posting will ask to confirm


# --------------------------------------------------------------------------- reading

def find_invoice(invoice_id: int) -> PurchaseInvoice:
    invoice = PurchaseInvoice.get_or_none(PurchaseInvoice.id == invoice_id)
    if invoice is None:
        raise InvoiceNotFound(invoice_id=invoice_id)
    return invoice


def find_by_number(number: str) -> PurchaseInvoice:
    invoice = PurchaseInvoice.get_or_none(PurchaseInvoice.number == number)
    if invoice is None:
        raise InvoiceNotFound(invoice_id=number)
    return invoice


def lines_of(invoice: PurchaseInvoice) -> list[PurchaseLine]:
    return list(PurchaseLine.select().where(PurchaseLine.invoice == invoice.id).order_by(PurchaseLine.position))


def credit_notes_of(invoice: PurchaseInvoice) -> list[PurchaseInvoice]:
    return list(PurchaseInvoice.select().where(PurchaseInvoice.credit_of == invoice.id).order_by(PurchaseInvoice.id))


def _rule_line(row: PurchaseLine) -> rules.Line:
    return rules.Line(row.account.code, row.description, row.qty_milli, row.unit_price_e4, row.discount_bp,
                      row.vat_rate_bp, row.purchase_category, row.deductible_bp,
                      row.item.code if row.item_id else "")


def tax_of(invoice: PurchaseInvoice, lines: list[PurchaseLine] | None = None) -> tax.TaxResult:
    rows = lines if lines is not None else lines_of(invoice)
    return rules.compute([_rule_line(x) for x in rows], invoice.vat_regime, invoice.kind,
                         import_deferral=invoice.import_deferral)


def preview(invoice_id: int) -> Preview:
    invoice = find_invoice(invoice_id)
    rows = lines_of(invoice)
    result = tax_of(invoice, rows)
    vat_check = rules.check_printed_vat(invoice.printed_vat_cents, result, Amount)
    warnings = [] if invoice.is_posted else _warnings(invoice, result, vat_check)
    return Preview(invoice, rows, result, vat_check, warnings)


def input_of(invoice: PurchaseInvoice) -> rules.InvoiceInput:
    """A stored document as input again (a draft's edit form, a credit note's default lines)."""
    lines = tuple(rules.LineInput(item_code=x.item.code if x.item_id else "", account=x.account.code,
                                  description=x.description, qty_milli=x.qty_milli, unit_price_e4=x.unit_price_e4,
                                  discount_bp=x.discount_bp, vat_rate_bp=x.vat_rate_bp,
                                  purchase_category=x.purchase_category, deductible_bp=x.deductible_bp)
                  for x in lines_of(invoice))
    return rules.InvoiceInput(invoice.supplier_id, invoice.supplier_ref, invoice.invoice_date, lines,
                              kind=invoice.kind, booking_date=invoice.booking_date, due_date=invoice.due_date,
                              printed_vat_cents=invoice.printed_vat_cents, import_deferral=invoice.import_deferral,
                              credit_of_id=invoice.credit_of_id, notes=invoice.notes)


# --------------------------------------------------------------------------- checking an input

def check(data: rules.InvoiceInput, *, language: str | None = None) -> Checked:
    """Resolve items, accounts and defaults and check everything; all problems at once (ValidationErrors)."""
    language = language or current_language()
    problems: list[EquisisError] = []
    supplier = None
    if data.supplier_id is None:
        problems.append(SupplierRequired(field="supplier"))
    else:
        try:
            supplier = parties.find_party(int(data.supplier_id))
        except EquisisError as exc:
            exc.field = "supplier"
            problems.append(exc)
    if data.kind not in rules.KINDS:
        raise ValueError(f"kind {data.kind!r}")
    if not (data.supplier_ref or "").strip():
        problems.append(SupplierReferenceRequired(field="supplier_ref"))
    if data.invoice_date is None:
        problems.append(InvoiceDateRequired(field="invoice_date"))
    regime = getattr(supplier, "vat_regime", None) or "be"
    original = None
    if data.credit_of_id is not None:
        original = find_invoice(int(data.credit_of_id))
        if data.kind != rules.CREDIT_NOTE or original.kind != rules.INVOICE:
            problems.append(CreditOfCreditNote(field="credit_of"))
        elif not original.is_posted:
            problems.append(NotPosted(field="credit_of"))
        if supplier is not None and original.supplier_id != supplier.id:
            problems.append(OtherSupplier(field="supplier"))
        regime = original.vat_regime
    lines, item_ids = [], []
    typed = [x for x in data.lines if not x.is_blank()]
    if not typed:
        problems.append(NoLines(field="lines"))
    for n, line in enumerate(typed, start=1):
        resolved, item_id = _resolve_line(n, line, language, problems)
        if resolved is not None:
            lines.append(resolved)
            item_ids.append(item_id)
    booking = data.booking_date or data.invoice_date
    if data.booking_date is None and data.invoice_date is not None:
        booking = ledger.next_open_day(data.invoice_date) or data.invoice_date
    due = data.due_date
    if data.invoice_date is not None and due is None:
        terms = getattr(supplier, "payment_terms_days", 30) if data.kind == rules.INVOICE else 0
        due = rules.due_date(data.invoice_date, terms)
    if data.invoice_date is not None and due is not None and due < data.invoice_date:
        problems.append(DueBeforeInvoice(field="due_date", due=Day.of(due), date=Day.of(data.invoice_date)))
    if problems:
        raise ValidationErrors(problems)
    result = rules.compute(lines, regime, data.kind, import_deferral=data.import_deferral)
    return Checked(data, supplier, regime, booking, due, tuple(lines), tuple(item_ids), result)


def _resolve_line(n: int, line: rules.LineInput, language: str, problems: list) -> tuple:
    before = len(problems)
    item = None
    nature = None
    if line.item_code:
        try:
            item = catalog.find_item(line.item_code)
        except EquisisError:
            problems.append(ItemUnknown(n, code=line.item_code))
            return None, None
        nature = item.nature
    elif not line.account:
        problems.append(AccountOrItemRequired(n))
        return None, None
    account = (line.account or "").strip() or (item.expense_account if item else None) \
        or rules.DEFAULT_ACCOUNTS.get(nature or "goods")
    try:
        ledger.find_account(account)
    except AccountNotFound:
        problems.append(AccountUnknown(n, account=account))
    else:
        if not rules.account_allowed(account):
            problems.append(AccountNotAllowed(n, account=account))
    price = line.unit_price_e4 if line.unit_price_e4 is not None else (item.purchase_price_e4 if item else None)
    if price is None:
        problems.append(PriceRequired(n))
        price = 0
    rate = line.vat_rate_bp if line.vat_rate_bp is not None else (item.vat_rate_bp if item else 2100)
    description = (line.description or "").strip() or (catalog.label(item, language) if item else "")
    resolved = rules.Line(account, description[:250], 1000 if line.qty_milli is None else line.qty_milli, price,
                          line.discount_bp or 0, rate,
                          line.purchase_category or rules.default_category(account, nature=nature),
                          rules.FULL if line.deductible_bp is None else line.deductible_bp, item.code if item else "")
    problems.extend(rules.check_line(n, resolved))
    return (resolved if len(problems) == before else None), (item.id if item else None)




# --------------------------------------------------------------------------- saving drafts

def _store_lines(invoice: PurchaseInvoice, checked: Checked) -> None:
    for index, (line, item_id) in enumerate(zip(checked.lines, checked.item_ids)):
        share = checked.result.lines[index]
        PurchaseLine.create(invoice=invoice.id, position=index + 1, item=item_id, description=line.description,
                            account=ledger.find_account(line.account).id, qty_milli=line.qty_milli,
                            unit_price_e4=line.unit_price_e4, discount_bp=line.discount_bp,
                            vat_rate_bp=line.vat_rate_bp, purchase_category=line.purchase_category,
                            deductible_bp=line.deductible_bp, net_cents=share.net_cents,
                            vat_share_cents=share.vat_cents, deductible_cents=share.deductible_cents)


def _fields(checked: Checked) -> dict:
    data, result = checked.data, checked.result
    return dict(kind=data.kind, supplier=checked.supplier.id, supplier_ref=data.supplier_ref.strip()[:60],
                supplier_ref_key=rules.normalise_reference(data.supplier_ref)[:60], invoice_date=data.invoice_date,
                booking_date=checked.booking_date, due_date=checked.due_date, vat_regime=checked.regime,
                import_deferral=bool(data.import_deferral), credit_of=data.credit_of_id,
                notes=(data.notes or "").strip(), net_cents=result.net_cents, vat_cents=result.vat_cents,
                total_cents=result.total_cents, deductible_cents=result.deductible_cents,
                self_assessed_cents=result.self_assessed_cents, printed_vat_cents=data.printed_vat_cents)


def _audit_view(invoice: PurchaseInvoice) -> dict:
    return {**invoice.snapshot(), "lines": [x.snapshot() for x in lines_of(invoice)]}


def create_invoice(data: rules.InvoiceInput, *, key: str | None = None) -> PurchaseInvoice:
    """A new draft invoice or credit note; ``key`` makes a retried submit return the first one."""
    def create():
        checked = check(data)
        now = audit.now_iso()
        invoice = PurchaseInvoice.create(**_fields(checked), state=rules.DRAFT, created_at=now,
                                         created_by=audit.current_actor(), updated_at=now)
        _store_lines(invoice, checked)
        audit.record("create", SOURCE_TYPE, invoice.id, after=_audit_view(invoice))
        return invoice.id

    ref, _created = once(key, "purchases.invoice", create)
    return find_invoice(int(ref))


def update_invoice(invoice_id: int, data: rules.InvoiceInput) -> PurchaseInvoice:
    """Change a draft (its lines are replaced); a posted document is refused."""
    with write():
        invoice = find_invoice(invoice_id)
        _require_draft(invoice)
        checked = check(data)
        before = _audit_view(invoice)
        for name, value in _fields(checked).items():
            setattr(invoice, name, value)
        invoice.updated_at = audit.now_iso()
        invoice.save()
        PurchaseLine.delete().where(PurchaseLine.invoice == invoice.id).execute()
        _store_lines(invoice, checked)
        audit.record("update", SOURCE_TYPE, invoice.id, before=before, after=_audit_view(invoice))
    return find_invoice(invoice_id)


def delete_draft(invoice_id: int) -> None:
    with write():
        invoice = find_invoice(invoice_id)
        _require_draft(invoice)
        before = _audit_view(invoice)
        PurchaseLine.delete().where(PurchaseLine.invoice == invoice.id).execute()
        invoice.delete_instance()
        audit.record("delete", SOURCE_TYPE, invoice_id, before=before)


def _require_draft(invoice: PurchaseInvoice) -> None:
    if invoice.is_posted:
        raise NotADraft(number=invoice.number)


def create_credit_note(invoice_id: int, *, supplier_ref: str, invoice_date: dt.date,
                       booking_date: dt.date | None = None, due_date: dt.date | None = None,
                       lines: tuple[rules.LineInput, ...] | None = None, printed_vat_cents: int | None = None,
                       notes: str = "", key: str | None = None) -> PurchaseInvoice:
    """A draft credit note correcting a posted invoice; its lines default to the whole invoice."""
    original = find_invoice(invoice_id)
    if original.kind != rules.INVOICE:
        raise CreditOfCreditNote(field="credit_of")
    if not original.is_posted:
        raise NotPosted(field="credit_of")
    data = rules.InvoiceInput(original.supplier_id, supplier_ref, invoice_date,
                              lines if lines is not None else input_of(original).lines, kind=rules.CREDIT_NOTE,
                              booking_date=booking_date, due_date=due_date, printed_vat_cents=printed_vat_cents,
                              import_deferral=original.import_deferral, credit_of_id=original.id, notes=notes)
    return create_invoice(data, key=key)


# --------------------------------------------------------------------------- warnings

def duplicates_of(invoice: PurchaseInvoice) -> list[PurchaseInvoice]:
    """Other documents of the supplier with the same reference, or the same total on the same date."""
    query = PurchaseInvoice.select().where(
        (PurchaseInvoice.supplier == invoice.supplier_id) & (PurchaseInvoice.id != invoice.id)
        & (PurchaseInvoice.kind == invoice.kind)
        & ((PurchaseInvoice.supplier_ref_key == invoice.supplier_ref_key)
           | ((PurchaseInvoice.total_cents == invoice.total_cents)
              & (PurchaseInvoice.invoice_date == invoice.invoice_date))))
    return list(query.order_by(PurchaseInvoice.id))


def _warnings(invoice: PurchaseInvoice, result: tax.TaxResult, vat_check) -> list[EquisisError]:
    others = [rules.Candidate(o.id, o.label, o.kind, o.supplier_ref, o.invoice_date, o.total_cents)
              for o in duplicates_of(invoice)]
    warnings = rules.duplicate_warnings(invoice.kind, invoice.supplier_ref, invoice.invoice_date,
                                        result.total_cents, others, Amount, Day.of)
    if vat_check is not None and not isinstance(vat_check, VatMismatch):
        warnings.append(vat_check)
    if invoice.booking_date and invoice.invoice_date and invoice.booking_date > invoice.invoice_date \
            and ledger.next_open_day(invoice.invoice_date) == invoice.booking_date:
        warnings.append(BookedInNextOpenPeriod(date=Day.of(invoice.invoice_date), booking=Day.of(invoice.booking_date)))
    if invoice.credit_of_id:
        original = invoice.credit_of
        credited = (PurchaseInvoice.select(fn.COALESCE(fn.SUM(PurchaseInvoice.total_cents), 0))
                    .where((PurchaseInvoice.credit_of == original.id) & (PurchaseInvoice.state == rules.POSTED)
                           & (PurchaseInvoice.id != invoice.id)).scalar())
        warning = rules.credit_warning(original.label, original.total_cents, credited, result.total_cents, Amount)
        if warning is not None:
            warnings.append(warning)
    return warnings


# --------------------------------------------------------------------------- posting

def post_invoice(invoice_id: int, *, role: str, force: bool = False, key: str | None = None) -> PurchaseInvoice:
    """Number the document and post its entry (ACH / ANC) in one transaction; posting twice is harmless.

    Refuses (VatMismatch) a printed VAT total that differs beyond rounding; raises
    ConfirmationRequired with the warnings unless ``force`` (the user confirmed them).
    """
    def create():
        invoice = find_invoice(invoice_id)
        if invoice.is_posted:
            return invoice.id
        rows = lines_of(invoice)
        result = tax_of(invoice, rows)
        vat_check = rules.check_printed_vat(invoice.printed_vat_cents, result, Amount)
        if isinstance(vat_check, VatMismatch):
            raise vat_check
        warnings = _warnings(invoice, result, vat_check)
        if warnings and not force:
            raise ConfirmationRequired(warnings)
        year = ledger.fiscal_year_of(invoice.booking_date)
        if year is None:
            raise NoFiscalYearFor(field="booking_date", date=Day.of(invoice.booking_date))
        number = rules.document_number(invoice.kind, year.code,
                                       take_next_number(rules.SEQUENCES[invoice.kind], year.code))
        supplier = invoice.supplier
        description = f"{supplier.name} {invoice.supplier_ref}"[:250]
        lines = tax.entry_lines(result, [x.account.code for x in rows], partner_account=rules.SUPPLIERS_ACCOUNT,
                                partner_id=supplier.id, document_ref=number, due_date=invoice.due_date,
                                description=description)
        draft = DraftEntry(rules.JOURNALS[invoice.kind], invoice.booking_date, description, lines,
                           source=(SOURCE_TYPE, str(invoice.id)))
        entry = ledger.post_entry(draft, role=role)
        for row, share in zip(rows, result.lines):
            row.net_cents, row.vat_share_cents, row.deductible_cents = (share.net_cents, share.vat_cents,
                                                                         share.deductible_cents)
            row.save()
        before = invoice.snapshot()
        invoice.net_cents, invoice.vat_cents, invoice.total_cents = (result.net_cents, result.vat_cents,
                                                                     result.total_cents)
        invoice.deductible_cents, invoice.self_assessed_cents = result.deductible_cents, result.self_assessed_cents
        invoice.number, invoice.entry, invoice.state = number, entry.id, rules.POSTED
        invoice.confirmed_warnings = "\n".join(w.message("en") for w in warnings)
        invoice.posted_at, invoice.posted_by = audit.now_iso(), audit.current_actor()
        invoice.updated_at = invoice.posted_at
        invoice.save()
        audit.record("post", SOURCE_TYPE, invoice.id, before=before,
                     after={"number": number, "entry": entry.reference, "confirmed": invoice.confirmed_warnings})
        return invoice.id

    ref, _created = once(key, "purchases.post", create)
    return find_invoice(int(ref))


def create_and_post(data: rules.InvoiceInput, *, role: str, force: bool = False,
                    key: str | None = None) -> PurchaseInvoice:
    """Enter and post at once (the API, imports); a refused posting leaves the draft in place."""
    invoice = create_invoice(data, key=key)
    return post_invoice(invoice.id, role=role, force=force, key=f"{key}.post" if key else None)


# --------------------------------------------------------------------------- the supplier's PDF

def attach_file(place, invoice_id: int, content, original_name: str):
    """Keep the supplier's PDF (or scan) with the document; allowed before and after posting."""
    invoice = find_invoice(invoice_id)
    return documents.add_attachment(place, SOURCE_TYPE, invoice.id, content, original_name)


def attachments(invoice_id: int) -> list:
    return documents.attachments_of(SOURCE_TYPE, invoice_id)


def read_attachment(place, invoice_id: int, attachment_id: int):
    """An attachment of this document (and only of this one): (row, bytes), checksum verified."""
    row = documents.get_attachment(attachment_id)
    if row.object_type != SOURCE_TYPE or row.object_id != str(invoice_id):
        from equisis.documents.errors import AttachmentNotFound

        raise AttachmentNotFound(attachment_id=attachment_id)
    return documents.read_attachment(place, attachment_id)
