"""The till's JSON API and the back-office screens, through the Flask test client."""
from __future__ import annotations

import socket
import threading
import uuid

import pytest

from equisis.pos import service, vouchers
from equisis.users import service as user_service
from tests.pos.core_fixtures import make_item
from tests.web.conftest import add_user, english_client  # noqa: F401
from tests.web.conftest import admin, app, client, instance_path, make_app, slug, store  # noqa: F401


@pytest.fixture
def till(app, store):
    add_user(store, "alice", "cashier", pin="1111", display_name="Alice")
    add_user(store, "marc", "sales", pin="2222", display_name="Marc")
    with store.session():
        make_item("VASE", "12.10", barcodes=["5412345000013"])
        make_item("CARD", "2.99")
        from equisis.stock import service as stock
        stock.receive("VASE", 20_000, to="MAIN", cost_cents=1000)
        terminal = service.register_terminal("Counter")
        token = user_service.issue_token(store.slug, "alice", "till")
        marc = user_service.find_user("marc").id
    return Till(app, token, terminal.id, marc)


class Till:
    def __init__(self, app, token, terminal_id, marc_id):
        self.app, self.token, self.terminal_id, self.marc_id = app, token, terminal_id, marc_id
        self.client = english_client(app)

    def call(self, method, path, json=None, client=None, terminal=None):
        headers = {"Authorization": f"Bearer {self.token}", "X-Pos-Terminal": str(terminal or self.terminal_id)}
        return (client or self.client).open(f"/api/v1/pos{path}", method=method, json=json, headers=headers)

    def open(self, float_cents=5000):
        response = self.call("POST", "/sessions", {"float_cents": float_cents})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]


def test_a_day_at_the_till(till):
    session_id = till.open()
    config = till.call("GET", "/config").get_json()
    assert config["session"]["id"] == session_id and "not a registered cash system" in config["legal_notice"]
    assert config["cashier"]["name"] == "Alice" and 5 in config["denominations"]
    unknown = till.call("GET", "/scan?code=5499999999999")
    assert unknown.status_code == 404 and "5499999999999" in unknown.get_json()["message"]
    assert till.call("GET", "/scan?code=5412345000013").get_json()["item_code"] == "VASE"
    lines = [{"item_code": "VASE"}, {"item_code": "CARD"}]
    preview = till.call("POST", "/preview", {"lines": lines, "payments": [{"method": "cash", "amount_cents": 2000}]})
    assert preview.get_json()["rounding_cents"] == 1 and preview.get_json()["change_cents"] == 490
    short = till.call("POST", "/tickets", {"uuid": str(uuid.uuid4()), "session_id": session_id, "lines": lines,
                                           "payments": [{"method": "cash", "amount_cents": 1000}]})
    assert short.status_code == 422 and short.get_json()["error"] == "PaymentShort"
    key = str(uuid.uuid4())
    body = {"uuid": key, "session_id": session_id, "lines": lines, "payments": [{"method": "cash", "amount_cents": 2000}]}
    first = till.call("POST", "/tickets", body)
    assert first.status_code == 201, first.get_json()
    ticket = first.get_json()
    assert (ticket["number"], ticket["to_pay_cents"], ticket["rounding_cents"], ticket["change_cents"]) == \
        ("T1-2026-000001".replace("2026", ticket["day"][:4]), 1510, 1, 490)
    again = till.call("POST", "/tickets", body)
    assert again.status_code == 200 and again.get_json()["id"] == ticket["id"]
    by_code = till.call("GET", f"/tickets/by-barcode/{ticket['barcode']}").get_json()
    assert by_code["lines"][0]["refundable_milli"] == 1000
    refund = till.call("POST", "/tickets", {"uuid": str(uuid.uuid4()), "session_id": session_id,
                                            "lines": [{"refund_of_line_id": by_code["lines"][0]["id"]}],
                                            "payments": [{"method": "cash", "amount_cents": 1210}]})
    assert refund.status_code == 403 and refund.get_json()["error"] == "RightMissing"
    too_much = till.call("POST", "/tickets", {
        "uuid": str(uuid.uuid4()), "session_id": session_id,
        "lines": [{"refund_of_line_id": by_code["lines"][0]["id"], "quantity_milli": 2000}],
        "payments": [{"method": "cash", "amount_cents": 2420}], "supervisor": {"user_id": till.marc_id, "pin": "2222"}})
    assert too_much.status_code == 422 and too_much.get_json()["error"] == "RefundTooLarge"
    assert till.call("POST", f"/sessions/{session_id}/movements",
                     {"direction": "out", "amount_cents": 1000, "reason": "Bank"}).status_code == 201
    closed = till.call("POST", f"/sessions/{session_id}/close",
                       {"counts": {"2000": 2, "500": 1, "10": 1}, "confirmed_by": {"user_id": till.marc_id, "pin": "2222"}})
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json() | {"entry_id": 0} == {"session_id": session_id, "expected_cents": 5510,
                                                    "counted_cents": 4510, "difference_cents": -1000, "entry_id": 0}
    twice = till.call("POST", f"/sessions/{session_id}/close", {"counts": {}})
    assert twice.status_code == 409 and twice.get_json()["error"] == "SessionClosed"
    z = till.call("GET", f"/sessions/{session_id}/z.pdf")
    assert z.status_code == 200 and z.data.startswith(b"%PDF")


def test_the_same_uuid_posted_concurrently(till):
    session_id = till.open()
    body = {"uuid": str(uuid.uuid4()), "session_id": session_id, "lines": [{"item_code": "CARD"}],
            "payments": [{"method": "card", "amount_cents": 299}]}
    answers, barrier = [], threading.Barrier(3)

    def post():
        client = english_client(till.app)
        barrier.wait()
        response = till.call("POST", "/tickets", body, client=client)
        answers.append((response.status_code, response.get_json()["id"]))

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in answers) == [200, 200, 201]
    assert len({ticket_id for _, ticket_id in answers}) == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_printer_unreachable_the_sale_completes_and_is_queued(till, store):
    with store.session():
        service.update_terminal(till.terminal_id, printer_kind="tcp", printer_address=f"127.0.0.1:{free_port()}",
                                printer_timeout_ms=500)
    session_id = till.open()
    response = till.call("POST", "/tickets", {"uuid": str(uuid.uuid4()), "session_id": session_id,
                                              "lines": [{"item_code": "CARD"}],
                                              "payments": [{"method": "cash", "amount_cents": 500}]})
    assert response.status_code == 201
    ticket = response.get_json()
    assert ticket["print"]["status"] == "queued"
    queue = till.call("GET", "/config").get_json()["print_queue"]
    assert [j["id"] for j in queue] == [ticket["print"]["job_id"]] and queue[0]["attempts"] == 1
    assert queue[0]["error"]
    reprint = till.call("POST", f"/tickets/{ticket['id']}/reprint")
    assert reprint.status_code == 200 and reprint.get_json()["status"] == "queued"


def test_parked_sales_and_vouchers(till, store):
    till.open()
    other = None
    with store.session():
        other = service.register_terminal("Back").id
        old = vouchers.issue("gift", value_cents=1000, day=__import__("datetime").date(2024, 1, 1),
                             valid_to=__import__("datetime").date(2024, 12, 31)).code
    parked = till.call("POST", "/parked", {"uuid": str(uuid.uuid4()), "lines": [{"item_code": "VASE"}], "label": "Dubois"})
    assert parked.status_code == 201
    parked_id = parked.get_json()["id"]
    assert [p["id"] for p in till.call("GET", "/parked", terminal=other).get_json()["items"]] == [parked_id]
    assert till.call("POST", f"/parked/{parked_id}/resume", terminal=other).status_code == 200
    second = till.call("POST", f"/parked/{parked_id}/resume")
    assert second.status_code == 409 and second.get_json()["error"] == "ParkedAlreadyResumed"
    assert till.call("GET", "/vouchers/V99999999999").status_code == 404
    assert till.call("GET", f"/vouchers/{old}").get_json()["state"] == "expired"


def test_drawer_and_cashier_rights(till):
    till.open()
    refused = till.call("POST", "/drawer", {"reason": "change"})
    assert refused.status_code == 403
    allowed = till.call("POST", "/drawer", {"reason": "change", "supervisor": {"user_id": till.marc_id, "pin": "2222"}})
    assert allowed.status_code == 200
    wrong = till.call("POST", "/cashier", {"user_id": till.marc_id, "pin": "0000"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "InvalidPin"
    switched = till.call("POST", "/cashier", {"user_id": till.marc_id, "pin": "2222"})
    assert switched.get_json()["name"] == "Marc"
    assert till.call("GET", "/config").get_json()["cashier"]["name"] == "Marc"


def test_every_route_is_in_the_openapi_description(till):
    paths = english_client(till.app).get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/pos/config", "/pos/cashier", "/pos/sessions", "/pos/sessions/current",
                 "/pos/sessions/{session_id}/movements", "/pos/sessions/{session_id}/close", "/pos/sessions/{session_id}/x.pdf",
                 "/pos/sessions/{session_id}/z.pdf", "/pos/scan", "/pos/preview", "/pos/tickets", "/pos/tickets/{ticket_id}",
                 "/pos/tickets/by-barcode/{code}", "/pos/tickets/{ticket_id}/reprint", "/pos/tickets/{ticket_id}.pdf",
                 "/pos/parked", "/pos/parked/{parked_id}/resume", "/pos/vouchers/{code}", "/pos/drawer", "/pos/cards/{code}"):
        assert path in paths, path


def test_back_office_lists_sessions_tickets_and_turnover(till, admin, slug):
    session_id = till.open()
    till.call("POST", "/tickets", {"uuid": str(uuid.uuid4()), "session_id": session_id,
                                   "lines": [{"item_code": "VASE"}], "payments": [{"method": "card", "amount_cents": 1210}]})
    till.call("POST", f"/sessions/{session_id}/close", {"counts": {"5000": 1}})
    home = admin.get(f"/c/{slug}/pos/")
    text = home.get_data(as_text=True)
    assert home.status_code == 200 and "not a registered cash system" in text and "Counter" in text
    tickets = admin.get(f"/c/{slug}/pos/tickets/")
    assert "T1-" in tickets.get_data(as_text=True)
    assert admin.get(f"/c/{slug}/pos/tickets/?export=csv").status_code == 200
    detail = admin.get(f"/c/{slug}/pos/sessions/{session_id}")
    assert detail.status_code == 200 and "Z report" in detail.get_data(as_text=True)
    assert admin.get(f"/c/{slug}/pos/sessions/{session_id}/z.pdf").data.startswith(b"%PDF")
    import datetime as dt
    today = dt.date.today().isoformat()
    turnover = admin.get(f"/c/{slug}/pos/turnover?from={today}&to={today}").get_data(as_text=True)
    assert "1 tickets" in turnover or "12.10" in turnover or "12,10" in turnover
