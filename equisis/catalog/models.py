"""Tables of the catalog.

Prices are ``*_e4`` integers (four decimals), quantities ``*_milli``, rates
``*_bp``. Unit conversion factors are exact fractions (``factor_num`` /
``factor_den``: how many stock units one such unit holds). Price lists aimed at
one customer keep the party's id as a plain integer (``party_id``): the catalog
sits on the same layer as the parties and does not reference their table.
"""
import peewee as pw

from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField, DateField


class Unit(BaseModel):
    """A unit of measure: 'pce', 'box', 'kg', 'm', 'm2', 'l'… ``decimals`` says how finely it is counted."""

    code = pw.CharField(max_length=10, unique=True)
    name_fr = pw.CharField(max_length=60)
    name_nl = pw.CharField(max_length=60)
    name_de = pw.CharField(max_length=60)
    name_en = pw.CharField(max_length=60)
    decimals = pw.IntegerField(default=0)   # 0 for pieces, 3 for kg (the thousandth is the finest)

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return getattr(self, f"name_{language}", None) or self.name_fr


class Family(BaseModel):
    """A family of items; ``parent`` makes it a sub-family (a tree of any depth)."""

    code = pw.CharField(max_length=20, unique=True)
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    name_fr = pw.CharField(max_length=120, default="")
    name_nl = pw.CharField(max_length=120, default="")
    name_de = pw.CharField(max_length=120, default="")
    name_en = pw.CharField(max_length=120, default="")

    def labels(self) -> dict:
        return {lang: getattr(self, f"name_{lang}") for lang in ("fr", "nl", "de", "en")}

    def snapshot(self) -> dict:
        return {"code": self.code, "parent": self.parent.code if self.parent_id else None, **self.labels()}


class Axis(BaseModel):
    """One of the ten free classification axes (colour, brand, season…): number 1..10 and its name."""

    number = pw.IntegerField(unique=True)
    name = pw.CharField(max_length=60)


class Item(BaseModel):
    code = pw.CharField(max_length=40, unique=True)
    name_fr = pw.CharField(max_length=200, default="")
    name_nl = pw.CharField(max_length=200, default="")
    name_de = pw.CharField(max_length=200, default="")
    name_en = pw.CharField(max_length=200, default="")
    description_fr = pw.TextField(default="")
    description_nl = pw.TextField(default="")
    description_de = pw.TextField(default="")
    description_en = pw.TextField(default="")
    family = pw.ForeignKeyField(Family, null=True, backref="items", on_delete="RESTRICT")
    nature = pw.CharField(max_length=10, default="goods")          # goods | services
    vat_rate_bp = pw.IntegerField(default=2100)
    sale_price_e4 = pw.IntegerField(default=0)                     # excl. VAT, per sale unit
    purchase_price_e4 = pw.IntegerField(default=0)                 # excl. VAT, per purchase unit
    stock_unit = pw.ForeignKeyField(Unit, field=Unit.code, column_name="stock_unit", backref="+",
                                    on_delete="RESTRICT")
    sale_unit = pw.ForeignKeyField(Unit, field=Unit.code, column_name="sale_unit", backref="+",
                                   on_delete="RESTRICT")
    purchase_unit = pw.ForeignKeyField(Unit, field=Unit.code, column_name="purchase_unit", backref="+",
                                       on_delete="RESTRICT")
    income_account = pw.CharField(max_length=10, null=True)       # PCMN code; None: the sales default
    expense_account = pw.CharField(max_length=10, null=True)
    is_eco_fee = BooleanField(default=False)                       # Recupel, Bebat, Auvibel… fee items
    active = BooleanField(default=True, index=True)
    created_at = pw.CharField(max_length=40)
    updated_at = pw.CharField(max_length=40)

    def labels(self) -> dict:
        return {lang: getattr(self, f"name_{lang}") for lang in ("fr", "nl", "de", "en")}

    def descriptions(self) -> dict:
        return {lang: getattr(self, f"description_{lang}") for lang in ("fr", "nl", "de", "en")}

    def snapshot(self) -> dict:
        data = {f: getattr(self, f) for f in self._meta.sorted_field_names
                if f not in ("id", "family", "stock_unit", "sale_unit", "purchase_unit", "created_at",
                             "updated_at")}
        data.update(family=self.family.code if self.family_id else None, stock_unit=self.stock_unit_id,
                    sale_unit=self.sale_unit_id, purchase_unit=self.purchase_unit_id)
        return data


class ItemUnit(BaseModel):
    """How many stock units one ``unit`` of the item holds: factor_num / factor_den (a box of 12: 12/1)."""

    item = pw.ForeignKeyField(Item, backref="unit_factors", on_delete="CASCADE")
    unit = pw.ForeignKeyField(Unit, field=Unit.code, column_name="unit", backref="+", on_delete="RESTRICT")
    factor_num = pw.IntegerField()
    factor_den = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("item", "unit"), True),)


class ItemAxisValue(BaseModel):
    item = pw.ForeignKeyField(Item, backref="axis_values", on_delete="CASCADE")
    axis = pw.ForeignKeyField(Axis, on_delete="RESTRICT")
    value = pw.CharField(max_length=80)

    class Meta:
        indexes = ((("item", "axis"), True), (("axis", "value"), False))


class Barcode(BaseModel):
    """A barcode of an item: EAN-13, EAN-8 (check digit verified) or Code 128 text; unique across items."""

    item = pw.ForeignKeyField(Item, backref="barcodes", on_delete="CASCADE")
    code = pw.CharField(max_length=48, unique=True)
    kind = pw.CharField(max_length=8)            # ean13 | ean8 | code128
    generated = BooleanField(default=False)      # an internal "20…" EAN-13 made by Equisis


class ItemFee(BaseModel):
    """An eco-fee item (Recupel, Bebat…) that ``item`` requires, ``quantity_milli`` per unit of the item."""

    item = pw.ForeignKeyField(Item, backref="fees", on_delete="CASCADE")
    fee = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    quantity_milli = pw.IntegerField(default=1000)

    class Meta:
        indexes = ((("item", "fee"), True),)


class ItemLink(BaseModel):
    """An accessory or a substitute of an item."""

    item = pw.ForeignKeyField(Item, backref="links", on_delete="CASCADE")
    other = pw.ForeignKeyField(Item, backref="+", on_delete="CASCADE")
    kind = pw.CharField(max_length=12)           # accessory | substitute

    class Meta:
        indexes = ((("item", "other", "kind"), True),)


class KitComponent(BaseModel):
    """A component of a composite item (kit): ``quantity_milli`` of it per kit (in its sale unit)."""

    kit = pw.ForeignKeyField(Item, backref="components", on_delete="CASCADE")
    component = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    quantity_milli = pw.IntegerField()

    class Meta:
        indexes = ((("kit", "component"), True),)


class PriceList(BaseModel):
    """Prices for one customer (``party_id``), one customer category, or everyone (neither)."""

    name = pw.CharField(max_length=120)
    party_id = pw.IntegerField(null=True, index=True)     # a parties.Party id, kept as a plain integer
    customer_category = pw.CharField(max_length=60, null=True)
    valid_from = DateField(null=True)
    valid_to = DateField(null=True)
    priority = pw.IntegerField(default=0)
    active = BooleanField(default=True)

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self._meta.sorted_field_names if f != "id"}


class PriceRule(BaseModel):
    """A net price or a % discount on one item, one family (and its sub-families) or every item."""

    price_list = pw.ForeignKeyField(PriceList, backref="rules", on_delete="CASCADE")
    item = pw.ForeignKeyField(Item, null=True, backref="+", on_delete="CASCADE")
    family = pw.ForeignKeyField(Family, null=True, backref="+", on_delete="CASCADE")
    kind = pw.CharField(max_length=10)           # net | discount
    net_price_e4 = pw.IntegerField(null=True)
    discount_bp = pw.IntegerField(null=True)
    min_quantity_milli = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("item",), False), (("family",), False))


class Variant(BaseModel):
    """``item`` is a variant of ``parent`` (a size × colour of a garment); its axis values say which one."""

    parent = pw.ForeignKeyField(Item, backref="+", on_delete="RESTRICT")
    item = pw.ForeignKeyField(Item, unique=True, backref="+", on_delete="CASCADE")


MODELS = [Unit, Family, Axis, Item, ItemUnit, ItemAxisValue, Barcode, ItemFee, ItemLink, KitComponent,
          PriceList, PriceRule]
# added by later migrations (migration 1 creates MODELS as they were released)
LATER_MODELS = [Variant]
