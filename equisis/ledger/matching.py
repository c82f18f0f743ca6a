"""Reconciliation (lettrage) rules: how open lines are matched, and which matches to suggest. Pure.

An **open item** is a line on a reconcilable account (customers 400, suppliers
440 …) with what remains of it after earlier matches, its **residual**, signed
like the line: a debit (an invoice to a customer) is positive, a credit (its
payment) negative. Matching a set of lines of one account and one partner
pays debits with credits, oldest due date first, in pairs: each pair is one
``Allocation`` of an amount, so any mix is expressed without touching the
posted lines.

Worked examples (customer account 400, one partner)::

    invoice A +100,00 (due 10/02)  payments −40,00 and −60,00   → (A, p1, 40,00), (A, p2, 60,00): A settled
    invoices A +100, B +50, C +30  one payment −180,00           → (A, p, 100), (B, p, 50), (C, p, 30)
    invoice A +100,00              payment −30,00                → (A, p, 30,00): A stays open for 70,00

When debits and credits differ, what is left stays open on the larger side.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from equisis.ledger.errors import MatchAcrossAccounts, NothingToMatch

#: How many candidate lines the "several invoices for one payment" search looks at (2^n combinations bound).
SUM_SEARCH_CANDIDATES = 24
SUM_SEARCH_MAX_LINES = 3


@dataclass(frozen=True)
class OpenLine:
    line_id: int
    account: str
    partner_id: int | None
    date: dt.date
    due_date: dt.date | None
    residual_cents: int  # signed: debit > 0, credit < 0
    document_ref: str | None = None

    @property
    def settles_before(self) -> tuple:
        return (self.due_date or self.date, self.date, self.line_id)


@dataclass(frozen=True)
class Allocation:
    debit_line_id: int
    credit_line_id: int
    amount_cents: int


def allocate(lines: Sequence[OpenLine]) -> list[Allocation]:
    """Pay the chosen debits with the chosen credits, oldest due date (then date) first.

    All lines must share one account and one partner; at least one must be an
    open debit and one an open credit (NothingToMatch otherwise).
    """
    if len({(x.account, x.partner_id) for x in lines}) > 1:
        raise MatchAcrossAccounts()
    debits = sorted((x for x in lines if x.residual_cents > 0), key=lambda x: x.settles_before)
    credits = sorted((x for x in lines if x.residual_cents < 0), key=lambda x: x.settles_before)
    if not debits or not credits:
        raise NothingToMatch()
    allocations = []
    debit_left = [x.residual_cents for x in debits]
    credit_left = [-x.residual_cents for x in credits]
    i = j = 0
    while i < len(debits) and j < len(credits):
        amount = min(debit_left[i], credit_left[j])
        allocations.append(Allocation(debits[i].line_id, credits[j].line_id, amount))
        debit_left[i] -= amount
        credit_left[j] -= amount
        if debit_left[i] == 0:
            i += 1
        if credit_left[j] == 0:
            j += 1
    return allocations


def residuals_after(lines: Iterable[OpenLine], allocations: Iterable[Allocation]) -> dict[int, int]:
    """{line_id: residual} once ``allocations`` are applied."""
    left = {x.line_id: x.residual_cents for x in lines}
    for a in allocations:
        left[a.debit_line_id] -= a.amount_cents
        left[a.credit_line_id] += a.amount_cents
    return left


def normalise_reference(text: str | None) -> str:
    """'+++090/9337/55493+++' and '090933755493' compare equal; 'inv 2026/0042' -> 'INV20260042'."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()


@dataclass(frozen=True)
class Suggestion:
    """Lines that look like they settle each other, and why: 'reference', 'amount' or 'sum'."""

    line_ids: tuple[int, ...]
    reason: str
    amount_cents: int


def suggest(lines: Sequence[OpenLine]) -> list[Suggestion]:
    """Propose matches among open lines, each line in at most one suggestion.

    Per account and partner, in order of confidence:

    1. **reference** — a line on the other side with the same document
       reference (a payment whose communication is the invoice number or its
       structured OGM/VCS);
    2. **amount** — exactly one line on the other side with the same residual;
    3. **sum** — two or three lines on the other side (among the
       ``SUM_SEARCH_CANDIDATES`` oldest) adding up to the residual: one payment
       for several invoices.

    Example: invoices A 100,00, B 50,00, C 30,00 and payments 50,00 and
    130,00 → (B, 50,00 payment) by amount, (A, C, 130,00 payment) by sum.
    """
    suggestions: list[Suggestion] = []
    groups: dict[tuple, list[OpenLine]] = {}
    for x in lines:
        if x.residual_cents:
            groups.setdefault((x.account, x.partner_id), []).append(x)
    for group in groups.values():
        used: set[int] = set()
        ordered = sorted(group, key=lambda x: (x.date, x.line_id))
        for finder in (_by_reference, _by_amount, _by_sum):
            for x in ordered:
                if x.line_id in used:
                    continue
                others = [y for y in ordered
                          if y.line_id not in used and (y.residual_cents > 0) != (x.residual_cents > 0)]
                found = finder(x, others)
                if found:
                    ids = (x.line_id,) + tuple(y.line_id for y in found[0])
                    used.update(ids)
                    suggestions.append(Suggestion(ids, found[1], abs(x.residual_cents)))
    return suggestions


def _by_reference(x: OpenLine, others: list[OpenLine]):
    ref = normalise_reference(x.document_ref)
    if not ref:
        return None
    same = [y for y in others if normalise_reference(y.document_ref) == ref]
    return ([same[0]], "reference") if same else None


def _by_amount(x: OpenLine, others: list[OpenLine]):
    same = [y for y in others if y.residual_cents == -x.residual_cents]
    return ([same[0]], "amount") if len(same) == 1 else None


def _by_sum(x: OpenLine, others: list[OpenLine]):
    target = abs(x.residual_cents)
    candidates = sorted(others, key=lambda y: y.settles_before)[:SUM_SEARCH_CANDIDATES]
    for size in range(2, SUM_SEARCH_MAX_LINES + 1):
        for combo in itertools.combinations(candidates, size):
            if sum(abs(y.residual_cents) for y in combo) == target:
                return list(combo), "sum"
    return None
