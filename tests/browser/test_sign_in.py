"""Sign in with a password, the language switch, the till's PIN switch."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CASHIER, COMPANY_NAME, PASSWORD

pytestmark = pytest.mark.browser


def test_wrong_password_shows_the_error_and_the_right_one_the_dashboard(live, page):
    page.goto(live.company_url("login"))
    page.fill("input[name=username]", "sophie")
    page.fill("input[name=password]", "wrong horse")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Unknown user name or wrong password.")
    expect(page.locator("input[name=username]")).to_have_value("sophie")

    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live.company_url())
    expect(page.locator("main h1")).to_have_text(COMPANY_NAME)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_language_buttons_on_the_login_page_change_the_page_language(live, page):
    page.goto(live.company_url("login"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for code in ("fr", "nl", "de", "en"):
        page.locator(f".langswitch button[value={code}]").click()
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(page.locator(f".langswitch button[value={code}]")).to_have_class("link current")
        expect(page).to_have_url(live.company_url("login"))


def test_tapping_the_pin_pad_signs_the_cashier_in(live, new_page):
    page = new_page(width=800, height=1280, has_touch=True)
    page.goto(live.company_url("pin"))
    name, pin = CASHIER
    page.get_by_label(name).tap()
    pad = page.locator("[data-pinpad]")
    for key in "129":
        pad.get_by_role("button", name=key, exact=True).tap()
    pad.get_by_role("button", name="⌫").tap()            # a mistyped digit, taken back
    for key in pin[2:]:
        pad.get_by_role("button", name=key, exact=True).tap()
    expect(page.locator("[data-pin]")).to_have_value(pin)
    pad.get_by_role("button", name="OK").tap()
    expect(page).to_have_url(live.company_url())
    expect(page.locator("main")).to_contain_text(f"Hello, {name}")
    expect(page.locator(".usermenu")).to_contain_text(name)

