"""The year-end stock variation entry, generated for the ledger.

Belgian practice (PCMN/MAR): purchases of goods are charged to 604 during the
year; at year end the stock account (340 goods bought for resale; 33 finished
goods …) is brought from its book balance to the counted and valued stock, against
6094 "variation of stocks of goods" (or 71x for what the company makes). The
accounts are company settings (``stock.stock_account``, ``stock.variation_account``).

The entry is posted in the miscellaneous journal (OD) on the last day of the
fiscal year, through :func:`equisis.ledger.service.post_entry`, keyed so that a
retry posts it once; the stock is then closed up to that day (back-dated moves
into the closed year are refused, so the books and the stock never disagree).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from equisis.core.i18n import N_, gettext
from equisis.ledger import service as ledger
from equisis.ledger.errors import FiscalYearNotFound
from equisis.stock import places, rules, valuation
from equisis.stock.errors import NothingToPost
from equisis.store.database import write

SOURCE_TYPE = "stock_variation"


@dataclass(frozen=True)
class VariationPreview:
    fiscal_year: str
    day: dt.date
    book_cents: int
    stock_cents: int
    lines: tuple[rules.VariationLine, ...]


def preview_variation(day: dt.date) -> VariationPreview:
    """What the variation entry of the fiscal year holding ``day`` would post (nothing is written)."""
    year = ledger.fiscal_year_of(day)
    if year is None:
        raise FiscalYearNotFound(fiscal_year=day.isoformat())
    stock_account = places.setting(places.STOCK_ACCOUNT)
    debit, credit = ledger.account_totals(year.start, year.end).get(stock_account, (0, 0))
    book = (debit or 0) - (credit or 0)
    value = valuation.total_value_at(year.end)
    lines = rules.variation_lines(book, value, stock_account=stock_account,
                                  variation_account=places.setting(places.VARIATION_ACCOUNT))
    return VariationPreview(year.code, year.end, book, value, tuple(lines))


def post_variation(day: dt.date, *, role: str):
    """Post the year-end variation entry of the fiscal year holding ``day`` and close the stock to its end.

    Returns the ledger entry (the same one when called again for a year already posted).
    """
    with write():
        preview = preview_variation(day)
        done = ledger.entries_of_source(SOURCE_TYPE, preview.fiscal_year)
        if not preview.lines:
            if done:
                return done[-1]
            raise NothingToPost(year=preview.fiscal_year)
        description = gettext(N_("Stock variation {year}"), year=preview.fiscal_year)
        draft = ledger.DraftEntry("OD", preview.day, description,
                                  tuple(ledger.DraftLine(x.account, x.debit_cents, x.credit_cents,
                                                         description=description) for x in preview.lines),
                                  source=(SOURCE_TYPE, preview.fiscal_year))
        entry = ledger.post_entry(draft, role=role, key=f"stock.variation:{preview.fiscal_year}:{len(done) + 1}")
        places.close_until(preview.day)
    return entry
