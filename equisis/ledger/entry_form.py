"""The entry screen's form read into a draft entry: what the user typed, line by line, and its problems.

The screen names its inputs like the posting checks name their fields,
``lines-<n>-<column>`` (1-based), so "Line 3: there is no account 999999."
lands on line 3's account cell. Blank lines are dropped before the lines are
numbered and the screen is re-rendered with what remains, so the numbers the
errors give are the numbers the user sees. A cell that cannot be read (an
amount like "1O,00", a date like 31/02/2026, a partner nobody matches) is a
``LineInputError`` on its line; all of them are reported at once, before the
books are asked.

Amounts go through the one parser (:func:`equisis.core.money.parse_amount`):
"1.234,56", "12,50" and "12.50" are read exactly, never through a float.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import Decimal

from equisis.core.dates import parse_date
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.money import parse_amount, to_cents
from equisis.ledger import rules
from equisis.ledger.errors import (EntryDateRequired, ImportTooManyDecimals, LineInputError, PartnerAmbiguous,
                                   PartnerNotFound)
from equisis.parties import service as parties

LINE_INPUT = re.compile(r"^lines-(\d{1,4})-([a-z_]+)\Z")


@dataclass
class LineInput:
    """One line of the entry screen as typed; re-rendered as is when the books refuse the entry."""

    account: str = ""
    description: str = ""
    partner: str = ""        # the id of the party the partner search picked
    partner_name: str = ""   # what the partner field shows (or what was typed there)
    document_ref: str = ""
    due_date: str = ""
    debit: str = ""
    credit: str = ""
    vat_grids: str = ""

    def is_blank(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


@dataclass
class EntryInput:
    """The whole screen as typed: journal, date, description and the lines that are not blank."""

    journal: str
    date: str
    description: str
    lines: list[LineInput]

    @classmethod
    def from_form(cls, form) -> "EntryInput":
        rows: dict[int, dict] = {}
        names = {f.name for f in fields(LineInput)}
        for key, value in form.items():
            found = LINE_INPUT.match(key)
            if found and found.group(2) in names:
                rows.setdefault(int(found.group(1)), {})[found.group(2)] = value.strip()[:250]
        lines = [LineInput(**rows[n]) for n in sorted(rows)]
        return cls((form.get("journal") or "").strip().upper(), (form.get("date") or "").strip(),
                   (form.get("description") or "").strip()[:250], [x for x in lines if not x.is_blank()])


def _cents(text: str, line: int, column: str, problems: list) -> int:
    if not text:
        return 0
    try:
        amount = parse_amount(text, field=column)
    except EquisisError as exc:
        problems.append(LineInputError(line, column, exc))
        return 0
    if amount != amount.quantize(Decimal("0.01")):
        problems.append(LineInputError(line, column, ImportTooManyDecimals(text)))
        return 0
    return to_cents(amount)


def _partner_id(x: LineInput, line: int, problems: list) -> int | None:
    """The picked party, else the one party whose name (or VAT number) is what was typed."""
    picked = int(x.partner) if x.partner.isascii() and x.partner.isdigit() and len(x.partner) < 19 else None
    if picked is not None or not x.partner_name:
        return picked
    found = parties.search(x.partner_name, limit=10)
    exact = [p for p in found if p.name.casefold() == x.partner_name.casefold()]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0].id
    problem = PartnerAmbiguous(x.partner_name) if found else PartnerNotFound(x.partner_name)
    problems.append(LineInputError(line, "partner", problem))
    return None


def draft_of(typed: EntryInput) -> rules.DraftEntry:
    """The draft the screen describes; every cell that cannot be read is reported at once."""
    problems: list[EquisisError] = []
    day = None
    if not typed.date:
        problems.append(EntryDateRequired(field="date"))
    else:
        try:
            day = parse_date(typed.date, field="date")
        except EquisisError as exc:
            problems.append(exc)
    lines = []
    for n, x in enumerate(typed.lines, start=1):
        due = None
        if x.due_date:
            try:
                due = parse_date(x.due_date, field="due_date")
            except EquisisError as exc:
                problems.append(LineInputError(n, "due_date", exc))
        lines.append(rules.DraftLine(
            x.account, _cents(x.debit, n, "debit", problems), _cents(x.credit, n, "credit", problems),
            _partner_id(x, n, problems), x.description, due, x.document_ref[:80] or None,
            tuple(grid for grid in re.split(r"[\s,;]+", x.vat_grids) if grid)))
    if problems:
        raise ValidationErrors(problems)
    return rules.DraftEntry(typed.journal, day, typed.description, tuple(lines))


def lenient_cents(text: str) -> int | None:
    """For the totals a re-rendered screen shows: cents, or None when the text is no amount."""
    try:
        return to_cents(parse_amount(text)) if text else 0
    except EquisisError:
        return None
