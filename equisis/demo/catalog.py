"""The demo shop's catalog: what a home-decoration shop in Namur sells, with its eco-fees and price lists.

Paint by the pot (bought by the box of 6 or 4), wallpaper by the roll, curtain fabric by the metre,
lamps carrying their Recupel fee, LED candles their Bebat fee, plants at 6 %, and the shop's
services (hanging wallpaper, colour advice). Each item has an EAN-13 with a valid check digit (the
suppliers' "54…" Belgian codes); the services get none. Price lists: a hotel's own net prices,
10 % for interior architects on paint and wallpaper, and 5 % from 10 pots of paint.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from stdnum import ean

from equisis.catalog import pricelists
from equisis.catalog import service as catalog

FAMILIES = [
    # code, parent, fr, nl, de, en
    ("PAINT", None, "Peintures", "Verf", "Farben", "Paint"),
    ("WALL", None, "Papiers peints", "Behang", "Tapeten", "Wallpaper"),
    ("TEXT", None, "Textiles", "Textiel", "Textilien", "Textiles"),
    ("CURT", "TEXT", "Rideaux et tissus", "Gordijnen en stoffen", "Vorhänge und Stoffe", "Curtains and fabrics"),
    ("CUSH", "TEXT", "Coussins et plaids", "Kussens en plaids", "Kissen und Decken", "Cushions and throws"),
    ("LIGHT", None, "Luminaires", "Verlichting", "Leuchten", "Lighting"),
    ("DECO", None, "Objets de décoration", "Decoratie", "Dekoration", "Decoration"),
    ("PLANT", None, "Plantes", "Planten", "Pflanzen", "Plants"),
    ("SERV", None, "Services", "Diensten", "Dienstleistungen", "Services"),
    ("FEE", None, "Cotisations environnementales", "Milieubijdragen", "Umweltbeiträge", "Environmental fees"),
]

# code, family, nature, rate, shelf price € (VAT included, as the shop labels it), purchase € (excl. VAT),
# sale unit, purchase unit (factor), names fr/nl/de/en
ITEMS = [
    ("RECUPEL-L", "FEE", "goods", 2100, "0.50", "0.50", "pce", None,
     ("Recupel luminaire", "Recupel verlichting", "Recupel Leuchte", "Recupel lighting fee")),
    ("BEBAT-S", "FEE", "goods", 2100, "0.15", "0.15", "pce", None,
     ("Bebat piles", "Bebat batterijen", "Bebat Batterien", "Bebat battery fee")),
    ("PNT-MAT-W25", "PAINT", "goods", 2100, "54.90", "29.80", "pce", ("box", "6"),
     ("Peinture mate blanc 2,5 l", "Matte verf wit 2,5 l", "Mattfarbe weiß 2,5 l", "Matt paint white 2.5 l")),
    ("PNT-MAT-G25", "PAINT", "goods", 2100, "58.90", "31.20", "pce", ("box", "6"),
     ("Peinture mate gris perle 2,5 l", "Matte verf parelgrijs 2,5 l", "Mattfarbe perlgrau 2,5 l",
      "Matt paint pearl grey 2.5 l")),
    ("PNT-SAT-B1", "PAINT", "goods", 2100, "32.50", "16.40", "pce", ("box", "6"),
     ("Laque satinée bleu nuit 1 l", "Satijnlak nachtblauw 1 l", "Seidenlack Nachtblau 1 l",
      "Satin lacquer midnight blue 1 l")),
    ("PNT-PRIM-10", "PAINT", "goods", 2100, "89.00", "47.10", "pce", ("box", "4"),
     ("Sous-couche universelle 10 l", "Universele grondlaag 10 l", "Universalgrundierung 10 l",
      "Universal primer 10 l")),
    ("WP-LIN-NAT", "WALL", "goods", 2100, "39.90", "17.50", "pce", None,
     ("Papier peint intissé lin naturel (rouleau)", "Vliesbehang natuurlinnen (rol)",
      "Vliestapete Naturleinen (Rolle)", "Non-woven wallpaper natural linen (roll)")),
    ("WP-JUNGLE", "WALL", "goods", 2100, "64.00", "28.90", "pce", None,
     ("Papier peint panoramique jungle (rouleau)", "Panoramisch behang jungle (rol)",
      "Panoramatapete Dschungel (Rolle)", "Panoramic wallpaper jungle (roll)")),
    ("WP-GLUE", "WALL", "goods", 2100, "12.99", "5.60", "pce", None,
     ("Colle papier peint intissé", "Lijm voor vliesbehang", "Kleister für Vliestapeten",
      "Non-woven wallpaper paste")),
    ("FAB-VELV-GR", "CURT", "goods", 2100, "34.00", "14.80", "m", None,
     ("Velours vert sauge (au mètre)", "Fluweel saliegroen (per meter)", "Samt Salbeigrün (Meterware)",
      "Sage green velvet (per metre)")),
    ("FAB-LIN-WH", "CURT", "goods", 2100, "24.50", "10.90", "m", None,
     ("Lin lavé blanc (au mètre)", "Gewassen linnen wit (per meter)", "Gewaschenes Leinen weiß (Meterware)",
      "Washed linen white (per metre)")),
    ("CURT-RAIL-2", "CURT", "goods", 2100, "45.00", "21.00", "pce", None,
     ("Rail à rideaux 2 m", "Gordijnrail 2 m", "Vorhangschiene 2 m", "Curtain rail 2 m")),
    ("CUSH-VELV", "CUSH", "goods", 2100, "29.99", "11.20", "pce", None,
     ("Coussin velours 45×45", "Kussen fluweel 45×45", "Kissen Samt 45×45", "Velvet cushion 45×45")),
    ("THROW-WOOL", "CUSH", "goods", 2100, "79.00", "33.00", "pce", None,
     ("Plaid laine des Ardennes", "Plaid Ardense wol", "Plaid Ardennen-Wolle", "Ardennes wool throw")),
    ("LAMP-FLOOR", "LIGHT", "goods", 2100, "189.00", "84.00", "pce", None,
     ("Lampadaire laiton", "Staande lamp messing", "Stehleuchte Messing", "Brass floor lamp")),
    ("LAMP-TABLE", "LIGHT", "goods", 2100, "69.00", "27.50", "pce", None,
     ("Lampe de table céramique", "Tafellamp keramiek", "Tischleuchte Keramik", "Ceramic table lamp")),
    ("PENDANT-RAT", "LIGHT", "goods", 2100, "119.00", "49.00", "pce", None,
     ("Suspension rotin", "Hanglamp rotan", "Pendelleuchte Rattan", "Rattan pendant lamp")),
    ("CANDLE-LED", "DECO", "goods", 2100, "14.99", "5.10", "pce", None,
     ("Bougie LED (piles incluses)", "Led-kaars (met batterijen)", "LED-Kerze (mit Batterien)",
      "LED candle (batteries included)")),
    ("VASE-GLASS", "DECO", "goods", 2100, "24.90", "9.40", "pce", None,
     ("Vase en verre soufflé", "Vaas mondgeblazen glas", "Vase mundgeblasenes Glas", "Hand-blown glass vase")),
    ("FRAME-OAK", "DECO", "goods", 2100, "19.99", "7.30", "pce", None,
     ("Cadre chêne 30×40", "Kader eik 30×40", "Rahmen Eiche 30×40", "Oak frame 30×40")),
    ("MIRROR-ROUND", "DECO", "goods", 2100, "129.00", "55.00", "pce", None,
     ("Miroir rond 80 cm", "Ronde spiegel 80 cm", "Runder Spiegel 80 cm", "Round mirror 80 cm")),
    ("PLANT-OLIVE", "PLANT", "goods", 600, "49.00", "22.00", "pce", None,
     ("Olivier en pot", "Olijfboom in pot", "Olivenbaum im Topf", "Potted olive tree")),
    ("PLANT-MONST", "PLANT", "goods", 600, "34.90", "14.50", "pce", None,
     ("Monstera deliciosa", "Monstera deliciosa", "Monstera deliciosa", "Monstera deliciosa")),
    ("PLANT-ORCH", "PLANT", "goods", 600, "22.49", "9.80", "pce", None,
     ("Orchidée phalaenopsis", "Orchidee phalaenopsis", "Orchidee Phalaenopsis", "Phalaenopsis orchid")),
    ("SRV-WALLHANG", "SERV", "services", 2100, "38.00", "0", "h", None,
     ("Pose de papier peint (heure)", "Behangen (uur)", "Tapezieren (Stunde)", "Wallpaper hanging (hour)")),
    ("SRV-COLOUR", "SERV", "services", 2100, "75.00", "0", "pce", None,
     ("Conseil couleurs à domicile", "Kleuradvies aan huis", "Farbberatung zu Hause", "Colour advice at home")),
    ("SRV-CURTFIT", "SERV", "services", 2100, "42.00", "0", "h", None,
     ("Confection et pose de rideaux (heure)", "Gordijnen maken en ophangen (uur)",
      "Vorhänge nähen und aufhängen (Stunde)", "Curtain making and fitting (hour)")),
]
FEES = {"LAMP-FLOOR": [("RECUPEL-L", 1)], "LAMP-TABLE": [("RECUPEL-L", 1)], "PENDANT-RAT": [("RECUPEL-L", 1)],
        "CANDLE-LED": [("BEBAT-S", 2)]}
ACCESSORIES = {"WP-LIN-NAT": ["WP-GLUE"], "WP-JUNGLE": ["WP-GLUE"], "FAB-VELV-GR": ["CURT-RAIL-2"],
               "PNT-MAT-W25": ["PNT-PRIM-10"]}
SUBSTITUTES = {"PNT-MAT-W25": ["PNT-MAT-G25"]}
KITS = [("KIT-RENOV", "DECO", ("Kit rénovation chambre", "Renovatiekit slaapkamer", "Renovierungsset Schlafzimmer",
                               "Bedroom renovation kit"), "149.00",
         [("PNT-MAT-W25", 2), ("PNT-PRIM-10", 1), ("WP-LIN-NAT", 1)])]
HOTEL_PRICES = {"THROW-WOOL": "64.00", "CUSH-VELV": "23.90", "LAMP-TABLE": "55.00", "CANDLE-LED": "11.50"}
#: The party category the demo's parties carry for the interior architects' price list.
ARCHITECTS = "architect"


def excl_vat(shelf_price: str, rate_bp: int) -> Decimal:
    """The catalog's price excl. VAT (4 decimals) behind a shelf price: ``excl_vat("14.90", 2100)`` → 12.3140,
    which the till turns back into 14,90 € (12.3140 × 1.21 = 14.8999… → 14.90)."""
    return (Decimal(shelf_price) * 10_000 / (10_000 + rate_bp)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def ean_for(n: int) -> str:
    """A Belgian (GS1 54…) EAN-13 with its check digit: ``ean_for(1)`` → '5412345000014'."""
    body = f"541234{n:06d}"
    return body + ean.calc_check_digit(body)


def build_catalog(*, hotel_party_id: int | None) -> list[str]:
    """Families, items, fees, links, a kit and the price lists; returns the item codes that are sold."""
    for code, parent, fr, nl, de, en in FAMILIES:
        catalog.save_family(code, parent=parent, name_fr=fr, name_nl=nl, name_de=de, name_en=en)
    for n, (code, family, nature, rate, sale, cost, unit, purchase, names) in enumerate(ITEMS, start=1):
        fields = dict(family=family, nature=nature, vat_rate=rate, sale_price=excl_vat(sale, rate),
                      purchase_price=cost,
                      sale_unit=unit, stock_unit=unit, is_eco_fee=family == "FEE",
                      **{f"name_{lang}": name for lang, name in zip(("fr", "nl", "de", "en"), names)})
        if purchase:
            fields.update(purchase_unit=purchase[0], conversions={purchase[0]: purchase[1]})
        barcodes = [ean_for(n)] if nature == "goods" and family != "FEE" else []
        catalog.create_item(code, barcodes=barcodes, **fields)
    for code, fees in FEES.items():
        catalog.set_fees(code, fees)
    for code, others in ACCESSORIES.items():
        catalog.set_links(code, "accessory", others)
    for code, others in SUBSTITUTES.items():
        catalog.set_links(code, "substitute", others)
    for code, family, names, price, components in KITS:
        catalog.create_item(code, family=family, nature="goods", vat_rate=2100, sale_price=excl_vat(price, 2100),
                            **{f"name_{lang}": name for lang, name in zip(("fr", "nl", "de", "en"), names)})
        catalog.set_components(code, components)
        catalog.generate_barcode(code)
    if hotel_party_id is not None:
        hotel = pricelists.create_price_list("Hôtel — prix nets", party_id=hotel_party_id, priority=10)
        for code, price in HOTEL_PRICES.items():
            pricelists.add_price_rule(hotel.id, item=code, net_price=price)
    architects = pricelists.create_price_list("Architectes d'intérieur", customer_category=ARCHITECTS)
    for family in ("PAINT", "WALL"):
        pricelists.add_price_rule(architects.id, family=family, discount="10")
    volume = pricelists.create_price_list("Quantités peinture")
    pricelists.add_price_rule(volume.id, family="PAINT", discount="5", min_quantity="10")
    return [code for code, family, *_rest in ITEMS if family != "FEE"] + [code for code, *_rest in KITS]
