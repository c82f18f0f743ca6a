"""Structured logs (equisis/web/logging.py) and the health check's figures."""
from __future__ import annotations

import io
import json
import logging

import pytest

from equisis.web import logging as request_logging
from tests.web.conftest import sign_in


@pytest.fixture
def lines():
    """Every record logged during the test, formatted as ``equisis serve`` writes them (JSON lines)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(request_logging.JsonFormatter())
    handler.addFilter(request_logging.RequestContext())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def test_an_access_line_per_request_with_id_company_user_status_and_duration(client, slug, lines):
    sign_in(client, slug)
    response = client.get(f"/c/{slug}/users/?q=secret-search", headers={"X-Request-Id": "till-7-000123"})
    assert response.status_code == 200
    assert response.headers["X-Request-Id"] == "till-7-000123"
    access = [line for line in lines() if line["logger"] == "equisis.access"]
    assert len(access) == 3  # login page, login, users list
    last = access[-1]
    assert last["request_id"] == "till-7-000123"
    assert (last["company"], last["user"], last["method"], last["path"], last["status"]) == \
        (slug, "sophie", "GET", f"/c/{slug}/users/", 200)
    assert last["duration_ms"] >= 0 and last["level"] == "INFO" and last["ts"].endswith("Z")
    assert "secret-search" not in json.dumps(lines())  # query strings are never logged


def test_refused_requests_are_logged_too_and_ids_are_fresh_when_the_callers_is_unusable(client, slug, lines):
    response = client.get(f"/c/{slug}/users/", headers={"X-Request-Id": "<script>alert(1)</script>"})
    assert response.status_code == 302  # to the login page
    request_id = response.headers["X-Request-Id"]
    assert len(request_id) == 16 and "<" not in request_id
    (line,) = [line for line in lines() if line["logger"] == "equisis.access"]
    assert line["status"] == 302 and line["request_id"] == request_id and "user" not in line


def test_a_bug_is_logged_with_its_request_and_traceback(app, client, lines):
    from equisis.web.access import public

    @public
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    response = client.get("/broken")
    assert response.status_code == 500
    error = next(line for line in lines() if line["level"] == "ERROR")
    assert error["path"] == "/broken" and error["request_id"] == response.headers["X-Request-Id"]
    assert "RuntimeError: boom" in error["exc"]


def test_text_format_for_a_person():
    record = logging.LogRecord("equisis.access", logging.INFO, __file__, 1, "GET / %s", (200,), None)
    record.request_id, record.company = "abc123abc123", "shop"
    text = request_logging.TextFormatter().format(record)
    assert text.endswith("INFO  equisis.access GET / 200  [abc123abc123 shop]")


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_json_unless_a_terminal_and_a_log_file_survives_rotation(tmp_path):
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    try:
        piped = io.StringIO()
        request_logging.configure(None, "info", stream=piped)
        logging.getLogger("equisis.test").info("piped")
        assert json.loads(piped.getvalue())["message"] == "piped"

        terminal = Terminal()
        request_logging.configure(None, "info", stream=terminal)  # replaces the handler installed above
        logging.getLogger("equisis.test").info("seen")
        assert "INFO  equisis.test seen" in terminal.getvalue()
        assert piped.getvalue().count("\n") == 1

        log_file = tmp_path / "equisis.log"
        problems = io.StringIO()
        request_logging.configure(None, "info", str(log_file), stream=problems)
        logging.getLogger("equisis.test").info("before rotation")
        log_file.rename(tmp_path / "equisis.log.1")  # what logrotate does
        logging.getLogger("equisis.test").warning("after rotation")
        assert json.loads(log_file.read_text())["message"] == "after rotation"
        assert "before rotation" in (tmp_path / "equisis.log.1").read_text()
        assert json.loads(problems.getvalue())["message"] == "after rotation"  # warnings reach the journal too
    finally:
        for handler in [h for h in root.handlers if h not in before[0]]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(before[1])


def test_health_reports_uptime_database_and_disk_without_company_data(client, slug, store):
    body = client.get("/health").get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert isinstance(body["uptime_s"], int) and body["uptime_s"] >= 0
    assert body["disk_free_mb"] > 0
    assert slug not in json.dumps(body)


def test_health_answers_503_when_a_database_fails(app, client, slug, store, monkeypatch, caplog):
    def fail(*_args, **_kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(store.database, "execute_sql", fail)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["status"] == "degraded" and response.get_json()["database"] == "error"
    assert slug not in response.get_data(as_text=True)
    assert f"the database of {slug} does not answer" in caplog.text
