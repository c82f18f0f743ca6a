"""Whole-application invariants: every route declares who may call it; the API describes itself."""
from __future__ import annotations

import re

from flask import Blueprint

from equisis.web import access

API_PREFIX = "/api/v1"


def test_every_endpoint_declares_its_access(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if access.access_of(app.view_functions[rule.endpoint]) is None]
    assert undeclared == []


def test_a_view_without_a_declaration_is_refused(make_app):
    # Deny by default: a route someone forgot to declare answers 403, it is not left open.
    app = make_app()
    forgotten = Blueprint("forgotten", __name__)

    @forgotten.get("/forgotten")
    def page():
        return "secret"

    app.register_blueprint(forgotten)
    response = app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"secret" not in response.data


def test_api_routes_are_api_or_public(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX):
            assert access.access_of(app.view_functions[rule.endpoint]).kind in ("api", "public"), rule.rule


def _openapi_path(rule: str) -> str:
    """'/api/v1/items/<int:item_id>' -> '/items/{item_id}'."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule[len(API_PREFIX):])


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_openapi_describes_every_api_route(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    spec = response.get_json()

    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] and spec["info"]["version"]
    assert isinstance(spec["paths"], dict)
    assert "Error" in spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"

    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX + "/") or rule.endpoint == "api.openapi":
            continue  # the description does not describe itself
        path = _openapi_path(rule.rule)
        assert path in spec["paths"], f"{rule.rule} is missing from openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = spec["paths"][path].get(method.lower())
            assert operation, f"{method} {rule.rule} is missing from openapi.json"
            assert "200" in operation["responses"] and "401" in operation["responses"]
        checked += 1
    assert checked >= 3

    # Nothing documented that does not exist.
    served = {_openapi_path(r.rule) for r in app.url_map.iter_rules() if r.rule.startswith(API_PREFIX + "/")}
    assert set(spec["paths"]) <= served
    for path, operations in spec["paths"].items():
        assert path.startswith("/")
        for ref in _refs(operations):
            assert ref.removeprefix("#/components/schemas/") in spec["components"]["schemas"], ref


def test_security_headers(client):
    response = client.get("/health")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_health_is_public_json(client, slug):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["companies"] == 1
    assert "version" in body
    assert slug not in response.get_data(as_text=True)  # no company data without signing in
