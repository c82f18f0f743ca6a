"""Party identity checks: VAT numbers of Belgium and the EU, enterprise numbers, language."""
import pytest

from equisis.core.errors import ValidationErrors
from equisis.parties import rules
from equisis.parties.errors import (InvalidPartyEnterpriseNumber, InvalidPartyLanguage, InvalidPartyVatNumber,
                                    PartyNameRequired)


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
    ("0403.170.701", "it must start with the country code (BE, FR, NL…)"),
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
