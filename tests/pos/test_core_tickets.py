"""Tickets through the service: payments, rounding, idempotent UUIDs, gapless numbers, rights, stock."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from equisis.core.errors import ValidationErrors
from equisis.pos import service, sessions, tickets
from equisis.pos.errors import (CustomerRequired, InvalidUuid, PaymentShort, RightMissing, SessionClosed,
                                SupervisorNotAllowed, UnknownCode)
from equisis.pos.models import Ticket, TicketLine
from equisis.stock import service as stock
from equisis.store.database import use_database
from tests.pos.core_fixtures import DAY, new_uuid, shop  # noqa: F401


def test_cash_sale_with_change_and_the_rounding_line(shop):
    ticket = shop.sell([{"item_code": "VASE"}, {"item_code": "CARD"}], [{"method": "cash", "amount_cents": 2000}])
    assert ticket.total_cents == 1210 + 299
    assert ticket.rounding_cents == 1 and ticket.to_pay_cents == 1510 and ticket.change_cents == 490
    assert ticket.net_cents + ticket.vat_cents + ticket.price_rounding_cents == ticket.total_cents
    payment = ticket.payments.get()
    assert (payment.method, payment.amount_cents, payment.tendered_cents) == ("cash", 1510, 2000)


def test_card_payment_is_never_rounded(shop):
    ticket = shop.sell([{"item_code": "VASE"}, {"item_code": "CARD"}], [{"method": "card", "amount_cents": 1509}])
    assert (ticket.rounding_cents, ticket.to_pay_cents, ticket.change_cents) == (0, 1509, 0)


def test_mixed_payment_rounds_the_cash_part_only(shop):
    ticket = shop.sell([{"item_code": "VASE"}, {"item_code": "CARD"}],
                       [{"method": "card", "amount_cents": 1000}, {"method": "cash", "amount_cents": 600}])
    assert ticket.rounding_cents == 1  # 5,09 paid in cash -> 5,10
    assert [(p.method, p.amount_cents) for p in ticket.payments] == [("card", 1000), ("cash", 510)]
    assert ticket.change_cents == 90


def test_a_payment_short_of_the_total_saves_nothing(shop):
    with pytest.raises(PaymentShort) as caught:
        shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1000}])
    assert "2.10" in caught.value.message() or "2,10" in caught.value.message()
    assert Ticket.select().count() == 0
    with pytest.raises(PaymentShort):
        shop.sell([{"item_code": "VASE"}], [{"method": "cash", "amount_cents": 1200}])


def test_an_unknown_barcode_is_refused_and_no_line_is_added(shop):
    with pytest.raises(UnknownCode) as caught:
        tickets.scan("5400000000000")
    assert "5400000000000" in caught.value.message() and caught.value.status == 404
    with pytest.raises(UnknownCode):
        shop.sell([{"item_code": "VASE"}, {"item_code": "NOPE"}], [{"method": "cash", "amount_cents": 5000}])
    assert TicketLine.select().count() == 0


def test_scan_finds_items_by_barcode_and_weight_codes(shop):
    from equisis.catalog import service as catalog
    assert tickets.scan("5412345000013")["item_code"] == "VASE"
    from tests.pos.core_fixtures import make_item
    make_item("CHEESE", "20.00", 600, barcodes=["2512345000006"])
    found = tickets.scan("2512345007500")
    assert (found["item_code"], found["quantity_milli"], found["embedded"]) == ("CHEESE", 750, "weight")
    ticket = shop.sell([{"item_code": "2512345007500"}], [{"method": "card", "amount_cents": 1500}])
    assert ticket.total_cents == 1500 and ticket.lines.get().quantity_milli == 750
    assert catalog.find_item("CHEESE")


def test_on_account_needs_a_customer(shop):
    with pytest.raises(CustomerRequired):
        shop.sell([{"item_code": "VASE"}], [{"method": "credit", "amount_cents": 1210}])
    ticket = shop.sell([{"item_code": "VASE"}], [{"method": "credit", "amount_cents": 1210}],
                       customer_id=shop.customer.id)
    assert ticket.payments.get().party_id == shop.customer.id


def test_the_same_uuid_twice_gives_one_ticket(shop):
    key = new_uuid()
    first = shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1210}], uuid_=key)
    again = shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1210}], uuid_=key)
    assert first.id == again.id and Ticket.select().count() == 1
    with pytest.raises(InvalidUuid):
        shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1210}], uuid_="not-a-uuid")


def test_the_same_uuid_submitted_concurrently_gives_one_ticket(shop, company):
    key, results, errors = new_uuid(), [], []
    barrier = threading.Barrier(4)

    def submit():
        try:
            with use_database(company.database):
                barrier.wait()
                results.append(shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1210}],
                                         uuid_=key).id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            company.database.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1 and len(results) == 4
    assert Ticket.select().count() == 1
    assert stock.quantity_of("VASE", location="MAIN") == 49_000  # the stock moved once


def test_numbers_are_gapless_per_terminal_and_year(shop):
    other = service.register_terminal("Back counter")
    other_session = sessions.open_session(other, shop.alice, float_cents=0)
    pay = [{"method": "card", "amount_cents": 299}]
    a1 = shop.sell([{"item_code": "CARD"}], pay)
    b1 = tickets.create_ticket(other, shop.alice, tickets.TicketRequest(new_uuid(), other_session.id,
                                                                        [{"item_code": "CARD"}], pay), day=DAY)[0]
    with pytest.raises(PaymentShort):  # a refused ticket takes no number
        shop.sell([{"item_code": "VASE"}], pay)
    a2 = shop.sell([{"item_code": "CARD"}], pay)
    a3 = shop.sell([{"item_code": "CARD"}], pay, day=dt.date(2027, 1, 2))
    assert [a1.number, a2.number, b1.number, a3.number] == \
        ["T1-2026-000001", "T1-2026-000002", "T2-2026-000001", "T1-2027-000001"]
    assert a1.barcode == "T0012026000001"


def test_a_discount_beyond_the_cashiers_limit_needs_a_supervisor(shop):
    line = [{"item_code": "VASE", "discount_bp": 2000}]
    with pytest.raises(RightMissing) as caught:
        shop.sell(line, [{"method": "card", "amount_cents": 968}])
    assert caught.value.status == 403 and "Alice" in caught.value.message()
    with pytest.raises(RightMissing):
        shop.sell(line, [{"method": "card", "amount_cents": 968}], supervisor={"user_id": shop.marc.id, "pin": "9999"})
    with pytest.raises(SupervisorNotAllowed):
        shop.sell(line, [{"method": "card", "amount_cents": 968}],
                  supervisor={"user_id": shop.alice.id, "pin": "1111"})
    ticket = shop.sell(line, [{"method": "card", "amount_cents": 968}],
                       supervisor={"user_id": shop.marc.id, "pin": "2222"})
    assert ticket.supervisor_id == shop.marc.id and ticket.total_cents == 968
    assert shop.sell([{"item_code": "VASE", "discount_bp": 1000}], [{"method": "card", "amount_cents": 1089}])


def test_a_price_change_needs_the_right(shop):
    with pytest.raises(RightMissing):
        shop.sell([{"item_code": "VASE", "unit_price_e4": 100000}], [{"method": "card", "amount_cents": 1000}])
    ticket = shop.sell([{"item_code": "VASE", "unit_price_e4": 100000}], [{"method": "card", "amount_cents": 1000}],
                       cashier=shop.marc)
    assert ticket.total_cents == 1000


def test_stock_leaves_at_validation_by_default(shop):
    shop.sell([{"item_code": "VASE", "quantity_milli": 3000}, {"item_code": "WRAP"}],
              [{"method": "card", "amount_cents": 3730}])
    assert stock.quantity_of("VASE", location="MAIN") == 47_000


def test_stock_deferred_to_the_close(shop):
    service.set_stock_mode("close")
    shop.sell([{"item_code": "VASE", "quantity_milli": 3000}], [{"method": "card", "amount_cents": 3630}])
    assert stock.quantity_of("VASE", location="MAIN") == 50_000
    sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, day=DAY)
    assert stock.quantity_of("VASE", location="MAIN") == 47_000


def test_no_ticket_on_a_closed_session(shop):
    sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, day=DAY)
    with pytest.raises(SessionClosed):
        shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1210}])


def test_bad_lines_are_reported(shop):
    from equisis.pos.errors import InvalidDiscount, InvalidQuantity, NoLines
    with pytest.raises(NoLines):
        shop.sell([], [])
    with pytest.raises(InvalidQuantity):
        shop.sell([{"item_code": "VASE", "quantity_milli": 0}], [])
    with pytest.raises(InvalidDiscount):
        shop.sell([{"item_code": "VASE", "discount_bp": 12000}], [])
    assert not isinstance(ValidationErrors, type(None))
