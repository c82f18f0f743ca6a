"""Structured logs for ``equisis serve``: one JSON object a line, a request id, an access line per request.

Two halves, kept apart so tests never have their logging reconfigured:

* ``init_app(app)`` (called by ``create_app``) gives every request an id (the caller's ``X-Request-Id``
  when it is sane, else a fresh one), sends it back in the ``X-Request-Id`` header, writes one access
  line per request on the ``equisis.access`` logger and remembers when the app started (``/health``
  reports ``uptime_s``).
* ``configure(fmt, level, log_file)`` (called by ``equisis serve`` only) installs the handler on the
  root logger: JSON lines (the default when standard error is not a terminal: systemd's journal, a
  log file) or short text lines for a person at a terminal.

Every line written while a request is handled carries its request id, company slug, user, method
and path, whichever logger wrote it (``equisis.web``'s 500 handler, waitress, a service).
Query strings, form fields and bodies are never logged: they may hold customers' data.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request

access_log = logging.getLogger("equisis.access")

#: What a log line may carry besides time, level, logger and message, in this order.
CONTEXT_FIELDS = ("request_id", "company", "user", "method", "path", "status", "duration_ms", "remote_addr")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}\Z")
_HANDLER_MARK = "_equisis_handler"


# ---------------------------------------------------------------- the request side


def init_app(app: Flask) -> None:
    """Request ids and access lines. Call before the other before_request hooks are registered, so a
    request refused by them (401, 403, CSRF) still has its id and its access line."""
    app.extensions.setdefault("equisis.started", time.monotonic())

    @app.before_request
    def _request_id():
        g.log_started = time.perf_counter()
        sent = request.headers.get("X-Request-Id", "")
        g.request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex[:16]

    @app.after_request
    def _access(response):
        if "request_id" in g:
            response.headers["X-Request-Id"] = g.request_id
            duration_ms = round((time.perf_counter() - g.log_started) * 1000, 1)
            access_log.info("%s %s %s %.1f ms", request.method, request.path, response.status_code,
                            duration_ms, extra={"status": response.status_code, "duration_ms": duration_ms})
        return response


def uptime_s(app: Flask) -> int:
    return int(time.monotonic() - app.extensions.get("equisis.started", time.monotonic()))


def _request_context() -> dict:
    if not has_request_context():
        return {}
    company = g.get("company")
    user = g.get("user")
    return {
        "request_id": g.get("request_id"),
        "company": getattr(company, "slug", None),
        "user": getattr(user, "username", None),
        "method": request.method,
        "path": request.path,
        "remote_addr": request.remote_addr,
    }


class RequestContext(logging.Filter):
    """Adds the current request's id, company, user, method and path to every record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _request_context().items():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        return True


# ---------------------------------------------------------------- formats


def _timestamp(record: logging.LogRecord) -> str:
    return dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds") \
        .replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", …context, "exc"}`` on one line; absent context is left out."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": _timestamp(record), "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        for key in CONTEXT_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``12:30:01.123 INFO  equisis.access GET /c/shop/ 200 4.1 ms  [rid shop sophie]`` for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S.%f")[:-3]
        context = [str(getattr(record, key)) for key in ("request_id", "company", "user")
                   if getattr(record, key, None) is not None]
        line = f"{stamp} {record.levelname:<5} {record.name} {record.getMessage()}"
        if context:
            line += f"  [{' '.join(context)}]"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


FORMATS = {"json": JsonFormatter, "text": TextFormatter}


def default_format(stream=None) -> str:
    """JSON unless a person is watching: systemd, pipes and files get JSON lines."""
    stream = stream or sys.stderr
    try:
        return "text" if stream.isatty() else "json"
    except (AttributeError, ValueError):
        return "json"


def configure(fmt: str | None = None, level: str = "INFO", log_file: str | None = None,
              stream=None) -> logging.Handler:
    """Send every logger's records, with request context, to ``log_file`` or standard error.

    A log file is reopened when logrotate moves it away (WatchedFileHandler); warnings and errors
    then also go to standard error, so ``systemctl status equisis`` shows why the server is unhappy.
    Calling it again replaces what an earlier call installed.
    """
    fmt = fmt or ("json" if log_file else default_format(stream))
    formatter = FORMATS[fmt]()
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
        old.close()
    handlers: list[logging.Handler] = []
    if log_file:
        from logging.handlers import WatchedFileHandler

        handlers.append(WatchedFileHandler(log_file, encoding="utf-8"))
        problems = logging.StreamHandler(stream or sys.stderr)
        problems.setLevel(logging.WARNING)
        handlers.append(problems)
    else:
        handlers.append(logging.StreamHandler(stream or sys.stderr))
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RequestContext())
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper()))
    logging.captureWarnings(True)
    return handlers[0]
