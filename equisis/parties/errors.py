"""Errors of the parties package, each carrying what its message needs."""
from equisis.core.errors import EquisisError
from equisis.core.i18n import N_, gettext, language


class _Suggesting(EquisisError):
    """An error that may carry the corrected form of what was typed (``suggestion=``): said and returned."""

    def message(self, locale: str | None = None) -> str:
        text = super().message(locale)
        suggestion = self.params.get("suggestion")
        if not suggestion:
            return text
        if locale is None:
            return text + " " + gettext(N_("Did you mean {suggestion}?"), suggestion=suggestion)
        with language(locale):
            return text + " " + gettext(N_("Did you mean {suggestion}?"), suggestion=suggestion)

    def as_dict(self, locale: str | None = None) -> dict:
        data = super().as_dict(locale)
        if self.params.get("suggestion"):
            data["suggestion"] = self.params["suggestion"]
        return data


class PartyNameRequired(EquisisError):
    template = N_("A party needs a name.")


class InvalidPartyVatNumber(_Suggesting):
    template = N_("VAT number “{value}”: {check}.")


class InvalidPartyEnterpriseNumber(_Suggesting):
    template = N_("Enterprise number “{value}”: {check}.")


class InvalidPartyLanguage(EquisisError):
    template = N_("“{value}” is not a language Equisis writes documents in (fr, nl, de or en).")


class InvalidIban(_Suggesting):
    template = N_("IBAN “{value}”: {check}.")


class InvalidBic(EquisisError):
    template = N_("BIC “{value}”: {check}.")


class InvalidPeppolId(_Suggesting):
    template = N_("Peppol participant id “{value}”: {check}.")


class InvalidCountry(EquisisError):
    template = N_("“{value}” is not a country code (two letters such as BE, FR, NL).")


class InvalidPostcode(EquisisError):
    template = N_("Postcode “{value}”: a Belgian postcode has 4 digits.")


class InvalidEmail(EquisisError):
    template = N_("“{value}” is not an email address.")


class InvoiceEmailRequired(EquisisError):
    template = N_("Invoices can be sent by email only to a party with an email address.")


class InvalidPaymentTerms(EquisisError):
    template = N_("Payment terms “{value}”: a number of days between 0 and 365.")


class InvalidCreditLimit(EquisisError):
    template = N_("Credit limit “{value}”: an amount of zero or more, such as 5000 or 2500,50.")


class UnknownVatRegime(EquisisError):
    template = N_("“{value}” is not a VAT regime (Belgian, EU, non-EU, exempt or co-contractor).")


class EuRegimeNeedsEuVatNumber(EquisisError):
    template = N_("The EU regime (intra-community, VAT reverse-charged) needs a valid VAT number of another EU "
                  "member state.")


class CocontractorNeedsBelgianVatNumber(EquisisError):
    template = N_("The co-contractor regime (Belgian reverse charge) needs a Belgian VAT number.")


class NonEuRegimeNeedsNonEuCountry(EquisisError):
    template = N_("The non-EU regime (export) needs a country outside the European Union; the country is {country}.")


class InvalidAddressKind(EquisisError):
    template = N_("“{value}” is not a kind of address (invoicing or delivery).")


class AddressIncomplete(EquisisError):
    template = N_("Address {number}: street, postcode and city are all needed.")


class ContactNameRequired(EquisisError):
    template = N_("Contact {number}: a contact needs a name.")


class CategoryNameRequired(EquisisError):
    template = N_("A category needs a name.")


class PossibleDuplicate(EquisisError):
    """A party like this one exists: the screen asks for a confirmation, the API for ``force``."""

    template = N_("This party may already exist: {matches}. Check it, or confirm to save it anyway.")
    status = 409

    def __init__(self, matches, *, field: str | None = None):
        self.matches = list(matches)   # [(party_id, name, reason)]
        super().__init__(matches=", ".join(f"{name} (#{pid})" for pid, name, _ in self.matches), field=field)

    def as_dict(self, locale: str | None = None) -> dict:
        data = super().as_dict(locale)
        data["duplicates"] = [{"id": pid, "name": name, "reason": reason} for pid, name, reason in self.matches]
        return data


class PartyNotFound(EquisisError):
    template = N_("Party {party_id} does not exist.")
    status = 404


class UnknownPartyField(EquisisError):
    template = N_("“{value}” is not a field of a party.")


class InvalidPartyFieldType(EquisisError):
    template = N_("Field “{value}”: expected {expected}.")


class PartyBodyRequired(EquisisError):
    template = N_("Send the party as a JSON object.")
