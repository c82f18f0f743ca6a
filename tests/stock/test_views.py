"""The stock screens, WebScan endpoints and /api/v1/stock through the Flask client."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from equisis.catalog import service as catalog
from equisis.stock import inventory as inv, service as stock
from equisis.stock.models import Move
from equisis.users import service as user_service
from tests.web.conftest import (USER_PASSWORD, add_user, admin, app, client, csrf_in, instance_path,  # noqa: F401
                                make_app, sign_in, slug, store, text_of)

EAN = "5400000000010"
TODAY = dt.date.today()


@pytest.fixture
def seeded(store):
    with store.session():
        catalog.create_item("SCREW", name_en="Screw", barcodes=[EAN])
        catalog.create_item("GLUE", name_en="Glue")
        stock.create_warehouse("DEP", "Depot")
        stock.create_location("DEP", "DEP-A-01")
        stock.receive("SCREW", 10_000, to="DEP-A-01", cost_cents=2000, day=TODAY - dt.timedelta(days=2))
        stock.set_item_warehouse("GLUE", "DEP", min_qty_milli=5000, max_qty_milli=20_000)
    return store


@pytest.fixture
def clerk(client, slug, store, seeded):
    add_user(store, "tom", "warehouse")
    assert sign_in(client, slug, "tom", USER_PASSWORD).status_code == 303
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return text_of(response)


def test_a_warehouse_clerk_sees_the_stock_screens(clerk, slug):
    assert "SCREW" in page(clerk, f"/c/{slug}/stock/")
    detail = page(clerk, f"/c/{slug}/stock/items/SCREW")
    assert "DEP-A-01" in detail and "Running quantity" in detail
    assert "GLUE" in page(clerk, f"/c/{slug}/stock/shortages")
    assert "SCREW" in page(clerk, f"/c/{slug}/stock/moves/")
    assert "20.00" in page(clerk, f"/c/{slug}/stock/value").replace(",", ".")


def test_a_cashier_is_refused(client, slug, store, seeded):
    add_user(store, "karim", "cashier")
    sign_in(client, slug, "karim", USER_PASSWORD)
    assert client.get(f"/c/{slug}/stock/").status_code == 403


def test_a_manual_move_through_the_form_once(clerk, slug, store):
    form = page(clerk, f"/c/{slug}/stock/moves/new")
    token = csrf_in(form)
    data = {"_csrf": token, "_idem": "form-key-0123456789abcdef", "kind": "transfer", "item": EAN,
            "quantity": "4", "from_location": "DEP-A-01", "to_location": "DEP"}
    assert clerk.post(f"/c/{slug}/stock/moves/new", data=data).status_code == 303
    assert clerk.post(f"/c/{slug}/stock/moves/new", data=data).status_code == 303     # double click
    with store.session():
        assert stock.quantity_of("SCREW", location="DEP") == 4000
        assert Move.select().count() == 2


def test_a_refused_move_re_renders_with_the_message(clerk, slug):
    token = csrf_in(page(clerk, f"/c/{slug}/stock/moves/new"))
    response = clerk.post(f"/c/{slug}/stock/moves/new", data={
        "_csrf": token, "kind": "correction", "item": "SCREW", "quantity": "1", "to_location": "DEP"})
    assert response.status_code == 400
    assert "Give the reason for this correction." in text_of(response)
    response = clerk.post(f"/c/{slug}/stock/moves/new", data={
        "_csrf": token, "kind": "receipt", "item": "SCREW", "quantity": "abc", "to_location": "DEP"})
    assert response.status_code == 400 and "“abc” is not a quantity" in text_of(response)


def test_value_report_exports(clerk, slug):
    response = clerk.get(f"/c/{slug}/stock/value?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("item", "family") and rows[1][0] == "SCREW"
    csv_text = clerk.get(f"/c/{slug}/stock/value?export=csv&by=warehouse").get_data(as_text=True)
    assert "DEP;10,000;20,00" in csv_text


def test_an_inventory_from_the_back_office(clerk, slug, store):
    token = csrf_in(page(clerk, f"/c/{slug}/stock/inventories/"))
    response = clerk.post(f"/c/{slug}/stock/inventories/", data={"_csrf": token, "warehouse": "DEP",
                                                                "day": TODAY.isoformat()})
    assert response.status_code == 303
    url = response.headers["Location"]
    detail = page(clerk, url)
    assert "SCREW" in detail
    token = csrf_in(detail)
    assert clerk.post(f"{url}/counts", data={"_csrf": token, "count-1": "7"}).status_code == 303
    sheet = clerk.get(f"{url}/sheet.pdf")
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")
    assert clerk.get(f"{url}/export.xlsx").status_code == 200
    assert clerk.post(f"{url}/validate", data={"_csrf": token}).status_code == 303
    again = clerk.post(f"{url}/validate", data={"_csrf": token})
    assert again.status_code == 409 and "already validated" in text_of(again)
    with store.session():
        assert stock.quantity_of("SCREW") == 7000


def test_webscan_lookup_and_submit(clerk, slug, store):
    with store.session():
        count = inv.open_inventory("DEP")
    base = f"/c/{slug}/stock/scan/{count.id}"
    scan_page = page(clerk, base)
    assert "Scan a location, then the items." in scan_page and "webscan.js" in scan_page
    assert clerk.get(f"{base}/lookup?code=dep-a-01").get_json() == {"kind": "location", "code": "DEP-A-01"}
    item = clerk.get(f"{base}/lookup?code={EAN}").get_json()
    assert item["kind"] == "item" and item["code"] == "SCREW"
    unknown = clerk.get(f"{base}/lookup?code=999", headers={"Accept": "application/json"})
    assert unknown.status_code == 400 and "999" in unknown.get_json()["message"]
    token = csrf_in(scan_page)
    body = {"key": "ws-0123456789abcdef01", "counts": [{"code": EAN, "location": "DEP-A-01", "quantity": "3"}]}
    for _ in range(2):
        response = clerk.post(f"{base}/counts", json=body, headers={"X-CSRF-Token": token, "Accept": "application/json"})
        assert response.status_code == 200
    with store.session():
        assert [x.counted_milli for x in inv.count_lines(count)] == [3000]
    bad = clerk.post(f"{base}/counts", json={"counts": [{"code": "NOPE", "location": "DEP-A-01"}]},
                     headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert bad.status_code == 422 and bad.get_json()["problems"][0]["field"] == "rows-1-code"


def api_token(store, slug, username="tom", role="warehouse"):
    add_user(store, username, role)
    with store.session():
        return user_service.issue_token(slug, username, "scanner")


def test_the_api_reads_levels_and_moves_and_moves_stock(app, slug, store, seeded):
    token = api_token(store, slug)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    levels = client.get("/api/v1/stock/levels/SCREW", headers=headers).get_json()
    assert levels["quantity"] == "10" and levels["levels"][0]["location"] == "DEP-A-01"
    body = {"kind": "delivery", "item": "SCREW", "quantity": "2", "from": "DEP-A-01",
            "source": {"doc_type": "pos_ticket", "doc_id": "T-1", "line": 1}}
    first = client.post("/api/v1/stock/moves", json=body, headers=headers)
    again = client.post("/api/v1/stock/moves", json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["moves"] == again.get_json()["moves"]
    moves = client.get("/api/v1/stock/moves?item=SCREW", headers=headers).get_json()
    assert [m["kind"] for m in moves["items"]] == ["receipt", "delivery"]
    refused = client.post("/api/v1/stock/moves", json={**body, "source": None, "quantity": "0"}, headers=headers)
    assert refused.status_code == 400
