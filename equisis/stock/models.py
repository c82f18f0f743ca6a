"""Tables of the stock.

* places: :class:`Warehouse` and its :class:`Location` rows (aisle / row / column / bin);
* the move ledger :class:`Move` - append-only (database triggers) - and the current quantity per
  item × location × lot (:class:`Quantity`), updated in the same transaction;
* lots and serial numbers (:class:`Lot`), the per-item stock settings (:class:`ItemStock`) and the
  per-warehouse minimum/maximum and default location (:class:`ItemWarehouse`);
* valuation, derived from the moves and recomputable per item: :class:`MoveValue`, :class:`Layer`,
  :class:`ItemValue` (the current totals) and :class:`ItemMonth` / :class:`WarehouseMonth` (changes per
  month, so a value at a date never rescans the whole history);
* inventories: :class:`Inventory` and :class:`InventoryCount`.

``lot_id`` in :class:`Quantity` is 0 for stock without lot (a plain integer so that the item × location
× lot key is unique without NULLs).
"""
import peewee as pw

from equisis.catalog.models import Family, Item
from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField, DateField


class Warehouse(BaseModel):
    code = pw.CharField(max_length=40, unique=True)
    name = pw.CharField(max_length=120)
    active = BooleanField(default=True)


class Location(BaseModel):
    """A place in a warehouse; ``code`` is unique in the company (it is what a location label's barcode reads)."""

    warehouse = pw.ForeignKeyField(Warehouse, backref="locations", on_delete="RESTRICT")
    code = pw.CharField(max_length=40, unique=True)
    aisle = pw.CharField(max_length=10, default="")
    row = pw.CharField(max_length=10, default="")
    column = pw.CharField(max_length=10, default="")
    bin = pw.CharField(max_length=10, default="")
    is_main = BooleanField(default=False)      # the warehouse's own location (stock without a place)
    active = BooleanField(default=True)


class ItemStock(BaseModel):
    """How the stock follows an item: lot / serial tracking, expiry, a valuation method of its own."""

    item = pw.ForeignKeyField(Item, unique=True, backref="+", on_delete="CASCADE")
    tracking = pw.CharField(max_length=8, default="none")       # none | lot | serial
    expiry_required = BooleanField(default=False)
    valuation_method = pw.CharField(max_length=8, null=True)      # None: the company's method


class ItemWarehouse(BaseModel):
    item = pw.ForeignKeyField(Item, backref="+", on_delete="CASCADE")
    warehouse = pw.ForeignKeyField(Warehouse, backref="+", on_delete="CASCADE")
    default_location = pw.ForeignKeyField(Location, null=True, backref="+", on_delete="SET NULL")
    min_qty_milli = pw.IntegerField(default=0)
    max_qty_milli = pw.IntegerField(default=0)                   # 0: no maximum

    class Meta:
        indexes = ((("item", "warehouse"), True),)


class Lot(BaseModel):
    """A lot (with its expiry date) or a serial number of one item."""

    item = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    code = pw.CharField(max_length=40)
    is_serial = BooleanField(default=False)
    expiry = DateField(null=True)
    created_at = pw.CharField(max_length=40)

    class Meta:
        indexes = ((("item", "code"), True),)


class Move(BaseModel):
    """One movement of stock, never edited nor deleted; ``from``/``to`` empty means outside the company.

    ``qty_milli`` is in the item's stock unit and always positive (a revaluation moves no quantity);
    ``entered_qty_milli``/``entered_unit`` keep what the document said (a box of 12). ``cost_cents`` is the
    value the document gives an incoming move (a purchase), or the change of a revaluation; values of
    other moves are derived (:class:`MoveValue`). ``source_key`` makes a retried document idempotent.
    """

    kind = pw.CharField(max_length=16)
    day = DateField(index=True)
    at = pw.CharField(max_length=40)
    item = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    qty_milli = pw.IntegerField()
    entered_qty_milli = pw.IntegerField()
    entered_unit = pw.CharField(max_length=10)
    from_location = pw.ForeignKeyField(Location, null=True, backref="+", on_delete="RESTRICT")
    to_location = pw.ForeignKeyField(Location, null=True, backref="+", on_delete="RESTRICT")
    lot = pw.ForeignKeyField(Lot, null=True, backref="moves", on_delete="RESTRICT")
    cost_cents = pw.IntegerField(null=True)
    kit_item = pw.ForeignKeyField(Item, null=True, backref="+", on_delete="RESTRICT")
    doc_type = pw.CharField(max_length=30, default="")
    doc_id = pw.CharField(max_length=40, default="")
    doc_line = pw.IntegerField(default=0)
    source_key = pw.CharField(max_length=120, null=True, unique=True)
    party_id = pw.IntegerField(null=True)                  # the customer or supplier (parties.Party id)
    reason = pw.CharField(max_length=200, default="")
    actor = pw.CharField(max_length=80)

    class Meta:
        indexes = ((("item", "day"), False), (("doc_type", "doc_id"), False))


class Quantity(BaseModel):
    """What a location holds of an item (and lot) now: the sum of the moves, kept up to date."""

    item = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    location = pw.ForeignKeyField(Location, backref="+", on_delete="RESTRICT")
    lot_id = pw.IntegerField(default=0)
    qty_milli = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("item", "location", "lot_id"), True), (("location",), False))


class MoveValue(BaseModel):
    """The value a move brought in (> 0) or took out (< 0) of the stock, by the item's valuation method."""

    move = pw.ForeignKeyField(Move, primary_key=True, backref="+", on_delete="RESTRICT")
    item = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    day = DateField()
    value_cents = pw.IntegerField()

    class Meta:
        indexes = ((("item", "day"), False),)


class Layer(BaseModel):
    item = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    ref = pw.IntegerField()                     # the move that opened it (0: a negative layer without one)
    qty_milli = pw.IntegerField()
    value_cents = pw.IntegerField()

    class Meta:
        indexes = ((("item", "ref"), False),)


class ItemValue(BaseModel):
    """An item's stock now: quantity, value, the method its layers follow, the last unit cost, last day."""

    item = pw.ForeignKeyField(Item, primary_key=True, backref="+", on_delete="RESTRICT")
    method = pw.CharField(max_length=8)
    qty_milli = pw.IntegerField(default=0)
    value_cents = pw.IntegerField(default=0)
    last_cost_e4 = pw.IntegerField(default=0)
    last_day = DateField(null=True)


class ItemMonth(BaseModel):
    """The change of an item's quantity and value during one month ('2026-03')."""

    item = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    month = pw.CharField(max_length=7)
    qty_milli = pw.IntegerField(default=0)
    value_cents = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("item", "month"), True), (("month",), False))


class WarehouseMonth(BaseModel):
    """The change of an item's quantity in one warehouse during one month."""

    item = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    warehouse = pw.ForeignKeyField(Warehouse, backref="+", on_delete="RESTRICT")
    month = pw.CharField(max_length=7)
    qty_milli = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("item", "warehouse", "month"), True), (("month",), False))


class Inventory(BaseModel):
    """A count of a warehouse (all of it, some locations, or one family): counting -> validated | cancelled."""

    number = pw.CharField(max_length=20, unique=True)
    warehouse = pw.ForeignKeyField(Warehouse, backref="+", on_delete="RESTRICT")
    day = DateField()
    scope = pw.CharField(max_length=10, default="full")        # full | partial
    location_prefix = pw.CharField(max_length=40, default="")  # partial: locations whose code starts so
    family = pw.ForeignKeyField(Family, null=True, backref="+", on_delete="RESTRICT")
    state = pw.CharField(max_length=10, default="counting")    # counting | validated | cancelled
    created_at = pw.CharField(max_length=40)
    created_by = pw.CharField(max_length=80)
    validated_at = pw.CharField(max_length=40, null=True)
    validated_by = pw.CharField(max_length=80, null=True)


class InventoryCount(BaseModel):
    """What was counted of an item (lot) in a location of an inventory; scans add up, a typed count sets."""

    inventory = pw.ForeignKeyField(Inventory, backref="counts", on_delete="RESTRICT")
    item = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    location = pw.ForeignKeyField(Location, backref="+", on_delete="RESTRICT")
    lot_id = pw.IntegerField(default=0)
    counted_qty_milli = pw.IntegerField(default=0)
    counted_by = pw.CharField(max_length=80)
    counted_at = pw.CharField(max_length=40)

    class Meta:
        indexes = ((("inventory", "item", "location", "lot_id"), True),)


MODELS = [Warehouse, Location, ItemStock, ItemWarehouse, Lot, Move, Quantity, MoveValue, Layer, ItemValue,
          ItemMonth, WarehouseMonth, Inventory, InventoryCount]
