"""The JSON API under /api/v1: bearer tokens of users or terminals, OpenAPI description.

A token reads '<company>.<secret>': the prefix chooses the company database,
the secret (stored only as a sha256) the user. Errors are the same translated
messages as the screens, as ``{"error": "...", "message": "...", "field": ...}``;
the language follows Accept-Language. Each module documents its routes with
:func:`documented` so ``/api/v1/openapi.json`` never falls behind the code.
"""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from equisis.company import service as company_service
from equisis.store.models import AuditEvent
from equisis.version import __version__
from equisis.web.access import api, public

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI_PATHS: dict = {}
ERROR_SCHEMA = {"type": "object", "required": ["error", "message"], "properties": {
    "error": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"},
    "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}}}}


def documented(path: str, method: str, summary: str, response: dict, *, roles_note: str = "",
               parameters: list | None = None):
    """Record a route in the OpenAPI description (path relative to /api/v1)."""
    def decorate(view):
        OPENAPI_PATHS.setdefault(path, {})[method.lower()] = {
            "summary": summary, "description": roles_note, "security": [{"token": []}],
            "parameters": parameters or [],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": response}}},
                "401": {"description": "Missing or invalid token", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "403": {"description": "Role not allowed", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }
        return view
    return decorate


USER_SCHEMA = {"type": "object", "properties": {
    "username": {"type": "string"}, "display_name": {"type": "string"}, "role": {"type": "string"},
    "language": {"type": "string"}, "company": {"type": "string"}}}


@bp.get("/me")
@api("*")
@documented("/me", "GET", "The user (or terminal) behind the token", USER_SCHEMA)
def me():
    user = g.user
    return jsonify({"username": user.username, "display_name": user.display_name, "role": user.role,
                    "language": user.language, "company": g.company.slug})


COMPANY_SCHEMA = {"type": "object", "properties": {
    "name": {"type": "string"}, "enterprise_number": {"type": "string"}, "vat_number": {"type": "string"},
    "street": {"type": "string"}, "postcode": {"type": "string"}, "city": {"type": "string"},
    "country": {"type": "string"}, "iban": {"type": "string"}, "language": {"type": "string"},
    "vat_filing": {"type": "string"}}}


@bp.get("/company")
@api("*")
@documented("/company", "GET", "The company's identity", COMPANY_SCHEMA)
def company():
    profile = company_service.profile()
    return jsonify({k: getattr(profile, k) for k in COMPANY_SCHEMA["properties"]})


AUDIT_SCHEMA = {"type": "object", "properties": {
    "items": {"type": "array", "items": {"type": "object"}}, "next_after": {"type": ["integer", "null"]}}}


@bp.get("/audit")
@api("accountant")
@documented("/audit", "GET", "Audit events in order, 500 at a time after a given id", AUDIT_SCHEMA,
            roles_note="accountant or admin",
            parameters=[{"name": "after", "in": "query", "schema": {"type": "integer"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 500}}])
def audit():
    after = min(max(0, request.args.get("after", 0, type=int)), 2**63 - 1)  # SQLite integers are 64-bit
    limit = min(500, max(1, request.args.get("limit", 500, type=int)))
    rows = list(AuditEvent.select().where(AuditEvent.id > after).order_by(AuditEvent.id).limit(limit))
    items = [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "object_type": r.object_type,
              "object_id": r.object_id, "before": r.before_json, "after": r.after_json, "hash": r.hash}
             for r in rows]
    return jsonify({"items": items, "next_after": rows[-1].id if len(rows) == limit else None})


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify({
        "openapi": "3.1.0",
        "info": {"title": "Equisis API", "version": __version__,
                 "description": "Bearer token: 'Authorization: Bearer <company>.<secret>' "
                                "(equisis user token NAME). Errors: the Error schema, translated per "
                                "Accept-Language."},
        "servers": [{"url": "/api/v1"}],
        "paths": OPENAPI_PATHS,
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
    })
