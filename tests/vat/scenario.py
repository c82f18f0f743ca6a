"""The fixed demo quarter of the golden files: Q1 2026 of Déco Sophie SRL, every kind of operation once.

Amounts in cents. Expected grids (checked by hand against belgium/FACTS.md):

    sales  01  200,00 (6 %)      02  500,00 (12 %)     03  1.150,00 (21 %)       54 = 12 + 60 + 241,50
           44  800,00 (EU services)   45 3.000,00 (co-contractor)   46 2.300,00 (46L 2.000 + 46T 300)
           47 1.200,00 (export)   48 250,00 (credit note on 46L)    49 100,00 (credit note at 21 %)   64 21,00
    purch. 81 4.000,00 − 300,00 (credit note) + 1.500,00 (intra-EU goods) = 5.200,00
           82 600,00 + 400,00 (intra-EU services) = 1.000,00       83 2.500,00
           85 300,00   86 1.500,00   88 400,00   55 = 315 + 84     59 = 840 + 126 + 525 + 315 + 84   63 63,00
"""
from __future__ import annotations

import datetime as dt

D = dt.date


def post_quarter(books, cast) -> None:
    books.sell(cast.dupont, [(100_000, 2100), (20_000, 600)], D(2026, 1, 15))
    books.sell(cast.brasserie, [(50_000, 1200)], D(2026, 2, 3))
    books.sell(cast.consumer, [(15_000, 2100)], D(2026, 2, 10))
    books.sell(cast.paris, [(200_000, 2100)], D(2026, 2, 20))
    books.sell(cast.berlin, [(80_000, 2100, "services")], D(2026, 3, 2))
    books.sell(cast.berlin, [(30_000, 2100)], D(2026, 3, 3), triangular=True)
    books.sell(cast.geneva, [(120_000, 2100)], D(2026, 3, 4))
    books.sell(cast.builder, [(300_000, 2100, "services")], D(2026, 3, 5))
    books.sell(cast.dupont, [(10_000, 2100)], D(2026, 3, 10), credit_note=True)
    books.sell(cast.paris, [(25_000, 2100)], D(2026, 3, 12), credit_note=True)
    books.buy(cast.wholesaler, [(400_000, 2100, "resale")], D(2026, 1, 20))
    books.buy(cast.wholesaler, [(60_000, 2100, "services")], D(2026, 2, 5))
    books.buy(cast.wholesaler, [(250_000, 2100, "investment")], D(2026, 2, 25))
    books.buy(cast.amsterdam, [(150_000, 2100, "resale")], D(2026, 3, 6))
    books.buy(cast.amsterdam, [(40_000, 2100, "services")], D(2026, 3, 7))
    books.buy(cast.wholesaler, [(30_000, 2100, "resale")], D(2026, 3, 20), credit_note=True)


EXPECTED = {
    "00": 0, "01": 20_000, "02": 50_000, "03": 115_000, "44": 80_000, "45": 300_000, "46": 230_000,
    "47": 120_000, "48": 25_000, "49": 10_000, "54": 1_200 + 6_000 + 24_150, "55": 31_500 + 8_400,
    "56": 0, "57": 0, "59": 84_000 + 12_600 + 52_500 + 31_500 + 8_400, "61": 0, "62": 0, "63": 6_300,
    "64": 2_100, "81": 520_000, "82": 100_000, "83": 250_000, "84": 0, "85": 30_000, "86": 150_000,
    "87": 0, "88": 40_000, "91": 0,
}
