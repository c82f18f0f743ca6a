"""The list component on the Users screen: htmx search, sort, pager, Excel export; keyboard shortcuts."""
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import CLERKS, USER_COUNT

pytestmark = pytest.mark.browser


def usernames(page):
    return page.locator("#list-users tbody tr td:first-child").all_inner_texts()


def test_search_sort_page_and_export_without_reloading_the_page(live, admin_page, tmp_path):
    page = admin_page
    page.goto(live.company_url("users/"))
    expect(page.locator(".pager")).to_contain_text(f"of {USER_COUNT}")
    page.evaluate("window.__sameDocument = true")

    page.fill("[data-list-search]", "clerk")
    expect(page.locator(".pager")).to_contain_text("1–5 of 12")
    assert usernames(page) == CLERKS[:5]

    page.locator("#list-users th").get_by_role("link", name="User name").click()
    expect(page.locator("#list-users th[aria-sort=descending]")).to_contain_text("User name")
    assert usernames(page) == CLERKS[::-1][:5]

    page.locator(".pager").get_by_role("link", name=re.compile("Next")).click()
    expect(page.locator(".pager")).to_contain_text("Page 2 of 3")
    assert usernames(page) == CLERKS[::-1][5:10]
    assert page.evaluate("window.__sameDocument") is True, "the list reloaded the whole page"
    expect(page).to_have_url(re.compile(r"q=clerk.*page=2|page=2.*q=clerk"))   # htmx pushed the state
    expect(page.locator("[data-list-search]")).to_have_value("clerk")

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel").click()
    download = info.value
    assert download.suggested_filename.startswith("users-") and download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path, read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["User name", "Name", "Role", "Language", "Active", "Created"]
    # The export follows what the screen shows: the search and the sort, every page of it.
    assert [row[0] for row in rows[1:]] == CLERKS[::-1]
    assert rows[1][1:5] == ["Clerk 12", "sales", "en", "yes"]

    page.fill("[data-list-search]", "clerk1")          # a narrower search keeps the chosen sort
    expect(page.locator(".pager")).to_contain_text("1–3 of 3")
    assert usernames(page) == ["clerk12", "clerk11", "clerk10"]


def test_keyboard_shortcuts_open_the_help_and_focus_the_search(live, admin_page):
    page = admin_page
    page.goto(live.company_url("users/"))
    dialog = page.locator("dialog#shortcuts")
    expect(dialog).not_to_be_visible()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Search this list")
    page.keyboard.press("Escape")
    expect(dialog).not_to_be_visible()

    page.keyboard.press("/")
    expect(page.locator("[data-list-search]")).to_be_focused()
    page.keyboard.type("els")                        # typing in the search is not a shortcut
    expect(page.locator(".pager")).to_contain_text("of 1")
    expect(dialog).not_to_be_visible()
