"""The VIES check against a local stand-in: valid, invalid, member state down, timeout, unreachable."""
import datetime as dt

import pytest

from equisis.parties import service, vies
from equisis.parties.models import Party
from equisis.store.models import AuditEvent
from tests.parties.vies_standin import silent_server, unreachable_url, vies_server


def test_valid_number_gives_name_and_address():
    with vies_server() as (url, seen):
        result = vies.check("BE0403170701", base_url=url)
    assert seen == [("/vies/check-vat-number", {"countryCode": "BE", "vatNumber": "0403170701"})]
    assert result == vies.ViesResult("valid", "SRL MAISON DUPONT", "Rue de Fer 12\n5000 Namur",
                                     "2026-03-02T10:00:00.000Z")


def test_undisclosed_address_is_empty_and_unknown_number_invalid():
    with vies_server() as (url, _):
        assert vies.check("FR40303265045", base_url=url).address == ""
        result = vies.check("NL004495445B01", base_url=url)
    assert (result.status, result.name) == ("invalid", "")


def test_member_state_down_is_unavailable_not_invalid():
    with vies_server() as (url, _):
        result = vies.check("BE0202239951", base_url=url)
    assert (result.status, result.detail) == ("unavailable", "MS_UNAVAILABLE")


def test_timeout_is_unavailable():
    with silent_server() as url:
        result = vies.check("BE0403170701", base_url=url, timeout=0.3)
    assert (result.status, result.detail) == ("unavailable", "timeout")


def test_unreachable_and_wrong_path_are_unavailable():
    assert vies.check("BE0403170701", base_url=unreachable_url(), timeout=2).status == "unavailable"
    with vies_server() as (url, _):
        result = vies.check("BE0403170701", base_url=url + "/nowhere")
    assert (result.status, result.detail) == ("unavailable", "HTTP 404")


@pytest.mark.parametrize("case, status", [("valid", "valid"), ("invalid", "invalid"),
                                          ("timeout", "unavailable"), ("unreachable", "unavailable")])
def test_the_answer_is_kept_on_the_party_with_its_date(company, case, status):
    vat = "BE0403170701" if case != "invalid" else "NL004495445B01"
    party = service.create_party("Maison Dupont SRL", vat_number=vat,
                                 country="NL" if case == "invalid" else "BE")
    if case in ("valid", "invalid"):
        with vies_server() as (url, _):
            service.check_vies(party.id, base_url=url)
    elif case == "timeout":
        with silent_server() as url:
            service.check_vies(party.id, base_url=url, timeout=0.3)
    else:
        service.check_vies(party.id, base_url=unreachable_url(), timeout=2)
    party = Party.get_by_id(party.id)
    assert party.vies_status == status
    assert dt.datetime.fromisoformat(party.vies_checked_at).tzinfo is not None
    assert party.vies_name == ("SRL MAISON DUPONT" if case == "valid" else None)
    assert AuditEvent.select().where(AuditEvent.action == "update").count() == 1


def test_a_party_without_eu_vat_number_is_not_checked(company):
    party = service.create_party("Jan Peeters")
    assert service.check_vies(party.id, base_url=unreachable_url()).vies_status is None
