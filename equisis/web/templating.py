"""Jinja set-up: translation callables, money/date filters, CSRF and form keys, navigation."""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask, g

from equisis.core import i18n
from equisis.core.money import format_money, to_cents
from equisis.users.rules import ROLE_LABELS, is_allowed
from equisis.web import security

#: The back-office menu: (endpoint, label, roles). Modules add their entries here.
NAVIGATION = [
    ("shell.dashboard", i18n.N_("Dashboard"), ("*",)),
    ("parties.party_list", i18n.N_("Customers & suppliers"), ("accountant", "sales")),
    ("catalog.items", i18n.N_("Catalog"), ("accountant", "sales", "warehouse")),
    ("sales.invoices", i18n.N_("Sales"), ("accountant", "sales")),
    ("ledger.home", i18n.N_("Accounting"), ("accountant",)),
    ("purchases.invoice_list", i18n.N_("Purchases"), ("accountant",)),
    ("reports.index", i18n.N_("Reports"), ("accountant",)),
    ("vat.overview", i18n.N_("VAT"), ("accountant",)),
    ("stock.home", i18n.N_("Stock"), ("warehouse", "accountant")),
    ("pos.home", i18n.N_("Point of sale"), ("accountant", "cashier", "sales")),
    ("pos_loyalty.cards", i18n.N_("Loyalty & sales periods"), ("sales", "accountant")),
    ("documents.archive", i18n.N_("Documents"), ("accountant",)),
    ("company.audit_log", i18n.N_("Audit log"), ("accountant",)),
    ("users.user_list", i18n.N_("Users"), ("admin",)),
    ("lan.terminals", i18n.N_("Terminals"), ("admin",)),
    ("backup.backups", i18n.N_("Backups"), ("admin",)),
    ("company.settings", i18n.N_("Settings"), ("admin",)),
]

#: Where a ledger entry's source document is shown: source type → (endpoint, id argument). A module
#: whose documents post to the ledger adds its line, so drill-downs (VAT grids, ledger entries) link to it.
SOURCE_ENDPOINTS: dict[str, tuple[str, str]] = {
    "sales_invoice": ("sales.invoice_detail", "invoice_id"),
    "purchase_invoice": ("purchases.invoice_detail", "invoice_id"),
}


def source_url(source_type: str | None, source_id) -> str:
    """The URL of an entry's source document, or '' when no screen shows that kind of source."""
    from flask import url_for
    from werkzeug.routing import BuildError

    target = SOURCE_ENDPOINTS.get(source_type or "")
    if not target or source_id in (None, ""):
        return ""
    try:
        return url_for(target[0], **{target[1]: int(source_id)})
    except (BuildError, ValueError):
        return ""


def _locale() -> str:
    return i18n.BABEL_LOCALES[i18n.current_language()]


def money(cents) -> str:
    return "" if cents is None else format_money(int(cents), _locale())


def euros(amount) -> str:
    """A Decimal amount in euros (a margin, a unit price) as money, rounded to the cent."""
    return "" if amount is None else money(to_cents(amount))


def number(value) -> str:
    """A Decimal (a percentage, a quantity) with the language's decimal separator."""
    return "" if value is None else format_decimal(value, locale=_locale())


def date(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_date(value, "dd/MM/yyyy", locale=_locale())  # Belgian usage in all four languages


def datetime(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo:
        value = value.astimezone()
    return format_datetime(value, "dd/MM/yyyy HH:mm", locale=_locale())


def menu():
    user = g.get("user")
    if user is None:
        return []
    return [(endpoint, label) for endpoint, label, roles in NAVIGATION if is_allowed(user.role, roles)]


def local_path(url: str | None) -> str:
    """The path (and query) of a URL of this site, or '' for anything that would lead elsewhere."""
    from urllib.parse import urlsplit

    from equisis.web.forms import is_local_path

    parts = urlsplit(url or "")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_local_path(path) else ""


def role_choices():
    return [(role, i18n.gettext(label)) for role, label in ROLE_LABELS.items()]


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        _=i18n.gettext, ngettext=i18n.ngettext, csrf_token=security.csrf_token,
        new_form_key=security.new_form_key, languages=i18n.LANGUAGE_NAMES,
        current_language=i18n.current_language, role_labels=ROLE_LABELS, role_choices=role_choices, menu=menu,
        source_url=source_url,
    )
    app.jinja_env.filters.update(money=money, euros=euros, number=number, date=date, datetime=datetime, local_path=local_path)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
