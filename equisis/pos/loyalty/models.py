"""Tables of loyalty cards and sales periods (soldes), prefixed ``pos_loyalty_`` / ``pos_promotion_``.

A card belongs to a customer: ``party_id`` is the parties' id kept as a plain integer. The points and
stamps of a card are the sum of its moves (``pos_loyalty_move``), an append-only ledger: earning,
redeeming and reversing append rows, nothing is ever updated or deleted (database triggers). Tickets
are referred to by their id (``ticket_id``, plain integer: the POS core owns the tickets).
"""
import peewee as pw

from equisis.catalog.models import Family, Item
from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField, DateField


class LoyaltyProgramme(BaseModel):
    """The programme's settings: one row (id 1)."""

    active = BooleanField(default=True)
    points_per_euro_milli = pw.IntegerField(default=1000)      # thousandths of a point per euro (1000: 1/€)
    updated_at = pw.CharField(max_length=40, default="")

    class Meta:
        table_name = "pos_loyalty_programme"

    def snapshot(self) -> dict:
        return {"active": bool(self.active), "points_per_euro_milli": self.points_per_euro_milli}


class LoyaltyStampRule(BaseModel):
    """``stamps_count`` stamps per unit sold of one item, or of one family (sub-families included)."""

    item = pw.ForeignKeyField(Item, null=True, backref="+", on_delete="CASCADE")
    family = pw.ForeignKeyField(Family, null=True, backref="+", on_delete="CASCADE")
    stamps_count = pw.IntegerField(default=1)

    class Meta:
        table_name = "pos_loyalty_stamp_rule"


class LoyaltyReward(BaseModel):
    """Points -> a discount or a voucher of ``value_cents``; stamps -> a free ``item``."""

    name = pw.CharField(max_length=120)
    kind = pw.CharField(max_length=10)                         # discount | voucher | free_item
    cost_points_count = pw.IntegerField(default=0)
    cost_stamps_count = pw.IntegerField(default=0)
    value_cents = pw.IntegerField(default=0)
    item = pw.ForeignKeyField(Item, null=True, backref="+", on_delete="RESTRICT")
    active = BooleanField(default=True)

    class Meta:
        table_name = "pos_loyalty_reward"

    def snapshot(self) -> dict:
        return {"name": self.name, "kind": self.kind, "cost_points_count": self.cost_points_count,
                "cost_stamps_count": self.cost_stamps_count, "value_cents": self.value_cents,
                "item": self.item.code if self.item_id else None, "active": bool(self.active)}


class LoyaltyCard(BaseModel):
    code = pw.CharField(max_length=48, unique=True)
    kind = pw.CharField(max_length=8)                          # ean13 | code128
    party_id = pw.IntegerField(index=True)                     # a parties.Party id, kept as a plain integer
    active = BooleanField(default=True)
    created_at = pw.CharField(max_length=40)

    class Meta:
        table_name = "pos_loyalty_card"

    def snapshot(self) -> dict:
        return {"code": self.code, "kind": self.kind, "party_id": self.party_id, "active": bool(self.active)}


class LoyaltyMove(BaseModel):
    """One line of a card's ledger (append-only): points and stamps earned (+) or spent (-)."""

    card = pw.ForeignKeyField(LoyaltyCard, backref="moves", on_delete="RESTRICT")
    kind = pw.CharField(max_length=10)                         # earn | redeem | reverse
    points_count = pw.IntegerField(default=0)
    stamps_count = pw.IntegerField(default=0)
    ticket_id = pw.IntegerField(null=True, index=True)
    amount_cents = pw.IntegerField(default=0)                  # the ticket amount points were counted on
    reward = pw.ForeignKeyField(LoyaltyReward, null=True, backref="+", on_delete="RESTRICT")
    reward_kind = pw.CharField(max_length=10, null=True)       # what the reward gave, as it was then
    value_cents = pw.IntegerField(null=True)
    free_item_code = pw.CharField(max_length=40, null=True)
    reverses = pw.ForeignKeyField("self", null=True, unique=True, backref="+", on_delete="RESTRICT")
    key = pw.CharField(max_length=80, null=True, unique=True)  # idempotency key of the call
    at = pw.CharField(max_length=40)
    actor = pw.CharField(max_length=80, default="")

    class Meta:
        table_name = "pos_loyalty_move"


class PromotionPeriod(BaseModel):
    """A sales period: runs from ``start_date`` to ``end_date`` (both inclusive) when active."""

    name = pw.CharField(max_length=120)
    start_date = DateField(index=True)
    end_date = DateField(index=True)
    active = BooleanField(default=True)
    created_at = pw.CharField(max_length=40)

    class Meta:
        table_name = "pos_promotion_period"

    def snapshot(self) -> dict:
        return {"name": self.name, "start_date": self.start_date, "end_date": self.end_date,
                "active": bool(self.active)}


class PromotionRule(BaseModel):
    """A % off (``discount_bp``) or a fixed sale price (``sale_price_e4``) on one item or one family."""

    period = pw.ForeignKeyField(PromotionPeriod, backref="rules", on_delete="CASCADE")
    item = pw.ForeignKeyField(Item, null=True, backref="+", on_delete="CASCADE")
    family = pw.ForeignKeyField(Family, null=True, backref="+", on_delete="CASCADE")
    kind = pw.CharField(max_length=10)                         # percent | price
    discount_bp = pw.IntegerField(null=True)
    sale_price_e4 = pw.IntegerField(null=True)

    class Meta:
        table_name = "pos_promotion_rule"
        indexes = ((("item",), False), (("family",), False))

    def snapshot(self) -> dict:
        return {"item": self.item.code if self.item_id else None,
                "family": self.family.code if self.family_id else None, "kind": self.kind,
                "discount_bp": self.discount_bp, "sale_price_e4": self.sale_price_e4}


MODELS = [LoyaltyProgramme, LoyaltyStampRule, LoyaltyReward, LoyaltyCard, LoyaltyMove, PromotionPeriod,
          PromotionRule]
