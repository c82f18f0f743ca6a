"""Migrations of the catalog: its tables and the standard units."""
from equisis.catalog.models import MODELS, Unit, Variant
from equisis.store.database import current_database
from equisis.store.migrate import Migration, PackageMigrations

# Written out here, not read from elsewhere: a released migration never changes.
STANDARD_UNITS = [
    # code, fr, nl, de, en, decimals
    ("pce", "pièce", "stuk", "Stück", "piece", 0),
    ("box", "boîte", "doos", "Karton", "box", 0),
    ("pack", "paquet", "pak", "Packung", "pack", 0),
    ("kg", "kg", "kg", "kg", "kg", 3),
    ("g", "g", "g", "g", "g", 0),
    ("m", "m", "m", "m", "m", 3),
    ("m2", "m²", "m²", "m²", "m²", 3),
    ("m3", "m³", "m³", "m³", "m³", 3),
    ("l", "l", "l", "l", "l", 3),
    ("h", "heure", "uur", "Stunde", "hour", 2),
    ("day", "jour", "dag", "Tag", "day", 1),
]


def _catalog_tables():
    current_database().create_tables(MODELS)
    for code, fr, nl, de, en, decimals in STANDARD_UNITS:
        Unit.create(code=code, name_fr=fr, name_nl=nl, name_de=de, name_en=en, decimals=decimals)


MIGRATIONS = PackageMigrations("catalog", (
    Migration(1, "items, families, units, barcodes, fees, kits, price lists", _catalog_tables),
    Migration(2, "variants of an item (size, colour, dimension)", lambda: current_database().create_tables([Variant])),
))
