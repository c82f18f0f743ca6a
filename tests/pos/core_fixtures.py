"""Fixtures of the POS core tests (imported by tests/pos/test_core_*.py and test_api*.py, not a conftest:
the POS helpers share tests/pos/)."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from equisis.catalog import service as catalog
from equisis.parties import service as parties
from equisis.pos import service, sessions, tickets
from equisis.stock import service as stock
from equisis.users import service as users
from equisis.users.models import User

DAY = dt.date(2026, 3, 10)


def new_uuid() -> str:
    return str(uuid.uuid4())


def make_item(code="VASE", price_incl="12.10", rate=2100, **over):
    """An item whose shelf price is ``price_incl`` (VAT included)."""
    from decimal import Decimal
    excl = (Decimal(price_incl) * 10000 / (10000 + rate)).quantize(Decimal("0.0001"))
    values = dict(name_fr=f"Article {code}", name_en=f"Item {code}", sale_price=str(excl), purchase_price="3",
                  vat_rate=rate, nature="goods")
    values.update(over)
    return catalog.create_item(code, **values)


@pytest.fixture
def shop(company):
    """Items (21 %, 6 %, a service), a till T1 with an open session (float 100 €), cashier Alice (PIN 1111),
    supervisor Marc (sales, PIN 2222), stock of 50 in MAIN."""
    items = {
        "VASE": make_item("VASE", "12.10", barcodes=["5412345000013"]),
        "PLANT": make_item("PLANT", "5.30", 600),
        "CARD": make_item("CARD", "2.99"),
        "WRAP": make_item("WRAP", "1.00", nature="services"),
    }
    for code in ("VASE", "PLANT", "CARD"):
        stock.receive(code, 50_000, to="MAIN", cost_cents=5000)
    alice = users.add_user("alice", "password-alice", "cashier", display_name="Alice", pin="1111", language="en")
    marc = users.add_user("marc", "password-marc", "sales", display_name="Marc", pin="2222", language="en")
    terminal = service.register_terminal("Counter")
    session = sessions.open_session(terminal, alice, float_cents=10_000)
    customer = parties.create_party("Hôtel du Parc SRL", vat_number="BE0403170701", is_customer=True,
                                    language="fr")
    return Shop(items, alice, marc, terminal, session, customer)


class Shop:
    def __init__(self, items, alice, marc, terminal, session, customer):
        self.items, self.alice, self.marc, self.terminal, self.session = items, alice, marc, terminal, session
        self.customer = customer

    def admin(self) -> User:
        return User.get(User.username == "sophie")

    def sell(self, lines, payments, *, cashier=None, day=DAY, uuid_=None, session=None, **extra):
        request = tickets.TicketRequest(uuid=uuid_ or new_uuid(), session_id=(session or self.session).id,
                                        lines=lines, payments=payments, **extra)
        ticket, _created = tickets.create_ticket(self.terminal, cashier or self.alice, request, day=day,
                                                 language="en")
        return ticket
