"""Refunds from the original ticket, vouchers, parked sales, the print queue, the counter invoice, the doctor."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.ledger import service as ledger
from equisis.pos import counter, parked, printing, service, sessions, tickets, vouchers
from equisis.pos.errors import (NothingToInvoice, ParkedAlreadyResumed, RefundTooLarge, RightMissing,
                                VoucherExpired, VoucherKindMismatch, VoucherUnknown, VoucherUsed)
from equisis.pos.models import PrintJob, Ticket
from equisis.stock import service as stock
from tests.pos.core_fixtures import DAY, new_uuid, shop  # noqa: F401

SUPERVISOR = {"user_id": None, "pin": "2222"}


def boss(shop):
    return {"user_id": shop.marc.id, "pin": "2222"}


def test_a_refund_from_the_original_ticket(shop):
    sale = shop.sell([{"item_code": "VASE", "quantity_milli": 3000}], [{"method": "cash", "amount_cents": 4000}])
    found = tickets.scan(sale.barcode)
    assert found["kind"] == "ticket" and found["ticket"]["lines"][0]["refundable_milli"] == 3000
    line_id = found["ticket"]["lines"][0]["id"]
    with pytest.raises(RightMissing):
        shop.sell([{"refund_of_line_id": line_id, "quantity_milli": 1000}], [{"method": "cash", "amount_cents": 1210}])
    refund = shop.sell([{"refund_of_line_id": line_id, "quantity_milli": 1000}],
                       [{"method": "cash", "amount_cents": 1210}], supervisor=boss(shop))
    assert refund.kind == "refund" and refund.refund_of_id == sale.id
    assert (refund.total_cents, refund.to_pay_cents, refund.net_cents, refund.vat_cents) == (-1210, -1210, -1000, -210)
    assert stock.quantity_of("VASE", location="MAIN") == 48_000
    with pytest.raises(RefundTooLarge) as caught:
        shop.sell([{"refund_of_line_id": line_id, "quantity_milli": 3000}], [{"method": "cash", "amount_cents": 3630}],
                  cashier=shop.marc)
    assert "2" in caught.value.message() and sale.number in caught.value.message()
    result = sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2, "1000": 2, "200": 2, "20": 1},
                                    day=DAY)
    got = [(x.account.code, x.debit_cents, x.credit_cents, x.vat_grids) for x in ledger.entry_lines(result.entry_id)]
    assert ("7000", 1000, 0, "49") in got and ("451", 210, 0, "64") in got
    assert ("7000", 0, 3000, "03") in got


def test_a_refund_given_as_a_credit_voucher(shop):
    sale = shop.sell([{"item_code": "PLANT"}], [{"method": "card", "amount_cents": 530}])
    refund = shop.sell([{"refund_of_line_id": sale.lines.get().id, "quantity_milli": 1000}],
                       [{"method": "voucher", "amount_cents": 530}], cashier=shop.marc)
    [code] = tickets.ticket_dict(refund)["vouchers_issued"]
    assert vouchers.view(vouchers.find(code), DAY).as_dict()["balance_cents"] == 530
    assert vouchers.find(code).kind == "credit"


def test_gift_voucher_sold_then_used_in_two_goes(shop):
    sale = shop.sell([{"gift_voucher_cents": 5000}], [{"method": "cash", "amount_cents": 5000}])
    assert sale.vat_cents == 0 and sale.total_cents == 5000
    code = sale.lines.get().voucher_code
    assert tickets.scan(code)["voucher"]["balance_cents"] == 5000
    first = shop.sell([{"item_code": "VASE"}], [{"method": "voucher", "amount_cents": 5000, "voucher_code": code}])
    assert [(p.method, p.amount_cents) for p in first.payments] == [("voucher", 1210)]
    assert vouchers.view(vouchers.find(code), DAY).balance_cents == 3790
    shop.sell([{"item_code": "VASE", "quantity_milli": 4000}],
              [{"method": "voucher", "amount_cents": 3790, "voucher_code": code},
               {"method": "cash", "amount_cents": 1050}])
    with pytest.raises(VoucherUsed):
        shop.sell([{"item_code": "CARD"}], [{"method": "voucher", "amount_cents": 299, "voucher_code": code}])
    result = sessions.close_session(shop.session.id, shop.alice, counts={"5000": 3, "1000": 1, "200": 2}, day=DAY)
    got = [(x.account.code, x.debit_cents, x.credit_cents) for x in ledger.entry_lines(result.entry_id)]
    assert ("489", 0, 5000) in got and ("489", 5000, 0) in got


def test_voucher_expired_used_unknown(shop):
    old = vouchers.issue("gift", value_cents=1000, day=dt.date(2025, 1, 1), valid_to=dt.date(2025, 12, 31))
    with pytest.raises(VoucherExpired) as caught:
        shop.sell([{"item_code": "VASE"}], [{"method": "voucher", "amount_cents": 1000, "voucher_code": old.code},
                                            {"method": "cash", "amount_cents": 300}])
    assert "31/12/2025" in caught.value.message()
    with pytest.raises(VoucherUnknown) as caught:
        vouchers.usable("V00000000000", DAY)
    assert caught.value.status == 404
    discount = vouchers.issue("discount", percent_bp=1000, day=DAY)
    with pytest.raises(VoucherKindMismatch):
        shop.sell([{"item_code": "VASE"}], [{"method": "voucher", "amount_cents": 1000, "voucher_code": discount.code}])
    assert Ticket.select().count() == 0


def test_a_discount_voucher_lowers_the_vat_base_and_is_used_once(shop):
    discount = vouchers.issue("discount", percent_bp=1000, day=DAY)
    ticket = shop.sell([{"item_code": "VASE"}, {"item_code": "PLANT"}], [{"method": "card", "amount_cents": 1566}],
                       discount_vouchers=[discount.code])
    assert ticket.discount_cents == 174 and ticket.total_cents == 1566
    assert ticket.net_cents + ticket.vat_cents + ticket.price_rounding_cents == 1566
    assert ticket.vat_cents < 240
    with pytest.raises(VoucherUsed):
        shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1089}], discount_vouchers=[discount.code])


def test_parked_sales_resume_once_from_any_till(shop):
    other = service.register_terminal("Back counter")
    first, created = parked.park(shop.terminal, shop.alice, uuid=new_uuid(), lines=[{"item_code": "VASE"}],
                                 label="Mme Dubois")
    second, _ = parked.park(shop.terminal, shop.alice, uuid=new_uuid(), lines=[{"item_code": "PLANT"}])
    again, created_again = parked.park(shop.terminal, shop.alice, uuid=first.uuid, lines=[{"item_code": "VASE"}])
    assert created and not created_again and again.id == first.id
    assert [p.id for p in parked.parked_sales()] == [first.id, second.id]
    taken = parked.resume(first.id, other, shop.marc)
    assert taken.resumed_terminal_id == other.id and parked.parked_dict(taken)["lines"] == [{"item_code": "VASE"}]
    with pytest.raises(ParkedAlreadyResumed) as caught:
        parked.resume(first.id, shop.terminal, shop.alice)
    assert caught.value.status == 409
    assert [p.id for p in parked.parked_sales()] == [second.id]


class FakeTransport:
    def __init__(self, fail=False):
        self.fail, self.sent = fail, []

    def __call__(self, config, payload):
        if self.fail:
            from equisis.pos.printer import PrinterUnreachable
            raise PrinterUnreachable(config.address, "connection refused")
        self.sent.append((config, payload))


def test_printer_unreachable_the_sale_completes_and_the_job_stays_queued(shop):
    service.update_terminal(shop.terminal.id, printer_kind="tcp", printer_address="127.0.0.1:9")
    shop.terminal = service.find_terminal(shop.terminal.id)
    ticket = shop.sell([{"item_code": "VASE"}], [{"method": "cash", "amount_cents": 2000}])
    job = PrintJob.get(PrintJob.ticket_id == ticket.id)
    assert job.status == "queued" and job.open_drawer
    after = printing.process_job(job.id, send=FakeTransport(fail=True))
    assert after.status == "queued" and after.attempts_count == 1 and "127.0.0.1:9" in after.last_error
    assert Ticket.get_by_id(ticket.id).number == "T1-2026-000001"  # the sale stands
    assert [j.id for j in service.queued_jobs(shop.terminal)] == [job.id]
    transport = FakeTransport()
    printed = printing.retry_queued(shop.terminal, send=transport)
    assert printed[0].status == "printed" and printed[0].attempts_count == 2
    payload = transport.sent[0][1]
    assert ticket.barcode.encode() in payload and b"\x1bp" in payload  # the barcode, the drawer pulse
    copy = printing.reprint(ticket, shop.terminal)
    printing.process_job(copy.id, send=transport)
    assert b"DUPLICATE" in transport.sent[1][1]


def test_counter_invoice_groups_the_month_without_posting_twice(shop):
    for _ in range(2):
        shop.sell([{"item_code": "VASE"}], [{"method": "credit", "amount_cents": 1210}], customer_id=shop.customer.id)
    with pytest.raises(NothingToInvoice):  # the session is still open: its entry does not exist yet
        counter.create_counter_invoice(shop.customer.id, "2026-03", day=dt.date(2026, 3, 31))
    result = sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, day=DAY)
    entries_before = ledger.Entry.select().count() if hasattr(ledger, "Entry") else None
    invoice = counter.create_counter_invoice(shop.customer.id, "2026-03", day=dt.date(2026, 3, 31))
    assert invoice.number == "POSF/2026/00001" and invoice.total_cents == 2420 and invoice.vat_cents == 420
    assert len(counter.tickets_of(invoice)) == 2
    from equisis.ledger.models import Entry
    assert Entry.select().count() == 1 and result.entry_id  # only the session's entry: no second posting
    assert entries_before is None or entries_before == 1
    with pytest.raises(NothingToInvoice):
        counter.create_counter_invoice(shop.customer.id, "2026-03", day=dt.date(2026, 3, 31))


def test_the_doctor_finds_every_closed_session_equal_to_its_tickets(shop):
    from equisis.pos import doctor
    shop.sell([{"item_code": "VASE"}], [{"method": "cash", "amount_cents": 1210}])
    sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2, "1000": 1, "200": 1, "10": 1}, day=DAY)
    assert doctor.check() == []


def test_a_loyalty_card_earns_with_the_ticket_and_gives_back_with_the_refund(shop):
    from equisis.pos import loyalty
    loyalty.service.save_programme(active=True, points_per_euro_milli=1000)
    card = loyalty.create_card(shop.customer.id)
    assert tickets.scan(card.code)["kind"] == "card"
    sale = shop.sell([{"item_code": "VASE", "quantity_milli": 2000}], [{"method": "card", "amount_cents": 2420}],
                     card_code=card.code, customer_id=shop.customer.id)
    assert loyalty.balance(card.id).points == 24
    shop.sell([{"refund_of_line_id": sale.lines.get().id, "quantity_milli": 1000}],
              [{"method": "card", "amount_cents": 1210}], cashier=shop.marc)
    assert loyalty.balance(card.id).points == 12
    assert any("24" in x or "12" in x for x in printing.footer_lines(Ticket.get_by_id(sale.id)))


def test_a_loyalty_card_is_never_read_as_a_weighed_item(shop):
    """Cards (299…) share the in-store 2x range with the scale's weight labels (25–29 + item code): an item
    whose code is the card's digits 4–8 must not turn the card into a weighed sale."""
    from equisis.catalog import service as catalog
    from equisis.pos import loyalty
    card = loyalty.create_card(shop.customer.id)
    catalog.create_item(card.code[2:7], name_fr="Fromage à la coupe", sale_price="20", vat_rate=600,
                        sale_unit="kg", stock_unit="kg")
    assert tickets.scan(card.code)["kind"] == "card"
