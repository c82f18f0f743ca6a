"""Errors of the parties package, each carrying what its message needs."""
from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class PartyNameRequired(EquisisError):
    template = N_("A party needs a name.")


class InvalidPartyVatNumber(EquisisError):
    template = N_("VAT number “{value}”: {check}.")


class InvalidPartyEnterpriseNumber(EquisisError):
    template = N_("Enterprise number “{value}”: {check}.")


class InvalidPartyLanguage(EquisisError):
    template = N_("“{value}” is not a language Equisis writes documents in (fr, nl, de or en).")


class PartyNotFound(EquisisError):
    template = N_("Party {party_id} does not exist.")
    status = 404
