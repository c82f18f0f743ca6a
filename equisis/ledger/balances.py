"""Balances read from the maintained summaries (account × period, partner × account × period), not lines."""
from __future__ import annotations

import datetime as dt

from peewee import fn

from equisis.ledger.models import Account, AccountBalance, PartnerBalance, Period


def account_totals(first_period_start: dt.date, last_period_end: dt.date) -> dict[str, tuple[int, int]]:
    """{account code: (debit cents, credit cents)} over the whole periods between the two dates."""
    query = (AccountBalance.select(Account.code, fn.SUM(AccountBalance.debit_cents),
                                   fn.SUM(AccountBalance.credit_cents))
             .join(Account).switch(AccountBalance).join(Period)
             .where((Period.start >= first_period_start) & (Period.end <= last_period_end))
             .group_by(Account.code))
    return {code: (debit, credit) for code, debit, credit in query.tuples()}


def partner_totals(first_period_start: dt.date,
                   last_period_end: dt.date) -> dict[tuple[str, int], tuple[int, int]]:
    """{(account code, partner id): (debit cents, credit cents)} over the whole periods between the dates."""
    query = (PartnerBalance.select(Account.code, PartnerBalance.partner, fn.SUM(PartnerBalance.debit_cents),
                                   fn.SUM(PartnerBalance.credit_cents))
             .join(Account).switch(PartnerBalance).join(Period)
             .where((Period.start >= first_period_start) & (Period.end <= last_period_end))
             .group_by(Account.code, PartnerBalance.partner))
    return {(code, partner): (debit, credit) for code, partner, debit, credit in query.tuples()}
