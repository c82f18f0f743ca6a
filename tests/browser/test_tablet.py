"""A 10-inch tablet, landscape and portrait: no sideways scrolling, and the menu folds behind its toggle."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COMPANY_NAME, screenshot, sign_in

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize("width,height", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_dashboard_fits_a_ten_inch_tablet(live, new_page, width, height):
    page = new_page(width=width, height=height, has_touch=True)
    sign_in(page, live)
    expect(page.locator("main h1")).to_have_text(COMPANY_NAME)
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width == 1280:
        expect(page.locator("#mainnav")).to_be_visible()
        expect(page.locator("[data-menu-toggle]")).to_be_hidden()
        screenshot(page, "dashboard.png")
        return
    toggle, nav = page.locator("[data-menu-toggle]"), page.locator("#mainnav")
    expect(nav).to_be_hidden()
    toggle.tap()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Users")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    toggle.tap()
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
