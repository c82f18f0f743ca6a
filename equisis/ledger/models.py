"""Tables of the general ledger.

Posted data (``entry``, ``entry_line``) is append-only, enforced by triggers
(see migrations.py). Everything a report reads often is kept up to date in the
posting transaction instead of being recomputed by scanning lines:

=================  ==========================================================
account_balance    debit/credit totals per account × period (trial balance)
partner_balance    the same per partner × account × period (customers' and
                   suppliers' balances)
grid_balance       the same per Belgian VAT grid × period (the VAT return)
open_item          one row per line that can be matched (reconcilable account),
                   with its residual after matches (open items, aged balances)
reconciliation     the matches themselves: debit line, credit line, amount
=================  ==========================================================

``equisis doctor`` recomputes each summary from the lines and must find it equal.
Amounts are integer cents; dates are ISO text (DateField).
"""
import peewee as pw

from equisis.parties.models import Party
from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField, DateField

LANGUAGES = ("fr", "nl", "de", "en")


class Account(BaseModel):
    """An account of the chart. Renamed or blocked freely; never deleted or recoded once it has lines."""

    code = pw.CharField(max_length=10, unique=True)
    kind = pw.CharField(max_length=12)
    name_fr = pw.CharField(max_length=250)
    name_nl = pw.CharField(max_length=250)
    name_de = pw.CharField(max_length=250)
    name_en = pw.CharField(max_length=250)
    reconcilable = BooleanField(default=False)
    postable = BooleanField(default=True)
    is_blocked = BooleanField(default=False)
    is_standard = BooleanField(default=False)  # from the PCMN data file (not added by the user)

    def name(self, language: str) -> str:
        return getattr(self, f"name_{language}", None) or self.name_fr

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self._meta.sorted_field_names if f != "id"}


class AccountGroup(BaseModel):
    """A class or sub-class of the PCMN: every account whose code starts with a prefix in [start, end]."""

    code_start = pw.CharField(max_length=10)
    code_end = pw.CharField(max_length=10, null=True)
    name_fr = pw.CharField(max_length=250)
    name_nl = pw.CharField(max_length=250)
    name_de = pw.CharField(max_length=250)
    name_en = pw.CharField(max_length=250)

    class Meta:
        indexes = ((("code_start", "code_end"), True),)

    def name(self, language: str) -> str:
        return getattr(self, f"name_{language}", None) or self.name_fr


class Journal(BaseModel):
    """A book of entries with its own gapless numbering per fiscal year (VEN/2026/00001)."""

    code = pw.CharField(max_length=8, unique=True)
    kind = pw.CharField(max_length=16)
    name = pw.CharField(max_length=120)
    account = pw.ForeignKeyField(Account, null=True, on_delete="RESTRICT")  # bank and cash journals
    iban = pw.CharField(max_length=34, null=True)
    is_active = BooleanField(default=True)

    def snapshot(self) -> dict:
        return {"code": self.code, "kind": self.kind, "name": self.name, "iban": self.iban,
                "account": self.account.code if self.account_id else None, "is_active": self.is_active}


class FiscalYear(BaseModel):
    code = pw.CharField(max_length=20, unique=True)
    start = DateField(unique=True)
    end = DateField()
    state = pw.CharField(max_length=10, default="open")  # open, closed


class Period(BaseModel):
    """A month of a fiscal year (the first and last may be partial months)."""

    fiscal_year = pw.ForeignKeyField(FiscalYear, backref="periods", on_delete="RESTRICT")
    code = pw.CharField(max_length=7)  # '2026-03'
    start = DateField(index=True)
    end = DateField()
    state = pw.CharField(max_length=10, default="open")  # open, locked
    locked_by = pw.CharField(max_length=10, null=True)  # manual, vat, closing

    class Meta:
        indexes = ((("fiscal_year", "code"), True),)


class Entry(BaseModel):
    """A posted journal entry. Append-only: corrections are reversals (``reversal_of``)."""

    journal = pw.ForeignKeyField(Journal, on_delete="RESTRICT")
    fiscal_year = pw.ForeignKeyField(FiscalYear, on_delete="RESTRICT")
    period = pw.ForeignKeyField(Period, on_delete="RESTRICT")
    number = pw.IntegerField()
    reference = pw.CharField(max_length=40, unique=True)  # 'VEN/2026/00042'
    date = DateField(index=True)
    description = pw.CharField(max_length=250, default="")
    kind = pw.CharField(max_length=16, default="standard")  # standard, reversal, closing, carry_forward
    reversal_of = pw.ForeignKeyField("self", null=True, unique=True, on_delete="RESTRICT")
    source_type = pw.CharField(max_length=60, null=True)
    source_id = pw.CharField(max_length=80, null=True)
    line_count = pw.IntegerField()
    debit_total_cents = pw.IntegerField()
    posted_at = pw.CharField(max_length=40)
    posted_by = pw.CharField(max_length=80)
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64, unique=True)

    class Meta:
        indexes = (
            (("journal", "fiscal_year", "number"), True),
            (("source_type", "source_id"), False),
        )


class EntryLine(BaseModel):
    """One debit or credit of an entry. ``date`` and ``period`` repeat the entry's, for the ledger indexes."""

    entry = pw.ForeignKeyField(Entry, backref="lines", on_delete="RESTRICT")
    line_no = pw.IntegerField()
    account = pw.ForeignKeyField(Account, on_delete="RESTRICT")
    partner = pw.ForeignKeyField(Party, null=True, on_delete="RESTRICT")
    description = pw.CharField(max_length=250, default="")
    debit_cents = pw.IntegerField(default=0)
    credit_cents = pw.IntegerField(default=0)
    due_date = DateField(null=True)
    document_ref = pw.CharField(max_length=80, null=True)
    vat_grids = pw.CharField(max_length=60, default="")  # space-separated grid codes: '81 59'
    opens_item = BooleanField(default=False)  # has an open_item (reconcilable account, not carried forward)
    date = DateField()
    period = pw.ForeignKeyField(Period, on_delete="RESTRICT")

    class Meta:
        indexes = (
            (("entry", "line_no"), True),
            (("account", "date"), False),
            (("partner", "account", "date"), False),
        )


class AccountBalance(BaseModel):
    account = pw.ForeignKeyField(Account, on_delete="RESTRICT")
    period = pw.ForeignKeyField(Period, on_delete="RESTRICT", index=True)
    debit_cents = pw.IntegerField(default=0)
    credit_cents = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("account", "period")


class PartnerBalance(BaseModel):
    partner = pw.ForeignKeyField(Party, on_delete="RESTRICT")
    account = pw.ForeignKeyField(Account, on_delete="RESTRICT")
    period = pw.ForeignKeyField(Period, on_delete="RESTRICT", index=True)
    debit_cents = pw.IntegerField(default=0)
    credit_cents = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("partner", "account", "period")


class GridBalance(BaseModel):
    grid = pw.CharField(max_length=8)
    period = pw.ForeignKeyField(Period, on_delete="RESTRICT", index=True)
    debit_cents = pw.IntegerField(default=0)
    credit_cents = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("grid", "period")


class OpenItem(BaseModel):
    """A matchable line and what remains of it: amount and residual are signed (debit > 0, credit < 0)."""

    line = pw.ForeignKeyField(EntryLine, primary_key=True, on_delete="RESTRICT")
    account = pw.ForeignKeyField(Account, on_delete="RESTRICT")
    partner = pw.ForeignKeyField(Party, null=True, on_delete="RESTRICT")
    date = DateField()
    due_date = DateField(null=True)
    document_ref = pw.CharField(max_length=80, null=True)
    amount_cents = pw.IntegerField()
    residual_cents = pw.IntegerField()

    class Meta:
        indexes = ((("partner", "account"), False),)


class Reconciliation(BaseModel):
    """A match of ``amount_cents`` between a debit line and a credit line of one account and partner.

    ``date`` is when the match takes effect in the books: the later of the two
    lines' dates (a payment of 5 January matched on 1 March settled the invoice on
    5 January). ``group_id`` ties the matches made together. Undoing a match sets
    ``undone_at``/``undone_by`` once; rows are never deleted.
    """

    group_id = pw.IntegerField(index=True)
    debit_line = pw.ForeignKeyField(EntryLine, on_delete="RESTRICT", index=True)
    credit_line = pw.ForeignKeyField(EntryLine, on_delete="RESTRICT", index=True)
    amount_cents = pw.IntegerField()
    date = DateField()
    matched_at = pw.CharField(max_length=40)
    matched_by = pw.CharField(max_length=80)
    undone_at = pw.CharField(max_length=40, null=True)
    undone_by = pw.CharField(max_length=80, null=True)


MODELS = [Account, AccountGroup, Journal, FiscalYear, Period, Entry, EntryLine, AccountBalance,
          PartnerBalance, GridBalance, OpenItem, Reconciliation]
