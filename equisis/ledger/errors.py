"""Errors of the ledger, each carrying the data its message needs.

Posting checks return many of these at once inside a ``ValidationErrors``
(see :func:`equisis.ledger.rules.check_entry`); the line-level ones carry the
1-based ``line`` number and set ``field`` to ``lines-<n>-<column>`` so a form or
an import can point at the cell.
"""
from __future__ import annotations

import datetime as dt

from equisis.core.errors import EquisisError
from equisis.core.i18n import BABEL_LOCALES, N_, current_language


class Amount(int):
    """Cents that show themselves as money in the reader's language: 1234 -> '12,34 €' (fr)."""

    def __str__(self) -> str:
        from equisis.core.money import format_money

        return format_money(int(self), BABEL_LOCALES[current_language()])

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class Day(dt.date):
    """A date that shows itself the Belgian way, 31/12/2026, in every language."""

    @classmethod
    def of(cls, day: dt.date | None):
        return None if day is None else cls(day.year, day.month, day.day)

    def __str__(self) -> str:
        return self.strftime("%d/%m/%Y")

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class LineError(EquisisError):
    """A problem of one line of an entry: ``line`` is 1-based, ``column`` the draft field at fault.

    Subclasses give only ``detail`` ("there is no account {account}"); the
    message puts the line in front ("Line 3: there is no account 999999."), an
    import puts the file's row and column instead.
    """

    template = N_("Line {line}: {detail}.")
    detail = ""
    column = "account"

    def __init__(self, line: int, *, column: str | None = None, **params):
        self.line = line
        self.column = column or type(self).column
        self.detail_params = dict(params)
        super().__init__(field=f"lines-{line}-{self.column}", line=line, detail=Lazy(self.detail, **params),
                         **params)


class Lazy:
    """A msgid rendered when shown, in the language of the message that contains it."""

    def __init__(self, msgid: str, *, strip_period: bool = False, **params):
        self.msgid, self.params, self.strip_period = msgid, params, strip_period

    def __str__(self) -> str:
        from equisis.core.i18n import gettext

        text = gettext(self.msgid, **self.params)
        return text.rstrip(".") if self.strip_period else text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


# --------------------------------------------------------------------------- posting checks

class UnknownJournal(EquisisError):
    template = N_("There is no journal “{journal}”.")


class JournalInactive(EquisisError):
    template = N_("Journal {journal} is closed to new entries.")


class TooFewLines(EquisisError):
    template = N_("An entry needs at least two lines; this one has {count}.")


class EntryNotBalanced(EquisisError):
    """Debits and credits differ: ``difference_cents`` = debits − credits."""

    template = N_("The entry is not balanced: debits {debit} and credits {credit} differ by {difference}.")

    def __init__(self, difference_cents: int, debit_cents: int, credit_cents: int):
        self.difference_cents = difference_cents
        self.debit_cents, self.credit_cents = debit_cents, credit_cents
        super().__init__(field="lines", difference=Amount(abs(difference_cents)), debit=Amount(debit_cents),
                         credit=Amount(credit_cents))


class NoFiscalYear(EquisisError):
    template = N_("No fiscal year covers {date}: create it first.")

    def __init__(self, date: dt.date):
        self.date = date
        super().__init__(field="date", date=Day.of(date))


class FiscalYearClosed(EquisisError):
    template = N_("Fiscal year {fiscal_year} is closed: nothing can be posted on {date}.")

    def __init__(self, fiscal_year: str, date: dt.date):
        self.fiscal_year, self.date = fiscal_year, date
        super().__init__(field="date", fiscal_year=fiscal_year, date=Day.of(date))


class PeriodLocked(EquisisError):
    template = N_("Period {period} is locked: nothing can be posted on {date}.")

    def __init__(self, period: str, date: dt.date):
        self.period, self.date = period, date
        super().__init__(field="date", period=period, date=Day.of(date))


class BeforeLockDate(EquisisError):
    template = N_("The books are locked up to {lock_date} for your role: {date} is too early.")

    def __init__(self, date: dt.date, lock_date: dt.date):
        self.date, self.lock_date = date, lock_date
        super().__init__(field="date", date=Day.of(date), lock_date=Day.of(lock_date))


class EmptyLine(LineError):
    detail = N_("the line has no amount")
    column = "debit"


class NegativeAmount(LineError):
    detail = N_("amounts are never negative; put the amount on the other side")
    column = "debit"


class BothSides(LineError):
    detail = N_("the line has both a debit and a credit; split it into two lines")
    column = "debit"


class AmountNotWhole(LineError):
    detail = N_("amounts are whole cents")
    column = "debit"


class UnknownAccount(LineError):
    detail = N_("there is no account {account}")


class AccountNotPostable(LineError):
    detail = N_("account {account} groups other accounts and cannot be posted to")


class AccountBlocked(LineError):
    detail = N_("account {account} is blocked")


class PartnerRequired(LineError):
    detail = N_("account {account} needs a customer or supplier")
    column = "partner"


class UnknownPartner(LineError):
    detail = N_("there is no party {partner_id}")
    column = "partner"


class DocumentRefRequired(LineError):
    detail = N_("account {account} needs the reference of the document (invoice number)")
    column = "document_ref"


class DueDateRequired(LineError):
    detail = N_("account {account} needs a due date")
    column = "due_date"


class UnknownVatGrid(LineError):
    detail = N_("“{grid}” is not a grid of the Belgian VAT return")
    column = "vat_grids"


# --------------------------------------------------------------------------- entries

class EntryNotFound(EquisisError):
    template = N_("Entry {entry} does not exist.")
    status = 404


class ReversalOfReversal(EquisisError):
    template = N_("Entry {entry} is itself a reversal: post a new entry instead of reversing it.")
    status = 409


class AlreadyReversed(EquisisError):
    template = N_("Entry {entry} was already reversed by {reversal}.")
    status = 409


class YearEndEntry(EquisisError):
    template = N_("Entry {entry} belongs to the year-end closing: reopen the fiscal year instead of reversing it.")
    status = 409


class ReasonRequired(EquisisError):
    template = N_("Give the reason: the audit log keeps it.")


# --------------------------------------------------------------------------- the entry form

class EntryDateRequired(EquisisError):
    template = N_("The entry needs a date.")


class LineInputError(EquisisError):
    """A cell of the entry form that cannot be read, placed on its line: "Line 3: “1O,00” is not an amount…".

    ``problem`` is the parser's error (InvalidAmount, InvalidDate…); its text
    becomes the detail, so the message reads like the posting checks' ones.
    """

    template = LineError.template

    def __init__(self, line: int, column: str, problem: EquisisError):
        self.line, self.column, self.problem = line, column, problem
        super().__init__(field=f"lines-{line}-{column}", line=line,
                         detail=Lazy(problem.template, strip_period=True, **problem.params))


class PartnerNotFound(EquisisError):
    template = N_("no customer or supplier matches “{value}”; pick one from the list")


class PartnerAmbiguous(EquisisError):
    template = N_("several customers or suppliers match “{value}”; pick one from the list")


# --------------------------------------------------------------------------- chart and journals

class InvalidAccountCode(EquisisError):
    template = N_("“{value}” is not an account code: 2 to 10 digits, starting with the class (0 to 7).")


class InvalidAccountKind(EquisisError):
    template = N_("“{value}” is not an account kind.")


class AccountNameRequired(EquisisError):
    template = N_("An account needs a name.")


class AccountExists(EquisisError):
    template = N_("Account {account} already exists.")
    status = 409


class AccountNotFound(EquisisError):
    template = N_("There is no account {account}.")
    status = 404


class AccountInUse(EquisisError):
    template = N_("Account {account} has entries: it can be renamed or blocked, never deleted or recoded.")
    status = 409


class InvalidJournalCode(EquisisError):
    template = N_("“{value}” is not a journal code: 2 to 8 capital letters and digits.")


class JournalExists(EquisisError):
    template = N_("Journal {journal} already exists.")
    status = 409


class JournalNotFound(EquisisError):
    template = N_("There is no journal {journal}.")
    status = 404


class InvalidJournalAccount(EquisisError):
    template = N_("Account {account} cannot hold the money of journal {journal}: a bank journal needs a "
                  "55 account, a cash journal a 57 account.")


# --------------------------------------------------------------------------- fiscal years and periods

class FiscalYearOverlap(EquisisError):
    template = N_("The fiscal year {start} – {end} overlaps fiscal year {other}.")
    status = 409


class FiscalYearGap(EquisisError):
    template = N_("A new fiscal year must start on {expected}, the day after the last one ends.")


class FiscalYearNotFound(EquisisError):
    template = N_("There is no fiscal year {fiscal_year}.")
    status = 404


class FiscalYearNotOpen(EquisisError):
    template = N_("Fiscal year {fiscal_year} is already closed.")
    status = 409


class FiscalYearNotClosed(EquisisError):
    template = N_("Fiscal year {fiscal_year} is not closed.")
    status = 409


class PreviousYearOpen(EquisisError):
    template = N_("Close fiscal year {previous} before fiscal year {fiscal_year}.")
    status = 409


class NextYearClosed(EquisisError):
    template = N_("Fiscal year {following} is closed: reopen it before fiscal year {fiscal_year}.")
    status = 409


class ClosingAccountMissing(EquisisError):
    template = N_("The year-end closing needs account {account}; add it to the chart first.")
    status = 409


class PeriodNotFound(EquisisError):
    template = N_("There is no period {period}.")
    status = 404


class PeriodLockedByVat(EquisisError):
    template = N_("Period {period} is covered by a filed VAT return and stays locked.")
    status = 409


class PeriodLockedByClosing(EquisisError):
    template = N_("Period {period} belongs to a closed fiscal year: reopen the year instead.")
    status = 409


class InvalidLockDate(EquisisError):
    template = N_("The accountant's lock date ({accountant}) cannot be later than everyone's lock date "
                  "({everyone}).")


# --------------------------------------------------------------------------- reconciliation

class LineNotFound(EquisisError):
    template = N_("Entry line {line_id} does not exist.")
    status = 404


class LineNotReconcilable(EquisisError):
    template = N_("The line of {entry} on account {account} is not an open item and cannot be matched.")


class MatchAcrossAccounts(EquisisError):
    template = N_("Only lines of one account and one partner can be matched together.")


class NothingToMatch(EquisisError):
    template = N_("Choose at least one open debit and one open credit to match.")


class MatchNotFound(EquisisError):
    template = N_("Reconciliation {match_id} does not exist or was already undone.")
    status = 404


# --------------------------------------------------------------------------- import

class ImportUnreadable(EquisisError):
    template = N_("The file {name} cannot be read as CSV or Excel ({detail}).")


class ImportMissingColumns(EquisisError):
    template = N_("The file lacks the column(s) {columns}.")


class ImportEmpty(EquisisError):
    template = N_("The file holds no entry lines.")


class ImportCellError(EquisisError):
    """A problem of the import file, placed at its row (as the spreadsheet numbers it) and column.

    ``row`` is a number, or "5-7" for a problem of a whole entry (unbalanced).
    A line problem shows its detail only: "Row 5, column account: there is no account 999999."
    """

    template = N_("Row {row}, column {column}: {problem}.")

    def __init__(self, row, column: str, problem: EquisisError):
        self.row, self.column, self.problem = row, column, problem
        shown = (Lazy(problem.detail, **problem.detail_params) if isinstance(problem, LineError)
                 else Lazy(problem.template, strip_period=True, **problem.params))
        super().__init__(field=f"row-{row}-{column}", row=row, column=column, problem=shown)


class ImportUnknownPartner(EquisisError):
    template = N_("no party has the id or VAT number “{value}”")


class ImportEntryMismatch(EquisisError):
    template = N_("the rows of entry “{entry}” must share one {column}; its first row says “{expected}”")


class ImportTooManyDecimals(EquisisError):
    template = N_("“{value}” has more than two decimals")


class ImportFileRequired(EquisisError):
    template = N_("Choose a CSV or Excel file to import.")


class ImportValueRequired(EquisisError):
    template = N_("a value is required")
