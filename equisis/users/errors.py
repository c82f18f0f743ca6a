from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class InvalidCredentials(EquisisError):
    # Deliberately silent about which of the two was wrong.
    template = N_("Unknown user name or wrong password.")
    status = 401


class InvalidPin(EquisisError):
    template = N_("Wrong PIN.")
    status = 401


class TooManyAttempts(EquisisError):
    template = N_("Too many failed attempts. Wait {minutes} minutes and try again.")
    status = 429


class WeakPassword(EquisisError):
    template = N_("A password needs at least {min_length} characters.")


class InvalidPinFormat(EquisisError):
    template = N_("A PIN is 4 to 6 digits.")


class PinAlreadyUsed(EquisisError):
    template = N_("Another user of this company already has this PIN; choose another.")


class UnknownRole(EquisisError):
    template = N_("“{value}” is not a role; choose one of {roles}.")


class UserExists(EquisisError):
    template = N_("A user “{value}” already exists.")
    status = 409


class UnknownUser(EquisisError):
    template = N_("There is no active user “{value}”.")
    status = 404


class InvalidUsername(EquisisError):
    template = N_("“{value}” cannot be a user name: use 2 to 40 letters, digits, dots, dashes or underscores.")


class InvalidToken(EquisisError):
    template = N_("Missing, unknown or revoked API token.")
    status = 401


class LastAdministrator(EquisisError):
    template = N_("{value} is the last active administrator: make another user administrator first.")
    status = 409
