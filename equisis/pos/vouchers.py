"""Vouchers: gift vouchers (sold at the till), credit vouchers (a refund kept as credit) and discount vouchers.

Each has a unique barcode (Code 128 ``V`` + 11 digits), a validity period and a balance: the value
less what tickets took from it, so a gift voucher may be used in several goes. A discount voucher
(an amount or a percentage off a ticket) is used once. Gift and credit vouchers are multi-purpose
vouchers: no VAT when issued (the sale is taxed when the voucher pays for it), a liability on the
voucher account (489) until used.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from peewee import fn

from equisis.core.money import from_cents
from equisis.pos import rules, service
from equisis.pos.errors import (InvalidVoucher, VoucherBalanceShort, VoucherCancelled, VoucherExpired,
                                VoucherNotYetValid, VoucherUnknown, VoucherUsed)
from equisis.pos.models import Voucher, VoucherUse
from equisis.store import audit
from equisis.store.database import write


@dataclass(frozen=True)
class VoucherView:
    code: str
    kind: str
    value_cents: int
    percent_bp: int
    balance_cents: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    state: str

    def as_dict(self) -> dict:
        return {"code": self.code, "kind": self.kind, "value_cents": self.value_cents, "percent_bp": self.percent_bp,
                "balance_cents": self.balance_cents, "state": self.state,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_to": self.valid_to.isoformat() if self.valid_to else None}


def _new_code() -> str:
    while True:
        code = "V" + "".join(secrets.choice("0123456789") for _ in range(11))
        if not Voucher.select().where(Voucher.code == code).exists():
            return code


def issue(kind: str, *, value_cents: int = 0, percent_bp: int = 0, valid_from: dt.date | None = None,
          valid_to: dt.date | None = None, party_id: int | None = None, ticket_id: int | None = None,
          day: dt.date | None = None, note: str = "") -> Voucher:
    """A new voucher; a gift or credit voucher without an end date is valid ``pos.voucher_validity_days``."""
    if kind not in rules.VOUCHER_KINDS or value_cents < 0 or not 0 <= percent_bp <= 10000 \
            or (kind != "discount" and (not value_cents or percent_bp)) \
            or (kind == "discount" and bool(value_cents) == bool(percent_bp)):
        raise InvalidVoucher(field="kind")
    day = day or dt.date.today()
    if valid_to is None and kind != "discount":
        valid_to = day + dt.timedelta(days=int(service.setting("pos.voucher_validity_days")))
    with write():
        voucher = Voucher.create(code=_new_code(), kind=kind, value_cents=value_cents, percent_bp=percent_bp,
                                 valid_from=valid_from or day, valid_to=valid_to, party_id=party_id,
                                 issued_ticket_id=ticket_id, created_at=audit.now_iso(), note=note[:200])
        audit.record("create", "pos_voucher", voucher.id, after={"code": voucher.code, "kind": kind,
                                                                 "value_cents": value_cents, "percent_bp": percent_bp})
    return voucher


def used_cents(voucher: Voucher) -> int:
    return int(VoucherUse.select(fn.SUM(VoucherUse.amount_cents)).where(VoucherUse.voucher == voucher).scalar() or 0)


def view(voucher: Voucher, day: dt.date | None = None) -> VoucherView:
    day = day or dt.date.today()
    used = used_cents(voucher)
    uses = VoucherUse.select().where(VoucherUse.voucher == voucher).count()
    balance = voucher.value_cents - used if voucher.kind != "discount" else voucher.value_cents
    state = rules.voucher_state(valid_from=voucher.valid_from, valid_to=voucher.valid_to, balance_cents=balance,
                                kind=voucher.kind, uses=uses, day=day, active=voucher.active)
    return VoucherView(voucher.code, voucher.kind, voucher.value_cents, voucher.percent_bp,
                       balance if state != "used" or voucher.kind != "discount" else 0,
                       voucher.valid_from, voucher.valid_to, state)


def find(code: str) -> Voucher:
    found = Voucher.get_or_none(Voucher.code == (code or "").strip().upper())
    if found is None:
        raise VoucherUnknown(code=(code or "").strip()[:40], field="voucher_code")
    return found


def usable(code: str, day: dt.date) -> tuple[Voucher, VoucherView]:
    """The voucher if it can be used today, else the reason why not (expired, used, unknown…)."""
    voucher = find(code)
    seen = view(voucher, day)
    if seen.state == "expired":
        raise VoucherExpired(code=voucher.code, day=voucher.valid_to.strftime("%d/%m/%Y"), field="voucher_code")
    if seen.state == "not_yet":
        raise VoucherNotYetValid(code=voucher.code, day=voucher.valid_from.strftime("%d/%m/%Y"), field="voucher_code")
    if seen.state == "used":
        raise VoucherUsed(code=voucher.code, field="voucher_code")
    if seen.state == "cancelled":
        raise VoucherCancelled(code=voucher.code, field="voucher_code")
    return voucher, seen


def take(voucher: Voucher, ticket_id: int, amount_cents: int, day: dt.date) -> None:
    """Record a use inside the ticket's write(); a gift/credit voucher must hold the amount."""
    seen = view(voucher, day)
    if voucher.kind != "discount" and amount_cents > seen.balance_cents:
        raise VoucherBalanceShort(code=voucher.code, balance=from_cents(seen.balance_cents),
                                  wanted=from_cents(amount_cents), field="voucher_code")
    VoucherUse.create(voucher=voucher, ticket=ticket_id, amount_cents=amount_cents, at=audit.now_iso())


def cancel(code: str) -> Voucher:
    with write():
        voucher = find(code)
        Voucher.update(active=False).where(Voucher.id == voucher.id).execute()
        audit.record("cancel", "pos_voucher", voucher.id, after={"code": voucher.code})
    return find(code)


def vouchers_of_ticket(ticket_id: int) -> list[Voucher]:
    return list(Voucher.select().where(Voucher.issued_ticket_id == ticket_id).order_by(Voucher.id))
