"""Tables of the parties package."""
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

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self._meta.sorted_field_names if f != "id"}


MODELS = [Party]
