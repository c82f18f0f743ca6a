"""Tables of purchase invoices and credit notes received.

A document is a draft until posted; posting gives it its internal number (``A2026/00001``,
``AC2026/00001`` for credit notes) and its ledger entry in the same transaction, after which
database triggers freeze the row and its lines (see migrations.py). Amounts are integer cents;
the totals are the tax engine's, stored so lists need no recomputation.
"""
import peewee as pw

from equisis.catalog.models import Item
from equisis.ledger.models import Account, Entry
from equisis.parties.models import Party
from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField, DateField


class PurchaseInvoice(BaseModel):
    kind = pw.CharField(max_length=12, default="invoice")     # invoice | credit_note
    state = pw.CharField(max_length=10, default="draft")      # draft | posted
    number = pw.CharField(max_length=20, null=True, unique=True)
    supplier = pw.ForeignKeyField(Party, on_delete="RESTRICT", index=True)
    supplier_ref = pw.CharField(max_length=60)
    supplier_ref_key = pw.CharField(max_length=60, index=True)  # rules.normalise_reference
    invoice_date = DateField(index=True)
    booking_date = DateField()
    due_date = DateField()
    vat_regime = pw.CharField(max_length=12)                  # the supplier's regime when entered
    import_deferral = BooleanField(default=False)
    credit_of = pw.ForeignKeyField("self", null=True, backref="credit_notes", on_delete="RESTRICT")
    notes = pw.TextField(default="")
    net_cents = pw.IntegerField(default=0)
    vat_cents = pw.IntegerField(default=0)                    # VAT invoiced by the supplier (engine)
    total_cents = pw.IntegerField(default=0)
    deductible_cents = pw.IntegerField(default=0)
    self_assessed_cents = pw.IntegerField(default=0)          # reverse charge: VAT due by us
    printed_vat_cents = pw.IntegerField(null=True)            # the VAT total printed on the supplier's invoice
    entry = pw.ForeignKeyField(Entry, null=True, on_delete="RESTRICT")
    confirmed_warnings = pw.TextField(default="")             # what the user confirmed when posting
    created_at = pw.CharField(max_length=40)
    created_by = pw.CharField(max_length=80)
    updated_at = pw.CharField(max_length=40)
    posted_at = pw.CharField(max_length=40, null=True)
    posted_by = pw.CharField(max_length=80, null=True)

    class Meta:
        table_name = "purchase_invoice"
        indexes = ((("supplier", "invoice_date"), False),)

    @property
    def is_posted(self) -> bool:
        return self.state == "posted"

    @property
    def label(self) -> str:
        return self.number or f"#{self.id} ({self.supplier_ref})"

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self._meta.sorted_field_names
                if f not in ("id", "supplier", "credit_of", "entry")} | {
            "supplier": self.supplier_id, "credit_of": self.credit_of_id, "entry": self.entry_id}


class PurchaseLine(BaseModel):
    invoice = pw.ForeignKeyField(PurchaseInvoice, backref="lines", on_delete="CASCADE")
    position = pw.IntegerField()
    item = pw.ForeignKeyField(Item, null=True, on_delete="RESTRICT")
    description = pw.CharField(max_length=250, default="")
    account = pw.ForeignKeyField(Account, on_delete="RESTRICT")
    qty_milli = pw.IntegerField()
    unit_price_e4 = pw.IntegerField()
    discount_bp = pw.IntegerField(default=0)
    vat_rate_bp = pw.IntegerField()
    purchase_category = pw.CharField(max_length=12)
    deductible_bp = pw.IntegerField(default=10_000)
    net_cents = pw.IntegerField()
    vat_share_cents = pw.IntegerField(default=0)              # its share of the invoiced or self-assessed VAT
    deductible_cents = pw.IntegerField(default=0)

    class Meta:
        table_name = "purchase_line"
        indexes = ((("invoice", "position"), True),)

    def snapshot(self) -> dict:
        return {"position": self.position, "item": self.item_id, "description": self.description,
                "account": self.account_id, "qty_milli": self.qty_milli, "unit_price_e4": self.unit_price_e4,
                "discount_bp": self.discount_bp, "vat_rate_bp": self.vat_rate_bp,
                "purchase_category": self.purchase_category, "deductible_bp": self.deductible_bp}


MODELS = [PurchaseInvoice, PurchaseLine]
