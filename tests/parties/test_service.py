"""Creating and finding parties in a company database."""
import pytest

from equisis.core.errors import ValidationErrors
from equisis.parties import service
from equisis.parties.errors import PartyNotFound
from equisis.store.models import AuditEvent


def test_create_find_and_audit(company):
    party = service.create_party("  Maison Dupont SRL ", vat_number="be 0403.170.701", is_customer=True)
    assert (party.name, party.vat_number, party.enterprise_number, party.is_customer, party.is_supplier) == (
        "Maison Dupont SRL", "BE0403170701", "0403170701", True, False)
    assert service.find_party(party.id).name == "Maison Dupont SRL"
    assert service.find_by_vat("BE 0403.170.701").id == party.id
    assert service.find_by_vat("FR40303265045") is None
    assert service.existing_ids([party.id, 999]) == {party.id}
    assert service.names([party.id]) == {party.id: "Maison Dupont SRL"}
    assert AuditEvent.select().where(AuditEvent.object_type == "party").count() == 1


def test_unknown_party_and_bad_input(company):
    with pytest.raises(PartyNotFound):
        service.find_party(42)
    with pytest.raises(ValidationErrors):
        service.create_party("", vat_number="BE0403170702")
