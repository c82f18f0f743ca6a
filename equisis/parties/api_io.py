"""The JSON form of a party for the API (views.py holds its routes): the body read, the answer written.

A body is checked whole: unknown fields and wrong types are reported together,
each with its field, before the service's own checks run.
"""
from __future__ import annotations

from flask import request

from equisis.core.errors import ValidationErrors
from equisis.parties import service
from equisis.parties.errors import InvalidPartyFieldType, PartyBodyRequired, UnknownPartyField
from equisis.parties.models import Party

TEXT = ("name", "vat_number", "enterprise_number", "language", "vat_regime", "country", "peppol_id", "iban", "bic",
        "email", "phone", "notes")
FLAGS = ("is_customer", "is_supplier", "invoice_by_email")
INTEGERS = ("payment_terms_days", "credit_limit_cents")
ADDRESS_KEYS = ("kind", "label", "street", "postcode", "city", "country")
CONTACT_KEYS = ("name", "function", "email", "phone", "language")

_S, _B, _I = {"type": ["string", "null"]}, {"type": "boolean"}, {"type": ["integer", "null"]}
ADDRESS_SCHEMA = {"type": "object", "properties": {k: {"type": "string"} for k in ADDRESS_KEYS}}
CONTACT_SCHEMA = {"type": "object", "properties": {k: {"type": "string"} for k in CONTACT_KEYS}}
PARTY_INPUT = {**{k: _S for k in TEXT}, **{k: _B for k in FLAGS}, **{k: _I for k in INTEGERS},
               "addresses": {"type": "array", "items": ADDRESS_SCHEMA},
               "contacts": {"type": "array", "items": CONTACT_SCHEMA},
               "categories": {"type": "array", "items": {"type": "string"}}}
PARTY_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, **PARTY_INPUT, "created_at": {"type": "string"},
    "vies": {"type": "object", "properties": {"status": _S, "checked_at": _S, "name": _S, "address": _S}}}}
LIST_SCHEMA = {"type": "object", "properties": {"items": {"type": "array", "items": PARTY_SCHEMA},
                                                "next_after": {"type": ["integer", "null"]}}}


def party_json(party: Party) -> dict:
    data = {"id": party.id, **{k: getattr(party, k) for k in TEXT + FLAGS + INTEGERS},
            "created_at": party.created_at}
    data["addresses"] = [dict(a.__dict__) for a in service.addresses_of(party)]
    data["contacts"] = [dict(c.__dict__) for c in service.contacts_of(party)]
    data["categories"] = service.categories_of(party)
    data["vies"] = {"status": party.vies_status, "checked_at": party.vies_checked_at, "name": party.vies_name,
                    "address": party.vies_address}
    return data


def _rows(value, name: str, keys: tuple[str, ...], problems: list) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        problems.append(InvalidPartyFieldType(name, expected="a list of objects", field=name))
        return []
    rows = []
    for n, row in enumerate(value, start=1):
        for key in row:
            if key not in keys:
                problems.append(UnknownPartyField(f"{name}[{n}].{key}", field=f"{name}-{n}-{key}"))
        rows.append({k: row.get(k) if isinstance(row.get(k), str) else "" for k in keys})
    return rows


def read_body(*, partial: bool) -> tuple[dict, bool]:
    """(keyword arguments for the service, force) from the JSON body; type problems all at once."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise PartyBodyRequired()
    force = body.pop("force", False) is True
    problems, data = [], {}
    for key, value in body.items():
        if key in TEXT:
            if value is not None and not isinstance(value, str):
                problems.append(InvalidPartyFieldType(key, expected="text", field=key))
            data[key] = value
        elif key in FLAGS:
            if not isinstance(value, bool):
                problems.append(InvalidPartyFieldType(key, expected="true or false", field=key))
            data[key] = bool(value)
        elif key in INTEGERS:
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                problems.append(InvalidPartyFieldType(key, expected="a whole number", field=key))
                value = None
            data[key] = value
        elif key == "addresses":
            data[key] = _rows(value, key, ADDRESS_KEYS, problems)
        elif key == "contacts":
            data[key] = _rows(value, key, CONTACT_KEYS, problems)
        elif key == "categories":
            if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
                problems.append(InvalidPartyFieldType(key, expected="a list of names", field=key))
                value = []
            data[key] = value
        else:
            problems.append(UnknownPartyField(key, field=key))
    if not partial and "name" not in data:
        data["name"] = ""
    if problems:
        raise ValidationErrors(problems)
    return data, force
