"""The till on a 10-inch tablet: a cashier's PIN, a session with a float, three items scanned as a keyboard-wedge
scanner types them, a gift voucher, cash with the €0.05 rounding, the receipt's ESC/POS bytes on a test printer,
a parked sale resumed, and the close with a count. Screenshots go to $EQUISIS_ARTIFACTS (else the test's tmp dir).
"""
from __future__ import annotations

import datetime as dt

import itertools
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from equisis.store.audit import acting_as
from tests.browser.conftest import SLUG
from tests.pos.escpos_receiver import EscposReceiver

pytestmark = pytest.mark.browser

VOUCHER_CENTS = 1000


def seed_till(live, printer_address: str) -> dict:
    """A till printing to the test printer, stock for the demo's goods, a gift voucher, and three items whose
    total less the voucher is not a multiple of 5 cents (so the cash part is rounded)."""
    from equisis.catalog import service as catalog
    from equisis.catalog.models import Item
    from equisis.pos import rules, service, tickets, vouchers
    from equisis.stock import service as stock

    with live.instance.get(SLUG).session(), acting_as("test:seed"):
        terminal = service.register_terminal("Browser till", printer_kind="tcp", printer_address=printer_address,
                                             printer_timeout_ms=3000)
        rows = list(Item.select().where((Item.nature == "goods") & (Item.active == True))  # noqa: E712
                    .order_by(Item.code))
        coded = [(item, catalog.primary_barcode(item)) for item in rows]
        coded = [(item, b.code) for item, b in coded if b is not None and b.code.startswith("54")]
        for item, _code in coded:
            lot = {"lot": "TILL-TEST", "expiry": dt.date(2030, 1, 31)} \
                if stock.places.item_settings(item).tracking == "lot" else {}
            stock.receive(item.code, 100_000, to=terminal.warehouse, cost_cents=100, **lot)
        chosen = None
        for trio in itertools.combinations(coded, 3):
            request = tickets.TicketRequest(uuid="00000000-0000-0000-0000-000000000000", session_id=0,
                                            lines=[{"item_code": item.code} for item, _ in trio])
            total = tickets.preview(request, language="en")["total_cents"]
            cash = total - VOUCHER_CENTS
            if cash > 0 and rules.cash_rounded(cash) != cash:
                chosen = (trio, total, cash, rules.cash_rounded(cash) - cash)
                break
        assert chosen, "no three demo items give a cash part to round"
        voucher = vouchers.issue("gift", value_cents=VOUCHER_CENTS, note="browser test").code
    trio, total, cash, rounding = chosen
    return {"terminal": terminal.id, "codes": [code for _item, code in trio], "items": [i.code for i, _ in trio],
            "total": total, "cash": cash, "rounding": rounding, "voucher": voucher,
            "parked_code": coded[-1][1] if coded[-1][1] not in [c for _i, c in trio] else coded[0][1]}


def artefacts(tmp_path) -> Path:
    folder = Path(os.environ.get("EQUISIS_ARTIFACTS") or tmp_path) / "till"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"till screenshots in {folder}")
    return folder


def comma(cents: int) -> str:
    """An amount as the receipt prints it: 1,35 / -0,01."""
    return re.escape(f"{cents / 100:.2f}".replace(".", ","))


def euros(cents: int) -> str:
    return f"€{abs(cents) / 100:,.2f}"


def test_a_sale_at_the_till_on_a_tablet(live, new_page, tmp_path):
    shots = artefacts(tmp_path)
    with EscposReceiver() as printer:
        seeded = seed_till(live, printer.address)
        page = new_page(width=1280, height=800, has_touch=True)
        page.add_init_script(f"localStorage.setItem('equisis.till.{SLUG}', '{seeded['terminal']}')")

        # The cashier's PIN on the shared till, then the till screen.
        page.goto(live.company_url(f"pin?next=/c/{SLUG}/pos/till"))
        page.locator("label.tile", has_text="Karim Benali").click()
        page.fill("input[name=pin]", "1234")
        page.click("[data-key=OK]")
        page.wait_for_url(live.company_url("pos/till"))
        expect(page.locator("[data-legal]")).to_contain_text("not a registered cash system")
        expect(page.locator("[data-cashier]")).to_have_text("Karim Benali")

        # No session yet: the panel asks for the float, counted per denomination.
        panel = page.locator("[data-panel]")
        expect(panel.locator("[data-action=open-session]")).to_be_visible()
        panel.locator("[data-denomination='5000']").fill("2")
        panel.locator("[data-denomination='200']").fill("5")
        expect(panel.locator("[data-count-total]")).to_have_text("€110.00")
        page.screenshot(path=str(shots / "01-open-session.png"))
        panel.locator("[data-action=open-session]").click()
        expect(panel).to_be_hidden()
        expect(page.locator("[data-session-state]")).to_contain_text("open")

        # Three items, typed as a keyboard-wedge scanner does (digits fast, then Enter), without clicking.
        scan = page.locator("[data-scan]")
        expect(scan).to_be_focused()
        for code in seeded["codes"]:
            page.keyboard.type(code, delay=5)
            page.keyboard.press("Enter")
        expect(page.locator("[data-lines] tr")).to_have_count(3)
        expect(page.locator("[data-totals] dd.total")).to_have_text(euros(seeded["total"]))

        # An unknown code: a clear message, the line is not added.
        page.keyboard.type("5400000000003", delay=5)
        page.keyboard.press("Enter")
        expect(page.locator("[data-message]")).to_contain_text("5400000000003")
        expect(page.locator("[data-lines] tr")).to_have_count(3)

        # The gift voucher, scanned like an item: it pays its value.
        page.keyboard.type(seeded["voucher"], delay=5)
        page.keyboard.press("Enter")
        expect(page.locator("[data-payments] li")).to_have_count(1)
        expect(page.locator("[data-totals] dd.short")).to_have_text(euros(seeded["cash"]))
        page.screenshot(path=str(shots / "02-basket-with-voucher.png"))

        # Cash (F9): €100 tendered, Enter validates; the rounding line and the change come from the server.
        page.keyboard.press("F9")
        tendered = page.locator("[data-tendered]")
        expect(tendered).to_be_focused()
        tendered.fill("100")
        tendered.press("Enter")
        done = page.locator("[data-done]")
        expect(done).to_be_visible()
        expected_change = 10000 - (seeded["cash"] + seeded["rounding"])
        expect(done.locator("[data-done-rounding]")).to_contain_text(
            ("-" if seeded["rounding"] < 0 else "") + euros(seeded["rounding"]))
        expect(done.locator(".done-change")).to_have_text(f"Change {euros(expected_change)}")
        expect(done.locator("[data-print-status]")).to_have_attribute("data-print-status", "printed")
        page.screenshot(path=str(shots / "03-paid-in-cash.png"))

        # The receipt on the test printer: ESC/POS init, the ticket's number, the cut, the drawer pulse.
        number = re.search(r"T\d+-\d{4}-\d{6}", done.locator(".done-number").inner_text()).group(0)
        receipt = printer.wait_for_jobs(1)[0]
        assert receipt.startswith(b"\x1b@"), receipt[:20]
        assert number.encode() in receipt
        assert b"\x1dV" in receipt  # paper cut
        assert b"\x1bp" in receipt  # the drawer opens for cash
        text = receipt.decode("cp858", "replace")
        assert re.search(r"Paid by voucher +" + comma(VOUCHER_CENTS), text), text
        assert re.search(r"Cash rounding +" + comma(seeded["rounding"]), text), text
        assert re.search(r"Change given +" + comma(expected_change), text), text

        # A second sale parked, then resumed from the parked list, and paid by card.
        page.keyboard.press("Enter")  # a new sale
        page.keyboard.type(seeded["parked_code"], delay=5)
        page.keyboard.press("Enter")
        expect(page.locator("[data-lines] tr")).to_have_count(1)
        page.keyboard.press("Alt+k")
        expect(page.locator("[data-message]")).to_contain_text("parked")
        expect(page.locator("[data-lines] tr")).to_have_count(0)
        page.keyboard.press("Alt+r")
        expect(panel.locator("[data-parked]")).to_have_count(1)
        page.screenshot(path=str(shots / "04-parked-sales.png"))
        panel.locator("[data-parked] button").click()
        expect(page.locator("[data-lines] tr")).to_have_count(1)
        expect(page.locator("[data-totals] dd.to-pay")).not_to_be_empty()
        page.keyboard.press("F10")
        page.locator("[data-confirm-payment=card]").click()
        expect(done).to_be_visible()
        expect(done.locator(".done-change")).to_have_text("Change €0.00")
        printer.wait_for_jobs(2)

        # Close the session with a count per denomination.
        page.keyboard.press("Alt+s")
        expect(panel.locator("[data-action=close-session]")).to_be_visible()
        panel.locator("fieldset [data-denomination='5000']").fill("3")
        page.screenshot(path=str(shots / "05-close-session.png"))
        panel.locator("[data-action=close-session]").click()
        result = panel.locator("[data-close-result]")
        expect(result).to_contain_text("counted €150.00")
        page.screenshot(path=str(shots / "06-closed.png"))
        expected_cash = 11000 + seeded["cash"] + seeded["rounding"]
        expect(result).to_contain_text(f"expected {euros(expected_cash)}")


def test_the_till_fits_a_portrait_tablet(live, new_page, tmp_path):
    shots = artefacts(tmp_path)
    page = new_page(width=800, height=1280, has_touch=True)
    page.goto(live.company_url(f"pin?next=/c/{SLUG}/pos/till"))
    page.locator("label.tile", has_text="Karim Benali").click()
    page.fill("input[name=pin]", "1234")
    page.click("[data-key=OK]")
    page.wait_for_url(live.company_url("pos/till"))
    expect(page.locator("[data-scan]")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("F1")
    expect(page.locator("[data-panel]")).to_contain_text("Keyboard shortcuts")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=str(shots / "07-portrait-help.png"))
