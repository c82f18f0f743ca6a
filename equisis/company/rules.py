"""Checks of a company's identity: Belgian enterprise and VAT numbers, IBAN, postcode.

Each check says which test failed, because "invalid" alone sends a shop owner
back to her papers without a clue:

* enterprise number (KBO/BCE): 10 digits starting with 0 or 1; the last two
  digits are 97 - (first eight digits mod 97) (python-stdnum ``be.vat``);
* VAT number: "BE" followed by the enterprise number of the same company;
* IBAN: country code, length of that country, and the ISO 7064 mod-97 check
  digits (schwifty); a Belgian IBAN is BE + 14 digits.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from schwifty import IBAN
from schwifty import exceptions as iban_errors
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat as be_vat

from equisis.core.dates import FiscalYearSpan, InvalidFiscalYear, parse_date
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import LANGUAGES, N_, gettext, lazy_gettext
from equisis.company.errors import (InvalidChoice, InvalidEnterpriseNumber, InvalidIban, InvalidPostcode,
                                    InvalidVatNumber, PasswordsDiffer, Required)

LEGAL_FORMS = {
    "srl": N_("SRL / BV (private limited company)"),
    "sa": N_("SA / NV (public limited company)"),
    "sc": N_("SC / CV (cooperative company)"),
    "snc": N_("SNC / VOF (general partnership)"),
    "scomm": N_("SComm / CommV (limited partnership)"),
    "asbl": N_("ASBL / VZW (non-profit association)"),
    "person": N_("Sole trader"),
}
VAT_FILINGS = {"monthly": N_("Monthly"), "quarterly": N_("Quarterly")}

_CHECK_DIGITS = N_("the check digits do not match (a typo?)")
_FORMAT = N_("it must have 10 digits and start with 0 or 1")
_LENGTH = N_("it has the wrong number of digits")


def check_enterprise_number(text: str, field_name: str = "enterprise_number") -> str:
    """'0403.170.701' -> '0403170701', or InvalidEnterpriseNumber saying which test failed."""
    try:
        return be_vat.validate(text or "")
    except stdnum_errors.InvalidChecksum:
        raise InvalidEnterpriseNumber(text, check=lazy_gettext(_CHECK_DIGITS), field=field_name) from None
    except stdnum_errors.InvalidLength:
        raise InvalidEnterpriseNumber(text, check=lazy_gettext(_LENGTH), field=field_name) from None
    except stdnum_errors.ValidationError:
        raise InvalidEnterpriseNumber(text, check=lazy_gettext(_FORMAT), field=field_name) from None


def check_vat_number(text: str, enterprise_number: str | None) -> str:
    """'BE 0403.170.701' -> 'BE0403170701'; must be BE + the company's own enterprise number."""
    compact = (text or "").replace(" ", "").replace(".", "").upper()
    if not compact.startswith("BE"):
        raise InvalidVatNumber(text, check=lazy_gettext(N_("a Belgian VAT number starts with BE")), field="vat_number")
    try:
        number = be_vat.validate(compact)
    except stdnum_errors.InvalidChecksum:
        raise InvalidVatNumber(text, check=lazy_gettext(_CHECK_DIGITS), field="vat_number") from None
    except stdnum_errors.ValidationError:
        raise InvalidVatNumber(text, check=lazy_gettext(_FORMAT), field="vat_number") from None
    if enterprise_number and number != enterprise_number:
        raise InvalidVatNumber(text, check=lazy_gettext(N_("it differs from the enterprise number")),
                               field="vat_number")
    return "BE" + number


def check_iban(text: str) -> tuple[str, str | None]:
    """'be68 5390 0754 7034' -> ('BE68539007547034', BIC or None)."""
    try:
        iban = IBAN(text or "")
    except iban_errors.InvalidChecksumDigits:
        raise InvalidIban(text, check=lazy_gettext(_CHECK_DIGITS), field="iban") from None
    except iban_errors.InvalidLength:
        raise InvalidIban(text, check=lazy_gettext(_LENGTH), field="iban") from None
    except iban_errors.InvalidCountryCode:
        raise InvalidIban(text, check=lazy_gettext(N_("the country code is unknown")), field="iban") from None
    except (iban_errors.SchwiftyException, ValueError):
        raise InvalidIban(text, check=lazy_gettext(N_("it contains characters an IBAN cannot have")),
                          field="iban") from None
    bic = str(iban.bic) if iban.bic else None
    return iban.compact, bic


def format_enterprise_number(number: str) -> str:
    """'0403170701' -> '0403.170.701' (the way the KBO/BCE prints it)."""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


@dataclass(frozen=True)
class CompanyIdentity:
    name: str
    legal_form: str
    enterprise_number: str
    vat_number: str | None
    street: str
    postcode: str
    city: str
    country: str
    iban: str
    bic: str | None
    language: str
    vat_filing: str
    fiscal_year: FiscalYearSpan
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    display_name: str
    password: str


@dataclass
class _Collector:
    problems: list = field(default_factory=list)

    def run(self, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except EquisisError as exc:
            self.problems.append(exc)
            return None


def _required(form: dict, name: str, label: str, out: _Collector) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        out.problems.append(Required(label=lazy_gettext(label), field=name))
    return value


def _choice(form: dict, name: str, choices, label: str, out: _Collector, default=None) -> str:
    value = (form.get(name) or default or "").strip()
    if value not in choices:
        out.problems.append(InvalidChoice(value, label=lazy_gettext(label), field=name))
    return value


def parse_company(form: dict) -> CompanyIdentity:
    """Read and check the wizard's company fields; all problems are reported at once."""
    out = _Collector()
    name = _required(form, "name", N_("Company name"), out)
    legal_form = _choice(form, "legal_form", LEGAL_FORMS, N_("Legal form"), out)
    enterprise_text = _required(form, "enterprise_number", N_("Enterprise number"), out)
    enterprise = out.run(check_enterprise_number, enterprise_text) if enterprise_text else None
    vat_text = (form.get("vat_number") or "").strip()
    vat = out.run(check_vat_number, vat_text, enterprise) if vat_text else None
    street = _required(form, "street", N_("Street and number"), out)
    postcode = _required(form, "postcode", N_("Postcode"), out)
    country = (form.get("country") or "BE").strip().upper()
    if postcode and country == "BE" and not re.fullmatch(r"[1-9][0-9]{3}", postcode):
        out.problems.append(InvalidPostcode(postcode, field="postcode"))
    city = _required(form, "city", N_("City"), out)
    iban_text = _required(form, "iban", N_("IBAN"), out)
    iban_bic = out.run(check_iban, iban_text) if iban_text else None
    language = _choice(form, "language", LANGUAGES, N_("Language"), out, default="fr")
    vat_filing = _choice(form, "vat_filing", VAT_FILINGS, N_("VAT return"), out, default="quarterly")
    fiscal_year = None
    start = out.run(parse_date, form.get("fiscal_year_start", ""), field="fiscal_year_start")
    end = out.run(parse_date, form.get("fiscal_year_end", ""), field="fiscal_year_end")
    if start and end:
        try:
            fiscal_year = FiscalYearSpan(start, end)
        except InvalidFiscalYear as exc:
            exc.field = "fiscal_year_end"
            out.problems.append(exc)
    if out.problems:
        raise ValidationErrors(out.problems)
    return CompanyIdentity(
        name=name, legal_form=legal_form, enterprise_number=enterprise, vat_number=vat, street=street,
        postcode=postcode, city=city, country=country, iban=iban_bic[0], bic=iban_bic[1], language=language,
        vat_filing=vat_filing, fiscal_year=fiscal_year, email=(form.get("email") or "").strip(),
        phone=(form.get("phone") or "").strip())


def parse_first_admin(form: dict) -> FirstAdmin:
    from equisis.users import rules as user_rules

    out = _Collector()
    username = out.run(user_rules.check_username, (form.get("admin_username") or "").strip())
    password = out.run(user_rules.check_password, form.get("admin_password") or "")
    if password and form.get("admin_password") != form.get("admin_password_confirm"):
        out.problems.append(PasswordsDiffer(field="password_confirm"))  # prefixed with admin_ below
    for problem in out.problems:
        problem.field = "admin_" + (problem.field or "password")
    if out.problems:
        raise ValidationErrors(out.problems)
    return FirstAdmin(username, (form.get("admin_display_name") or username).strip(), password)


def parse_setup(form: dict) -> tuple[CompanyIdentity, FirstAdmin]:
    """The whole setup wizard: company and administrator, every problem of both reported at once."""
    problems, parsed = [], []
    for parse in (parse_company, parse_first_admin):
        try:
            parsed.append(parse(form))
        except ValidationErrors as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationErrors(problems)
    return parsed[0], parsed[1]


def default_fiscal_year(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


MAIL_SECURITY = {"starttls": "STARTTLS", "ssl": "SSL/TLS", "none": N_("none")}


def parse_mail_settings(form: dict) -> dict:
    """The SMTP settings form as company settings; an empty password keeps the stored one."""
    out = _Collector()
    port = (form.get("mail.port") or "587").strip()
    if not (port.isascii() and port.isdigit() and len(port) <= 5 and 0 < int(port) < 65536):
        out.problems.append(InvalidChoice(port, label=lazy_gettext(N_("Port")), field="mail.port"))
    security = _choice(form, "mail.security", MAIL_SECURITY, N_("Security"), out, default="starttls")
    if out.problems:
        raise ValidationErrors(out.problems)
    values = {"mail.host": (form.get("mail.host") or "").strip(), "mail.port": int(port),
              "mail.security": security, "mail.username": (form.get("mail.username") or "").strip(),
              "mail.sender": (form.get("mail.sender") or "").strip()}
    if form.get("mail.password"):
        values["mail.password"] = form["mail.password"]
    return values
