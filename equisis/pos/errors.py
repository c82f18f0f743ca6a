"""Errors of the till: each says what is wrong and what the cashier can do."""
from __future__ import annotations

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class Conflict(EquisisError):
    status = 409


class UnknownCode(EquisisError):
    template = N_("Nothing is known under the code “{code}”: the line was not added.")
    status = 404


class TerminalNotFound(EquisisError):
    template = N_("Till {terminal} does not exist.")
    status = 404


class TerminalRequired(EquisisError):
    template = N_("Say which till this is (header X-Pos-Terminal), or pair this device as a till.")


class TerminalNameRequired(EquisisError):
    template = N_("A till needs a name.")


class SessionNotFound(EquisisError):
    template = N_("Cash session {session} does not exist.")
    status = 404


class NoOpenSession(EquisisError):
    template = N_("Till {terminal} has no open cash session: open one with a counted float.")
    status = 409


class SessionAlreadyOpen(Conflict):
    template = N_("Till {terminal} already has an open cash session ({session}).")


class SessionClosed(Conflict):
    template = N_("Cash session {session} is already closed.")


class SessionOfOtherTerminal(Conflict):
    template = N_("Cash session {session} belongs to another till.")


class InvalidCount(EquisisError):
    template = N_("“{value}” is not a count of euro notes and coins.")


class InvalidAmount(EquisisError):
    template = N_("“{value}” is not an amount in cents greater than zero.")


class ReasonRequired(EquisisError):
    template = N_("Say why cash goes in or out of the drawer.")


class InvalidDirection(EquisisError):
    template = N_("“{value}” is not a cash movement (in or out).")


class SameController(EquisisError):
    template = N_("The second count must be confirmed by another person than the cashier.")


class NoLines(EquisisError):
    template = N_("A ticket needs at least one line.")


class InvalidQuantity(EquisisError):
    template = N_("Line {line}: “{value}” is not a quantity.")


class InvalidPrice(EquisisError):
    template = N_("Line {line}: “{value}” is not a price.")


class InvalidDiscount(EquisisError):
    template = N_("Line {line}: the discount must lie between 0 and 100 %.")


class InvalidPaymentMethod(EquisisError):
    template = N_("“{value}” is not a way to pay (cash, card, voucher or on account).")


class PaymentShort(EquisisError):
    template = N_("The payments are {short} short of the {due} to pay.")
    status = 422


class CustomerRequired(EquisisError):
    template = N_("Paying on account or asking for an invoice needs a customer.")


class CustomerNotFound(EquisisError):
    template = N_("Customer {customer} does not exist.")
    status = 404


class InvalidUuid(EquisisError):
    template = N_("Every ticket needs a client-made UUID (“{value}” is not one).")


class UuidReused(Conflict):
    template = N_("The UUID {value} was already used for something else.")


class TicketNotFound(EquisisError):
    template = N_("Ticket {ticket} does not exist.")
    status = 404


class RefundTooLarge(EquisisError):
    template = N_("Line {line}: {wanted} returned, but only {left} of {item} is left to return on ticket {ticket}.")
    status = 422


class RefundLineMismatch(EquisisError):
    template = N_("Line {line}: the line returned does not belong to ticket {ticket}.")


class MixedRefund(EquisisError):
    template = N_("A ticket either sells or gives back; ring up the return on its own ticket.")


class RightMissing(EquisisError):
    template = N_("{cashier} may not {action} without a supervisor's PIN.")
    status = 403


class SupervisorNotAllowed(EquisisError):
    template = N_("{supervisor} may not authorise this either.")
    status = 403


class VoucherUnknown(EquisisError):
    template = N_("There is no voucher “{code}”.")
    status = 404


class VoucherExpired(EquisisError):
    template = N_("Voucher {code} expired on {day}.")
    status = 422


class VoucherNotYetValid(EquisisError):
    template = N_("Voucher {code} is valid from {day}.")
    status = 422


class VoucherUsed(EquisisError):
    template = N_("Voucher {code} has already been used.")
    status = 422


class VoucherCancelled(EquisisError):
    template = N_("Voucher {code} was cancelled.")
    status = 422


class VoucherKindMismatch(EquisisError):
    template = N_("Voucher {code} is a discount voucher: apply it to the ticket, it does not pay.")


class VoucherBalanceShort(EquisisError):
    template = N_("Voucher {code} has {balance} left, less than the {wanted} asked.")
    status = 422


class InvalidVoucher(EquisisError):
    template = N_("A voucher needs a kind (gift, discount, credit) and a value or a percentage.")


class ParkedNotFound(EquisisError):
    template = N_("Parked sale {parked} does not exist.")
    status = 404


class ParkedAlreadyResumed(Conflict):
    template = N_("Parked sale {parked} was already taken up by another till.")


class PrintJobNotFound(EquisisError):
    template = N_("Print job {job} does not exist.")
    status = 404


class InvalidPrinter(EquisisError):
    template = N_("“{value}” is not a printer (tcp with host:port, usb with a device path, or none).")


class NothingToInvoice(EquisisError):
    template = N_("{customer} has no ticket on account left to invoice for {month}.")
    status = 422


class InvalidStockMode(EquisisError):
    template = N_("“{value}” is not a stock mode (validation or close).")


class UnknownStockPlace(EquisisError):
    template = N_("There is no warehouse or stock location {code}: the till's goods must leave from one.")


class NotACashJournal(EquisisError):
    template = N_("{journal} is not a cash journal of the ledger: the session close posts in a cash journal.")


class InvoiceNeedsVatNumber(EquisisError):
    template = N_("{customer} has no VAT number: an invoice at the till is for a business customer.")


class RefundNotInvoiced(EquisisError):
    template = N_("A refund is not invoiced at the till: make a credit note in Sales.")


class TicketNotInvoiced(EquisisError):
    template = N_("Ticket {ticket} has no invoice.")
    status = 404


class CounterInvoiceNotFound(EquisisError):
    template = N_("Till invoice {invoice} does not exist.")
    status = 404
