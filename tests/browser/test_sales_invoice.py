"""At the keyboard: a sales invoice typed without the mouse (customer search, item by barcode, the customer's
price list applied), posted, its PDF opened, sent to the loopback SMTP server, and found again from grid 03
of the VAT return."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from equisis.catalog import service as catalog
from equisis.company import service as company_service
from equisis.core.dates import vat_period_of
from equisis.parties import service as parties
from equisis.store.audit import acting_as
from tests.browser.conftest import SLUG
from tests.documents.test_mail import Collector, free_port

pytestmark = pytest.mark.browser
BARCODE = "5412345000013"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def seed(live, port: int) -> None:
    with live.instance.get(SLUG).session(), acting_as("test:seed"):
        customer = parties.create_party("Brasserie Clavier SRL", vat_number="BE0417497106", is_customer=True,
                                        language="fr", email="compta@clavier.example",
                                        addresses=[{"street": "Rue du Moulin 3", "postcode": "5000",
                                                    "city": "Namur"}])
        catalog.create_item("LAMPKB", name_fr="Lampe de table laiton", name_en="Brass table lamp", sale_price="40",
                            purchase_price="22", vat_rate=2100, barcodes=[BARCODE])
        price_list = catalog.create_price_list("Clavier net prices", party_id=customer.id)
        catalog.add_price_rule(price_list.id, item="LAMPKB", net_price="37")
        company_service.set_settings({"mail.host": "127.0.0.1", "mail.port": port, "mail.security": "none",
                                      "mail.sender": "Déco <shop@deco.example>"})


def test_a_sales_invoice_typed_with_the_keyboard_posted_printed_sent_and_found_from_grid_03(live, admin_page, smtp):
    handler, port = smtp
    seed(live, port)
    page, keys = admin_page, admin_page.keyboard

    page.goto(live.company_url("sales/invoices/new"))
    expect(page.locator("input[name=customer_name]")).to_be_focused()
    keys.type("Brasserie Clav")
    expect(page.locator("[data-suggest] li[role=option]").first).to_contain_text("Brasserie Clavier SRL")
    keys.press("Enter")                                   # the customer; on to the date (today)
    expect(page.locator("input[name=date]")).to_be_focused()
    keys.press("Enter")
    keys.press("Enter")                                   # no reference
    expect(page.locator("input[name='lines-1-item']")).to_be_focused()
    keys.type(BARCODE)                                    # the scanner types the barcode and Enter
    keys.press("Enter")
    expect(page.locator("input[name='lines-1-item']")).to_have_value("LAMPKB")
    expect(page.locator("input[name='lines-1-quantity']")).to_be_focused()
    keys.type("3")
    keys.press("Enter")
    shown = page.locator("tr[data-line='1'] [data-price-shown]")
    expect(shown).to_have_attribute("data-price-e4", "370000")  # the customer's price list, not 40,00
    expect(shown).to_contain_text("Clavier net prices")
    expect(page.locator("[data-total=total]")).to_have_attribute("data-cents", "13431")   # 3 × 37 + 21 %
    expect(page.locator("tr[data-line='1'] [data-margin]")).to_contain_text("45")       # 111 − 66
    keys.press("Enter")                                   # unit price: the price list's
    keys.press("Enter")                                   # discount
    keys.press("Enter")                                   # VAT: the item's
    expect(page.locator("input[name='lines-2-item']")).to_be_focused()
    keys.press("Enter")                                   # an empty line: done, on the Save button
    expect(page.locator("[data-save]")).to_be_focused()
    keys.press("Tab")
    expect(page.locator("[data-save-post]")).to_be_focused()
    keys.press("Enter")                                   # save and post

    page.wait_for_url(re.compile(r"/sales/invoices/\d+$"))
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "posted")
    number = re.search(r"F\d{4}/\d{5}", page.locator("h1").inner_text()).group(0)
    expect(page.locator("[data-total]")).to_contain_text("134,31")
    expect(page.locator("[data-ogm]")).to_contain_text("+++")
    detail_url = page.url

    pdf = page.request.get(live.url + page.locator("[data-pdf]").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")

    page.locator("[data-send-form] input[name=to]").focus()
    expect(page.locator("[data-send-form] input[name=to]")).to_have_value("compta@clavier.example")
    keys.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("compta@clavier.example")
    assert handler.envelopes and handler.envelopes[-1].rcpt_tos == ["compta@clavier.example"]
    assert number.encode() in handler.envelopes[-1].content

    with live.instance.get(SLUG).session():
        period = vat_period_of(dt.date.today(), company_service.profile().vat_filing)
    page.goto(live.company_url(f"vat/return/{period}/grid/03?q={number}"))
    link = page.locator("a[data-source]", has_text=number)
    expect(link).to_have_count(1)
    link.click()
    page.wait_for_url(detail_url)
    expect(page.locator("h1")).to_contain_text(number)
