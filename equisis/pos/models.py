"""Tables of the till: terminals, cash sessions and their movements, tickets, vouchers, parked sales,
print jobs and counter invoices. Amounts in cents, quantities in thousandths, prices in e4."""
import peewee as pw

from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField, DateField


class PosTerminal(BaseModel):
    """A till: its name, the paired LAN terminal (if any), its stock place, cash journal and printer."""

    code = pw.CharField(max_length=10, unique=True)            # 'T1': prefix of its ticket numbers
    name = pw.CharField(max_length=80)
    lan_terminal_id = pw.IntegerField(null=True, unique=True)  # equisis.lan Terminal paired as this till
    warehouse = pw.CharField(max_length=40, default="MAIN")     # stock location or warehouse code
    cash_journal = pw.CharField(max_length=8, default="CSH1")
    printer_kind = pw.CharField(max_length=8, default="none")   # tcp | usb | none
    printer_address = pw.CharField(max_length=200, default="")
    printer_timeout_ms = pw.IntegerField(default=3000)
    printer_width_count = pw.IntegerField(default=42)          # characters per line
    cashier_id = pw.IntegerField(null=True)                    # the user signed in with a PIN
    active = BooleanField(default=True)
    created_at = pw.CharField(max_length=40)

    def snapshot(self) -> dict:
        return {"code": self.code, "name": self.name, "lan_terminal_id": self.lan_terminal_id,
                "warehouse": self.warehouse, "cash_journal": self.cash_journal, "printer_kind": self.printer_kind,
                "printer_address": self.printer_address, "printer_timeout_ms": self.printer_timeout_ms,
                "active": self.active}

    class Meta:
        table_name = "pos_terminal"


class CashSession(BaseModel):
    terminal = pw.ForeignKeyField(PosTerminal, backref="sessions", on_delete="RESTRICT")
    state = pw.CharField(max_length=8, default="open", index=True)  # open | closed
    opened_at = pw.CharField(max_length=40)
    opened_by = pw.IntegerField()
    float_cents = pw.IntegerField()
    opening_counts_json = pw.TextField(default="{}")
    closed_at = pw.CharField(max_length=40, null=True)
    closed_by = pw.IntegerField(null=True)
    confirmed_by = pw.IntegerField(null=True)                  # double control: a second person's PIN
    close_day = DateField(null=True)
    counts_json = pw.TextField(default="{}")
    expected_cents = pw.IntegerField(null=True)
    counted_cents = pw.IntegerField(null=True)
    difference_cents = pw.IntegerField(null=True)
    entry_id = pw.IntegerField(null=True)                      # the ledger entry of the close

    class Meta:
        table_name = "pos_session"


class CashMovement(BaseModel):
    session = pw.ForeignKeyField(CashSession, backref="movements", on_delete="RESTRICT")
    direction = pw.CharField(max_length=3)                     # in | out | drawer (opened, no money)
    amount_cents = pw.IntegerField()
    reason = pw.CharField(max_length=200)
    at = pw.CharField(max_length=40)
    user_id = pw.IntegerField()
    supervisor_id = pw.IntegerField(null=True)

    class Meta:
        table_name = "pos_cash_movement"


class Ticket(BaseModel):
    """A validated sale or refund; never changed afterwards (append-only)."""

    uuid = pw.CharField(max_length=64, unique=True)
    terminal = pw.ForeignKeyField(PosTerminal, backref="tickets", on_delete="RESTRICT")
    session = pw.ForeignKeyField(CashSession, backref="tickets", on_delete="RESTRICT")
    year = pw.IntegerField()
    sequence_count = pw.IntegerField()
    number = pw.CharField(max_length=30, unique=True)
    barcode = pw.CharField(max_length=20, unique=True)
    kind = pw.CharField(max_length=8, default="sale")          # sale | refund
    refund_of = pw.ForeignKeyField("self", null=True, backref="refunds", on_delete="RESTRICT")
    customer_id = pw.IntegerField(null=True, index=True)
    vat_regime = pw.CharField(max_length=12, default="be")
    cashier_id = pw.IntegerField()
    supervisor_id = pw.IntegerField(null=True)
    at = pw.CharField(max_length=40)
    day = DateField(index=True)
    language = pw.CharField(max_length=2, default="fr")
    total_cents = pw.IntegerField()                            # lines, VAT included
    net_cents = pw.IntegerField()
    vat_cents = pw.IntegerField()
    price_rounding_cents = pw.IntegerField(default=0)
    rounding_cents = pw.IntegerField(default=0)                # the €0.05 cash rounding line
    to_pay_cents = pw.IntegerField()
    change_cents = pw.IntegerField(default=0)
    discount_cents = pw.IntegerField(default=0)                # discount vouchers
    invoice_requested = BooleanField(default=False)
    card_code = pw.CharField(max_length=48, null=True)
    parked_id = pw.IntegerField(null=True)

    class Meta:
        table_name = "pos_ticket"


class TicketLine(BaseModel):
    ticket = pw.ForeignKeyField(Ticket, backref="lines", on_delete="RESTRICT")
    position = pw.IntegerField()
    kind = pw.CharField(max_length=8, default="item")         # item | voucher (a gift voucher sold)
    item_id = pw.IntegerField(null=True)
    item_code = pw.CharField(max_length=40, default="")
    description = pw.CharField(max_length=200)
    unit = pw.CharField(max_length=10, default="")
    quantity_milli = pw.IntegerField()
    unit_price_e4 = pw.IntegerField()                          # VAT included
    catalog_price_e4 = pw.IntegerField()                       # the catalog's price, VAT included
    discount_bp = pw.IntegerField(default=0)
    allowance_cents = pw.IntegerField(default=0)               # share of the ticket discount
    amount_cents = pw.IntegerField()                           # VAT included, after discounts
    net_cents = pw.IntegerField()
    vat_cents = pw.IntegerField()
    vat_rate_bp = pw.IntegerField()
    vat_grids = pw.CharField(max_length=20, default="")
    income_account = pw.CharField(max_length=10, default="")
    nature = pw.CharField(max_length=10, default="goods")
    refund_of_line = pw.ForeignKeyField("self", null=True, backref="refunded_by", on_delete="RESTRICT")
    voucher_code = pw.CharField(max_length=32, null=True)

    class Meta:
        table_name = "pos_ticket_line"


class TicketPayment(BaseModel):
    ticket = pw.ForeignKeyField(Ticket, backref="payments", on_delete="RESTRICT")
    method = pw.CharField(max_length=8)                        # cash | card | voucher | credit
    amount_cents = pw.IntegerField()                           # applied to the ticket (signed)
    tendered_cents = pw.IntegerField(default=0)
    voucher_code = pw.CharField(max_length=32, null=True)
    party_id = pw.IntegerField(null=True)

    class Meta:
        table_name = "pos_ticket_payment"


class Voucher(BaseModel):
    code = pw.CharField(max_length=32, unique=True)            # its barcode (Code 128)
    kind = pw.CharField(max_length=8)                          # gift | discount | credit
    value_cents = pw.IntegerField(default=0)
    percent_bp = pw.IntegerField(default=0)                    # discount vouchers: a percentage
    valid_from = DateField(null=True)
    valid_to = DateField(null=True)
    party_id = pw.IntegerField(null=True)
    issued_ticket_id = pw.IntegerField(null=True)
    active = BooleanField(default=True)
    created_at = pw.CharField(max_length=40)
    note = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "pos_voucher"


class VoucherUse(BaseModel):
    voucher = pw.ForeignKeyField(Voucher, backref="uses", on_delete="RESTRICT")
    ticket = pw.ForeignKeyField(Ticket, backref="voucher_uses", on_delete="RESTRICT")
    amount_cents = pw.IntegerField()                           # taken from the balance (< 0: given back)
    at = pw.CharField(max_length=40)

    class Meta:
        table_name = "pos_voucher_use"


class ParkedSale(BaseModel):
    uuid = pw.CharField(max_length=64, unique=True)
    terminal = pw.ForeignKeyField(PosTerminal, backref="parked", on_delete="RESTRICT")
    label = pw.CharField(max_length=80, default="")
    customer_id = pw.IntegerField(null=True)
    lines_json = pw.TextField()
    total_cents = pw.IntegerField(default=0)
    state = pw.CharField(max_length=8, default="parked", index=True)  # parked | resumed
    created_at = pw.CharField(max_length=40)
    created_by = pw.IntegerField()
    resumed_at = pw.CharField(max_length=40, null=True)
    resumed_by = pw.IntegerField(null=True)
    resumed_terminal_id = pw.IntegerField(null=True)

    class Meta:
        table_name = "pos_parked_sale"


class PrintJob(BaseModel):
    terminal = pw.ForeignKeyField(PosTerminal, backref="print_jobs", on_delete="RESTRICT")
    kind = pw.CharField(max_length=8)                          # ticket | copy | report | drawer
    ticket_id = pw.IntegerField(null=True)
    session_id = pw.IntegerField(null=True)
    open_drawer = BooleanField(default=False)
    status = pw.CharField(max_length=8, default="queued", index=True)  # queued | printed | failed
    attempts_count = pw.IntegerField(default=0)
    last_error = pw.CharField(max_length=300, default="")
    created_at = pw.CharField(max_length=40)
    printed_at = pw.CharField(max_length=40, null=True)

    class Meta:
        table_name = "pos_print_job"


class CounterInvoice(BaseModel):
    """A summary invoice of a business customer's tickets (no posting of its own): the month's tickets
    (kind "month") or one ticket invoiced at once at the till (kind "ticket"); the customer as invoiced."""

    number = pw.CharField(max_length=30, unique=True)
    year = pw.IntegerField()
    sequence_count = pw.IntegerField()
    party_id = pw.IntegerField(index=True)
    month = pw.CharField(max_length=7)                         # '2026-03'
    day = DateField()
    net_cents = pw.IntegerField()
    vat_cents = pw.IntegerField()
    total_cents = pw.IntegerField()
    created_at = pw.CharField(max_length=40)
    kind = pw.CharField(max_length=8, default="month")          # month | ticket (migration 2)
    language = pw.CharField(max_length=2, default="fr")
    party_name = pw.CharField(max_length=200, default="")
    party_address = pw.TextField(default="")
    party_vat_number = pw.CharField(max_length=20, default="")

    class Meta:
        table_name = "pos_counter_invoice"


class CounterInvoiceTicket(BaseModel):
    invoice = pw.ForeignKeyField(CounterInvoice, backref="tickets", on_delete="RESTRICT")
    ticket = pw.ForeignKeyField(Ticket, unique=True, on_delete="RESTRICT")

    class Meta:
        table_name = "pos_counter_invoice_ticket"


MODELS = [PosTerminal, CashSession, CashMovement, Ticket, TicketLine, TicketPayment, Voucher, VoucherUse,
          ParkedSale, PrintJob, CounterInvoice, CounterInvoiceTicket]

