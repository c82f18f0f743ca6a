"""Tables of the parties package: parties, their addresses, contacts and categories."""
import peewee as pw

from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField


class Party(BaseModel):
    """A customer, a supplier or both; ledger lines on 400/440 point here."""

    name = pw.CharField(max_length=200)
    vat_number = pw.CharField(max_length=20, null=True, index=True)
    enterprise_number = pw.CharField(max_length=10, null=True, index=True)
    language = pw.CharField(max_length=2, default="fr")
    is_customer = BooleanField(default=False)
    is_supplier = BooleanField(default=False)
    created_at = pw.CharField(max_length=40)
    # migration 2 (issue 4)
    name_key = pw.CharField(max_length=200, default="", index=True)   # rules.name_key: duplicate detection
    vat_regime = pw.CharField(max_length=12, default="be")            # rules.VAT_REGIMES
    country = pw.CharField(max_length=2, default="BE")                # of the invoicing address
    payment_terms_days = pw.IntegerField(default=30)
    credit_limit_cents = pw.IntegerField(null=True)
    peppol_id = pw.CharField(max_length=60, null=True)                # "0208:0403170701"
    iban = pw.CharField(max_length=34, null=True)
    bic = pw.CharField(max_length=11, null=True)
    email = pw.CharField(max_length=200, null=True)
    phone = pw.CharField(max_length=40, null=True)
    invoice_by_email = BooleanField(default=False)
    notes = pw.TextField(default="")
    vies_status = pw.CharField(max_length=12, null=True)             # valid | invalid | unavailable
    vies_checked_at = pw.CharField(max_length=40, null=True)
    vies_name = pw.CharField(max_length=200, null=True)
    vies_address = pw.TextField(null=True)
    vies_detail = pw.CharField(max_length=200, null=True)             # why it was unavailable
    updated_at = pw.CharField(max_length=40, null=True)

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self._meta.sorted_field_names if f != "id"}


class PartyAddress(BaseModel):
    """An address of a party: one invoicing address, any number of delivery addresses."""

    party = pw.ForeignKeyField(Party, backref="addresses", on_delete="CASCADE")
    kind = pw.CharField(max_length=12)          # invoicing | delivery
    label = pw.CharField(max_length=100, default="")
    street = pw.CharField(max_length=300)
    postcode = pw.CharField(max_length=20)
    city = pw.CharField(max_length=100)
    country = pw.CharField(max_length=2, default="BE")
    position = pw.IntegerField(default=0)

    class Meta:
        table_name = "party_address"


class PartyContact(BaseModel):
    """A person at a party: name, function, email, phone, language."""

    party = pw.ForeignKeyField(Party, backref="contacts", on_delete="CASCADE")
    name = pw.CharField(max_length=200)
    function = pw.CharField(max_length=100, default="")
    email = pw.CharField(max_length=200, default="")
    phone = pw.CharField(max_length=40, default="")
    language = pw.CharField(max_length=2, default="")
    position = pw.IntegerField(default=0)

    class Meta:
        table_name = "party_contact"


class PartyCategory(BaseModel):
    """A tag for parties (price lists and statistics use them): "Wholesale", "Horeca"…"""

    name = pw.CharField(max_length=100, unique=True)

    class Meta:
        table_name = "party_category"


class PartyCategoryLink(BaseModel):
    party = pw.ForeignKeyField(Party, backref="category_links", on_delete="CASCADE")
    category = pw.ForeignKeyField(PartyCategory, backref="party_links", on_delete="CASCADE")

    class Meta:
        table_name = "party_category_link"
        indexes = ((("party", "category"), True),)


DETAIL_MODELS = [PartyAddress, PartyContact, PartyCategory, PartyCategoryLink]
MODELS = [Party, *DETAIL_MODELS]
