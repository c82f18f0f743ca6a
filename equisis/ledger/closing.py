"""The year-end: close a fiscal year (appropriate the result, carry the balances forward), or reopen it.

**Closing** fiscal year N (an accountant or administrator; the year before must
be closed; year N+1 is created when missing), in one transaction:

1. the **closing entry** (journal of kind ``closing``, CLO, dated the last day
   of N) appropriates what is left of the result: 14 brought forward joins it
   (D 140 / C 790, D 690 / C 141), then a profit goes D 693 / C 140 and a loss
   D 141 / C 793 (associations: 692 / 792) — see
   :func:`equisis.ledger.rules.closing_lines`. Appropriations the accountant
   booked by hand before (legal reserve, dividends) are respected: only the
   remainder is carried forward. Classes 6 and 7 then balance to zero;
2. every period of N is locked (``locked_by='closing'``; VAT locks stay) and N is closed;
3. the **opening entry** of N+1 (journal of kind ``opening``, OUV, dated its
   first day, kind ``carry_forward``) carries every balance-sheet account
   (classes 0–5) forward, partner accounts per partner. Its lines open no items:
   the invoices of N stay the open items, matched across years.

These entries are the ledger's own: period locks and lock dates do not apply
to them (the year-end sets its own locks), the closed state does.

**Reopening** N (N+1 must still be open) reverses the closing entry and the
opening entry of N+1 (reversals dated like the originals: nothing is deleted),
unlocks the periods the closing locked and opens N again; the reason is
audited. Closing N again posts fresh entries.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from equisis.company import service as company_service
from equisis.core.dates import FiscalYearSpan
from equisis.core.errors import Forbidden
from equisis.core.i18n import N_, gettext
from equisis.ledger import chart, rules
from equisis.ledger.errors import (ClosingAccountMissing, FiscalYearNotClosed, FiscalYearNotOpen,
                                   JournalNotFound, NextYearClosed, PreviousYearOpen)
from equisis.ledger.models import Account, AccountBalance, Entry, FiscalYear, Journal, PartnerBalance, Period
from equisis.ledger.posting import Posting, entry_lines, post_system, reversal_posting
from equisis.ledger.years import create_fiscal_year, find_fiscal_year
from equisis.store import audit
from equisis.store.database import write
from equisis.users.rules import check_role

CHART_MODEL = "ledger.chart_model"


@dataclass(frozen=True)
class ClosingResult:
    fiscal_year: str
    next_fiscal_year: str
    result_cents: int  # of the year, before appropriation (profit > 0)
    closing_entry_id: int | None
    opening_entry_id: int | None


def chart_model() -> str:
    """The company's chart model: the ``ledger.chart_model`` setting, else the one of its legal form."""
    chosen = company_service.get_setting(CHART_MODEL)
    return chosen or chart.model_for_legal_form(company_service.profile().legal_form)


def _require_accountant(role: str) -> None:
    check_role(role)
    if role not in rules.ACCOUNTANT_ROLES:
        raise Forbidden()


def _journal_of_kind(kind: str) -> str:
    journal = (Journal.select().where((Journal.kind == kind) & (Journal.is_active == True))  # noqa: E712
               .order_by(Journal.id).first())
    if journal is None:
        raise JournalNotFound(journal=kind)
    return journal.code


def year_balances(year: FiscalYear) -> dict[str, int]:
    """{account code: net cents (debit − credit)} over the fiscal year, from the maintained summary."""
    query = (AccountBalance.select(Account.code, AccountBalance.debit_cents, AccountBalance.credit_cents)
             .join(Account).switch(AccountBalance).join(Period).where(Period.fiscal_year == year.id))
    balances: dict[str, int] = {}
    for code, debit, credit in query.tuples():
        balances[code] = balances.get(code, 0) + debit - credit
    return balances


def year_partner_balances(year: FiscalYear) -> dict[tuple[str, int], int]:
    query = (PartnerBalance.select(Account.code, PartnerBalance.partner, PartnerBalance.debit_cents,
                                   PartnerBalance.credit_cents)
             .join(Account).switch(PartnerBalance).join(Period).where(Period.fiscal_year == year.id))
    balances: dict[tuple[str, int], int] = {}
    for code, partner, debit, credit in query.tuples():
        balances[(code, partner)] = balances.get((code, partner), 0) + debit - credit
    return balances


def _following(year: FiscalYear) -> FiscalYear | None:
    return FiscalYear.get_or_none(FiscalYear.start == year.end + dt.timedelta(days=1))


def close_fiscal_year(code: str, *, role: str) -> ClosingResult:
    """Close fiscal year ``code``: closing entry, locks, the next year's opening entry (see above)."""
    _require_accountant(role)
    with write():
        year = find_fiscal_year(code)
        if year.state != "open":
            raise FiscalYearNotOpen(fiscal_year=code)
        previous = (FiscalYear.select().where(FiscalYear.end < year.start)
                    .order_by(FiscalYear.end.desc()).first())
        if previous is not None and previous.state != "closed":
            raise PreviousYearOpen(previous=previous.code, fiscal_year=code)
        following = _following(year)
        if following is None:
            span = FiscalYearSpan(year.start, year.end).following()
            following = create_fiscal_year(span.start, span.end)
        scheme = chart.closing_scheme(chart_model())
        existing = {a for (a,) in Account.select(Account.code)
                    .where(Account.code.in_(scheme.accounts())).tuples()}
        for needed in scheme.accounts():
            if needed not in existing:
                raise ClosingAccountMissing(account=needed)

        balances = year_balances(year)
        result = rules.result_of_year(balances)
        description = gettext(N_("Closing of fiscal year {code}"), code=code)
        lines = rules.closing_lines(balances, scheme, description)
        closing = None
        if lines:
            draft = rules.DraftEntry(_journal_of_kind("closing"), year.end, description, lines)
            closing = post_system([Posting(draft, "closing")], role=role)[0]
        (Period.update(state="locked", locked_by="closing")
         .where((Period.fiscal_year == year.id) & (Period.state == "open")).execute())
        FiscalYear.update(state="closed").where(FiscalYear.id == year.id).execute()

        description = gettext(N_("Balances carried forward from fiscal year {code}"), code=code)
        carried = rules.carry_forward_lines(year_balances(year), year_partner_balances(year),
                                            document_ref=code, due_date=following.start,
                                            description=description)
        opening = None
        if carried:
            draft = rules.DraftEntry(_journal_of_kind("opening"), following.start, description, carried)
            opening = post_system([Posting(draft, "carry_forward", opens_items=False)], role=role)[0]
        outcome = ClosingResult(code, following.code, result, closing.entry_id if closing else None,
                                opening.entry_id if opening else None)
        audit.record("update", "fiscal_year", code, before={"state": "open"},
                     after={"state": "closed", "result_cents": result,
                            "closing": closing.reference if closing else None,
                            "opening": opening.reference if opening else None})
    return outcome


def _unreversed(year: FiscalYear, kind: str) -> list[Entry]:
    reversed_ids = {r for (r,) in Entry.select(Entry.reversal_of)
                    .where(Entry.reversal_of.is_null(False)).tuples()}
    return [e for e in Entry.select(Entry, Journal).join(Journal)
            .where((Entry.fiscal_year == year.id) & (Entry.kind == kind)).order_by(Entry.id)
            if e.id not in reversed_ids]


def reopen_fiscal_year(code: str, *, role: str, reason: str) -> list[int]:
    """Reopen a closed year: reverse its closing and the next year's opening; returns the reversals' ids."""
    _require_accountant(role)
    with write():
        year = find_fiscal_year(code)
        if year.state != "closed":
            raise FiscalYearNotClosed(fiscal_year=code)
        following = _following(year)
        if following is not None and following.state == "closed":
            raise NextYearClosed(following=following.code, fiscal_year=code)
        FiscalYear.update(state="open").where(FiscalYear.id == year.id).execute()
        (Period.update(state="open", locked_by=None)
         .where((Period.fiscal_year == year.id) & (Period.locked_by == "closing")).execute())
        targets = _unreversed(year, "closing")
        if following is not None:
            targets += _unreversed(following, "carry_forward")
        postings = [reversal_posting(e, entry_lines(e.id), e.date, reason) for e in targets]
        posted = post_system(postings, role=role) if postings else []
        audit.record("update", "fiscal_year", code, before={"state": "closed"},
                     after={"state": "open", "reason": reason, "reversals": [p.reference for p in posted]})
    return [p.entry_id for p in posted]
