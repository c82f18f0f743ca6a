"""The shell's own pages: the start page, the company picker, the dashboard, language, health."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, redirect, render_template, request, session, url_for

from equisis.core import i18n
from equisis.version import __version__
from equisis.web.access import public, roles
from equisis.web.app import instance
from equisis.web.forms import is_local_path

bp = Blueprint("shell", __name__)


@bp.get("/")
@public
def start():
    slugs = instance().slugs()
    if not slugs:
        return redirect(url_for("company.setup"))
    if len(slugs) == 1:
        return redirect(url_for("shell.dashboard", slug=slugs[0]))
    return render_template("shell/companies.html", slugs=slugs)


@bp.get("/health")
@public
def health():
    """For monitors, terminals and the LAN launcher: no sign-in, no company data."""
    return jsonify({"status": "ok", "version": __version__, "companies": len(instance().slugs())})


@bp.post("/language")
@public
def choose_language():
    session["lang"] = i18n.normalise_language(request.form.get("language"))
    target = request.form.get("next") or "/"
    return redirect(target if is_local_path(target) else "/")


@bp.get("/c/<slug>/")
@roles("*")
def dashboard():
    from equisis.company import service as company_service

    return render_template("shell/dashboard.html", profile=company_service.profile(), user=g.user)
