"""The shell's own pages: the start page, the company picker, the dashboard, language, health."""
from __future__ import annotations

import logging
import shutil

from flask import Blueprint, g, jsonify, redirect, render_template, request, session, url_for

from equisis.core import i18n
from equisis.version import __version__
from equisis.web.access import public, roles
from equisis.web.app import instance
from equisis.web.forms import is_local_path

bp = Blueprint("shell", __name__)
log = logging.getLogger("equisis.web")


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
    """For monitors, terminals and the LAN launcher: no sign-in, no company data.

    Cheap enough to poll every few seconds: it lists the company folders, asks each database this
    process already has open to read its schema page (it opens none: opening may migrate) and reads
    the free disk space. A failing database answers 503 with ``"status": "degraded"``; which company
    failed is in the log, not here.
    """
    from flask import current_app

    from equisis.web import logging as request_logging

    database = _databases_answer()
    try:
        free_mb = shutil.disk_usage(instance().root).free // (1024 * 1024)
    except OSError:
        free_mb = None
    body = {"status": "ok" if database == "ok" else "degraded", "version": __version__,
            "companies": len(instance().slugs()), "uptime_s": request_logging.uptime_s(current_app),
            "database": database, "disk_free_mb": free_mb}
    return jsonify(body), 200 if database == "ok" else 503


def _databases_answer() -> str:
    for slug, store in instance().open_stores():
        try:
            with store.session():
                store.database.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        except Exception:  # noqa: BLE001 - reported as "error"; the log says which and why
            log.exception("health check: the database of %s does not answer", slug)
            return "error"
    return "ok"


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
