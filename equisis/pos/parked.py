"""Parked sales: a basket put aside (the customer forgot their wallet), several at once, taken up again from
any till. Taking one up is a compare-and-set inside ``write()``: the second till to try gets 409."""
from __future__ import annotations

import json

from equisis.pos.errors import NoLines, ParkedAlreadyResumed, ParkedNotFound
from equisis.pos.models import ParkedSale, PosTerminal
from equisis.pos.tickets import check_uuid
from equisis.store import audit
from equisis.store.database import write
from equisis.users.models import User


def park(terminal: PosTerminal, cashier: User, *, uuid: str, lines: list, customer_id: int | None = None,
         label: str = "", total_cents: int = 0) -> tuple[ParkedSale, bool]:
    """Put a basket aside; the same UUID twice parks it once."""
    key = check_uuid(uuid)
    if not lines or not isinstance(lines, list):
        raise NoLines(field="lines")
    with write():
        seen = ParkedSale.get_or_none(ParkedSale.uuid == key)
        if seen is not None:
            return seen, False
        row = ParkedSale.create(uuid=key, terminal=terminal, label=(label or "")[:80], customer_id=customer_id,
                                lines_json=json.dumps(lines), total_cents=int(total_cents or 0),
                                created_at=audit.now_iso(), created_by=cashier.id)
        audit.record("create", "pos_parked_sale", row.id, after={"terminal": terminal.code, "label": row.label})
    return row, True


def parked_sales() -> list[ParkedSale]:
    """Every basket still parked, from all tills, oldest first."""
    return list(ParkedSale.select().where(ParkedSale.state == "parked").order_by(ParkedSale.id))


def resume(parked_id, terminal: PosTerminal, cashier: User) -> ParkedSale:
    """Take a parked basket up on ``terminal``; a basket already taken up is refused (ParkedAlreadyResumed)."""
    with write():
        row = ParkedSale.get_or_none(ParkedSale.id == parked_id)
        if row is None:
            raise ParkedNotFound(parked=parked_id)
        taken = (ParkedSale.update(state="resumed", resumed_at=audit.now_iso(), resumed_by=cashier.id,
                                   resumed_terminal_id=terminal.id)
                 .where((ParkedSale.id == row.id) & (ParkedSale.state == "parked")).execute())
        if taken != 1:
            raise ParkedAlreadyResumed(parked=row.id)
        audit.record("update", "pos_parked_sale", row.id, after={"resumed_on": terminal.code})
    return ParkedSale.get_by_id(row.id)


def parked_dict(row: ParkedSale) -> dict:
    return {"id": row.id, "uuid": row.uuid, "terminal": row.terminal.code, "label": row.label,
            "customer_id": row.customer_id, "lines": json.loads(row.lines_json), "total_cents": row.total_cents,
            "state": row.state, "created_at": row.created_at}
