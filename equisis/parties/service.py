"""Use cases for parties: create and update one (with its addresses, contacts, categories), find, search,
warn about duplicates, record a VIES check."""
from __future__ import annotations

import re
from typing import Iterable

from equisis.parties import rules, vies
from equisis.parties.errors import PartyNotFound, PossibleDuplicate
from equisis.parties.models import Party, PartyAddress, PartyCategory, PartyCategoryLink, PartyContact
from equisis.store import audit
from equisis.store.database import write

#: The fields create_party/update_party take besides name, addresses, contacts and categories.
FIELDS = ("vat_number", "enterprise_number", "language", "is_customer", "is_supplier", "vat_regime", "country",
          "payment_terms_days", "credit_limit_cents", "peppol_id", "iban", "bic", "email", "phone",
          "invoice_by_email", "notes")
_CHECKED = ("vat_number", "enterprise_number", "language", "vat_regime", "country", "payment_terms_days",
            "credit_limit_cents", "peppol_id", "iban", "bic", "email", "phone", "invoice_by_email", "notes")


def create_party(name: str, *, vat_number: str | None = None, enterprise_number: str | None = None,
                 language: str = "fr", is_customer: bool = False, is_supplier: bool = False,
                 vat_regime: str | None = None, country: str | None = None, payment_terms_days: int | None = 30,
                 credit_limit_cents: int | None = None, peppol_id: str | None = None, iban: str | None = None,
                 bic: str | None = None, email: str | None = None, phone: str | None = None,
                 invoice_by_email: bool = False, notes: str | None = "", addresses=(), contacts=(),
                 categories: Iterable[str] = (), check_duplicates: bool = False) -> Party:
    """A new party, every field checked at once (ValidationErrors).

    ``check_duplicates``: refuse with PossibleDuplicate when a party has the same
    VAT/enterprise number or a very similar name (screens and the API ask; scripts
    and imports that know better leave it off). ``peppol_id`` None: 0208 + the
    enterprise number of a Belgian party; ``vat_regime`` None: derived from the VAT number; ``country`` None:
    the invoicing address's, else the VAT number's, else BE.
    """
    identity = rules.check_party(
        name, vat_number=vat_number, enterprise_number=enterprise_number, language=language,
        vat_regime=vat_regime, country=country, payment_terms_days=payment_terms_days,
        credit_limit_cents=credit_limit_cents, peppol_id=peppol_id, iban=iban, bic=bic, email=email, phone=phone,
        invoice_by_email=invoice_by_email, notes=notes, addresses=addresses, contacts=contacts)
    category_names = _category_names(categories)
    with write():
        if check_duplicates:
            _refuse_duplicates(identity)
        now = audit.now_iso()
        party = Party.create(created_at=now, updated_at=now, is_customer=bool(is_customer),
                             is_supplier=bool(is_supplier), **_columns(identity))
        _save_details(party, identity, category_names)
        audit.record("create", "party", party.id, after=full_snapshot(party))
    return party


def update_party(party_id: int, *, check_duplicates: bool = False, **changes) -> Party:
    """Change the given fields (any of FIELDS, name, addresses, contacts, categories); the rest stays.

    Addresses, contacts and categories, when given, replace the party's lists.
    A VAT number that changes forgets the VIES result; a regime or Peppol id that
    was the default follows a new VAT/enterprise number unless given.
    """
    unknown = set(changes) - set(FIELDS) - {"name", "addresses", "contacts", "categories"}
    if unknown:
        raise TypeError(f"update_party() got unknown fields {sorted(unknown)}")
    party = find_party(party_id)
    current = {f: getattr(party, f) for f in _CHECKED}
    current["addresses"] = addresses_of(party)
    current["contacts"] = contacts_of(party)
    if "vat_number" in changes and "vat_regime" not in changes \
            and party.vat_regime == rules.default_regime(party.vat_number):
        current["vat_regime"] = None
    if ("vat_number" in changes or "enterprise_number" in changes) and "peppol_id" not in changes \
            and party.peppol_id == rules.default_peppol_id(party.enterprise_number):
        current["peppol_id"] = None
    if "vat_number" in changes and "enterprise_number" not in changes and party.vat_number \
            and party.vat_number.startswith("BE"):
        current["enterprise_number"] = None  # derived from the old VAT number: derive it again
    merged = {**current, **{k: v for k, v in changes.items() if k not in ("name", "categories", "is_customer",
                                                                       "is_supplier")}}
    identity = rules.check_party(changes.get("name", party.name), **merged)
    category_names = _category_names(changes["categories"]) if "categories" in changes else None
    with write():
        if check_duplicates:
            _refuse_duplicates(identity, exclude_id=party.id)
        party = find_party(party_id)
        before = full_snapshot(party)
        old_vat = party.vat_number
        for column, value in _columns(identity).items():
            setattr(party, column, value)
        for flag in ("is_customer", "is_supplier"):
            if flag in changes:
                setattr(party, flag, bool(changes[flag]))
        if party.vat_number != old_vat:
            party.vies_status = party.vies_checked_at = party.vies_name = party.vies_address = None
            party.vies_detail = None
        party.updated_at = audit.now_iso()
        party.save()
        _save_details(party, identity, category_names, replace_lists=("addresses" in changes,
                                                                      "contacts" in changes))
        after = full_snapshot(party)
        if after != before:
            audit.record("update", "party", party.id, before=before, after=after)
    return party


def _columns(identity: rules.PartyIdentity) -> dict:
    return {"name": identity.name, "name_key": rules.name_key(identity.name), "vat_number": identity.vat_number,
            "enterprise_number": identity.enterprise_number, "language": identity.language,
            "vat_regime": identity.vat_regime, "country": identity.country,
            "payment_terms_days": identity.payment_terms_days, "credit_limit_cents": identity.credit_limit_cents,
            "peppol_id": identity.peppol_id, "iban": identity.iban, "bic": identity.bic, "email": identity.email,
            "phone": identity.phone, "invoice_by_email": identity.invoice_by_email, "notes": identity.notes}


def _category_names(categories: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in categories or ():
        text = re.sub(r"\s+", " ", str(name or "")).strip()[:100]
        if text:
            seen.setdefault(text.casefold(), text)
    return list(seen.values())


def _save_details(party: Party, identity: rules.PartyIdentity, category_names: list[str] | None, *,
                  replace_lists: tuple[bool, bool] = (True, True)) -> None:
    replace_addresses, replace_contacts = replace_lists
    if replace_addresses:
        PartyAddress.delete().where(PartyAddress.party == party).execute()
        for n, address in enumerate(identity.addresses):
            PartyAddress.create(party=party, kind=address.kind, label=address.label, street=address.street,
                                postcode=address.postcode, city=address.city, country=address.country, position=n)
    if replace_contacts:
        PartyContact.delete().where(PartyContact.party == party).execute()
        for n, contact in enumerate(identity.contacts):
            PartyContact.create(party=party, name=contact.name, function=contact.function, email=contact.email,
                                phone=contact.phone, language=contact.language, position=n)
    if category_names is not None:
        PartyCategoryLink.delete().where(PartyCategoryLink.party == party).execute()
        for name in category_names:
            category = PartyCategory.get_or_none(PartyCategory.name == name) \
                or next((c for c in PartyCategory.select() if c.name.casefold() == name.casefold()), None) \
                or PartyCategory.create(name=name)
            PartyCategoryLink.create(party=party, category=category)


def full_snapshot(party: Party) -> dict:
    """The party with its addresses, contacts and categories (audit before/after)."""
    data = party.snapshot()
    data["addresses"] = [list(a.__dict__.values()) for a in addresses_of(party)]
    data["contacts"] = [list(c.__dict__.values()) for c in contacts_of(party)]
    data["categories"] = categories_of(party)
    return data


# --------------------------------------------------------------------------- duplicates

def duplicates_of(name: str, vat_number: str | None = None, enterprise_number: str | None = None, *,
                  exclude_id: int | None = None) -> list[tuple[int, str, str]]:
    """Parties that may be this one: (id, name, reason) with reason 'vat_number', 'enterprise_number' or 'name'."""
    found: dict[int, tuple[int, str, str]] = {}
    others = Party.select(Party.id, Party.name, Party.name_key, Party.vat_number, Party.enterprise_number)
    if exclude_id is not None:
        others = others.where(Party.id != exclude_id)
    if vat_number:
        for p in others.where(Party.vat_number == vat_number).order_by(Party.id):
            found.setdefault(p.id, (p.id, p.name, "vat_number"))
    if enterprise_number:
        for p in others.where(Party.enterprise_number == enterprise_number).order_by(Party.id):
            found.setdefault(p.id, (p.id, p.name, "enterprise_number"))
    key = rules.name_key(name)
    if key:
        candidates = Party.select(Party.id, Party.name, Party.name_key).order_by(Party.id)
        if exclude_id is not None:
            candidates = candidates.where(Party.id != exclude_id)
        for pid, other_name, other_key in candidates.tuples().iterator():
            if pid not in found and rules.similar_names(key, other_key):
                found[pid] = (pid, other_name, "name")
    return list(found.values())[:10]


def _refuse_duplicates(identity: rules.PartyIdentity, exclude_id: int | None = None) -> None:
    matches = duplicates_of(identity.name, identity.vat_number, identity.enterprise_number, exclude_id=exclude_id)
    if matches:
        raise PossibleDuplicate(matches, field="vat_number" if matches[0][2] != "name" else "name")


# --------------------------------------------------------------------------- finding

def find_party(party_id: int) -> Party:
    try:
        party = Party.get_or_none(Party.id == int(party_id))
    except (TypeError, ValueError, OverflowError):
        party = None
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


ROLES = (None, "customer", "supplier")


def search(text: str, *, limit: int = 10, role: str | None = None) -> list[Party]:
    """Parties a partner field proposes while the user types: by name, VAT or enterprise number, or id.

    Every word must appear in the name (case-insensitive for ASCII letters); a
    word of digits also finds the VAT/enterprise number that contains it
    ("0403" finds BE0403170701), and "#7" or "7" the party with id 7.
    ``role`` "customer" or "supplier" keeps only those.
    """
    if role not in ROLES:
        raise ValueError(f"search(role=...) takes one of {ROLES}, not {role!r}")
    words = (text or "").split()
    if not words:
        return []
    query = Party.select()
    if role == "customer":
        query = query.where(Party.is_customer == True)  # noqa: E712 (peewee expression)
    elif role == "supplier":
        query = query.where(Party.is_supplier == True)  # noqa: E712
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


# --------------------------------------------------------------------------- details

def _address(row: PartyAddress) -> rules.Address:
    return rules.Address(row.street, row.postcode, row.city, row.country, row.kind, row.label)


def addresses_of(party: Party) -> list[rules.Address]:
    rows = PartyAddress.select().where(PartyAddress.party == party.id).order_by(PartyAddress.position,
                                                                                PartyAddress.id)
    return [_address(r) for r in rows]


def invoicing_address(party: Party) -> rules.Address | None:
    """The invoicing address (the first one if several), else None."""
    row = (PartyAddress.select().where((PartyAddress.party == party.id) & (PartyAddress.kind == "invoicing"))
           .order_by(PartyAddress.position, PartyAddress.id).first())
    return _address(row) if row else None


def delivery_addresses(party: Party) -> list[rules.Address]:
    """Where goods go; the invoicing address when the party has no delivery address."""
    found = [a for a in addresses_of(party) if a.kind == "delivery"]
    if found:
        return found
    invoicing = invoicing_address(party)
    return [invoicing] if invoicing else []


def contacts_of(party: Party) -> list[rules.Contact]:
    rows = PartyContact.select().where(PartyContact.party == party.id).order_by(PartyContact.position,
                                                                                PartyContact.id)
    return [rules.Contact(r.name, r.function, r.email, r.phone, r.language) for r in rows]


def categories_of(party: Party) -> list[str]:
    rows = (PartyCategory.select(PartyCategory.name).join(PartyCategoryLink)
            .where(PartyCategoryLink.party == party.id).order_by(PartyCategory.name))
    return [r.name for r in rows]


def all_categories() -> list[PartyCategory]:
    return list(PartyCategory.select().order_by(PartyCategory.name))


def email_for_invoices(party: Party) -> str | None:
    """The address invoices are mailed to when the customer asked for invoices by email, else None (print)."""
    if not party.invoice_by_email:
        return None
    return party.email or next((c.email for c in contacts_of(party) if c.email), None)


# --------------------------------------------------------------------------- VIES

def record_vies(party_id: int, result: vies.ViesResult) -> Party:
    """Keep a VIES answer on the party with its date (an 'unavailable' one too: the user sees it was tried)."""
    with write():
        party = find_party(party_id)
        before = {k: getattr(party, k) for k in ("vies_status", "vies_checked_at", "vies_name", "vies_address")}
        party.vies_status = result.status
        party.vies_checked_at = audit.now_iso()
        party.vies_name = result.name or None
        party.vies_address = result.address or None
        party.vies_detail = result.detail or None
        party.save()
        audit.record("update", "party", party.id, before=before,
                     after={k: getattr(party, k) for k in before})
    return party


def check_vies(party_id: int, *, base_url: str = vies.DEFAULT_URL,
               timeout: float = vies.DEFAULT_TIMEOUT_SECONDS) -> Party:
    """Ask VIES about the party's EU VAT number (outside any transaction: never hold the lock across I/O)
    and record the answer. A party without an EU VAT number is left as it is."""
    party = find_party(party_id)
    if not rules.is_eu_vat_number(party.vat_number):
        return party
    result = vies.check(party.vat_number, base_url=base_url, timeout=timeout)
    return record_vies(party.id, result)
