"""The purchase entry form read into an :class:`~equisis.purchases.rules.InvoiceInput`, and back.

Inputs are named like the service's problems, ``lines-<n>-<column>`` (1-based), so "Line 2: the
quantity must not be zero." lands on line 2's quantity cell. Blank lines are dropped before the
lines are numbered. Numbers go through the one parser (``12,50`` / ``12.50``): prices keep four
decimals at most, quantities three, percentages two; more is refused, never rounded silently.
The VAT rate, the discount and the deductible share are typed in percent (21, 10, 50).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from equisis.core.dates import parse_date
from equisis.core.errors import EquisisError
from equisis.core.money import from_scaled
from equisis.purchases import rules
from equisis.purchases.errors import InvalidPrintedVat

LINE_INPUT = re.compile(r"^lines-(\d{1,3})-([a-z_]+)\Z")
LINE_COLUMNS = ("item", "account", "description", "qty", "unit_price", "discount", "vat_rate", "category",
                "deductible")
HEAD_FIELDS = ("kind", "supplier", "supplier_name", "supplier_ref", "invoice_date", "booking_date", "due_date",
               "printed_vat", "import_deferral", "credit_of", "notes")


@dataclass
class FormState:
    """The screen as typed (text), re-rendered as is when something is refused."""

    head: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)


def show_scaled(value: int | None, scale: int, *, decimals: int = 0) -> str:
    """12_5000 (e4) → '12,50'; keeps at least ``decimals`` decimals and drops trailing zeros beyond.

    >>> show_scaled(125_000, 4, decimals=2), show_scaled(1_500, 3), show_scaled(2100, 2), show_scaled(None, 2)
    ('12,50', '1,5', '21', '')
    """
    if value is None:
        return ""
    number = from_scaled(value, scale).normalize()
    exponent = -number.as_tuple().exponent
    if exponent < decimals:
        number = number.quantize(Decimal(1).scaleb(-decimals))
    text = format(number, "f")
    return text.replace(".", ",")


def read(form) -> tuple[FormState, rules.InvoiceInput, list[EquisisError]]:
    """(what was typed, the input for the service, the problems of reading it)."""
    state = FormState({name: (form.get(name) or "").strip() for name in HEAD_FIELDS})
    numbered: dict[int, dict] = {}
    for name in form.keys():
        match = LINE_INPUT.match(name)
        if match and match.group(2) in LINE_COLUMNS:
            numbered.setdefault(int(match.group(1)), {})[match.group(2)] = (form.get(name) or "").strip()
    for n in sorted(numbered):
        typed = {column: numbered[n].get(column, "") for column in LINE_COLUMNS}
        if any(typed[c] for c in ("item", "account", "description", "unit_price")):
            state.lines.append(typed)
    problems: list[EquisisError] = []
    head = state.head

    def day(name: str):
        if not head[name]:
            return None
        try:
            return parse_date(head[name], field=name)
        except EquisisError as exc:
            problems.append(exc)
            return None

    printed = None
    if head["printed_vat"]:
        try:
            printed = rules.scaled(head["printed_vat"], 2, line=0, column="printed_vat")
        except EquisisError:
            problems.append(InvalidPrintedVat(head["printed_vat"], field="printed_vat"))
    lines = []
    for n, typed in enumerate(state.lines, start=1):
        lines.append(_line(n, typed, problems))
    supplier = int(head["supplier"]) if head["supplier"].isdigit() else None
    credit_of = int(head["credit_of"]) if head["credit_of"].isdigit() else None
    kind = rules.CREDIT_NOTE if head["kind"] == rules.CREDIT_NOTE or credit_of else rules.INVOICE
    data = rules.InvoiceInput(supplier, head["supplier_ref"], day("invoice_date"), tuple(lines), kind=kind,
                              booking_date=day("booking_date"), due_date=day("due_date"), printed_vat_cents=printed,
                              import_deferral=head["import_deferral"] in ("1", "on", "yes"), credit_of_id=credit_of,
                              notes=head["notes"])
    return state, data, problems


def _line(n: int, typed: dict, problems: list) -> rules.LineInput:
    def number(column: str, decimals: int, percent: bool = False):
        try:
            return rules.scaled(typed[column].rstrip("%").strip() if percent else typed[column], decimals,
                                line=n, column=column)
        except EquisisError as exc:
            problems.append(exc)
            return None

    qty = number("qty", 3)
    price = number("unit_price", 4)
    discount = number("discount", 2, True)
    rate = number("vat_rate", 2, True)
    deductible = number("deductible", 2, True)
    return rules.LineInput(item_code=typed["item"], account=typed["account"], description=typed["description"],
                           qty_milli=qty, unit_price_e4=price, discount_bp=discount or 0, vat_rate_bp=rate,
                           purchase_category=typed["category"],
                           deductible_bp=rules.FULL if deductible is None else deductible)


def state_of(data: rules.InvoiceInput, *, supplier_name: str = "") -> FormState:
    """A stored document (or a credit note's defaults) as the form shows it."""
    def day(value):
        return value.strftime("%d/%m/%Y") if value else ""

    head = {"kind": data.kind, "supplier": str(data.supplier_id or ""), "supplier_name": supplier_name,
            "supplier_ref": data.supplier_ref, "invoice_date": day(data.invoice_date),
            "booking_date": day(data.booking_date), "due_date": day(data.due_date),
            "printed_vat": show_scaled(data.printed_vat_cents, 2, decimals=2),
            "import_deferral": "1" if data.import_deferral else "", "credit_of": str(data.credit_of_id or ""),
            "notes": data.notes}
    lines = [{"item": x.item_code, "account": x.account, "description": x.description,
              "qty": show_scaled(x.qty_milli, 3), "unit_price": show_scaled(x.unit_price_e4, 4, decimals=2),
              "discount": show_scaled(x.discount_bp, 2) if x.discount_bp else "",
              "vat_rate": show_scaled(x.vat_rate_bp, 2), "category": x.purchase_category,
              "deductible": show_scaled(x.deductible_bp, 2)} for x in data.lines]
    return FormState(head, lines)
