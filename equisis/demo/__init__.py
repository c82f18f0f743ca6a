"""The demo company: Sophie's home-decoration shop in Namur (see shared STORIES.md), with her staff.

``books.py`` gives it customers and suppliers with valid VAT numbers and plans
its fiscal year up to ``today``; ``catalog.py`` its items (EAN barcodes,
eco-fees, price lists); ``trade.py`` turns the year's sales and purchases into
real invoices, credit notes and purchase invoices and posts the rest; ``stock.py``
the shop and depot with their opening stock, transfers, minimums and Tom's open
count; two tills ("Caisse 1", "Caisse 2") sell from the shop's stock.
"""
from __future__ import annotations

import datetime as dt

from equisis import onboarding
from equisis.company import rules
from equisis.demo import stock, trade
from equisis.store import audit
from equisis.users import service as users

DEMO_PASSWORD = "equisis-demo"

COMPANY = {
    "name": "Déco Lambert SRL", "legal_form": "srl", "enterprise_number": "0766.555.267",
    "vat_number": "BE0766555267", "street": "Rue de Fer 42", "postcode": "5000", "city": "Namur",
    "country": "BE", "iban": "BE71 0961 2345 6769", "language": "fr", "vat_filing": "quarterly",
    "email": "info@deco-lambert.be", "phone": "+32 81 22 33 44",
}
STAFF = [
    # username, display name, role, language, PIN
    ("karim", "Karim Benali", "cashier", "fr", "1234"),
    ("els", "Els Peeters", "cashier", "nl", "5678"),
    ("tom", "Tom Janssens", "warehouse", "nl", None),
    ("dubois", "Fiduciaire Dubois", "accountant", "fr", None),
    ("julie", "Julie Martin", "sales", "fr", "2468"),  # the shop's supervisor at the till
]


def build_demo(instance, slug: str = "demo", today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    form = {**COMPANY, "fiscal_year_start": f"{today.year}-01-01", "fiscal_year_end": f"{today.year}-12-31"}
    identity = rules.parse_company(form)
    admin = rules.parse_first_admin({"admin_username": "sophie", "admin_display_name": "Sophie Lambert",
                                     "admin_password": DEMO_PASSWORD, "admin_password_confirm": DEMO_PASSWORD})
    created = onboarding.create_company(instance, identity, admin, slug=slug)
    with instance.get(created).session(), audit.acting_as("demo"):
        for username, name, role, language, pin in STAFF:
            users.add_user(username, DEMO_PASSWORD, role, display_name=name, language=language, pin=pin)
        users.set_pin("sophie", "0000")
        trade.build_trade(today)
        stock.build_stock(today)
        register_tills()
        file_vat_returns(instance.get(created), today)
    return created


#: The shop's two tills, without a receipt printer (tickets as PDF) so the till works out of the box;
#: they sell from the shop's stock (MAG, see stock.py).
TILLS = ("Caisse 1", "Caisse 2")


def register_tills() -> None:
    from equisis.pos import service as pos

    for name in TILLS:
        pos.register_terminal(name, printer_kind="none", warehouse=stock.SHOP)


#: The return of a quarter is filed by the 25th of the month after it (Intervat).
FILING_DELAY = dt.timedelta(days=25)


def file_vat_returns(store, today: dt.date) -> list[str]:
    """File (and archive) the returns whose deadline has passed, as Mme Dubois did: their periods lock."""
    from equisis.vat import service as vat

    filed = []
    for quarter in range(1, 5):
        end = dt.date(today.year, 3 * quarter, 1) + dt.timedelta(days=31)
        end = end.replace(day=1) - dt.timedelta(days=1)
        if end + FILING_DELAY <= today:
            code = f"{today.year}-Q{quarter}"
            vat.file_and_archive(store, code, today=today)
            filed.append(code)
    return filed

