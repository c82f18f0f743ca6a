"""WebScan on a phone: scan a location, then items (a hardware scanner types fast and ends with Enter), set a
quantity with the big buttons, send; the back office reviews the variances and validates; the stock changes."""
import datetime as dt

import pytest
from playwright.sync_api import expect

from equisis.catalog import service as catalog
from equisis.stock import inventory as inventories, service as stock
from equisis.store.audit import acting_as
from equisis.users import service as user_service
from tests.browser.conftest import live_server
from tests.factories import ADMIN_PASSWORD, make_company

pytestmark = pytest.mark.browser

SLUG = "scanshop"
SCREW, GLUE = "5400000000010", "5400000000027"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def shop(tmp_path):
    """A fresh company: a depot with aisle A, two items in stock, a warehouse clerk, an open inventory."""
    with live_server(tmp_path / "instance") as server:
        make_company(server.instance, slug=SLUG, language="en")
        with server.instance.get(SLUG).session(), acting_as("test:seed"):
            user_service.add_user("tom", "tom password", "warehouse", display_name="Tom", language="en")
            catalog.create_item("SCREW", name_en="Screw", barcodes=[SCREW])
            catalog.create_item("GLUE", name_en="Glue", barcodes=[GLUE])
            stock.create_warehouse("DEP", "Depot")
            stock.create_location("DEP", "DEP-A-01", aisle="A", row="01")
            yesterday = dt.date.today() - dt.timedelta(days=1)
            stock.receive("SCREW", 10_000, to="DEP-A-01", cost_cents=1000, day=yesterday)
            stock.receive("GLUE", 2000, to="DEP-A-01", cost_cents=800, day=yesterday)
            server.inventory_id = inventories.open_inventory("DEP").id
        yield server


def sign_in(page, server, username, password):
    page.goto(f"{server.url}/c/{SLUG}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{server.url}/c/{SLUG}/")


def scan(page, code):
    """What a keyboard-wedge scanner does: the code typed in a burst, then Enter."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def test_a_webscan_count_is_reviewed_and_validated(shop, new_page):
    phone = new_page(width=390, height=844, has_touch=True, is_mobile=True)
    sign_in(phone, shop, "tom", "tom password")
    phone.goto(f"{shop.url}/c/{SLUG}/stock/scan/{shop.inventory_id}")
    expect(phone.locator("#ws-code")).to_be_focused()

    scan(phone, SCREW)                                                   # no location yet
    expect(phone.locator("#ws-message")).to_have_text("Scan a location first.")
    scan(phone, "DEP-A-01")
    expect(phone.locator("#ws-location")).to_have_text("Location: DEP-A-01")
    scan(phone, SCREW)
    scan(phone, SCREW)
    expect(phone.locator("#ws-pending li")).to_have_count(1)
    expect(phone.locator("#ws-pending li")).to_contain_text("SCREW Screw × 2")
    for _ in range(4):
        phone.locator("#ws-plus").tap()
    expect(phone.locator("#ws-quantity")).to_have_value("5")
    scan(phone, GLUE)
    expect(phone.locator("#ws-pending li").nth(1)).to_contain_text("GLUE Glue × 5")
    scan(phone, "4006381333931")                                         # a barcode nobody knows
    expect(phone.locator("#ws-message")).to_contain_text("4006381333931")
    expect(phone.locator("#ws-pending li")).to_have_count(2)
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    assert phone.locator("#ws-send").bounding_box()["height"] >= 48     # a thumb's target
    phone.locator("#ws-send").tap()
    expect(phone.locator("#ws-message")).to_have_text("Counts sent.")
    expect(phone.locator("#ws-pending li")).to_have_count(0)

    office = new_page()
    sign_in(office, shop, "sophie", ADMIN_PASSWORD)
    office.goto(f"{shop.url}/c/{SLUG}/stock/inventories/{shop.inventory_id}")
    screw = office.locator("#variances tr[data-item=SCREW]")
    expect(screw.locator("td").nth(5)).to_have_text("-8")
    expect(office.locator("#variances tr[data-item=GLUE] td").nth(5)).to_have_text("3")
    office.locator("#validate").click()
    expect(office.locator(".flash-success")).to_contain_text("Inventory validated: 2 adjustments.")
    expect(office.locator("#state")).to_have_text("Validated")

    office.goto(f"{shop.url}/c/{SLUG}/stock/items/SCREW")
    expect(office.locator("#history tbody tr").first).to_contain_text("Inventory adjustment")
    with shop.instance.get(SLUG).session():
        assert stock.quantity_of("SCREW") == 2000
        assert stock.quantity_of("GLUE") == 5000
