"""Mme Dubois at the keyboard: a miscellaneous entry typed without the mouse, posted, then reconciled.

The issue's story goes on through the reports (drill down from the trial balance,
the general ledger as Excel); those screens belong to the reports blueprint, so
that part is its own test, skipped until the blueprint is registered.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from equisis.ledger import service as ledger
from equisis.parties import service as parties
from equisis.store.audit import acting_as
from tests.browser.conftest import SLUG, screenshot
from tests.ledger.notation import draft

pytestmark = pytest.mark.browser
REPORTS = ("reports.trial_balance", "reports.general_ledger")


def seed_invoice(live, name: str, ref: str) -> int:
    """A customer and a sales invoice of 121,00 to them, dated today; returns the customer's id."""
    today = dt.date.today()
    with live.instance.get(SLUG).session(), acting_as("test:seed"):
        customer = parties.create_party(name, is_customer=True)
        ledger.post_entry(draft(f"VEN {today.isoformat()} Invoice {ref}", f"""
            400  121,00 D partner={customer.id} ref={ref} due={(today + dt.timedelta(days=30)).isoformat()}
            7000 121,00 C
        """), role="accountant")
    return customer.id


def row(page, n: int):
    return page.locator("tbody[data-lines] tr[data-line]").nth(n - 1)


def cell(page, n: int, column: str):
    return page.locator(f"input[name='lines-{n}-{column}']")


def test_enters_a_miscellaneous_entry_with_the_keyboard_only_posts_it_and_reconciles_two_partner_lines(
        live, admin_page):
    page, keys = admin_page, admin_page.keyboard
    seed_invoice(live, "Maison Dupont (keyboard)", "KB-1")
    today = dt.date.today().strftime("%d/%m/%Y")

    page.goto(live.company_url("ledger/entries/new"))
    expect(page.locator("input[name=description]")).to_be_focused()     # journal OD and today are filled in
    expect(page.locator("select[name=journal]")).to_have_value("OD")
    expect(page.locator("input[name=date]")).to_have_value(today)
    keys.type("Compensation KB-1")
    keys.press("Enter")

    # Line 1: the bank account, found by its code as it is typed; partner fields are skipped on a 55 account.
    expect(cell(page, 1, "account")).to_be_focused()
    keys.type("5500")
    option = row(page, 1).locator("[data-suggest] li[role=option]").first
    expect(option).to_contain_text("550001")
    keys.press("Enter")
    expect(cell(page, 1, "account")).to_have_value("550001")
    expect(row(page, 1).locator("[data-account-name]")).to_contain_text("Bank")
    expect(cell(page, 1, "description")).to_be_focused()
    keys.type("Bank transfer")
    keys.press("Enter")
    expect(cell(page, 1, "debit")).to_be_focused()
    keys.type("121,00")
    expect(page.locator("[data-difference]")).to_have_attribute("data-cents", "12100")
    keys.press("Enter")                                                  # a debit: on to the next line

    # Line 2: F2 copies line 1, then the account becomes the customers' (Enter before the answer still picks).
    expect(cell(page, 2, "account")).to_be_focused()
    keys.press("F2")
    expect(cell(page, 2, "debit")).to_have_value("121,00")
    expect(cell(page, 2, "description")).to_have_value("Bank transfer")
    expect(cell(page, 2, "account")).to_be_focused()
    keys.type("400")
    keys.press("Enter")
    expect(cell(page, 2, "account")).to_have_value("400")
    expect(cell(page, 2, "description")).to_be_focused()
    keys.type("Invoice KB-1")
    keys.press("Enter")
    expect(cell(page, 2, "partner_name")).to_be_focused()               # a 40 account needs its partner
    keys.type("Dupont (key")
    expect(row(page, 2).locator("[data-suggest] li[role=option]").first).to_contain_text("Maison Dupont (keyboard)")
    keys.press("Enter")
    expect(cell(page, 2, "partner_name")).to_have_value("Maison Dupont (keyboard)")
    expect(cell(page, 2, "document_ref")).to_be_focused()
    keys.type("KB-1")
    keys.press("Enter")
    keys.type(today)
    keys.press("Enter")
    expect(cell(page, 2, "debit")).to_be_focused()
    keys.press("Backspace")                                              # the copied debit goes
    expect(page.locator("[data-difference]")).to_have_attribute("data-cents", "12100")
    keys.press("Enter")
    expect(cell(page, 2, "credit")).to_be_focused()
    keys.press("=")                                                      # the amount that balances
    expect(cell(page, 2, "credit")).to_have_value("121,00")
    expect(page.locator("[data-difference]")).to_have_attribute("data-cents", "0")
    expect(row(page, 2).locator("[data-running]")).to_contain_text("0,00")
    keys.press("Enter")

    # An empty line ends the entry: Enter goes to Post, Enter again posts.
    expect(cell(page, 3, "account")).to_be_focused()
    keys.press("Enter")
    expect(page.locator("[data-post]")).to_be_focused()
    screenshot(page, "ledger-entry.png")
    keys.press("Enter")

    posted = page.locator("[data-posted]")
    expect(posted).to_contain_text(re.compile(r"Entry posted:\s+OD/\d{4}/\d{5}"))
    reference = posted.locator("a").inner_text()
    expect(page.locator("input[name=description]")).to_be_focused()     # ready for the next entry
    expect(page.locator("input[name=date]")).to_have_value(today)

    # The entry: its lines and seal; its customer line leads to the reconciliation of that partner.
    posted.locator("a").click()
    expect(page.locator("main h1")).to_have_text(reference)
    expect(page.locator("[data-hash]")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    page.get_by_role("link", name=re.compile("open:")).click()

    items = page.locator("table.open-items tbody tr")
    expect(items).to_have_count(2)
    expect(page.locator("[data-suggestion]")).to_contain_text("same reference")
    for n in range(2):
        items.nth(n).locator("input[type=checkbox]").check()
    expect(page.locator("[data-selected-total]")).to_have_attribute("data-cents", "0")
    page.locator("[data-match]").click()

    expect(page.locator(".flash-success")).to_have_text("Lines matched.")
    expect(page.locator("[data-no-open-items]")).to_be_visible()
    expect(page.locator("table.matches tbody tr")).to_contain_text(reference)
    screenshot(page, "ledger-reconciliation.png")


def test_an_unbalanced_entry_shows_its_difference_live_and_ctrl_enter_posts_it_once_balanced(live, admin_page):
    page, keys = admin_page, admin_page.keyboard
    page.goto(live.company_url("ledger/entries/new"))
    keys.type("Office supplies")
    keys.press("Enter")
    keys.type("6120")
    expect(row(page, 1).locator("[data-suggest] li[role=option]").first).to_contain_text("6120")
    keys.press("Enter")
    keys.press("Enter")
    keys.type("45,50")
    keys.press("Enter")
    keys.type("5700")
    expect(row(page, 2).locator("[data-suggest] li[role=option]").first).to_contain_text("570001")
    keys.press("Enter")
    keys.press("Enter")
    keys.press("Enter")                                                  # no debit: on to the credit
    keys.type("45,00")
    expect(page.locator("[data-difference]")).to_have_attribute("data-cents", "50")
    expect(page.locator("[data-difference-box]")).to_have_class(re.compile("unbalanced"))

    keys.press("Control+Enter")                                          # the books refuse it, nothing is lost
    expect(page.locator("[data-problems]")).to_contain_text("The entry is not balanced")
    expect(page.locator("[data-problems]")).to_contain_text("0,50")
    expect(cell(page, 2, "credit")).to_have_value("45,00")
    expect(row(page, 1).locator("[data-account-name]")).not_to_be_empty()

    cell(page, 2, "credit").focus()
    keys.press("Backspace")
    keys.press("=")
    expect(cell(page, 2, "credit")).to_have_value("45,50")
    keys.press("Control+Enter")
    expect(page.locator("[data-posted]")).to_contain_text("45,50")


def test_finds_the_entry_from_the_trial_balance_and_downloads_the_general_ledger(live, admin_page, tmp_path):
    endpoints = {rule.endpoint for rule in live.app.url_map.iter_rules()}
    missing = [name for name in REPORTS if name not in endpoints]
    if missing:
        pytest.skip(f"the reports screens are not registered yet ({', '.join(missing)}); "
                    "this part of the issue's browser test runs once equisis.reports.views is in BLUEPRINTS")
    page = admin_page
    today = dt.date.today()
    with live.instance.get(SLUG).session(), acting_as("test:seed"):
        entry = ledger.post_entry(draft(f"OD {today.isoformat()} Drill-down", """
            6120   37,45 D
            550001 37,45 C
        """), role="accountant")
    with live.app.test_request_context():
        from flask import url_for

        trial_balance = live.url + url_for("reports.trial_balance", slug=SLUG)
        general_ledger = live.url + url_for("reports.general_ledger", slug=SLUG)

    # Trial balance -> the account's lines -> the entry.
    page.goto(trial_balance)
    page.locator("tr", has_text="6120").first.get_by_role("link").first.click()
    page.get_by_role("link", name=entry.reference).first.click()
    expect(page.locator("main h1")).to_have_text(entry.reference)

    # The general ledger as Excel holds the entry.
    page.goto(general_ledger)
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    cells = [str(value) for sheet in load_workbook(path, read_only=True).worksheets
             for values in sheet.iter_rows(values_only=True) for value in values if value is not None]
    assert entry.reference in cells
