"""Checks of a party's identity: name, VAT number, enterprise number, language.

VAT numbers are kept compact with their country code ("BE0403170701",
"FR40303265045"). A Belgian one is checked with python-stdnum ``be.vat``
(10 digits, first 0 or 1, mod-97 check on the last two), any other EU one with
``eu.vat`` (each member state's own check digits). The enterprise number of a
Belgian party is its VAT number without "BE"; when only the VAT number is
given, it is derived from it.

    >>> check_vat_number("be 0403.170.701")
    'BE0403170701'
    >>> check_vat_number("FR 40 303 265 045")
    'FR40303265045'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat

from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import LANGUAGES, N_, lazy_gettext
from equisis.parties.errors import (InvalidPartyEnterpriseNumber, InvalidPartyLanguage, InvalidPartyVatNumber,
                                    PartyNameRequired)

_CHECK_DIGITS = N_("the check digits do not match (a typo?)")
_COUNTRY = N_("it must start with the country code (BE, FR, NL…)")
_FORMAT = N_("it does not have the format of that country's VAT numbers")
_ENTERPRISE_FORMAT = N_("it must have 10 digits and start with 0 or 1")


def compact_vat(text: str) -> str:
    """'be 0403.170.701' -> 'BE0403170701' (no check)."""
    return re.sub(r"[\s.\-/]", "", text or "").upper()


def check_vat_number(text: str) -> str:
    """A compact, checked VAT number with its country code, or InvalidPartyVatNumber naming the failure."""
    compact = compact_vat(text)
    if not re.match(r"^[A-Z]{2}", compact):
        raise InvalidPartyVatNumber(text, check=lazy_gettext(_COUNTRY), field="vat_number")
    try:
        if compact.startswith("BE"):
            return "BE" + be_vat.validate(compact)
        return eu_vat.validate(compact)
    except stdnum_errors.InvalidChecksum:
        raise InvalidPartyVatNumber(text, check=lazy_gettext(_CHECK_DIGITS), field="vat_number") from None
    except stdnum_errors.InvalidComponent:
        raise InvalidPartyVatNumber(text, check=lazy_gettext(_COUNTRY), field="vat_number") from None
    except stdnum_errors.ValidationError:
        raise InvalidPartyVatNumber(text, check=lazy_gettext(_FORMAT), field="vat_number") from None


def check_enterprise_number(text: str) -> str:
    """'0403.170.701' -> '0403170701' (Belgian KBO/BCE number, mod-97 checked)."""
    try:
        return be_vat.validate(text or "")
    except stdnum_errors.InvalidChecksum:
        raise InvalidPartyEnterpriseNumber(text, check=lazy_gettext(_CHECK_DIGITS),
                                           field="enterprise_number") from None
    except stdnum_errors.ValidationError:
        raise InvalidPartyEnterpriseNumber(text, check=lazy_gettext(_ENTERPRISE_FORMAT),
                                           field="enterprise_number") from None


@dataclass(frozen=True)
class PartyIdentity:
    name: str
    vat_number: str | None
    enterprise_number: str | None
    language: str


def check_party(name: str, *, vat_number: str | None = None, enterprise_number: str | None = None,
                language: str = "fr") -> PartyIdentity:
    """Every problem of a new party at once (ValidationErrors); a Belgian VAT number gives its enterprise."""
    problems: list[EquisisError] = []
    name = (name or "").strip()
    if not name:
        problems.append(PartyNameRequired(field="name"))
    vat = enterprise = None
    try:
        vat = check_vat_number(vat_number) if (vat_number or "").strip() else None
    except EquisisError as exc:
        problems.append(exc)
    try:
        enterprise = check_enterprise_number(enterprise_number) if (enterprise_number or "").strip() else None
    except EquisisError as exc:
        problems.append(exc)
    if vat and vat.startswith("BE"):
        if enterprise and enterprise != vat[2:]:
            problems.append(InvalidPartyEnterpriseNumber(
                enterprise_number, check=lazy_gettext(N_("it differs from the VAT number")),
                field="enterprise_number"))
        enterprise = enterprise or vat[2:]
    if language not in LANGUAGES:
        problems.append(InvalidPartyLanguage(language, field="language"))
    if problems:
        raise ValidationErrors(problems)
    return PartyIdentity(name, vat, enterprise, language)
