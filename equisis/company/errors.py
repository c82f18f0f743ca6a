from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class Required(EquisisError):
    template = N_("{label} is required.")


class InvalidEnterpriseNumber(EquisisError):
    template = N_("Enterprise number “{value}”: {check}.")


class InvalidVatNumber(EquisisError):
    template = N_("VAT number “{value}”: {check}.")


class InvalidIban(EquisisError):
    template = N_("IBAN “{value}”: {check}.")


class InvalidPostcode(EquisisError):
    template = N_("“{value}” is not a Belgian postcode (four digits, 1000 to 9999).")


class InvalidChoice(EquisisError):
    template = N_("“{value}” is not one of the offered choices for {label}.")


class PasswordsDiffer(EquisisError):
    template = N_("The two passwords differ.")


class SetupAlreadyDone(EquisisError):
    template = N_("This instance already has a company; sign in to it instead.")
    status = 409
