"""Tables of the VAT module: the filed returns (append-only)."""
import json

import peewee as pw

from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField


class VatReturn(BaseModel):
    """A filed periodic return: its grids frozen as filed, its XML as exported. Never changed or deleted.

    ``kind`` is ``original`` (one per period) or ``corrective`` (any number, each
    replacing the latest before it); ``corrects`` names the return it replaces
    and ``adjustments_json`` the amounts the user added to the books' grids.
    The XML and PDF are also archived (documents of object type ``vat_return``).
    """

    period = pw.CharField(max_length=8, index=True)  # '2026-03', '2026-Q1'
    start = pw.CharField(max_length=10)
    end = pw.CharField(max_length=10)
    kind = pw.CharField(max_length=12)  # original | corrective
    corrects = pw.ForeignKeyField("self", null=True, on_delete="RESTRICT")
    grids_json = pw.TextField()  # {"03": 100000, ...} cents, every return grid
    adjustments_json = pw.TextField(default="{}")
    reason = pw.CharField(max_length=250, default="")
    replaced_reference = pw.CharField(max_length=40, null=True)  # Intervat reference of the replaced return
    restitution = BooleanField(default=False)
    payment_forms = BooleanField(default=False)
    client_listing_nihil = BooleanField(default=False)
    xml = pw.TextField()
    xml_sha256 = pw.CharField(max_length=64)
    filed_at = pw.CharField(max_length=40)
    filed_by = pw.CharField(max_length=80)

    class Meta:
        table_name = "vat_return"

    @property
    def grids(self) -> dict[str, int]:
        return json.loads(self.grids_json)

    @property
    def adjustments(self) -> dict[str, int]:
        return json.loads(self.adjustments_json)


MODELS = [VatReturn]
