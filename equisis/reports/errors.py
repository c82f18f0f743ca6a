"""Errors of the reports, each carrying the data its message needs."""
from __future__ import annotations

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class InvalidRange(EquisisError):
    template = N_("The period ends on {end}, before it starts on {start}.")


class UnknownAccount(EquisisError):
    template = N_("There is no account {account}.")
    status = 404


class UnknownJournal(EquisisError):
    template = N_("There is no journal {journal}.")
    status = 404


class UnknownReportKind(EquisisError):
    template = N_("There is no report “{kind}”.")
    status = 404


class UnknownFormat(EquisisError):
    template = N_("Reports are produced as PDF, xlsx or csv, not “{format}”.")
