"""Translations for FR, NL, EN and DE without Flask.

English msgids live in the code; catalogs live in
``equisis/translations/<lang>/LC_MESSAGES/messages.po`` and are compiled to
``.mo`` at install (packaging/build_backend.py). The current language is a
context variable: the web layer sets it per request from the user's choice,
documents set it to the customer's language while they render.

Messages use ``str.format`` placeholders: ``gettext("{count} lines", count=3)``.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
from pathlib import Path

from babel.support import NullTranslations, Translations

LANGUAGES = ("fr", "nl", "en", "de")
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English", "de": "Deutsch"}
DEFAULT_LANGUAGE = "fr"
#: Babel locale used for numbers, dates and money per language (Belgian variants).
BABEL_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_BE", "de": "de_BE"}

CATALOG_DIR = Path(__file__).resolve().parent.parent / "translations"
_current = contextvars.ContextVar("equisis_language", default=DEFAULT_LANGUAGE)


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it now."""
    return message


def normalise_language(code: str | None) -> str:
    """'nl-BE', 'NL', 'nl_be' -> 'nl'; anything unknown -> the default language."""
    if not code:
        return DEFAULT_LANGUAGE
    short = code.replace("_", "-").split("-")[0].lower()
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


@functools.lru_cache(maxsize=None)
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    loaded = Translations.load(str(CATALOG_DIR), [language], domain="messages")
    return loaded


def current_language() -> str:
    return _current.get()


def set_language(language: str | None) -> contextvars.Token:
    return _current.set(normalise_language(language))


def reset_language(token: contextvars.Token) -> None:
    _current.reset(token)


@contextlib.contextmanager
def language(code: str | None):
    """Render within another language: ``with language(customer.language): ...``."""
    token = set_language(code)
    try:
        yield
    finally:
        reset_language(token)


def gettext(message: str, locale: str | None = None, **params) -> str:
    text = translations(normalise_language(locale) if locale else current_language()).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, locale: str | None = None, **params) -> str:
    lang = normalise_language(locale) if locale else current_language()
    text = translations(lang).ngettext(singular, plural, n)
    return text.format(n=n, **params)


class LazyString:
    """A msgid translated when shown (form labels, column titles defined at import time)."""

    __slots__ = ("message", "params")

    def __init__(self, message: str, **params):
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return gettext(self.message, **self.params)

    def __html__(self) -> str:  # Jinja treats it as text to escape, via str()
        from markupsafe import escape

        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"LazyString({self.message!r})"

    def __eq__(self, other):
        return str(self) == str(other)

    def __hash__(self):
        return hash(self.message)


def lazy_gettext(message: str, **params) -> LazyString:
    return LazyString(message, **params)


_ = gettext
