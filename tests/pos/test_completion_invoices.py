"""Invoices at the till (one ticket invoiced at once), the month-end invoice's PDF, the Z report archive,
and customer price lists at the till."""
from __future__ import annotations

import datetime as dt

import pytest

from equisis.catalog import service as catalog
from equisis.documents import service as documents
from equisis.ledger.models import Entry
from equisis.parties import service as parties
from equisis.pos import counter, invoice_pdf, reports, rules, sessions, tickets
from equisis.pos.errors import CustomerRequired, InvoiceNeedsVatNumber, NothingToInvoice, RefundNotInvoiced
from equisis.pos.models import CounterInvoice, Ticket
from equisis.pos.loyalty import promotions
from tests.documents.pdftext import pages_text
from tests.pos.core_fixtures import DAY, shop  # noqa: F401


def text_of(content: bytes) -> str:
    return "\n".join(pages_text(content)).replace("\n", " ")


def invoiced_sale(shop, **extra):
    return shop.sell([{"item_code": "VASE", "quantity_milli": 2000}, {"item_code": "PLANT"}],
                     [{"method": "card", "amount_cents": 2950}], customer_id=shop.customer.id, invoice=True, **extra)


# --------------------------------------------------------------------------- invoice at the till

def test_a_ticket_invoiced_at_the_till_gets_its_own_numbered_invoice_and_posts_nothing_more(shop, company):
    ticket = invoiced_sale(shop)
    invoice = counter.invoice_of_ticket(ticket.id)
    assert invoice.kind == "ticket" and invoice.number == "POSF/2026/00001" and invoice.day == DAY
    assert (invoice.net_cents, invoice.vat_cents, invoice.total_cents) == \
        (ticket.net_cents, ticket.vat_cents, ticket.total_cents) == (2500, 450, 2950)
    assert (invoice.party_name, invoice.party_vat_number, invoice.language) == \
        ("Hôtel du Parc SRL", "BE0403170701", "fr")
    assert tickets.ticket_dict(ticket)["invoice"] == {"id": invoice.id, "number": "POSF/2026/00001",
                                                      "kind": "ticket",
                                                      "pdf": f"/pos/tickets/{ticket.id}/invoice.pdf"}
    assert Entry.select().count() == 0  # nothing posted until the session closes
    sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, day=DAY)
    assert Entry.select().count() == 1  # the session's entry only
    with pytest.raises(NothingToInvoice):  # the month-end invoice does not take the ticket again
        counter.create_counter_invoice(shop.customer.id, "2026-03", day=dt.date(2026, 3, 31))


def test_the_invoice_pdf_carries_the_belgian_mentions_in_the_customers_language(shop, company):
    ticket = invoiced_sale(shop)
    invoice = counter.invoice_of_ticket(ticket.id)
    content = invoice_pdf.render(invoice)
    text = text_of(content)
    for expected in ("Facture POSF/2026/00001", "Déco Sophie SRL", "Rue de Fer 12", "0403.170.701",  # seller
                     "Hôtel du Parc SRL", "BE0403170701",                                                 # buyer
                     "10 mars 2026", "Article VASE", "21 %", "6 %", "20,00", "4,20", "5,00", "0,30", "29,50",
                     f"ticket de caisse N° {ticket.number}"):
        assert expected in text, (expected, text)
    assert b"/Subtype /Image" not in content  # paid at the till: no transfer QR code


def test_the_invoice_is_archived_once_and_read_back_from_the_archive(shop, company):
    ticket = invoiced_sale(shop)
    invoice = counter.invoice_of_ticket(ticket.id)
    first = invoice_pdf.pdf_of(company, invoice)
    again = invoice_pdf.pdf_of(company, invoice)
    rows = documents.documents_of(counter.SOURCE_TYPE, invoice.id)
    assert first == again and len(rows) == 1
    row = rows[0]
    assert (row.kind, row.journal, row.year, row.period, row.language) == ("pos_invoice", "POSF", "2026", "2026-03", "fr")
    assert row.relative_path.startswith("2026/2026-03/POSF/")


def test_an_invoice_needs_a_business_customer_and_a_sale(shop):
    with pytest.raises(CustomerRequired):
        shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1210}], invoice=True)
    private = parties.create_party("Jean Dupont", is_customer=True, language="fr")
    with pytest.raises(InvoiceNeedsVatNumber) as refused:
        shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1210}], customer_id=private.id,
                  invoice=True)
    assert refused.value.field == "customer_id" and "Jean Dupont" in refused.value.message()
    assert Ticket.select().count() == 0 and CounterInvoice.select().count() == 0  # nothing half-written
    sale = shop.sell([{"item_code": "VASE"}], [{"method": "card", "amount_cents": 1210}], customer_id=shop.customer.id)
    line = sale.lines.get()
    with pytest.raises(RefundNotInvoiced):
        shop.sell([{"refund_of_line_id": line.id, "quantity_milli": -1000}], [{"method": "card", "amount_cents": 1210}],
                  customer_id=shop.customer.id, invoice=True)


def test_a_retried_invoiced_ticket_keeps_one_invoice(shop):
    uuid_ = "7f1c1a52-9a0d-4c1e-8a38-3f0b8a1d2c44"
    first = invoiced_sale(shop, uuid_=uuid_)
    again = invoiced_sale(shop, uuid_=uuid_)
    assert first.id == again.id and CounterInvoice.select().count() == 1


def test_the_month_end_invoice_gets_the_same_pdf_grouping_the_tickets(shop, company):
    for _ in range(2):
        shop.sell([{"item_code": "VASE"}], [{"method": "credit", "amount_cents": 1210}], customer_id=shop.customer.id)
    invoiced = invoiced_sale(shop)  # invoiced at the till already: not on the month's invoice
    sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, day=DAY)
    month = counter.create_counter_invoice(shop.customer.id, "2026-03", day=dt.date(2026, 3, 31))
    assert month.kind == "month" and month.number == "POSF/2026/00002" and month.total_cents == 2420
    numbers = [t.number for t in counter.tickets_of(month)]
    assert invoiced.number not in numbers and len(numbers) == 2
    text = text_of(invoice_pdf.pdf_of(company, month))
    assert "POSF/2026/00002" in text and "24,20" in text and "BE0403170701" in text
    for number in numbers:
        assert number in text
    assert len(documents.documents_of(counter.SOURCE_TYPE, month.id)) == 1


def test_the_invoice_speaks_dutch_for_a_flemish_customer(shop, company):
    flemish = parties.create_party("Bloemen Peeters BV", vat_number="BE0766555267", is_customer=True, language="nl")
    ticket = shop.sell([{"item_code": "VASE"}], [{"method": "cash", "amount_cents": 1210}], customer_id=flemish.id,
                       invoice=True)
    text = text_of(invoice_pdf.render(counter.invoice_of_ticket(ticket.id)))
    assert "Factuur" in text and "Bloemen Peeters BV" in text and ticket.number in text


# --------------------------------------------------------------------------- the Z report in the archive

def test_the_z_report_is_archived_once_after_the_close(shop, company):
    shop.sell([{"item_code": "VASE"}], [{"method": "cash", "amount_cents": 1210}])
    assert reports.archive_z(company, shop.session.id) is None  # still open: no Z report yet
    sessions.close_session(shop.session.id, shop.alice, counts={"10000": 1, "1000": 1, "200": 1}, day=DAY)
    row = reports.archive_z(company, shop.session.id)
    assert reports.archive_z(company, shop.session.id).id == row.id
    assert (row.kind, row.journal, row.period, row.object_type) == ("pos_z_report", "POSZ", "2026-03", "pos_session")
    content = documents.read_document(company, row.id)
    assert content.startswith(b"%PDF-") and shop.session.terminal.code in text_of(content)


# --------------------------------------------------------------------------- customer prices

def test_pure_price_precedence_and_conversion():
    assert rules.inclusive_unit_price_e4(100000, 0, 2100) == 121000
    assert rules.best_till_price(121000, (108900, "Pro"), None) == (108900, "Pro")
    assert rules.best_till_price(121000, (108900, "Pro"), (96800, "Soldes")) == (96800, "Soldes")
    assert rules.best_till_price(121000, (96800, "Pro"), (108900, "Soldes")) == (96800, "Pro")


def test_a_customers_price_list_prices_the_till_line(shop):
    hotel = catalog.create_price_list("Hôtels", party_id=shop.customer.id)
    catalog.add_price_rule(hotel.id, item="VASE", net_price="8")           # 8,00 excl. → 9,68 incl.
    catalog.add_price_rule(hotel.id, item="PLANT", discount="10", min_quantity="3")
    scanned = tickets.scan("5412345000013", day=DAY, customer_id=shop.customer.id)
    assert (scanned["unit_price_e4"], scanned["sale_label"]) == (96800, "Hôtels")
    assert tickets.scan("5412345000013", day=DAY)["unit_price_e4"] == 121000  # a walk-in customer
    request = tickets.TicketRequest(uuid="00000000-0000-0000-0000-000000000000", session_id=0,
                                    lines=[{"item_code": "VASE"}, {"item_code": "PLANT", "quantity_milli": 3000}],
                                    customer_id=shop.customer.id)
    preview = tickets.preview(request, day=DAY)
    # PLANT 5,30 incl. = 5,0000 excl. at 6 %; -10 % from 3 → 4,50 excl. → 4,77 incl.
    assert [x["unit_price_e4"] for x in preview["lines"]] == [96800, 47700]
    assert preview["total_cents"] == 968 + 3 * 477
    ticket = shop.sell(request.lines, [{"method": "card", "amount_cents": preview["total_cents"]}],
                       customer_id=shop.customer.id)  # a cashier: no price right needed, it is the list's price
    lines = list(ticket.lines.order_by(tickets.TicketLine.position))
    assert [x.unit_price_e4 for x in lines] == [96800, 47700] and lines[0].discount_bp == 0
    assert "Hôtels" in lines[0].description
    assert ticket.net_cents + ticket.vat_cents == ticket.total_cents - ticket.price_rounding_cents


def test_a_sales_period_still_applies_when_lower_than_the_customers_price(shop):
    hotel = catalog.create_price_list("Hôtels", party_id=shop.customer.id)
    catalog.add_price_rule(hotel.id, item="VASE", discount="5")
    promotions.create_period("Soldes", DAY, DAY, [{"item": "VASE", "discount": "30"}])
    price, label = tickets.shelf_price_e4(shop.items["VASE"], DAY, customer=shop.customer)
    assert (price, label) == (84700, "Soldes")  # 10,00 × 0,7 = 7,00 excl. → 8,47 incl.
    promotions.create_period("Petites soldes", DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1),
                             [{"item": "VASE", "discount": "2"}])
    later = tickets.shelf_price_e4(shop.items["VASE"], DAY + dt.timedelta(days=1), customer=shop.customer)
    assert later == (115000, "Hôtels")  # 9,50 excl. → 11,495 → 11,50 incl.: lower than the period's 11,86
