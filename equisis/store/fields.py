"""Field types that survive apsw (which binds only str/int/bytes/None): dates as ISO text, booleans as 0/1.

Models import date and boolean fields from here, never from peewee directly.
Money and quantities are IntegerFields with a unit in their name (``*_cents``,
``qty_milli``, ``unit_price_e4``): never DecimalField or FloatField.
"""
from playhouse.apsw_ext import BooleanField, DateField, DateTimeField

__all__ = ["BooleanField", "DateField", "DateTimeField"]
