"""Errors of the VAT return and the listings, each naming what is wrong and where."""
from __future__ import annotations

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class InvalidVatPeriod(EquisisError):
    template = N_("“{value}” is not a VAT period: type a month like 2026-03 or a quarter like 2026-Q1.")


class WrongPeriodKind(EquisisError):
    """A month asked of a quarterly declarant (this class), or a quarter of a monthly one (MonthExpected)."""

    template = N_("The company files its VAT returns quarterly: declare a quarter like 2026-Q1, not {period}.")


class MonthExpected(WrongPeriodKind):
    template = N_("The company files its VAT returns monthly: declare a month like 2026-03, not {period}.")


class PeriodNotEnded(EquisisError):
    template = N_("Period {period} is not over yet (it ends on {end}): it cannot be filed before.")


class AlreadyFiled(EquisisError):
    template = N_("The VAT return of {period} was already filed on {filed_at}; file a corrective return "
                  "to change it.")
    status = 409


class NoOriginalReturn(EquisisError):
    template = N_("There is no filed return for {period} to correct: file the original return first.")
    status = 409


class ReturnNotFound(EquisisError):
    template = N_("VAT return #{value} was not found.")
    status = 404


class InvalidGrid(EquisisError):
    template = N_("“{value}” is not a grid of the VAT return.")
    status = 404


class Grid91OnlyInDecember(EquisisError):
    template = N_("Grid 91 belongs only to the monthly return of December, not to {period}.")


class NegativeGrid(EquisisError):
    template = N_("Grid {grid} is negative ({amount}) in {period}; Intervat accepts only positive amounts: "
                  "check the documents on that grid or correct it on grids 61/62.")


class InvalidAdjustment(EquisisError):
    template = N_("“{value}” is not an amount for grid {grid}.")


class ReasonRequired(EquisisError):
    template = N_("Say why the return is corrected.")


class InvalidReplacedReference(EquisisError):
    template = N_("“{value}” is not an Intervat reference (like 123456-0403170701-000001).")


class InvalidYear(EquisisError):
    template = N_("“{value}” is not a year (like 2026).")


class CompanyVatNumberMissing(EquisisError):
    template = N_("The company profile has no Belgian VAT number: a VAT return or listing needs one.")


class NothingToList(EquisisError):
    template = N_("No intra-Community supply in {period}: there is no intra-Community listing to file.")
    status = 409


class ListingPartnerProblem(EquisisError):
    template = N_("{party}: {problem}; fix the customer's VAT number before exporting the listing.")


class InvalidXml(EquisisError):
    """A generated export that its Intervat schema refuses: a bug or bad data, never a file."""

    template = N_("The {what} does not match the Intervat schema ({detail}); nothing was written.")
    status = 500
