"""The Terminals page (pairing codes, paired terminals, revoke) and the terminals' JSON endpoints."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for

from equisis.core.errors import EquisisError
from equisis.core.i18n import gettext
from equisis.lan import mdns, service
from equisis.users.errors import TooManyAttempts
from equisis.version import __version__
from equisis.web import templating
from equisis.web.access import api, public, public_json, roles
from equisis.web.api import OPENAPI_PATHS, documented
from equisis.web.app import instance, throttle
from equisis.web.forms import done, submit_once

bp = Blueprint("lan", __name__)


# ---------------------------------------------------------------- the Terminals page


@bp.get("/c/<slug>/terminals/")
@roles("admin")
def terminals():
    return render_template("lan/terminals.html", terminals=service.terminals(),
                           pending=service.pending_codes())


@bp.post("/c/<slug>/terminals/codes")
@roles("admin")
def code_new():
    issued = []

    def create():
        issued.append(service.create_pairing_code())
        return "code"

    submit_once("terminal.pairing_code", create)
    if issued:
        code = issued[0]
        flash(gettext("Pairing code: {code} — type it on the terminal before {time}. It works once.",
                      code=code.code, time=templating.datetime(code.expires_at)), "token")
    else:
        flash(gettext("This form was already submitted: the code was shown then."), "warning")
    return redirect(url_for("lan.terminals"), code=303)


@bp.post("/c/<slug>/terminals/<int:terminal_id>/revoke")
@roles("admin")
def terminal_revoke(terminal_id: int):
    terminal = service.revoke_terminal(terminal_id)
    return done(gettext("Terminal “{name}” revoked: it can no longer reach the server.", name=terminal.name),
                "lan.terminals")


# ---------------------------------------------------------------- JSON for terminals

SERVER_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "string"}}}
PAIRED_SCHEMA = {"type": "object", "properties": {
    "token": {"type": "string"}, "company": {"type": "string"}, "till_url": {"type": "string"},
    "terminal": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
    "server": SERVER_SCHEMA}}
HEARTBEAT_SCHEMA = {"type": "object", "properties": {
    "terminal": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
    "company": {"type": "string"}, "server": SERVER_SCHEMA}}


def _server() -> dict:
    """The identity a terminal recognises its server by (the same as in the mDNS TXT record)."""
    advertiser = current_app.extensions.get("equisis.lan.advertiser")
    name = (advertiser.name if advertiser else None) \
        or current_app.config.get("MDNS_NAME", mdns.DEFAULT_SETTINGS["MDNS_NAME"])
    return {"id": service.server_id(instance().root), "name": name, "version": __version__}


@bp.get("/api/v1/server")
@public
@documented("/server", "GET", "The server's identifier, mDNS name and version (no token needed)",
            SERVER_SCHEMA)
def server():
    return jsonify(_server())


@bp.post("/api/v1/pair")
@public_json
@documented("/pair", "POST", "Pair a terminal with a one-time code shown on the server's Terminals page",
            PAIRED_SCHEMA, roles_note="No token: the code is the credential. Too many wrong codes from one "
                                      "address (LOGIN_MAX_FAILURES in LOGIN_WINDOW_SECONDS) make it wait (429).")
def pair():
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    key = ("ip-pair", request.remote_addr)
    now = time.monotonic()
    wait = throttle().blocked_for(key, now)
    if wait > 0:
        raise TooManyAttempts(minutes=max(1, round(wait / 60)))
    stores = (instance().get(slug) for slug in instance().slugs())
    try:
        paired = service.pair_terminal(stores, _text(data, "code"), _text(data, "name"),
                                       remote_addr=request.remote_addr)
    except EquisisError as exc:
        if exc.status == 401:
            throttle().fail(key, now)
        raise
    return jsonify({"token": paired.token, "company": paired.company, "till_url": f"/c/{paired.company}/",
                    "terminal": {"id": paired.terminal_id, "name": paired.name}, "server": _server()})


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


# No bearer token for pairing: the description says so, and what to send.
OPENAPI_PATHS["/pair"]["post"]["security"] = []
OPENAPI_PATHS["/server"]["get"]["security"] = []
OPENAPI_PATHS["/pair"]["post"]["requestBody"] = {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["code", "name"], "properties": {
        "code": {"type": "string", "example": "K7RM-3QXT"}, "name": {"type": "string"}}}}}}


@bp.post("/api/v1/terminal/heartbeat")
@api("cashier")
@documented("/terminal/heartbeat", "POST",
            "The terminal behind the token is alive (updates its last seen time)", HEARTBEAT_SCHEMA,
            roles_note="a paired terminal's token")
def heartbeat():
    terminal = service.record_heartbeat(g.user.id, remote_addr=request.remote_addr)
    return jsonify({"terminal": {"id": terminal.id, "name": terminal.name}, "company": g.company.slug,
                    "server": _server()})
