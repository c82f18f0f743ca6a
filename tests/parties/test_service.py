"""Creating, updating and finding parties in a company database; the upgrade of a released database."""
import pytest

from equisis.core.errors import ValidationErrors
from equisis.parties import service, vies
from equisis.parties.errors import PartyNotFound, PossibleDuplicate
from equisis.parties.migrations import MIGRATIONS
from equisis.parties.models import Party, PartyAddress
from equisis.schema import all_migrations
from equisis.store import CompanyStore
from equisis.store.audit import acting_as
from equisis.store.database import write
from equisis.store.migrate import PackageMigrations
from equisis.store.models import AuditEvent

DUPONT_ADDRESS = {"kind": "invoicing", "street": "Rue de Fer 12", "postcode": "5000", "city": "Namur"}


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
    with pytest.raises(PartyNotFound):
        service.find_party("abc")
    with pytest.raises(ValidationErrors):
        service.create_party("", vat_number="BE0403170702")
    assert Party.select().count() == 0


def test_the_contract_other_modules_rely_on(company):
    party = service.create_party(
        "Maison Dupont SRL", vat_number="BE0403170701", is_customer=True, language="nl",
        payment_terms_days=45, credit_limit_cents=500_000, iban="BE68 5390 0754 7034", bic="GKCCBEBB",
        email="compta@dupont.example", invoice_by_email=True, phone="+32 81 00 00 00", notes="Closed on Monday",
        addresses=[DUPONT_ADDRESS, {"kind": "delivery", "label": "Warehouse", "street": "Zoning Nord 4",
                                    "postcode": "5020", "city": "Suarlée"}],
        contacts=[{"name": "Marie Dupont", "function": "Accounting", "email": "marie@dupont.example",
                   "language": "fr"}],
        categories=["Wholesale", "horeca", "Wholesale "])
    party = service.find_party(party.id)
    assert (party.vat_regime, party.country, party.payment_terms_days, party.credit_limit_cents) == (
        "be", "BE", 45, 500_000)
    assert (party.peppol_id, party.iban, party.bic) == ("0208:0403170701", "BE68539007547034", "GKCCBEBB")
    address = service.invoicing_address(party)
    assert (address.street, address.postcode, address.city, address.country) == ("Rue de Fer 12", "5000", "Namur",
                                                                                  "BE")
    assert address.lines() == ["Rue de Fer 12", "5000 Namur"]
    assert [a.city for a in service.delivery_addresses(party)] == ["Suarlée"]
    assert service.email_for_invoices(party) == "compta@dupont.example"
    assert [c.name for c in service.contacts_of(party)] == ["Marie Dupont"]
    assert service.categories_of(party) == ["Wholesale", "horeca"]
    assert [p.id for p in service.search("dupont", role="customer")] == [party.id]
    assert service.search("dupont", role="supplier") == []
    assert [p.id for p in service.search("0403")] == [party.id]
    with pytest.raises(ValueError):
        service.search("x", role="employee")


def test_without_address_or_email(company):
    party = service.create_party("Jan Peeters")
    assert service.invoicing_address(party) is None
    assert service.delivery_addresses(party) == []
    assert service.email_for_invoices(party) is None
    party = service.create_party("Jan Claes", email="jan@claes.example")  # did not ask for invoices by email
    assert service.email_for_invoices(party) is None


def test_update_keeps_what_is_not_given_and_follows_the_vat_number(company):
    party = service.create_party("Maison Dupont SRL", vat_number="BE0403170701", addresses=[DUPONT_ADDRESS],
                                 categories=["Wholesale"], is_customer=True)
    service.record_vies(party.id, vies.ViesResult("valid", "MAISON DUPONT"))
    updated = service.update_party(party.id, vat_number="BE0202239951", payment_terms_days=60, is_supplier=True)
    assert (updated.vat_number, updated.enterprise_number, updated.peppol_id) == (
        "BE0202239951", "0202239951", "0208:0202239951")
    assert (updated.payment_terms_days, updated.is_customer, updated.is_supplier) == (60, True, True)
    assert updated.vies_status is None                       # another number: the VIES answer is forgotten
    assert service.invoicing_address(updated).city == "Namur"
    assert service.categories_of(updated) == ["Wholesale"]
    service.update_party(party.id, addresses=[], categories=[])
    assert PartyAddress.select().count() == 0
    assert service.categories_of(service.find_party(party.id)) == []
    events = AuditEvent.select().where((AuditEvent.object_type == "party") & (AuditEvent.action == "update"))
    assert events.count() == 3   # VIES, then the two updates
    with pytest.raises(ValidationErrors):
        service.update_party(party.id, vat_regime="eu")
    with pytest.raises(TypeError):
        service.update_party(party.id, colour="red")


def test_regime_follows_the_vat_number_unless_chosen(company):
    party = service.create_party("Dupont SARL", vat_number="FR40303265045", country="FR")
    assert party.vat_regime == "eu"
    party = service.update_party(party.id, vat_number="", vat_regime="be")
    assert (party.vat_number, party.vat_regime) == (None, "be")


def test_duplicates_are_refused_only_when_asked(company):
    first = service.create_party("Maison Dupont SRL", vat_number="BE0403170701")
    with pytest.raises(PossibleDuplicate) as caught:
        service.create_party("Dupont et fils", enterprise_number="0403.170.701", check_duplicates=True)
    assert caught.value.matches == [(first.id, "Maison Dupont SRL", "enterprise_number")]
    assert caught.value.status == 409
    assert caught.value.message("en") == (f"This party may already exist: Maison Dupont SRL (#{first.id}). "
                                          "Check it, or confirm to save it anyway.")
    with pytest.raises(PossibleDuplicate) as caught:
        service.create_party("MAISON DUPONT sprl", check_duplicates=True)
    assert caught.value.as_dict("en")["duplicates"] == [{"id": first.id, "name": "Maison Dupont SRL",
                                                         "reason": "name"}]
    assert Party.select().count() == 1
    second = service.create_party("MAISON DUPONT sprl")  # confirmed by the user
    assert service.duplicates_of("Maison Dupont", exclude_id=second.id) == [(first.id, "Maison Dupont SRL", "name")]
    # an update of the party itself is not a duplicate of itself; a rename close to another one is
    service.update_party(first.id, notes="x", check_duplicates=False)
    other = service.create_party("Atelier Claes BV")
    service.update_party(other.id, name="Atelier Claes", check_duplicates=True)
    with pytest.raises(PossibleDuplicate):
        service.update_party(other.id, name="Maison Dupond", check_duplicates=True)


def test_a_released_database_is_upgraded(tmp_path):
    """A company created with parties migration 1 only keeps its parties and gains the new columns."""
    parties_v1 = PackageMigrations("parties", MIGRATIONS.migrations[:1])
    schema_v1 = [parties_v1 if p.package == "parties" else p for p in all_migrations()]
    folder = tmp_path / "old"
    store = CompanyStore.open(folder, schema_v1, create=True)
    with store.session(), write():
        store.database.execute_sql(
            'INSERT INTO "party" ("name", "vat_number", "enterprise_number", "language", "is_customer", '
            '"is_supplier", "created_at") VALUES (?, ?, ?, ?, ?, ?, ?)',
            ("Maison Dupont SRL", "BE0403170701", "0403170701", "fr", 1, 0, "2026-01-01T00:00:00+00:00"))
    store.close()
    store = CompanyStore.open(folder, all_migrations())
    try:
        with store.session(), acting_as("test"):
            party = Party.get()
            assert (party.name_key, party.vat_regime, party.peppol_id, party.country, party.payment_terms_days) == (
                "maison dupont", "be", "0208:0403170701", "BE", 30)
            service.update_party(party.id, addresses=[DUPONT_ADDRESS])
            assert service.invoicing_address(party).city == "Namur"
            assert service.duplicates_of("Maison Dupont")[0][0] == party.id
    finally:
        store.close()
