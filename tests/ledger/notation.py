"""Entries written as small text tables, the way an accountant jots them down.

    draft("VEN 2026-03-10 Invoice 42", '''
        400   121,00 D  partner=7 ref=F42 due=2026-04-09
        7000  100,00 C  grids=03
        451    21,00 C  grids=54
    ''')

A line is ``account amount D|C`` then optional ``key=value``: partner, ref,
due (ISO date), grids (comma-separated), desc (underscores read as spaces).
"""
from __future__ import annotations

import datetime as dt

from equisis.core.money import parse_amount, to_cents
from equisis.ledger.rules import DraftEntry, DraftLine


def lines(body: str, **defaults) -> tuple[DraftLine, ...]:
    result = []
    for raw in body.strip().splitlines():
        parts = raw.split()
        if not parts:
            continue
        account, amount, side, *extra = parts
        cents = to_cents(parse_amount(amount))
        fields = dict(defaults)
        for item in extra:
            key, _, value = item.partition("=")
            if key == "partner":
                fields["partner_id"] = int(value)
            elif key == "ref":
                fields["document_ref"] = value
            elif key == "due":
                fields["due_date"] = dt.date.fromisoformat(value)
            elif key == "grids":
                fields["vat_grids"] = tuple(value.split(","))
            elif key == "desc":
                fields["description"] = value.replace("_", " ")
            else:
                raise ValueError(f"unknown key {key!r} in {raw!r}")
        debit, credit = (cents, 0) if side == "D" else (0, cents)
        result.append(DraftLine(account, debit, credit, **fields))
    return tuple(result)


def draft(header: str, body: str, *, source=None, **defaults) -> DraftEntry:
    journal, day, *words = header.split()
    return DraftEntry(journal, dt.date.fromisoformat(day), " ".join(words), lines(body, **defaults),
                      source=source)
