"""The first-run wizard, on an empty instance of its own."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

COMPANY = {
    "name": "Boulangerie Martin", "enterprise_number": "0403.170.702",  # typo: the check digits end in 01
    "street": "Rue Saint-Gilles 8", "postcode": "4000", "city": "Liège", "email": "marie@martin.example",
    "phone": "+32 4 123 45 67", "iban": "BE68 5390 0754 7034",
    "admin_username": "marie", "admin_display_name": "Marie Martin",
}
PASSWORD = "pain au chocolat"


def test_wizard_reports_the_typo_next_to_the_field_keeps_the_rest_then_creates_the_company(empty_live, page):
    page.goto(empty_live.url + "/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    screenshot(page, "setup.png")
    for name, value in COMPANY.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=language]", "en")
    page.select_option("select[name=vat_filing]", "monthly")
    page.fill("input[name=admin_password]", PASSWORD)
    page.fill("input[name=admin_password_confirm]", PASSWORD)
    page.get_by_role("button", name="Create the company").click()

    invalid = page.locator("label.field.invalid")
    expect(invalid).to_have_count(1)
    expect(invalid.locator("input")).to_have_attribute("name", "enterprise_number")
    expect(invalid.locator(".field-error")).to_contain_text("check digits do not match")
    expect(page.locator("input[name=enterprise_number]")).to_have_attribute("aria-invalid", "true")
    for name, value in COMPANY.items():
        expect(page.locator(f"input[name={name}]")).to_have_value(value)
    expect(page.locator("select[name=language]")).to_have_value("en")
    expect(page.locator("select[name=vat_filing]")).to_have_value("monthly")

    page.fill("input[name=enterprise_number]", "0403.170.701")
    page.fill("input[name=admin_password]", PASSWORD)       # passwords are never sent back to the browser
    page.fill("input[name=admin_password_confirm]", PASSWORD)
    page.get_by_role("button", name="Create the company").click()
    expect(page).to_have_url(re.compile(r"/c/[a-z0-9-]+/$"))
    expect(page.locator("main h1")).to_have_text("Boulangerie Martin")
    expect(page.locator("main")).to_contain_text("0403.170.701")
    expect(page.locator("main")).to_contain_text("BE68 5390 0754 7034")
