"""Tables of sales: invoices and credit notes (one table, ``kind``), their lines, their deliveries.

A document is a draft until it is posted; then the row and its lines are frozen
by database triggers (migrations.py). What happens to a posted document later
(printed, sent by e-mail) is recorded in ``sales_delivery``, never on the row.
The customer's name, VAT number, address, language and VAT regime are copied
onto the document when it is saved: a posted invoice prints what was invoiced,
whatever happens to the customer's record afterwards.
"""
import peewee as pw

from equisis.catalog.models import Item
from equisis.ledger.models import Entry
from equisis.parties.models import Party
from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField, DateField


class SalesInvoice(BaseModel):
    kind = pw.CharField(max_length=12, default="invoice")       # invoice | credit_note
    state = pw.CharField(max_length=8, default="draft")         # draft | posted
    number = pw.CharField(max_length=30, null=True, unique=True)  # F2026/00001, NC2026/00001 once posted
    fiscal_year = pw.CharField(max_length=20, null=True)
    sequence_count = pw.IntegerField(null=True)                 # the gapless number within the fiscal year
    date = DateField(index=True)
    due_date = DateField(null=True)
    party = pw.ForeignKeyField(Party, backref="+", on_delete="RESTRICT")
    party_name = pw.CharField(max_length=200)
    party_vat_number = pw.CharField(max_length=20, null=True)
    party_address = pw.TextField(default="")                    # printable lines, one per line
    party_country = pw.CharField(max_length=2, default="BE")
    language = pw.CharField(max_length=2, default="fr")
    vat_regime = pw.CharField(max_length=12, default="be")
    payment_terms_days = pw.IntegerField(default=30)
    credited_invoice = pw.ForeignKeyField("self", null=True, backref="credit_notes", on_delete="RESTRICT")
    customer_reference = pw.CharField(max_length=80, default="")
    notes = pw.TextField(default="")
    ogm = pw.CharField(max_length=12, null=True, unique=True)   # 12 digits of the structured communication
    net_cents = pw.IntegerField(default=0)
    vat_cents = pw.IntegerField(default=0)
    total_cents = pw.IntegerField(default=0)
    cost_cents = pw.IntegerField(default=0)
    entry = pw.ForeignKeyField(Entry, null=True, on_delete="RESTRICT")
    created_at = pw.CharField(max_length=40)
    created_by = pw.CharField(max_length=80, default="")
    updated_at = pw.CharField(max_length=40)
    posted_at = pw.CharField(max_length=40, null=True)
    posted_by = pw.CharField(max_length=80, null=True)

    class Meta:
        table_name = "sales_invoice"
        indexes = ((("state", "kind", "date"), False), (("party", "date"), False))

    @property
    def margin_cents(self) -> int:
        return self.net_cents - self.cost_cents

    @property
    def is_posted(self) -> bool:
        return self.state == "posted"

    def snapshot(self) -> dict:
        data = {f: getattr(self, f) for f in self._meta.sorted_field_names
                if f not in ("id", "party", "credited_invoice", "entry")}
        data.update(party=self.party_id, credited_invoice=self.credited_invoice_id, entry=self.entry_id)
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


class SalesInvoiceLine(BaseModel):
    invoice = pw.ForeignKeyField(SalesInvoice, backref="lines", on_delete="CASCADE")
    position = pw.IntegerField()
    item = pw.ForeignKeyField(Item, null=True, backref="+", on_delete="RESTRICT")
    item_code = pw.CharField(max_length=40, null=True)
    family_code = pw.CharField(max_length=20, null=True)        # the item's family when sold (statistics)
    description = pw.TextField()
    qty_milli = pw.IntegerField()
    unit_price_e4 = pw.IntegerField()
    discount_bp = pw.IntegerField(default=0)
    vat_rate_bp = pw.IntegerField()
    nature = pw.CharField(max_length=10, default="goods")
    income_account = pw.CharField(max_length=10)
    net_cents = pw.IntegerField()
    vat_cents = pw.IntegerField(default=0)                      # the line's share of its rate's VAT
    cost_e4 = pw.IntegerField(null=True)                        # purchase price per sale unit
    cost_cents = pw.IntegerField(default=0)
    is_fee = BooleanField(default=False)                        # an eco-fee line added with an item
    price_source = pw.CharField(max_length=120, default="")     # the price list applied, '' catalog price

    class Meta:
        table_name = "sales_invoice_line"
        indexes = ((("invoice", "position"), True), (("item",), False))

    @property
    def margin_cents(self) -> int:
        return self.net_cents - self.cost_cents


class SalesDelivery(BaseModel):
    """A posted document printed or sent: when, how, to whom, which archived copy."""

    invoice = pw.ForeignKeyField(SalesInvoice, backref="deliveries", on_delete="RESTRICT")
    channel = pw.CharField(max_length=8)                        # email | print
    recipients = pw.CharField(max_length=400, default="")
    message_id = pw.CharField(max_length=200, null=True)
    document_id = pw.IntegerField(null=True)                    # documents.ArchivedDocument id
    at = pw.CharField(max_length=40)
    actor = pw.CharField(max_length=80, default="")

    class Meta:
        table_name = "sales_delivery"
        indexes = ((("invoice", "channel"), False),)


MODELS = [SalesInvoice, SalesInvoiceLine, SalesDelivery]
