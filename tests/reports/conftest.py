"""Report fixtures: a small set of books, checked by hand, that every report test reads.

Company "Déco Sophie SRL", fiscal year 2026 (calendar), amounts in euros:

=========  =====  ==========================================  ===============================
date       jrnl   what                                        lines
=========  =====  ==========================================  ===============================
02/01      OD     capital paid in                             550001 10 000 D / 100 10 000 C
15/01      VEN    F1 to Maison Dupont, due 14/02              400 1 210 D / 7000 1 000 C / 451 210 C
20/01      ACH    S1 from Textiles Janssens, due 19/02        604 400 D / 411 84 D / 440 484 C
10/02      VEN    F2 to Atelier Claes, due 12/03              400 605 D / 7000 500 C / 451 105 C
20/02      BNK1   Dupont pays 1 000 of F1 (matched: 210 left) 550001 1 000 D / 400 1 000 C
05/03      ACH    S2 from Janssens, due 04/04                 6100 200 D / 411 42 D / 440 242 C
10/03      BNK1   S1 paid (matched in full)                   440 484 D / 550001 484 C
=========  =====  ==========================================  ===============================

Result 2026: 1 500 − 400 − 200 = 900,00 profit. Balances at 31/12 (before closing):
550001 10 516 D, 100 10 000 C, 400 815 D (Dupont 210, Claes 605), 411 126 D, 440 242 C,
451 315 C, 7000 1 500 C, 604 400 D, 6100 200 D (debits = credits = 12 057).
``closed_books`` closes 2026 (693 900 D / 140 900 C; OUV/2027 carries classes 1–5) and
posts F3 to Claes on 20/01/2027 (400 121 D / 7000 100 C / 451 21 C).
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from equisis.ledger import service as ledger
from equisis.parties import service as parties
from tests.ledger.notation import draft
from tests.web.conftest import (admin, app, client, instance_path, make_app, slug, store)  # noqa: F401

D = dt.date


def post(header, body, **defaults):
    return ledger.post_entry(draft(header, body, **defaults), role="accountant")


def line_on(entry, account):
    return next(x.id for x in ledger.entry_lines(entry.id) if x.account.code == account)


def build_books() -> SimpleNamespace:
    """Post the books above in the current company (inside ``store.session()``)."""
    dupont = parties.create_party("Maison Dupont SRL", is_customer=True, language="fr")
    claes = parties.create_party("Atelier Claes BV", is_customer=True, language="nl")
    janssens = parties.create_party("Textiles Janssens BV", is_supplier=True, language="nl")
    entries = SimpleNamespace()
    entries.capital = post("OD 2026-01-02 Capital", "550001 10000,00 D\n100 10000,00 C")
    entries.f1 = post("VEN 2026-01-15 Invoice F1", f"""
        400  1210,00 D partner={dupont.id} ref=F1 due=2026-02-14
        7000 1000,00 C grids=03
        451   210,00 C grids=54""")
    entries.s1 = post("ACH 2026-01-20 Bill S1", f"""
        604  400,00 D grids=81
        411   84,00 D grids=59
        440  484,00 C partner={janssens.id} ref=S1 due=2026-02-19""")
    entries.f2 = post("VEN 2026-02-10 Invoice F2", f"""
        400  605,00 D partner={claes.id} ref=F2 due=2026-03-12
        7000 500,00 C grids=03
        451  105,00 C grids=54""")
    entries.pay_f1 = post("BNK1 2026-02-20 Dupont pays F1 in part", f"""
        550001 1000,00 D
        400    1000,00 C partner={dupont.id} ref=F1 due=2026-02-20""")
    entries.s2 = post("ACH 2026-03-05 Bill S2", f"""
        6100 200,00 D grids=82
        411   42,00 D grids=59
        440  242,00 C partner={janssens.id} ref=S2 due=2026-04-04""")
    entries.pay_s1 = post("BNK1 2026-03-10 S1 paid", f"""
        440    484,00 D partner={janssens.id} ref=S1 due=2026-03-10
        550001 484,00 C""")
    ledger.reconcile([line_on(entries.f1, "400"), line_on(entries.pay_f1, "400")])
    ledger.reconcile([line_on(entries.s1, "440"), line_on(entries.pay_s1, "440")])
    return SimpleNamespace(dupont=dupont, claes=claes, janssens=janssens, entries=entries)


@pytest.fixture
def books(company):
    built = build_books()
    built.store = company
    return built


@pytest.fixture
def closed_books(books):
    """The same books with 2026 closed and a first sale in 2027."""
    books.closing = ledger.close_fiscal_year("2026", role="accountant")
    books.entries.f3 = post("VEN 2027-01-20 Invoice F3", f"""
        400  121,00 D partner={books.claes.id} ref=F3 due=2027-02-19
        7000 100,00 C grids=03
        451   21,00 C grids=54""")
    return books
