"""At the keyboard: a supplier's invoice typed without the mouse (supplier and account search, live totals),
posted with Ctrl+Enter, then shown with its number."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from equisis.parties import service as parties
from equisis.store.audit import acting_as
from tests.browser.conftest import SLUG

pytestmark = pytest.mark.browser


def test_enter_a_purchase_invoice_with_the_keyboard(live, admin_page):
    with live.instance.get(SLUG).session(), acting_as("test:seed"):
        parties.create_party("Zebra Fournitures SRL", vat_number="BE0403019261", is_supplier=True)
    page = admin_page
    page.goto(live.company_url("purchases/new"))
    page.keyboard.type("Zebra Fourn")
    expect(page.locator("[data-suggest] li[role=option]").first).to_contain_text("Zebra Fournitures SRL")
    page.keyboard.press("Enter")                       # choose the supplier, go to the reference
    page.keyboard.type("ZF-2026-0042")
    page.keyboard.press("Enter")
    page.keyboard.type(dt.date.today().strftime("%d/%m/%Y"))
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")                       # booking date: the invoice date
    page.keyboard.press("Enter")                       # due date: the supplier's terms
    page.keyboard.press("Enter")                       # no item: on an account
    page.keyboard.type("604")
    expect(page.locator("tr[data-line] [data-suggest] li[role=option]").first).to_contain_text("604")
    page.keyboard.press("Enter")
    page.keyboard.type("Vases")
    page.keyboard.press("Enter")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.keyboard.type("19,99")
    expect(page.locator("[data-total-net]")).to_contain_text("59,97")
    expect(page.locator("[data-total]")).to_contain_text("72,56")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/purchases/\d+$"))
    expect(page.locator("h1")).to_contain_text(re.compile(r"A\d{4}/\d{5}"))
    expect(page.locator("[data-total]")).to_contain_text("72,56")
    expect(page.locator("[data-supplier-ref]")).to_have_text("ZF-2026-0042")
