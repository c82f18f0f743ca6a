"""Checks of a company's identity: each bad input names its field and the test it failed."""
import datetime as dt

import pytest

from equisis.company import rules
from equisis.company.errors import (InvalidChoice, InvalidEnterpriseNumber, InvalidIban, InvalidPostcode,
                                    InvalidVatNumber, PasswordsDiffer, Required)
from equisis.core.dates import FiscalYearSpan, InvalidDate, InvalidFiscalYear
from equisis.core.errors import ValidationErrors
from equisis.users.errors import InvalidUsername, WeakPassword
from tests.factories import ADMIN_FORM, COMPANY_FORM

CHECK_DIGITS = rules._CHECK_DIGITS
FORMAT = rules._FORMAT
LENGTH = rules._LENGTH
STARTS_WITH_BE = "a Belgian VAT number starts with BE"
DIFFERS = "it differs from the enterprise number"
BAD_CHARACTERS = "it contains characters an IBAN cannot have"
UNKNOWN_COUNTRY = "the country code is unknown"


def enterprise(number):
    """An enterprise number alone (no VAT number, whose check would report it a second time)."""
    return {"enterprise_number": number, "vat_number": ""}


def problems_of(**over):
    with pytest.raises(ValidationErrors) as caught:
        rules.parse_company({**COMPANY_FORM, **over})
    return caught.value.problems


def the_problem(**over):
    problems = problems_of(**over)
    assert len(problems) == 1, [(p.field, str(p)) for p in problems]
    return problems[0]


def test_the_factory_form_is_valid():
    identity = rules.parse_company(COMPANY_FORM)
    assert identity.enterprise_number == "0403170701"
    assert identity.vat_number == "BE0403170701"
    assert identity.iban == "BE68539007547034"
    assert identity.fiscal_year == FiscalYearSpan(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize("over, error, field, check", [
    # enterprise number: which test failed
    (enterprise("0403.170.702"), InvalidEnterpriseNumber, "enterprise_number", CHECK_DIGITS),
    (enterprise("0403.170.7O1"), InvalidEnterpriseNumber, "enterprise_number", FORMAT),
    (enterprise("2403.170.701"), InvalidEnterpriseNumber, "enterprise_number", FORMAT),
    (enterprise("0403.170.7"), InvalidEnterpriseNumber, "enterprise_number", LENGTH),
    (enterprise("04031707011"), InvalidEnterpriseNumber, "enterprise_number", LENGTH),
    # VAT number
    ({"vat_number": "BE 0403.170.702"}, InvalidVatNumber, "vat_number", CHECK_DIGITS),
    ({"vat_number": "0403.170.701"}, InvalidVatNumber, "vat_number", STARTS_WITH_BE),
    ({"vat_number": "FR 0403.170.701"}, InvalidVatNumber, "vat_number", STARTS_WITH_BE),
    # a valid VAT number, but another company's
    ({"vat_number": "BE 0202.239.951"}, InvalidVatNumber, "vat_number", DIFFERS),
    ({"vat_number": "BE 2403.170.701"}, InvalidVatNumber, "vat_number", FORMAT),
    # IBAN
    ({"iban": "BE69 5390 0754 7034"}, InvalidIban, "iban", CHECK_DIGITS),
    ({"iban": "BE68 5390 0754 703"}, InvalidIban, "iban", LENGTH),
    ({"iban": "BE68 5390 0754 70344"}, InvalidIban, "iban", LENGTH),
    ({"iban": "BE68 5390 0754 70$4"}, InvalidIban, "iban", BAD_CHARACTERS),
    ({"iban": "BE68 5390 0754 7O34"}, InvalidIban, "iban", BAD_CHARACTERS),
    ({"iban": "XX68 5390 0754 7034"}, InvalidIban, "iban", UNKNOWN_COUNTRY),
])
def test_a_bad_number_names_its_field_and_the_failed_check(over, error, field, check):
    problem = the_problem(**over)
    assert isinstance(problem, error)
    assert problem.field == field
    assert problem.params["check"].message == check
    assert problem.params["value"] == over[field]


@pytest.mark.parametrize("postcode", ["500", "50000", "0999", "01000", "abcd", "5 000", "100²",
                                      "５０００"])
def test_a_belgian_postcode_is_four_digits_from_1000(postcode):
    problem = the_problem(postcode=postcode)
    assert isinstance(problem, InvalidPostcode)
    assert problem.field == "postcode"


@pytest.mark.parametrize("postcode", ["1000", "5000", "9999"])
def test_belgian_postcodes_accepted(postcode):
    assert rules.parse_company({**COMPANY_FORM, "postcode": postcode}).postcode == postcode


def test_a_foreign_postcode_is_not_checked_as_belgian():
    identity = rules.parse_company({**COMPANY_FORM, "country": "nl", "postcode": "1011 AB"})
    assert (identity.country, identity.postcode) == ("NL", "1011 AB")


@pytest.mark.parametrize("over, error, field", [
    ({"fiscal_year_end": "2028-01-31"}, InvalidFiscalYear, "fiscal_year_end"),  # 25 months
    ({"fiscal_year_end": "2025-12-31"}, InvalidFiscalYear, "fiscal_year_end"),  # ends before it starts
    ({"fiscal_year_start": "tomorrow"}, InvalidDate, "fiscal_year_start"),
    ({"fiscal_year_end": "31/02/2026"}, InvalidDate, "fiscal_year_end"),
    ({"fiscal_year_start": ""}, InvalidDate, "fiscal_year_start"),
])
def test_a_bad_fiscal_year_names_its_field(over, error, field):
    problem = the_problem(**over)
    assert isinstance(problem, error)
    assert problem.field == field


def test_a_long_first_fiscal_year_is_accepted():
    identity = rules.parse_company({**COMPANY_FORM, "fiscal_year_start": "01/09/2026",
                                    "fiscal_year_end": "31/12/2027"})
    assert identity.fiscal_year.code == "2026-2027"


@pytest.mark.parametrize("field", ["name", "street", "postcode", "city", "enterprise_number", "iban"])
@pytest.mark.parametrize("blank", ["", "   ", None])
def test_required_fields(field, blank):
    problem = the_problem(**{field: blank}, **({"vat_number": ""} if field == "enterprise_number" else {}))
    assert isinstance(problem, Required)
    assert problem.field == field


@pytest.mark.parametrize("field, value", [
    ("legal_form", "gmbh"), ("legal_form", ""), ("language", "es"), ("vat_filing", "yearly"),
])
def test_choices(field, value):
    problem = the_problem(**{field: value})
    assert isinstance(problem, InvalidChoice)
    assert problem.field == field


def test_optional_fields_have_defaults():
    optional = ("vat_number", "language", "vat_filing", "country", "email")
    identity = rules.parse_company({k: v for k, v in COMPANY_FORM.items() if k not in optional})
    assert [getattr(identity, name) for name in optional] == [None, "fr", "quarterly", "BE", ""]


def test_all_problems_are_reported_at_once():
    problems = problems_of(name="", legal_form="gmbh", enterprise_number="0403.170.702",
                           vat_number="0403.170.701", postcode="999", iban="BE69 5390 0754 7034",
                           language="es", fiscal_year_end="2028-06-30")
    assert sorted(p.field for p in problems) == sorted([
        "name", "legal_form", "enterprise_number", "vat_number", "postcode", "iban", "language",
        "fiscal_year_end"])


def test_validation_errors_as_dict_lists_the_fields():
    with pytest.raises(ValidationErrors) as caught:
        rules.parse_company({**COMPANY_FORM, "iban": "BE69 5390 0754 7034", "postcode": "12"})
    data = caught.value.as_dict("en")
    assert data["message"] == "2 problems were found; nothing was saved."
    assert [p["field"] for p in data["problems"]] == ["postcode", "iban"]
    assert data["problems"][1]["message"].startswith("IBAN “BE69 5390 0754 7034”: ")


@pytest.mark.parametrize("text, compact", [
    ("0403.170.701", "0403170701"), ("0403 170 701", "0403170701"), ("403170701", "0403170701"),
    ("BE0403170701", "0403170701"),
])
def test_check_enterprise_number_compacts(text, compact):
    assert rules.check_enterprise_number(text) == compact


@pytest.mark.parametrize("text", ["BE 0403.170.701", "be0403170701", "BE 0403 170 701"])
def test_check_vat_number_compacts(text):
    assert rules.check_vat_number(text, "0403170701") == "BE0403170701"


def test_check_iban_compacts_and_finds_the_bic():
    assert rules.check_iban("nl91 abna 0417 1643 00") == ("NL91ABNA0417164300", "ABNANL2A")


def test_format_enterprise_number():
    assert rules.format_enterprise_number("0403170701") == "0403.170.701"


# --- the first administrator -------------------------------------------------------------------

def test_parse_first_admin():
    admin = rules.parse_first_admin(ADMIN_FORM)
    assert (admin.username, admin.display_name, admin.password) == \
        ("sophie", "Sophie Lambert", "correct horse")


@pytest.mark.parametrize("over, errors", [
    ({"admin_username": "a b"}, {("admin_username", InvalidUsername)}),
    ({"admin_password": "short", "admin_password_confirm": "short"}, {("admin_password", WeakPassword)}),
    ({"admin_password_confirm": "correct horsf"}, {("admin_password_confirm", PasswordsDiffer)}),
    ({"admin_username": "", "admin_password": "x"},
     {("admin_username", InvalidUsername), ("admin_password", WeakPassword)}),
])
def test_parse_first_admin_problems(over, errors):
    with pytest.raises(ValidationErrors) as caught:
        rules.parse_first_admin({**ADMIN_FORM, **over})
    assert {(p.field, type(p)) for p in caught.value.problems} == errors


def test_default_fiscal_year_is_the_calendar_year():
    assert rules.default_fiscal_year(dt.date(2026, 5, 17)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
