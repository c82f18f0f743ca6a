"""``equisis doctor`` checks of the VAT returns: each filed return's XML is what was filed (its sha256)
and the ledger periods it covers are still locked by it."""
from __future__ import annotations

import hashlib

from equisis.ledger.models import Period
from equisis.store.doctor import Problem
from equisis.vat import service
from equisis.vat.models import VatReturn


def checks(store) -> list[tuple[str, object]]:
    return [("vat: filed returns intact", check_filed_returns),
            ("vat: filed periods locked", check_filed_periods_locked)]


def check_filed_returns() -> list[Problem]:
    problems = []
    for row in VatReturn.select().order_by(VatReturn.id):
        if hashlib.sha256(service.xml_of(row)).hexdigest() != row.xml_sha256:
            problems.append(Problem("vat_return", f"return #{row.id} ({row.period}): XML differs from its sha256"))
    return problems


def check_filed_periods_locked() -> list[Problem]:
    problems = []
    for row in VatReturn.select().where(VatReturn.kind == "original").order_by(VatReturn.id):
        for period in Period.select().where((Period.start <= row.end) & (Period.end >= row.start)):
            if period.state != "locked":
                problems.append(Problem("vat_return", f"period {period.code} of return {row.period} is not locked"))
    return problems
