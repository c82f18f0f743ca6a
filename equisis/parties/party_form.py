"""How the party form is named and read: flat fields, ``addresses-N-…`` and ``contacts-N-…`` rows.

:func:`read_form` turns a submitted form (any mapping) into the keyword
arguments of ``service.create_party``/``update_party`` plus the problems of the
typed text itself (a credit limit that is not an amount, payment terms that are
not a number), so the view reports them together with the service's checks.
"""
from __future__ import annotations

import re

from equisis.core.errors import EquisisError, InvalidAmount
from equisis.core.money import parse_amount, to_cents
from equisis.parties.errors import InvalidCreditLimit, InvalidPaymentTerms

TEXT_FIELDS = ("vat_number", "enterprise_number", "language", "country", "peppol_id", "iban", "bic", "email",
               "phone", "notes")
ADDRESS_COLUMNS = ("kind", "label", "street", "postcode", "city", "country")
CONTACT_COLUMNS = ("name", "function", "email", "phone", "language")
ROW = re.compile(r"^(addresses|contacts)-([0-9]{1,3})-([a-z_]+)\Z")
BLANK_ROWS = 2


def _rows(form, group: str, columns: tuple[str, ...]) -> list[dict]:
    numbers = sorted({int(m.group(2)) for key in form.keys() if (m := ROW.match(key)) and m.group(1) == group})
    return [{c: (form.get(f"{group}-{n}-{c}") or "").strip() for c in columns} for n in numbers]


def _checked(form, name: str) -> bool:
    return form.get(name) in ("on", "1", "true", "yes")


def read_form(form) -> tuple[dict, list[EquisisError]]:
    """(keyword arguments for the service, problems of the typed text)."""
    problems: list[EquisisError] = []
    data: dict = {"name": (form.get("name") or "").strip()}
    for name in TEXT_FIELDS:
        data[name] = (form.get(name) or "").strip()
    data["language"] = data["language"] or "fr"
    data["country"] = data["country"] or None   # the VAT number's country, else BE
    data["vat_regime"] = (form.get("vat_regime") or "").strip() or None
    data["is_customer"] = _checked(form, "is_customer")
    data["is_supplier"] = _checked(form, "is_supplier")
    data["invoice_by_email"] = _checked(form, "invoice_by_email")
    terms = (form.get("payment_terms_days") or "").strip()
    data["payment_terms_days"] = 30
    if terms:
        if re.fullmatch(r"[0-9]{1,3}", terms):
            data["payment_terms_days"] = int(terms)
        else:
            problems.append(InvalidPaymentTerms(terms, field="payment_terms_days"))
    limit = (form.get("credit_limit") or "").strip()
    data["credit_limit_cents"] = None
    if limit:
        try:
            data["credit_limit_cents"] = to_cents(parse_amount(limit))
        except (InvalidAmount, EquisisError, ArithmeticError, ValueError):
            problems.append(InvalidCreditLimit(limit, field="credit_limit_cents"))
    data["categories"] = [c.strip() for c in (form.get("categories") or "").split(",") if c.strip()]
    data["addresses"] = _rows(form, "addresses", ADDRESS_COLUMNS)
    data["contacts"] = _rows(form, "contacts", CONTACT_COLUMNS)
    return data, problems


def rows_for_form(addresses, contacts) -> tuple[list[dict], list[dict]]:
    """The address and contact rows the form shows: the saved ones, then blank rows to fill."""
    address_rows = [dict(a.__dict__) if not isinstance(a, dict) else a for a in addresses]
    contact_rows = [dict(c.__dict__) if not isinstance(c, dict) else c for c in contacts]
    if not any(r.get("kind") == "invoicing" for r in address_rows):
        address_rows.append({"kind": "invoicing", "country": "BE"})
    address_rows += [{"kind": "delivery", "country": "BE"} for _ in range(BLANK_ROWS - 1)]
    contact_rows += [{} for _ in range(BLANK_ROWS)]
    return address_rows, contact_rows
