"""Errors of the sales package: each names the line or field that is wrong and what to do."""
from __future__ import annotations

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class NoLines(EquisisError):
    template = N_("An invoice needs at least one line.")


class ZeroQuantity(EquisisError):
    template = N_("Line {line}: the quantity is zero; remove the line or type a quantity.")


class NegativeQuantity(EquisisError):
    template = N_("Line {line}: a negative quantity is not allowed; make a credit note to give back.")


class NegativePriceOnInvoice(EquisisError):
    template = N_("Line {line}: a negative price is not allowed on an invoice; use a credit note.")


class NegativePriceOnCreditNote(EquisisError):
    template = N_("Line {line}: type the price credited as a positive amount.")


class PriceTooPrecise(EquisisError):
    template = N_("Line {line}: the price “{value}” has more than 4 decimals.")


class QuantityTooPrecise(EquisisError):
    template = N_("Line {line}: the quantity “{value}” has more than 3 decimals.")


class InvalidLineNumber(EquisisError):
    template = N_("Line {line}: “{value}” is not a number.")


class InvalidDiscount(EquisisError):
    template = N_("Line {line}: the discount “{value}” must be a percentage between 0 and 100 with at most 2 "
                  "decimals.")


class InvalidLineVatRate(EquisisError):
    template = N_("Line {line}: {value} is not a Belgian VAT rate (21, 12, 6 or 0 %).")


class InvalidLineNature(EquisisError):
    template = N_("Line {line}: the nature must be goods or services.")


class DescriptionRequired(EquisisError):
    template = N_("Line {line}: a line without an item needs a description.")


class PriceRequired(EquisisError):
    template = N_("Line {line}: a line without an item needs a unit price.")


class UnknownItem(EquisisError):
    template = N_("Line {line}: no item has the code, barcode or name “{value}”.")


class UnknownIncomeAccount(EquisisError):
    template = N_("Line {line}: the income account {value} is not in the chart of accounts.")


class CustomerRequired(EquisisError):
    template = N_("Choose the customer.")


class IntraEuWithoutVatNumber(EquisisError):
    template = N_("{customer} is invoiced as an EU business (intra-Community, VAT reverse-charged) but has no "
                  "valid EU VAT number outside Belgium (“{vat_number}”): correct the customer's VAT number or "
                  "VAT regime.")


class InvoiceNotFound(EquisisError):
    template = N_("Invoice {value} was not found.")
    status = 404


class InvoiceNotDraft(EquisisError):
    template = N_("{number} is posted: it can no longer change; make a credit note to correct it.")
    status = 409


class CreditOfCreditNote(EquisisError):
    template = N_("{number} is a credit note: only an invoice can be credited.")


class CreditOfDraft(EquisisError):
    template = N_("Invoice {value} is not posted yet: change the draft instead of crediting it.")


class CreditedInvoiceOtherCustomer(EquisisError):
    template = N_("A credit note is for the customer of the invoice it refers to ({customer}).")


class NothingLeftToCredit(EquisisError):
    template = N_("{number} has been credited in full already.")


class InvalidKind(EquisisError):
    template = N_("“{value}” is not a kind of sales document (invoice or credit note).")


class NoEmailAddress(EquisisError):
    template = N_("{customer} has no e-mail address for invoices: add one to the customer or print the invoice.")


class NotPostedYet(EquisisError):
    template = N_("Post the document first: a draft is not sent to the customer.")
    status = 409


class StatisticsDimension(EquisisError):
    template = N_("“{value}” is not a way to group sales statistics (customer, item, family or month).")


# --------------------------------------------------------------------------- warnings (not refusals)

class CreditExceedsInvoice(EquisisError):
    """A warning: the credit note is saved, the user sees this before posting."""

    template = N_("This credit note ({credit}) is larger than what remains of invoice {number} ({remaining}).")
