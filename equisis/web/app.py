"""The Flask application factory and the request lifecycle shared by every blueprint.

For each request: route the models to the company named in the URL (or by the
API token), choose the language, check access (deny by default), check CSRF
on forms; afterwards put everything back.
"""
from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path

from flask import Flask, g, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

import equisis
from equisis.config import DEFAULTS, PROJECT_ROOT, default_instance_path
from equisis.core import i18n
from equisis.core.errors import EquisisError, Forbidden
from equisis.schema import all_migrations
from equisis.store import Instance
from equisis.store.audit import acting_as
from equisis.store.database import use_database
from equisis.users.errors import InvalidToken
from equisis.users.rules import Throttle, is_allowed
from equisis.users.service import company_of_token, user_for_token
from equisis.web import access as access_rules
from equisis.web import logging as request_logging
from equisis.web import security, templating

log = logging.getLogger("equisis.web")


def asset_dir(name: str) -> Path:
    """templates/ and static/ sit at the project's top level; a wheel installs them inside the package."""
    packaged = Path(equisis.__file__).resolve().parent / name
    return packaged if packaged.is_dir() else PROJECT_ROOT / name


def _secret_key(instance_path: Path) -> str:
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class DatabaseId(IntegerConverter):
    """``<int:…>`` in URLs: a number beyond SQLite's 64-bit integers is not found (404), not a crash (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    config = dict(config or {})
    instance_path = Path(config.pop("INSTANCE_PATH", None) or default_instance_path()).resolve()
    app = Flask("equisis", instance_path=str(instance_path), template_folder=str(asset_dir("templates")),
                static_folder=str(asset_dir("static")), static_url_path="/static")
    app.config.update(DEFAULTS)
    app.config.from_pyfile(str(instance_path / "config.py"), silent=True)
    app.config.update(config)
    app.config.setdefault("SECRET_KEY", None)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(instance_path)
    app.permanent_session_lifetime = app.config["SESSION_IDLE_MINUTES"] * 60

    app.extensions["equisis.instance"] = Instance(instance_path, all_migrations(),
                                                  read_only=app.config["READ_ONLY"])
    app.extensions["equisis.throttle"] = Throttle(limit=app.config["LOGIN_MAX_FAILURES"],
                                                  window_s=app.config["LOGIN_WINDOW_SECONDS"])
    templating.init_app(app)
    app.url_map.converters["int"] = DatabaseId
    serve_static = app.view_functions["static"]
    app.view_functions["static"] = access_rules.public(lambda **values: serve_static(**values))
    _register_blueprints(app)
    request_logging.init_app(app)  # first: a request refused below still gets its id and access line
    _register_lifecycle(app)
    _register_errors(app)
    return app


#: Every module's blueprint, as "module:attribute"; a new module adds one line.
BLUEPRINTS = [
    "equisis.web.shell:bp",
    "equisis.users.views:bp",
    "equisis.company.views:bp",
    "equisis.documents.views:bp",
    "equisis.lan.views:bp",
    "equisis.backup.views:bp",
    "equisis.ledger.views:bp",
    "equisis.reports.views:bp",
    "equisis.vat.views:bp",
    "equisis.catalog.views:bp",
    "equisis.parties.views:bp",
    "equisis.parties.views:api_bp",
    "equisis.purchases.views:bp",
    "equisis.sales.views:bp",
    "equisis.stock.views:bp",
    "equisis.stock.views:api_bp",
    "equisis.pos.loyalty.views:bp",
    "equisis.pos.views:bp",
    "equisis.pos.views:api_bp",
    "equisis.pos.office.views:bp",
    "equisis.web.api:bp",
]


def _register_blueprints(app: Flask) -> None:
    import importlib

    for target in BLUEPRINTS:
        module, _, attribute = target.partition(":")
        app.register_blueprint(getattr(importlib.import_module(module), attribute))


def instance() -> Instance:
    from flask import current_app

    return current_app.extensions["equisis.instance"]


def throttle() -> Throttle:
    from flask import current_app

    return current_app.extensions["equisis.throttle"]


def _register_lifecycle(app: Flask) -> None:
    @app.url_defaults
    def _company_slug(endpoint, values):
        if "slug" not in values and getattr(g, "company", None) is not None \
                and app.url_map.is_endpoint_expecting(endpoint, "slug"):
            values["slug"] = g.company.slug

    @app.url_value_preprocessor
    def _pop_slug(_endpoint, values):
        g.slug = values.pop("slug", None) if values else None

    @app.before_request
    def _before():
        g.started = time.perf_counter()
        g.company = g.user = None
        g.cleanups = []
        # First: a refusal below (no token, unknown page, role) already speaks the asker's language.
        _choose_language()
        view = app.view_functions.get(request.endpoint)
        if view is None:
            return None  # 404 / 405: Flask answers
        access = access_rules.access_of(view)
        if access is None:
            log.error("view %s declares no access rule: refused", request.endpoint)
            raise Forbidden()
        slug = g.slug
        token = None
        if access.kind == "api":
            token = bearer_token()
            slug = company_of_token(token)
            if not slug or not instance().exists(slug):
                raise InvalidToken()
        if slug:
            _enter_company(slug)
        if access.kind == "session":
            _require_user(access)
        elif access.kind == "api":
            set_current_user(user_for_token(token))
            if request.headers.get("Accept-Language"):
                _choose_language()  # the API answers in the language asked for, else the user's
            if not is_allowed(g.user.role, access.roles):
                raise Forbidden()
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and access.kind != "api":
            if access.csrf:
                security.check_csrf(request.form.get("_csrf") or request.headers.get("X-CSRF-Token"))
            elif not request.is_json:  # public_json: only a JSON body, which needs a CORS preflight cross-site
                raise security.CsrfFailed()
        return None

    @app.teardown_request
    def _after(_exc):
        for cleanup in reversed(getattr(g, "cleanups", [])):
            cleanup()

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if hasattr(g, "started"):
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.started) * 1000:.1f}"
        return response


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _push(context_manager) -> None:
    """Enter a context manager for the rest of the request; teardown leaves it."""
    value = context_manager.__enter__()
    g.cleanups.append(lambda: context_manager.__exit__(None, None, None))
    return value


def _enter_company(slug: str) -> None:
    store = instance().get(slug)
    g.company = store
    _push(use_database(store.database))


def _choose_language() -> None:
    from flask import session

    chosen = session.get("lang")
    if not chosen:
        chosen = request.accept_languages.best_match(i18n.LANGUAGES)
    token = i18n.set_language(chosen)
    g.cleanups.append(lambda: i18n.reset_language(token))


def _require_user(access) -> None:
    from equisis.users.models import User

    if g.company is None:
        raise Forbidden()
    user_id = security.signed_in_user_id(g.company.slug)
    user = User.get_or_none((User.id == user_id) & User.active) if user_id else None
    if user is None:
        from werkzeug.exceptions import Unauthorized

        raise Unauthorized()
    set_current_user(user)
    if not is_allowed(user.role, access.roles):
        raise Forbidden()


def set_current_user(user) -> None:
    g.user = user
    token = i18n.set_language(user.language)
    g.cleanups.append(lambda: i18n.reset_language(token))
    _push(acting_as(f"user:{user.username}"))


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _register_errors(app: Flask) -> None:
    @app.errorhandler(EquisisError)
    def _user_error(exc: EquisisError):
        if wants_json():
            return jsonify(exc.as_dict()), exc.status
        if isinstance(exc, security.SessionExpired) and g.get("company"):
            from flask import flash

            flash(exc.message(), "warning")
            return redirect(url_for("users.login", slug=g.company.slug, next=request.full_path))
        return render_template("error.html", error=exc.message(), status=exc.status), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code == 401 and not wants_json() and g.get("company"):
            return redirect(url_for("users.login", slug=g.company.slug, next=request.full_path))
        messages = {
            401: i18n.N_("Please sign in."), 403: i18n.N_("Your role does not allow this action."),
            404: i18n.N_("This page does not exist."), 405: i18n.N_("This action is not allowed here."),
            413: i18n.N_("The file is too large."),
        }
        message = i18n.gettext(messages.get(exc.code, exc.name))
        if wants_json():
            return jsonify({"error": exc.name.replace(" ", ""), "message": message}), exc.code
        return render_template("error.html", error=message, status=exc.code), exc.code

    @app.errorhandler(Exception)
    def _bug(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        message = i18n.gettext("Something went wrong on our side; the error was logged. Nothing was saved.")
        if wants_json():
            return jsonify({"error": "InternalError", "message": message}), 500
        return render_template("error.html", error=message, status=500), 500
