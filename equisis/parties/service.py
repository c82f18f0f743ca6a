"""Use cases for parties: create one, find it by id or VAT number (issue 4 adds the rest)."""
from __future__ import annotations

import re
from typing import Iterable

from equisis.parties import rules
from equisis.parties.errors import PartyNotFound
from equisis.parties.models import Party
from equisis.store import audit
from equisis.store.database import write


def create_party(name: str, *, vat_number: str | None = None, enterprise_number: str | None = None,
                 language: str = "fr", is_customer: bool = False, is_supplier: bool = False) -> Party:
    identity = rules.check_party(name, vat_number=vat_number, enterprise_number=enterprise_number,
                                 language=language)
    with write():
        party = Party.create(name=identity.name, vat_number=identity.vat_number,
                             enterprise_number=identity.enterprise_number, language=identity.language,
                             is_customer=is_customer, is_supplier=is_supplier, created_at=audit.now_iso())
        audit.record("create", "party", party.id, after=party.snapshot())
    return party


def find_party(party_id: int) -> Party:
    party = Party.get_or_none(Party.id == party_id)
    if party is None:
        raise PartyNotFound(party_id=party_id)
    return party


def find_by_vat(vat_number: str) -> Party | None:
    """The first party (lowest id) with this VAT number, typed any way ('BE 0403.170.701'), or None."""
    compact = rules.compact_vat(vat_number)
    return Party.select().where(Party.vat_number == compact).order_by(Party.id).first()


def existing_ids(party_ids: Iterable[int]) -> frozenset[int]:
    """Which of these ids name a party (for callers that validate references in bulk)."""
    wanted = sorted({int(i) for i in party_ids if i is not None})
    found: set[int] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update(r.id for r in Party.select(Party.id).where(Party.id.in_(chunk)))
    return frozenset(found)


def names(party_ids: Iterable[int]) -> dict[int, str]:
    """{id: name} of the given parties (lists and reports)."""
    wanted = sorted({int(i) for i in party_ids if i is not None})
    result: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        result.update((r.id, r.name) for r in Party.select(Party.id, Party.name).where(Party.id.in_(chunk)))
    return result


def search(text: str, *, limit: int = 10) -> list[Party]:
    """Parties a partner field proposes while the user types: by name, VAT or enterprise number, or id.

    Every word must appear in the name (case-insensitive for ASCII letters); a
    word of digits also finds the VAT/enterprise number that contains it
    ("0403" finds BE0403170701), and "#7" or "7" the party with id 7.
    """
    words = (text or "").split()
    if not words:
        return []
    query = Party.select()
    for word in words:
        digits = rules.compact_vat(word).lstrip("#")
        condition = Party.name.contains(word)
        if digits.isdigit():
            condition |= Party.vat_number.contains(digits) | Party.enterprise_number.contains(digits)
            if len(words) == 1 and len(digits) < 10:
                condition |= Party.id == int(digits)
        elif re.fullmatch(r"[A-Z]{2}[0-9]+", digits):
            condition |= Party.vat_number.startswith(digits)
        query = query.where(condition)
    return list(query.order_by(Party.name, Party.id).limit(limit))
