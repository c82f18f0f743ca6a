"""Party identity checks: VAT numbers of Belgium and the EU, enterprise numbers, language."""
import pytest

from equisis.core.errors import ValidationErrors
from equisis.parties import rules
from equisis.parties.errors import (AddressIncomplete, CocontractorNeedsBelgianVatNumber, ContactNameRequired,
                                    EuRegimeNeedsEuVatNumber, InvalidAddressKind, InvalidBic, InvalidCountry,
                                    InvalidCreditLimit, InvalidEmail, InvalidIban, InvalidPartyEnterpriseNumber,
                                    InvalidPartyLanguage, InvalidPartyVatNumber, InvalidPaymentTerms, InvalidPeppolId,
                                    InvalidPostcode, InvoiceEmailRequired, NonEuRegimeNeedsNonEuCountry,
                                    PartyNameRequired, UnknownVatRegime)


@pytest.mark.parametrize("typed, compact", [
    ("BE 0403.170.701", "BE0403170701"),
    ("be0403170701", "BE0403170701"),
    ("FR 40 303 265 045", "FR40303265045"),
    ("NL004495445B01", "NL004495445B01"),
    ("DE 136 695 976", "DE136695976"),
])
def test_valid_vat_numbers_are_kept_compact(typed, compact):
    assert rules.check_vat_number(typed) == compact


@pytest.mark.parametrize("typed, check", [
    ("BE 0403.170.702", "the check digits do not match (a typo?)"),
    ("FR 40 303 265 046", "the check digits do not match (a typo?)"),
    ("BE 12345", "it does not have the format of that country's VAT numbers"),
    ("XX 123456789", "it must start with the country code (BE, FR, NL…)"),
])
def test_invalid_vat_numbers_say_which_check_failed(typed, check):
    with pytest.raises(InvalidPartyVatNumber) as caught:
        rules.check_vat_number(typed)
    assert caught.value.message("en") == f"VAT number “{typed}”: {check}."


def test_a_belgian_vat_number_gives_the_enterprise_number():
    identity = rules.check_party("Maison Dupont", vat_number="BE 0403.170.701", language="nl")
    assert (identity.vat_number, identity.enterprise_number, identity.language) == (
        "BE0403170701", "0403170701", "nl")


def test_every_problem_of_a_party_at_once():
    with pytest.raises(ValidationErrors) as caught:
        rules.check_party(" ", vat_number="BE0403170702", enterprise_number="0202239951", language="es")
    assert [type(p) for p in caught.value.problems] == [PartyNameRequired, InvalidPartyVatNumber,
                                                         InvalidPartyLanguage]
    with pytest.raises(ValidationErrors) as caught:
        rules.check_party("X", vat_number="BE0403170701", enterprise_number="0202.239.951")
    assert [type(p) for p in caught.value.problems] == [InvalidPartyEnterpriseNumber]


# --------------------------------------------------------------------------- corrections suggested

@pytest.mark.parametrize("typed, suggestion", [
    ("0403.170.701", "BE0403170701"),     # a Belgian number without its country code
    ("0403170701", "BE0403170701"),
    ("403170701", "BE0403170701"),        # and an old 9-digit one without its leading 0
])
def test_a_vat_number_without_country_code_suggests_the_corrected_form(typed, suggestion):
    with pytest.raises(InvalidPartyVatNumber) as caught:
        rules.check_vat_number(typed)
    assert caught.value.message("en") == (f"VAT number “{typed}”: it must start with the country code "
                                          f"(BE, FR, NL…). Did you mean {suggestion}?")
    assert caught.value.as_dict("en")["suggestion"] == suggestion
    assert caught.value.field == "vat_number"


def test_no_suggestion_when_the_digits_are_not_a_belgian_number():
    with pytest.raises(InvalidPartyVatNumber) as caught:
        rules.check_vat_number("0403170702")
    assert "Did you mean" not in caught.value.message("en")
    assert "suggestion" not in caught.value.as_dict("en")


@pytest.mark.parametrize("typed, compact", [
    ("BE 403.170.701", "BE0403170701"),   # old 9-digit Belgian number: the leading 0 is added
    ("GR 094259216", "EL094259216"),      # Greece's VAT prefix is EL
    ("CHE-116.281.710 MWST", "CHE116281710MWST"),
    ("GB 980 7806 84", "GB980780684"),
])
def test_obvious_forms_are_corrected(typed, compact):
    assert rules.check_vat_number(typed) == compact


@pytest.mark.parametrize("typed, compact", [("0403.170.701", "0403170701"), ("403170701", "0403170701"),
                                            ("BE0403170701", "0403170701")])
def test_enterprise_numbers(typed, compact):
    assert rules.check_enterprise_number(typed) == compact


@pytest.mark.parametrize("typed, check", [
    ("0403.170.702", "the check digits do not match (a typo?)"),
    ("2403170701", "it must have 10 digits and start with 0 or 1"),
    ("12345", "it must have 10 digits and start with 0 or 1"),
    ("abc", "it must have 10 digits and start with 0 or 1"),
])
def test_invalid_enterprise_numbers_say_which_check_failed(typed, check):
    with pytest.raises(InvalidPartyEnterpriseNumber) as caught:
        rules.check_enterprise_number(typed)
    assert caught.value.message("en") == f"Enterprise number “{typed}”: {check}."


def test_an_enterprise_number_differing_from_the_vat_number_suggests_the_right_one():
    with pytest.raises(ValidationErrors) as caught:
        rules.check_party("X", vat_number="BE0403170701", enterprise_number="0202.239.951")
    problem = caught.value.problems[0]
    assert problem.message("en") == ("Enterprise number “0202.239.951”: it differs from the VAT number. "
                                     "Did you mean 0403170701?")


# --------------------------------------------------------------------------- IBAN, BIC, Peppol

@pytest.mark.parametrize("typed, compact", [("be68 5390 0754 7034", "BE68539007547034"),
                                            ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000")])
def test_valid_ibans(typed, compact):
    assert rules.check_iban(typed) == compact


@pytest.mark.parametrize("typed, check", [
    ("BE68 5390 0754 7035", "the check digits do not match (a typo?)"),
    ("BE68 5390 0754 70", "it does not have the length of that country's IBANs"),
    ("QQ68 5390 0754 7034", "the country code is not one that uses IBANs"),
])
def test_invalid_ibans_say_which_check_failed(typed, check):
    with pytest.raises(InvalidIban) as caught:
        rules.check_iban(typed)
    assert caught.value.message("en") == f"IBAN “{typed}”: {check}."
    assert caught.value.field == "iban"


def test_bic():
    assert rules.check_bic("gkcc be bb") == "GKCCBEBB"
    with pytest.raises(InvalidBic) as caught:
        rules.check_bic("GKCCBE")
    assert caught.value.message("en") == "BIC “GKCCBE”: it must have 8 or 11 characters."


@pytest.mark.parametrize("typed, stored", [
    ("0208:0403170701", "0208:0403170701"), ("0208:0403.170.701", "0208:0403170701"),
    ("9925:BE0403170701", "9925:be0403170701"), ("0088:5412345000013", "0088:5412345000013"),
])
def test_peppol_ids(typed, stored):
    assert rules.check_peppol_id(typed) == stored


@pytest.mark.parametrize("typed, fragment", [
    ("0208:0403170702", "scheme 0208 needs a Belgian enterprise number of 10 digits whose check digits match"),
    ("0208:12345", "scheme 0208 needs a Belgian enterprise number"),
    ("0403170701", "it must read scheme:identifier, such as 0208:0403170701. Did you mean 0208:0403170701?"),
    ("208:0403170701", "it must read scheme:identifier"),
    ("9925:BE0403170702", "scheme 9925 needs a valid Belgian VAT number"),
])
def test_invalid_peppol_ids(typed, fragment):
    with pytest.raises(InvalidPeppolId) as caught:
        rules.check_peppol_id(typed)
    assert fragment in caught.value.message("en")


def test_defaults_peppol_bic_regime():
    identity = rules.check_party("Maison Dupont", vat_number="BE0403170701")
    assert (identity.peppol_id, identity.vat_regime, identity.country) == ("0208:0403170701", "be", "BE")
    french = rules.check_party("Dupont SARL", vat_number="FR40303265045")
    assert (french.vat_regime, french.country, french.peppol_id) == ("eu", "FR", None)
    assert rules.check_party("Dupont SARL", vat_number="EL094259216").country == "GR"
    assert rules.check_party("Jan").vat_regime == "be"
    assert rules.check_party("Jan").peppol_id is None


# --------------------------------------------------------------------------- regimes

def _problems(**kwargs):
    with pytest.raises(ValidationErrors) as caught:
        rules.check_party("Test", **kwargs)
    return [(type(p), p.field) for p in caught.value.problems]


def test_eu_regime_needs_a_valid_eu_vat_number():
    assert _problems(vat_regime="eu") == [(EuRegimeNeedsEuVatNumber, "vat_regime")]
    assert _problems(vat_regime="eu", vat_number="BE0403170701") == [(EuRegimeNeedsEuVatNumber, "vat_regime")]
    assert _problems(vat_regime="eu", vat_number="CHE116281710MWST", country="CH") == [
        (EuRegimeNeedsEuVatNumber, "vat_regime")]
    # an invalid number is reported as such, not twice
    assert _problems(vat_regime="eu", vat_number="FR40303265046", country="FR") == [
        (InvalidPartyVatNumber, "vat_number")]
    assert rules.check_party("X", vat_regime="eu", vat_number="NL004495445B01", country="NL").vat_regime == "eu"


def test_cocontractor_needs_a_belgian_vat_number_and_export_a_country_outside_the_eu():
    assert _problems(vat_regime="cocontractor") == [(CocontractorNeedsBelgianVatNumber, "vat_regime")]
    assert _problems(vat_regime="cocontractor", vat_number="FR40303265045") == [
        (CocontractorNeedsBelgianVatNumber, "vat_regime")]
    assert rules.check_party("X", vat_regime="cocontractor", vat_number="BE0403170701").vat_regime == "cocontractor"
    assert _problems(vat_regime="non_eu", country="FR") == [(NonEuRegimeNeedsNonEuCountry, "vat_regime")]
    assert rules.check_party("X", vat_regime="non_eu", country="CH").vat_regime == "non_eu"
    assert _problems(vat_regime="margin") == [(UnknownVatRegime, "vat_regime")]


def test_eu_regime_message():
    with pytest.raises(ValidationErrors) as caught:
        rules.check_party("X", vat_regime="eu")
    assert caught.value.problems[0].message("en") == (
        "The EU regime (intra-community, VAT reverse-charged) needs a valid VAT number of another EU member state.")


# --------------------------------------------------------------------------- addresses, contacts, others

def test_addresses_and_contacts_are_checked_per_row():
    problems = _problems(addresses=[
        {"kind": "invoicing", "street": "Rue de Fer 12", "postcode": "500", "city": "Namur"},
        {"kind": "delivery", "street": "Rue X 1", "postcode": "", "city": "Liège"},
        {"kind": "elsewhere", "street": "A", "postcode": "1000", "city": "Bruxelles", "country": "ZZ"},
        {"street": "", "postcode": "", "city": ""},   # an empty row is ignored
    ], contacts=[{"name": "", "email": "marie@"}, {"name": "Jan", "language": "es"}])
    assert problems == [(InvalidPostcode, "addresses-1-postcode"), (AddressIncomplete, "addresses-2-postcode"),
                        (InvalidAddressKind, "addresses-3-kind"), (InvalidCountry, "addresses-3-country"),
                        (ContactNameRequired, "contacts-1-name"), (InvalidEmail, "contacts-1-email"),
                        (InvalidPartyLanguage, "contacts-2-language")]


def test_the_invoicing_address_gives_the_country():
    identity = rules.check_party("Dupont SARL", vat_number="FR40303265045", addresses=[
        {"kind": "invoicing", "street": "1 rue de la Paix", "postcode": "75002", "city": "Paris", "country": "fr"}])
    assert identity.country == "FR"
    assert identity.addresses[0].lines("en") == ["1 rue de la Paix", "75002 Paris", "France"]


def test_other_fields():
    assert _problems(payment_terms_days=-1) == [(InvalidPaymentTerms, "payment_terms_days")]
    assert _problems(credit_limit_cents=-100) == [(InvalidCreditLimit, "credit_limit_cents")]
    assert _problems(invoice_by_email=True) == [(InvoiceEmailRequired, "email")]
    assert _problems(email="not an address") == [(InvalidEmail, "email")]
    assert _problems(country="Belgium") == [(InvalidCountry, "country")]
    identity = rules.check_party("X", iban="BE68 5390 0754 7034", email=" a@b.be ", invoice_by_email=True)
    assert (identity.iban, identity.email, identity.invoice_by_email) == ("BE68539007547034", "a@b.be", True)


# --------------------------------------------------------------------------- names for duplicates

@pytest.mark.parametrize("a, b, similar", [
    ("Maison Dupont SRL", "maison dupont", True),
    ("Maison Dupont S.R.L.", "MAISON-DUPONT sprl", True),
    ("Électricité Gérard BV", "Electricite Gerard NV", True),
    ("Textiles Janssens BVBA", "Textiles Janssen", True),        # a typo
    ("Maison Dupont", "Maison Durand", False),
    ("Client 001", "Client 002", False),
    ("SA", "NV", False),                                      # nothing but a legal form: not empty keys
])
def test_similar_names(a, b, similar):
    assert rules.similar_names(rules.name_key(a), rules.name_key(b)) is similar
