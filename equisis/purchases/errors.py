"""Errors and warnings of purchase invoices, each carrying the data its message needs.

Line-level problems set ``field`` to ``lines-<n>-<column>`` (1-based ``n``) so the entry form
shows them next to the cell. *Warnings* (a possible duplicate, a cent of VAT rounding, a credit
note larger than its invoice) are EquisisErrors too, for their translated message, but they do
not refuse the document: posting raises :class:`ConfirmationRequired` listing them until the user
confirms (the screen's checkbox, the API's ``force``).
"""
from __future__ import annotations

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class InvoiceNotFound(EquisisError):
    template = N_("Purchase invoice {invoice_id} was not found.")
    status = 404


class SupplierRequired(EquisisError):
    template = N_("Choose the supplier.")


class SupplierReferenceRequired(EquisisError):
    template = N_("Type the supplier's invoice number.")


class InvoiceDateRequired(EquisisError):
    template = N_("Type the date of the supplier's invoice.")


class DueBeforeInvoice(EquisisError):
    template = N_("The due date {due} is before the invoice date {date}.")


class NoLines(EquisisError):
    template = N_("A purchase invoice needs at least one line.")


class LineProblem(EquisisError):
    """A problem on line ``line`` (1-based); subclasses name the column."""

    template = N_("Line {line}: something is wrong.")
    column = "account"

    def __init__(self, line: int, **params):
        super().__init__(field=f"lines-{line}-{params.pop('column', self.column)}", line=line, **params)


class AccountOrItemRequired(LineProblem):
    template = N_("Line {line}: choose an item or an expense account.")


class AccountNotAllowed(LineProblem):
    template = N_("Line {line}: account {account} is neither an expense (class 6) nor an investment (class 2) "
                  "account.")


class AccountUnknown(LineProblem):
    template = N_("Line {line}: there is no account {account}.")


class ItemUnknown(LineProblem):
    template = N_("Line {line}: there is no item {code}.")
    column = "item"


class PriceRequired(LineProblem):
    template = N_("Line {line}: type the unit price.")
    column = "unit_price"


class ZeroQuantity(LineProblem):
    template = N_("Line {line}: the quantity must not be zero.")
    column = "qty"


class NegativeAmount(LineProblem):
    template = N_("Line {line}: a negative quantity or price is not allowed; record a credit note instead.")
    column = "unit_price"


class TooManyDecimals(LineProblem):
    template = N_("Line {line}: “{value}” has more than {decimals} decimals.")
    column = "unit_price"


class NotANumber(LineProblem):
    template = N_("Line {line}: “{value}” is not a number.")
    column = "unit_price"


class InvalidRate(LineProblem):
    template = N_("Line {line}: {value} is not a Belgian VAT rate (21, 12, 6 or 0 %).")
    column = "vat_rate"


class InvalidDiscount(LineProblem):
    template = N_("Line {line}: a discount is between 0 and 100 %.")
    column = "discount"


class InvalidDeductible(LineProblem):
    template = N_("Line {line}: the deductible share of the VAT is between 0 and 100 %.")
    column = "deductible"


class InvalidCategory(LineProblem):
    template = N_("Line {line}: “{value}” is not a purchase category (resale, misc_goods, services, "
                  "investment).")
    column = "category"


class InvalidPrintedVat(EquisisError):
    template = N_("“{value}” is not an amount; type it like 12,50.")


class NotADraft(EquisisError):
    template = N_("Purchase invoice {number} is posted and can no longer change; record a credit note instead.")
    status = 409


class NotPosted(EquisisError):
    template = N_("Only a posted invoice can be credited; post it first.")
    status = 409


class CreditOfCreditNote(EquisisError):
    template = N_("A credit note corrects an invoice, not another credit note.")
    status = 409


class OtherSupplier(EquisisError):
    template = N_("The credit note and the invoice it corrects must have the same supplier.")


class NoFiscalYearFor(EquisisError):
    template = N_("No fiscal year covers {date}: create it first.")


class VatMismatch(EquisisError):
    """The VAT printed on the supplier's invoice differs from ours by more than rounding."""

    template = N_("The supplier's invoice shows {printed} of VAT, the lines give {computed} (difference "
                  "{difference}): check the lines, rates and deductibility, or ask the supplier for a corrected "
                  "invoice.")
    status = 422


# --------------------------------------------------------------------------- warnings

class PossibleDuplicate(EquisisError):
    template = N_("This may be entered twice: {other} from the same supplier has {reason}.")
    status = 409


class VatRounding(EquisisError):
    template = N_("The supplier's invoice shows {printed} of VAT, the lines give {computed}: a rounding "
                  "difference of {difference}; the VAT computed from the lines is what will be booked.")
    status = 409


class CreditExceedsInvoice(EquisisError):
    template = N_("The credit notes on {invoice} ({credited}) would exceed the invoice itself ({total}).")
    status = 409


class ConfirmationRequired(EquisisError):
    """Posting needs the user's confirmation of ``warnings`` (screen: a checkbox; API: ``force``)."""

    template = N_("Please confirm before posting: {details}")
    status = 409

    def __init__(self, warnings):
        self.warnings = list(warnings)
        super().__init__(details=_Joined(self.warnings))

    def as_dict(self, locale: str | None = None) -> dict:
        data = super().as_dict(locale)
        data["warnings"] = [w.as_dict(locale) for w in self.warnings]
        return data


class BookedInNextOpenPeriod(EquisisError):
    template = N_("The invoice date {date} falls in a period already declared (VAT return filed or closed): "
                  "the invoice will be booked on {booking}, in the next open period.")
    field = "booking_date"


class _Joined:
    """The warnings' messages in the reader's language, rendered when the message is."""

    def __init__(self, warnings):
        self.warnings = warnings

    def __str__(self) -> str:
        return " ".join(w.message() for w in self.warnings)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)
