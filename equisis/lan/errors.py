from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class InvalidPairingCode(EquisisError):
    # One message for a wrong, used or expired code: a guesser learns nothing from it.
    template = N_("Wrong or expired pairing code. Create a new code on the server's Terminals page.")
    status = 401


class InvalidTerminalName(EquisisError):
    template = N_("A terminal name has 1 to {max_length} characters.")


class InvalidInstanceName(EquisisError):
    template = N_("“{value}” cannot be the server's name on the LAN: use 1 to 63 bytes, without dots.")


class NotATerminal(EquisisError):
    template = N_("This token does not belong to a paired terminal.")
    status = 403


class NoLanAddress(EquisisError):
    template = N_("This computer has no LAN address to search from: connect it to the network, "
                  "or name an address with --interface.")


class ServerNotFound(EquisisError):
    template = N_("No Equisis server answered on the LAN within {seconds} seconds.")
    status = 404


class ServerUnreachable(EquisisError):
    template = N_("The server at {url} does not answer: {detail}")
    status = 502


class TerminalRevoked(EquisisError):
    template = N_("This terminal was revoked on the server: pair it again with a new code.")
    status = 401


class UnexpectedAnswer(EquisisError):
    template = N_("The server at {url} answered with an error ({status_code}): {detail}")
    status = 502
