"""Sign in and out, the cashiers' PIN switch, the users screen, personal preferences."""
from __future__ import annotations

import time

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from equisis.core.errors import EquisisError
from equisis.core.i18n import LANGUAGES, gettext
from equisis.store.database import write
from equisis.users import service
from equisis.users.errors import TooManyAttempts
from equisis.users.models import ApiToken, User
from equisis.users.rules import ROLES
from equisis.web import listing, security
from equisis.web.access import public, roles
from equisis.web.app import set_current_user, throttle
from equisis.web.forms import done, field_errors, safe_next, submit_once

bp = Blueprint("users", __name__, url_prefix="/c/<slug>")


def _attempt(keys: list, authenticate):
    """Run one sign-in check under the throttle: refused while any key is blocked, counted when it fails.

    The first key is the account's (cleared on success); the second the address's,
    one per method so a cashier's mistyped PINs never lock the admin's password login.
    """
    now = time.monotonic()
    wait = max(throttle().blocked_for(key, now) for key in keys)
    if wait > 0:
        raise TooManyAttempts(minutes=max(1, round(wait / 60)))
    try:
        user = authenticate()
    except EquisisError:
        for key in keys:
            throttle().fail(key, now)
        raise
    throttle().clear(keys[0])
    return user


def _sign_in(user):
    security.sign_in(g.company.slug, user.id)
    set_current_user(user)
    return redirect(safe_next("shell.dashboard"), code=303)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    error, status = None, 200
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()
        keys = [("login", g.company.slug, username.lower()), ("ip-login", request.remote_addr)]
        try:
            user = _attempt(keys, lambda: service.authenticate(username, request.form.get("password") or ""))
        except EquisisError as exc:
            error, status = exc.message(), exc.status
        else:
            return _sign_in(user)
    return render_template("users/login.html", error=error), status


@bp.post("/logout")
@roles("*")
def logout():
    security.sign_out(g.company.slug)
    flash(gettext("You are signed out."), "success")
    return redirect(url_for("users.login"), code=303)


@bp.route("/pin", methods=["GET", "POST"])
@public
def pin_switch():
    """A shared till: tap your name, type your PIN, and the till is yours (till roles only)."""
    error, status = None, 200
    if request.method == "POST":
        raw_id = request.form.get("user_id", "")
        user_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 10 else 0
        keys = [("pin", g.company.slug, user_id), ("ip-pin", request.remote_addr)]
        try:
            user = _attempt(keys, lambda: service.authenticate_pin(user_id, request.form.get("pin") or ""))
        except EquisisError as exc:
            error, status = exc.message(), exc.status
        else:
            return _sign_in(user)
    return render_template("users/pin.html", users=service.pin_users(), error=error), status


USER_LIST = listing.ListSpec(
    name="users",
    query=lambda: User.select(),
    columns=(
        listing.Column("username", "User name", User.username),
        listing.Column("display_name", "Name", User.display_name),
        listing.Column("role", "Role", User.role),
        listing.Column("language", "Language", User.language),
        listing.Column("active", "Active", User.active, value=lambda u: gettext("yes") if u.active else gettext("no")),
        listing.Column("created_at", "Created", User.created_at, kind="datetime"),
    ),
    search=(User.username, User.display_name),
    filters=(listing.Filter("role", "Role", User.role, tuple((r, r) for r in ROLES)),),
    row_link=lambda u: url_for("users.user_edit", user_id=u.id),
)


@bp.get("/users/")
@roles("admin")
def user_list():
    return listing.respond(USER_LIST, "users/list.html")


@bp.route("/users/new", methods=["GET", "POST"])
@roles("admin")
def user_new():
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form
        try:
            submit_once("user.create", lambda: service.add_user(
                form.get("username", "").strip(), form.get("password", ""), form.get("role", ""),
                display_name=form.get("display_name", "").strip() or None,
                language=form.get("language") if form.get("language") in LANGUAGES else "fr",
                pin=form.get("pin") or None).id)
        except EquisisError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            return done(gettext("User created."), "users.user_list")
    return render_template("users/form.html", user=None, errors=errors, roles=ROLES), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles("admin")
def user_edit(user_id: int):
    user = User.get_or_none(User.id == user_id)
    if user is None:
        return render_template("error.html", error=gettext("This page does not exist."), status=404), 404
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form
        try:
            with write():  # one save: a refused PIN or password leaves the role and name unchanged too
                service.update_user(user.id, display_name=form.get("display_name", user.display_name).strip(),
                                    role=form.get("role", user.role),
                                    language=form.get("language") if form.get("language") in LANGUAGES
                                    else user.language,
                                    active=form.get("active") == "on")
                if form.get("password"):
                    service.set_password(user.username, form["password"])
                if form.get("pin"):
                    service.set_pin(user.username, form["pin"])
        except EquisisError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            return done(gettext("User saved."), "users.user_list")
    tokens = list(ApiToken.select().where(ApiToken.user == user).order_by(ApiToken.id.desc()))
    return render_template("users/form.html", user=user, errors=errors, roles=ROLES, tokens=tokens), status


@bp.post("/users/<int:user_id>/tokens")
@roles("admin")
def token_new(user_id: int):
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    issued = []

    def create():
        issued.append(service.issue_token(g.company.slug, user.username, request.form.get("label") or "API"))
        return user.id

    submit_once("token.create", create)
    if issued:
        flash(gettext("New API token (copy it now, it is shown only once): {token}", token=issued[0]), "token")
    else:
        flash(gettext("This form was already submitted: the token was created then."), "warning")
    return redirect(url_for("users.user_edit", user_id=user_id), code=303)


@bp.post("/users/tokens/<int:token_id>/revoke")
@roles("admin")
def token_revoke(token_id: int):
    token = ApiToken.get_or_none(ApiToken.id == token_id)
    if token is None:
        abort(404)
    service.revoke_token(token_id)
    return done(gettext("Token revoked."), "users.user_edit", user_id=token.user_id)


@bp.route("/me", methods=["GET", "POST"])
@roles("*")
def preferences():
    errors, status = {}, 200
    if request.method == "POST":
        try:
            language = request.form.get("language")
            if request.form.get("password"):  # checked first: a wrong current password saves nothing
                _attempt([("login", g.company.slug, g.user.username.lower())],
                         lambda: service.authenticate(g.user.username, request.form.get("current_password") or ""))
            new_language = language if language in LANGUAGES and language != g.user.language else None
            with write():
                if new_language:
                    service.update_user(g.user.id, language=new_language)
                if request.form.get("password"):
                    service.set_password(g.user.username, request.form["password"])
            if new_language:
                session["lang"] = new_language
        except EquisisError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            return done(gettext("Preferences saved."), "users.preferences")
    return render_template("users/preferences.html", errors=errors), status
