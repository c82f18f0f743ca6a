"""Checks of a party: identity (name, VAT and enterprise numbers), bank, Peppol id, VAT regime, addresses.

VAT numbers are kept compact with their country code ("BE0403170701",
"FR40303265045"). A Belgian one is checked with python-stdnum ``be.vat``
(10 digits, first 0 or 1, mod-97 check on the last two), any other EU one with
``eu.vat`` (each member state's own check digits), a few others (CH, GB, NO…)
with their stdnum module. The enterprise number of a Belgian party is its VAT
number without "BE"; when only the VAT number is given, it is derived from it.
An old 9-digit Belgian number gets its leading 0 ("403170701" → "0403170701").

    >>> check_vat_number("be 0403.170.701")
    'BE0403170701'
    >>> check_vat_number("FR 40 303 265 045")
    'FR40303265045'
    >>> check_vat_number("BE 403.170.701")
    'BE0403170701'

Where the correction is obvious, the error says it: a Belgian number typed
without its country code gives "Did you mean BE0403170701?".

    >>> suggest_vat_number("0403.170.701")
    'BE0403170701'
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import stdnum
from babel import Locale
from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat

from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import LANGUAGES, N_, lazy_gettext
from equisis.parties.errors import (AddressIncomplete, CocontractorNeedsBelgianVatNumber, ContactNameRequired,
                                    EuRegimeNeedsEuVatNumber, InvalidAddressKind, InvalidBic, InvalidCountry,
                                    InvalidCreditLimit,
                                    InvalidEmail, InvalidIban, InvalidPartyEnterpriseNumber, InvalidPartyLanguage,
                                    InvalidPartyVatNumber, InvalidPaymentTerms, InvalidPeppolId, InvalidPostcode,
                                    InvoiceEmailRequired, NonEuRegimeNeedsNonEuCountry, PartyNameRequired,
                                    UnknownVatRegime)

_CHECK_DIGITS = N_("the check digits do not match (a typo?)")
_COUNTRY = N_("it must start with the country code (BE, FR, NL…)")
_FORMAT = N_("it does not have the format of that country's VAT numbers")
_ENTERPRISE_FORMAT = N_("it must have 10 digits and start with 0 or 1")

#: The VAT regimes of a party (contract with sales and purchases):
#: be — Belgian VAT applies (Belgian businesses and any private consumer);
#: eu — EU business with a valid VAT number of another member state (intra-EU, reverse-charged);
#: non_eu — outside the EU (export, import of services); exempt — exempt operations (art. 44,
#: small business franchise); cocontractor — Belgian domestic reverse charge (art. 20 AR/KB n°1).
VAT_REGIMES = ("be", "eu", "non_eu", "exempt", "cocontractor")
VAT_REGIME_LABELS = {"be": N_("Belgian VAT"), "eu": N_("EU (intra-community, reverse-charged)"),
                     "non_eu": N_("Outside the EU (export)"), "exempt": N_("Exempt"),
                     "cocontractor": N_("Co-contractor (Belgian reverse charge)")}
ADDRESS_KINDS = ("invoicing", "delivery")
ADDRESS_KIND_LABELS = {"invoicing": N_("Invoicing"), "delivery": N_("Delivery")}
#: VAT number prefixes of the EU member states (Greece is EL, Northern Ireland XI for goods).
EU_VAT_PREFIXES = frozenset({"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
                             "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI"})
#: Countries (ISO 3166) of the EU member states, for addresses.
EU_COUNTRIES = frozenset((EU_VAT_PREFIXES - {"EL", "XI"}) | {"GR"})
_COUNTRIES = frozenset(code for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", code)
                       and code not in {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})  # CLDR's groupings, not countries
PEPPOL_BE_SCHEME = "0208"
PEPPOL_BE_VAT_SCHEME = "9925"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")


def compact_vat(text: str) -> str:
    """'be 0403.170.701' -> 'BE0403170701' (no check)."""
    return re.sub(r"[\s.\-/]", "", text or "").upper()


def _invalid_vat(text: str, check: str, suggestion: str | None = None) -> InvalidPartyVatNumber:
    return InvalidPartyVatNumber(text, check=lazy_gettext(check), suggestion=suggestion, field="vat_number")


def suggest_vat_number(text: str) -> str | None:
    """The obvious correction of a VAT number typed without its country code, if it is a valid Belgian one."""
    compact = compact_vat(text)
    if compact.isdigit() and len(compact) in (9, 10) and be_vat.is_valid(compact):
        return "BE" + be_vat.compact(compact)
    return None


def check_vat_number(text: str) -> str:
    """A compact, checked VAT number with its country code, or InvalidPartyVatNumber naming the failure."""
    compact = compact_vat(text)
    if not re.match(r"^[A-Z]{2}", compact):
        raise _invalid_vat(text, _COUNTRY, suggest_vat_number(text))
    prefix = compact[:2]
    if prefix == "GR":  # the VAT prefix of Greece is EL
        compact, prefix = "EL" + compact[2:], "EL"
    try:
        if prefix == "BE":
            return "BE" + be_vat.validate(compact)
        if prefix in EU_VAT_PREFIXES:
            return eu_vat.validate(compact)
        module = stdnum.get_cc_module(prefix.lower(), "vat") if prefix not in ("EU",) else None
        if module is None:
            raise _invalid_vat(text, _COUNTRY, suggest_vat_number(compact[2:]))
        number = module.compact(compact)
        module.validate(number)
        return number if number.startswith(prefix) else prefix + number
    except stdnum_errors.InvalidChecksum:
        raise _invalid_vat(text, _CHECK_DIGITS) from None
    except stdnum_errors.InvalidComponent:
        raise _invalid_vat(text, _COUNTRY) from None
    except stdnum_errors.ValidationError:
        raise _invalid_vat(text, _FORMAT) from None


def check_enterprise_number(text: str) -> str:
    """'0403.170.701' -> '0403170701' (Belgian KBO/BCE number, mod-97 checked; an old 9-digit one gets its 0)."""
    try:
        return be_vat.validate(text or "")
    except stdnum_errors.InvalidChecksum:
        raise InvalidPartyEnterpriseNumber(text, check=lazy_gettext(_CHECK_DIGITS),
                                           field="enterprise_number") from None
    except stdnum_errors.ValidationError:
        raise InvalidPartyEnterpriseNumber(text, check=lazy_gettext(_ENTERPRISE_FORMAT),
                                           field="enterprise_number") from None


def vat_country(vat_number: str | None) -> str | None:
    """'BE0403170701' -> 'BE'; 'EL…' -> 'GR' (the country, not the VAT prefix)."""
    if not vat_number:
        return None
    prefix = vat_number[:2]
    return {"EL": "GR", "XI": "GB"}.get(prefix, prefix)


def is_eu_vat_number(vat_number: str | None) -> bool:
    return bool(vat_number) and vat_number[:2] in EU_VAT_PREFIXES


def default_regime(vat_number: str | None) -> str:
    """BE… → 'be', another EU number → 'eu', none (or a non-EU one) → 'be' (the user chooses 'non_eu')."""
    if vat_number and vat_number[:2] in EU_VAT_PREFIXES and not vat_number.startswith("BE"):
        return "eu"
    return "be"


# --------------------------------------------------------------------------- bank and Peppol

def check_iban(text: str) -> str:
    """'BE68 5390 0754 7034' -> 'BE68539007547034' (schwifty: length, check digits, national structure).

    >>> check_iban("be68 5390 0754 7034")
    'BE68539007547034'
    """
    try:
        return IBAN(text).compact
    except iban_errors.InvalidCountryCode:
        check = N_("the country code is not one that uses IBANs")
    except iban_errors.InvalidLength:
        check = N_("it does not have the length of that country's IBANs")
    except iban_errors.InvalidChecksumDigits:
        check = N_("the check digits do not match (a typo?)")
    except iban_errors.InvalidBBANChecksum:
        check = N_("the national check digits of the account number do not match (a typo?)")
    except iban_errors.SchwiftyException:
        check = N_("it does not have the format of that country's IBANs")
    raise InvalidIban(text, check=lazy_gettext(check), field="iban")


def check_bic(text: str) -> str:
    """'gkcc be bb' -> 'GKCCBEBB' (8 or 11 characters: bank, country, location, branch)."""
    try:
        return BIC(text).compact
    except iban_errors.InvalidCountryCode:
        check = N_("its country code (letters 5 and 6) is not a country")
    except iban_errors.InvalidLength:
        check = N_("it must have 8 or 11 characters")
    except iban_errors.SchwiftyException:
        check = N_("it does not have the format of a BIC")
    raise InvalidBic(text, check=lazy_gettext(check), field="bic")


def bic_of_iban(iban: str) -> str | None:
    """The bank's BIC from schwifty's bank registry, when it knows the bank."""
    try:
        bic = IBAN(iban).bic
    except iban_errors.SchwiftyException:
        return None
    return bic.compact if bic else None


def default_peppol_id(enterprise_number: str | None) -> str | None:
    """Every Belgian enterprise is registered on scheme 0208 with its enterprise number.

    >>> default_peppol_id("0403170701")
    '0208:0403170701'
    """
    return f"{PEPPOL_BE_SCHEME}:{enterprise_number}" if enterprise_number else None


def check_peppol_id(text: str) -> str:
    """'scheme:value' with a 4-digit ICD scheme; 0208 needs a mod-97-valid enterprise number (PEPPOL-COMMON-R043).

    >>> check_peppol_id(" 0208:0403.170.701 ")
    '0208:0403170701'
    """
    raw = (text or "").strip()
    scheme, sep, value = raw.partition(":")
    scheme, value = scheme.strip(), value.strip()
    if not sep or not re.fullmatch(r"[0-9]{4}", scheme) or not value:
        digits = re.sub(r"[\s.]", "", raw)
        suggestion = default_peppol_id(digits) if digits.isdigit() and be_vat.is_valid(digits) else None
        raise InvalidPeppolId(text, check=lazy_gettext(N_("it must read scheme:identifier, such as 0208:0403170701")),
                              suggestion=suggestion, field="peppol_id")
    if scheme == PEPPOL_BE_SCHEME:
        digits = re.sub(r"[\s.]", "", value)
        if not re.fullmatch(r"[0-9]{10}", digits) or not be_vat.is_valid(digits):
            raise InvalidPeppolId(text, check=lazy_gettext(
                N_("scheme 0208 needs a Belgian enterprise number of 10 digits whose check digits match")),
                field="peppol_id")
        return f"{scheme}:{digits}"
    if scheme == PEPPOL_BE_VAT_SCHEME:
        try:
            value = check_vat_number(value)
        except EquisisError:
            raise InvalidPeppolId(text, check=lazy_gettext(N_("scheme 9925 needs a valid Belgian VAT number")),
                                  field="peppol_id") from None
        return f"{scheme}:{value.lower()}"
    if not re.fullmatch(r"[A-Za-z0-9._\-]{1,50}", value):
        raise InvalidPeppolId(text, check=lazy_gettext(N_("the identifier may hold only letters, digits, . _ and -")),
                              field="peppol_id")
    return f"{scheme}:{value}"


# --------------------------------------------------------------------------- regime, country, addresses

def check_country(text: str | None, *, field: str = "country") -> str:
    code = (text or "").strip().upper()
    if code not in _COUNTRIES:
        raise InvalidCountry(text, field=field)
    return code


def country_name(code: str, language: str) -> str:
    return Locale.parse({"fr": "fr_BE", "nl": "nl_BE", "de": "de_BE", "en": "en_GB"}.get(language, "en")
                        ).territories.get(code, code)


def check_regime(regime: str, vat_number: str | None, country: str) -> list[EquisisError]:
    """What the regime needs: 'eu' a valid VAT number of another EU member state, 'cocontractor' a Belgian one,
    'non_eu' a country outside the EU. (The numbers themselves were checked before.)"""
    if regime not in VAT_REGIMES:
        return [UnknownVatRegime(regime, field="vat_regime")]
    if regime == "eu" and not (is_eu_vat_number(vat_number) and not vat_number.startswith("BE")):
        return [EuRegimeNeedsEuVatNumber(field="vat_regime")]
    if regime == "cocontractor" and not (vat_number or "").startswith("BE"):
        return [CocontractorNeedsBelgianVatNumber(field="vat_regime")]
    if regime == "non_eu" and country in EU_COUNTRIES:
        return [NonEuRegimeNeedsNonEuCountry(country=country, field="vat_regime")]
    return []


@dataclass(frozen=True)
class Address:
    """A postal address; ``lines()`` prints it (the country is added outside Belgium)."""

    street: str
    postcode: str
    city: str
    country: str = "BE"
    kind: str = "invoicing"
    label: str = ""

    def lines(self, language: str = "fr") -> list[str]:
        """
        >>> Address("Rue de Fer 12", "5000", "Namur").lines()
        ['Rue de Fer 12', '5000 Namur']
        >>> Address("Kaiserstraße 1", "52062", "Aachen", "DE").lines("fr")
        ['Kaiserstraße 1', '52062 Aachen', 'Allemagne']
        """
        lines = [line for line in self.street.splitlines() if line.strip()]
        lines.append(f"{self.postcode} {self.city}".strip())
        if self.country != "BE":
            lines.append(country_name(self.country, language))
        return lines


@dataclass(frozen=True)
class Contact:
    name: str
    function: str = ""
    email: str = ""
    phone: str = ""
    language: str = ""


def check_email(text: str | None, field: str = "email") -> str:
    value = (text or "").strip()
    if value and not EMAIL.match(value):
        raise InvalidEmail(text, field=field)
    return value


def check_addresses(rows, problems: list) -> tuple[Address, ...]:
    """Addresses as dicts (or Address); empty rows are dropped, each problem names its field."""
    out = []
    for n, row in enumerate(rows, start=1):
        data = row if isinstance(row, dict) else row.__dict__
        street, postcode, city = (str(data.get(k) or "").strip() for k in ("street", "postcode", "city"))
        if not (street or postcode or city):
            continue
        kind = data.get("kind") or "invoicing"
        country = str(data.get("country") or "BE").strip().upper()
        prefix = f"addresses-{n}-"
        before = len(problems)
        if kind not in ADDRESS_KINDS:
            problems.append(InvalidAddressKind(kind, field=prefix + "kind"))
        if not (street and postcode and city):
            problems.append(AddressIncomplete(number=n, field=prefix + ("street" if not street else
                                                                           "postcode" if not postcode else "city")))
        try:
            country = check_country(country, field=prefix + "country")
        except EquisisError as exc:
            problems.append(exc)
        if country == "BE" and postcode and not re.fullmatch(r"[1-9][0-9]{3}", postcode):
            problems.append(InvalidPostcode(postcode, field=prefix + "postcode"))
        if len(problems) == before:
            out.append(Address(street, postcode, city, country, kind, str(data.get("label") or "").strip()))
    return tuple(out)


def check_contacts(rows, problems: list) -> tuple[Contact, ...]:
    out = []
    for n, row in enumerate(rows, start=1):
        data = row if isinstance(row, dict) else row.__dict__
        values = {k: str(data.get(k) or "").strip() for k in ("name", "function", "email", "phone", "language")}
        if not any(values.values()):
            continue
        prefix = f"contacts-{n}-"
        before = len(problems)
        if not values["name"]:
            problems.append(ContactNameRequired(number=n, field=prefix + "name"))
        try:
            values["email"] = check_email(values["email"], prefix + "email")
        except EquisisError as exc:
            problems.append(exc)
        if values["language"] and values["language"] not in LANGUAGES:
            problems.append(InvalidPartyLanguage(values["language"], field=prefix + "language"))
        if len(problems) == before:
            out.append(Contact(**values))
    return tuple(out)


# --------------------------------------------------------------------------- the whole party

@dataclass(frozen=True)
class PartyIdentity:
    """A checked party, ready to save."""

    name: str
    vat_number: str | None
    enterprise_number: str | None
    language: str
    vat_regime: str = "be"
    country: str = "BE"
    payment_terms_days: int = 30
    credit_limit_cents: int | None = None
    peppol_id: str | None = None
    iban: str | None = None
    bic: str | None = None
    email: str | None = None
    phone: str | None = None
    invoice_by_email: bool = False
    notes: str = ""
    addresses: tuple[Address, ...] = field(default=())
    contacts: tuple[Contact, ...] = field(default=())


def _collect(problems: list, check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except ValidationErrors as exc:
        problems.extend(exc.problems)
    except EquisisError as exc:
        problems.append(exc)
    return None


def check_party(name: str, *, vat_number: str | None = None, enterprise_number: str | None = None,
                language: str = "fr", vat_regime: str | None = None, country: str | None = None,
                payment_terms_days: int | None = 30, credit_limit_cents: int | None = None,
                peppol_id: str | None = None, iban: str | None = None, bic: str | None = None,
                email: str | None = None, phone: str | None = None, invoice_by_email: bool = False,
                notes: str | None = "", addresses=(), contacts=()) -> PartyIdentity:
    """Every problem of a party at once (ValidationErrors); a Belgian VAT number gives its enterprise number,
    the enterprise number the default Peppol id (0208:…), the VAT number the default regime and, when no
    country and no invoicing address are given, the country."""
    problems: list[EquisisError] = []
    name = (name or "").strip()
    if not name:
        problems.append(PartyNameRequired(field="name"))
    vat = _collect(problems, check_vat_number, vat_number) if (vat_number or "").strip() else None
    enterprise = (_collect(problems, check_enterprise_number, enterprise_number)
                  if (enterprise_number or "").strip() else None)
    if vat and vat.startswith("BE"):
        if enterprise and enterprise != vat[2:]:
            problems.append(InvalidPartyEnterpriseNumber(
                enterprise_number, check=lazy_gettext(N_("it differs from the VAT number")),
                suggestion=vat[2:], field="enterprise_number"))
        enterprise = enterprise or vat[2:]
    if language not in LANGUAGES:
        problems.append(InvalidPartyLanguage(language, field="language"))
    address_rows = check_addresses(addresses, problems)
    contact_rows = check_contacts(contacts, problems)
    invoicing = next((a for a in address_rows if a.kind == "invoicing"), None)
    if invoicing:
        country = invoicing.country
    elif (country or "").strip():
        country = _collect(problems, check_country, country) or "BE"
    else:  # not given: the VAT number's country, else Belgium
        country = vat_country(vat) if vat_country(vat) in _COUNTRIES else "BE"
    regime = vat_regime or default_regime(vat)
    if not any(p.field == "vat_number" for p in problems):
        problems.extend(check_regime(regime, vat, country))
    terms = 30 if payment_terms_days is None else payment_terms_days
    if not isinstance(terms, int) or isinstance(terms, bool) or not 0 <= terms <= 365:
        problems.append(InvalidPaymentTerms(payment_terms_days, field="payment_terms_days"))
    if credit_limit_cents is not None and credit_limit_cents < 0:
        problems.append(InvalidCreditLimit(credit_limit_cents / 100, field="credit_limit_cents"))
    peppol = (_collect(problems, check_peppol_id, peppol_id) if (peppol_id or "").strip()
              else (default_peppol_id(enterprise) if country == "BE" or (vat or "").startswith("BE") else None))
    iban_value = _collect(problems, check_iban, iban) if (iban or "").strip() else None
    bic_value = _collect(problems, check_bic, bic) if (bic or "").strip() else None
    if iban_value and not bic_value and not (bic or "").strip():
        bic_value = bic_of_iban(iban_value)
    email_value = _collect(problems, check_email, email) or None
    if invoice_by_email and not email_value and not any(p.field == "email" for p in problems):
        problems.append(InvoiceEmailRequired(field="email"))
    if problems:
        raise ValidationErrors(problems)
    return PartyIdentity(name, vat, enterprise, language, regime, country, terms, credit_limit_cents, peppol,
                         iban_value, bic_value, email_value, (phone or "").strip() or None, bool(invoice_by_email),
                         (notes or "").strip(), address_rows, contact_rows)


# --------------------------------------------------------------------------- duplicates

#: Legal forms dropped before comparing names (Belgian, French, Dutch, German, English).
LEGAL_FORMS = frozenset("""
srl sprl sa nv bv bvba sc scrl scri scs snc sca cv cvba cvoa comm commv vof asbl vzw aisbl ivzw
sprlu eurl sarl sas sasu se gmbh ag kg ohg ug ltd llc plc inc corp co cie""".split())


def name_key(name: str) -> str:
    """A name reduced for comparing: no accents, case, punctuation or legal form.

    >>> name_key("Maison Dupont S.R.L.")
    'maison dupont'
    >>> name_key("  MAISON-DUPONT, sprl ")
    'maison dupont'
    >>> name_key("Électricité Gérard BV")
    'electricite gerard'
    """
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)    # s.r.l. -> srl.
    text = re.sub(r"['’.]", "", text)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w]
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def similar_names(a_key: str, b_key: str) -> bool:
    """Equal keys, or nearly equal ones (a typo) with the same numbers ("Client 001" ≠ "Client 002").

    >>> similar_names(name_key("Maison Dupont SRL"), name_key("Maison Dupond"))
    True
    >>> similar_names(name_key("Client 001"), name_key("Client 002"))
    False
    """
    if not a_key or not b_key:
        return False
    if a_key == b_key:
        return True
    if re.findall(r"[0-9]+", a_key) != re.findall(r"[0-9]+", b_key) or min(len(a_key), len(b_key)) < 5:
        return False
    matcher = SequenceMatcher(None, a_key, b_key)
    return matcher.real_quick_ratio() >= 0.9 and matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9
