"""The first-run setup wizard, the company settings, the audit log."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for

from equisis.company import rules, service
from equisis.company.errors import SetupAlreadyDone
from equisis import onboarding
from equisis.core.errors import EquisisError
from equisis.core.i18n import current_language, gettext
from equisis.store.models import AuditEvent
from equisis.store.audit import ACTIONS
from equisis.web import listing, security
from equisis.web.access import public, roles
from equisis.users.service import find_user
from equisis.web.app import instance
from equisis.web.forms import done, field_errors

bp = Blueprint("company", __name__)


@bp.route("/setup", methods=["GET", "POST"])
@public
def setup():
    """Create the company and its first administrator; only while the instance has no company."""
    existing = instance().slugs()
    if existing:
        # Typically the second request of a double click on "Create": the company exists now.
        signed_in = [s for s in existing if security.signed_in_user_id(s)]
        if signed_in:
            return redirect(url_for("shell.dashboard", slug=signed_in[0]), code=303)
        flash(SetupAlreadyDone().message(), "warning")
        return redirect(url_for("users.login", slug=existing[0]), code=303)
    start, end = rules.default_fiscal_year(dt.date.today())
    form = {"language": current_language(), "vat_filing": "quarterly", "country": "BE", "legal_form": "srl",
            "fiscal_year_start": start.isoformat(), "fiscal_year_end": end.isoformat()}
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            identity, admin = rules.parse_setup(form)
            slug = onboarding.create_company(instance(), identity, admin, first_run=True)
        except EquisisError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            with instance().get(slug).session():
                user = find_user(admin.username)
            security.sign_in(slug, user.id)
            return redirect(url_for("shell.dashboard", slug=slug), code=303)
    return render_template("company/setup.html", form=form, errors=errors, legal_forms=rules.LEGAL_FORMS,
                           vat_filings=rules.VAT_FILINGS), status


PROFILE_FIELDS = ("name", "street", "postcode", "city", "email", "phone", "language", "vat_filing")


@bp.route("/c/<slug>/settings", methods=["GET", "POST"])
@roles("admin")
def settings():
    profile = service.profile()
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form
        try:
            if form.get("section") == "mail":
                service.set_settings(rules.parse_mail_settings(form))
            else:
                merged = {**{k: str(v) for k, v in profile.snapshot().items() if v is not None}, **form.to_dict()}
                merged.update(fiscal_year_start=profile.first_fiscal_year_start.isoformat(),
                              fiscal_year_end=profile.first_fiscal_year_end.isoformat(),
                              enterprise_number=profile.enterprise_number, legal_form=profile.legal_form)
                identity = rules.parse_company(merged)
                service.update_profile(
                    **{f: getattr(identity, f) for f in PROFILE_FIELDS},
                    vat_number=identity.vat_number, iban=identity.iban, bic=identity.bic)
        except EquisisError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            return done(gettext("Settings saved."), "company.settings")
    return render_template("company/settings.html", profile=service.profile(), mail=service.get_settings("mail."),
                           errors=errors, vat_filings=rules.VAT_FILINGS, mail_security=rules.MAIL_SECURITY), status


AUDIT_LIST = listing.ListSpec(
    name="audit",
    query=lambda: AuditEvent.select(),
    columns=(
        listing.Column("id", "No.", AuditEvent.id, kind="number"),
        listing.Column("at", "When", AuditEvent.at, kind="datetime"),
        listing.Column("actor", "Who", AuditEvent.actor),
        listing.Column("action", "Action", AuditEvent.action),
        listing.Column("object_type", "Object", AuditEvent.object_type),
        listing.Column("object_id", "Reference", AuditEvent.object_id),
        listing.Column("before_json", "Before", sortable=False),
        listing.Column("after_json", "After", sortable=False),
    ),
    search=(AuditEvent.actor, AuditEvent.object_type, AuditEvent.object_id),
    filters=(listing.Filter("action", "Action", AuditEvent.action, tuple((a, a) for a in ACTIONS)),),
    default_sort="id", default_desc=True,
)


@bp.get("/c/<slug>/audit/")
@roles("accountant")
def audit_log():
    return listing.respond(AUDIT_LIST, "company/audit_log.html")
