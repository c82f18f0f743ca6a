"""User mistakes as data: EquisisError subclasses carry a translatable message and its values.

A view (or the JSON API) shows ``error.message()`` in the user's language with
a 4xx status; ``field`` names the form field or file line that is wrong.
Bugs are not EquisisErrors: they reach the 500 handler and the log.
"""
from __future__ import annotations

from equisis.core.i18n import N_, gettext, language


class EquisisError(Exception):
    """Base of every user-facing error. ``template`` is an English msgid with {named} values."""

    template = N_("Something is wrong with this request.")
    status = 400

    def __init__(self, *args, field: str | None = None, **params):
        self.field = field
        self.params = params
        if args:
            self.params.setdefault("value", args[0])
        super().__init__(self.message("en"))

    def message(self, locale: str | None = None) -> str:
        if locale is None:
            return gettext(self.template, **self.params)
        with language(locale):  # lazy params (a check, a label) must follow the same language
            return gettext(self.template, **self.params)

    def as_dict(self, locale: str | None = None) -> dict:
        data = {"error": type(self).__name__, "message": self.message(locale)}
        if self.field:
            data["field"] = self.field
        return data


class InvalidAmount(EquisisError):
    template = N_("“{value}” is not an amount; type it like 12,50.")


class NotFound(EquisisError):
    template = N_("{what} was not found.")
    status = 404


class Forbidden(EquisisError):
    template = N_("Your role does not allow this action.")
    status = 403


class ValidationErrors(EquisisError):
    """Several problems found at once (a form, an import): ``problems`` is a list of EquisisErrors."""

    template = N_("{count} problems were found; nothing was saved.")
    status = 422

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(count=len(self.problems))

    def as_dict(self, locale: str | None = None) -> dict:
        data = super().as_dict(locale)
        data["problems"] = [p.as_dict(locale) for p in self.problems]
        return data
