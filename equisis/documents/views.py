"""The archive of generated documents, downloads (checksum verified), mail, attachments on records."""
from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for

from equisis.core.errors import EquisisError
from equisis.core.i18n import LANGUAGES, gettext
from equisis.documents import letters, mail, service
from equisis.documents.errors import AttachmentEmpty
from equisis.documents.models import ArchivedDocument
from equisis.web import listing
from equisis.web.access import roles
from equisis.web.forms import done, field_errors, safe_next

bp = Blueprint("documents", __name__, url_prefix="/c/<slug>")

ARCHIVE_LIST = listing.ListSpec(
    name="documents",
    query=lambda: ArchivedDocument.select(),
    columns=(
        listing.Column("id", "No.", ArchivedDocument.id, kind="number"),
        listing.Column("created_at", "Created", ArchivedDocument.created_at, kind="datetime"),
        listing.Column("kind", "Kind", ArchivedDocument.kind),
        listing.Column("journal", "Journal", ArchivedDocument.journal),
        listing.Column("period", "Period", ArchivedDocument.period),
        listing.Column("language", "Language", ArchivedDocument.language),
        listing.Column("relative_path", "File", ArchivedDocument.relative_path),
        listing.Column("actor", "Who", ArchivedDocument.actor),
    ),
    search=(ArchivedDocument.relative_path, ArchivedDocument.kind, ArchivedDocument.object_id),
    default_sort="id", default_desc=True,
    row_link=lambda row: url_for("documents.document_detail", document_id=row.id),
)


@bp.get("/documents/")
@roles("accountant")
def archive():
    return listing.respond(ARCHIVE_LIST, "documents/archive.html")


@bp.post("/documents/test-letter")
@roles("admin")
def test_letter():
    language = request.form.get("language") if request.form.get("language") in LANGUAGES else g.user.language
    row = letters.print_test_letter(g.company, language, dt.datetime.now().astimezone())
    return done(gettext("Test letter archived."), "documents.document_detail", document_id=row.id)


@bp.route("/documents/<int:document_id>", methods=["GET", "POST"])
@roles("accountant")
def document_detail(document_id: int):
    row = service.get_document(document_id)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            to = [a.strip() for a in (request.form.get("to") or "").split(",") if a.strip()]
            mail.send_mail(to, request.form.get("subject") or row.file_name, request.form.get("body") or "",
                           attachments=[mail.archived_attachment(g.company, row.id)],
                           about=(row.object_type, row.object_id))
        except EquisisError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            return done(gettext("Mail sent."), "documents.document_detail", document_id=row.id)
    return render_template("documents/detail.html", row=row, errors=errors), status


@bp.get("/documents/<int:document_id>/file")
@roles("accountant")
def document_file(document_id: int):
    row = service.get_document(document_id)
    content = service.read_document(g.company, row.id)  # DocumentAltered if the file changed
    return send_file(io.BytesIO(content), mimetype=row.mime_type, download_name=row.file_name,
                     as_attachment=request.args.get("inline") != "1")


ATTACH_ROLES = ("accountant", "sales", "warehouse")


@bp.get("/attachments/<object_type>/<object_id>")
@roles(*ATTACH_ROLES)
def attachments_panel(object_type: str, object_id: str):
    """The attachments card of any record, loaded into that record's page (hx-get on load)."""
    return render_template("documents/_attachments.html", attach_type=object_type, attach_id=object_id,
                           attachments=service.attachments_of(object_type, object_id),
                           back=request.headers.get("HX-Current-URL") or request.referrer or "")


@bp.post("/attachments/<object_type>/<object_id>")
@roles(*ATTACH_ROLES)
def attachment_add(object_type: str, object_id: str):
    """Attach an uploaded file to any record, then go back to the record's page."""
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise AttachmentEmpty(field="file")
        service.add_attachment(g.company, object_type, object_id, upload.stream, upload.filename)
    except EquisisError as exc:
        flash(exc.message(), "error")
    else:
        flash(gettext("File attached."), "success")
    return redirect(safe_next("shell.dashboard"), code=303)


@bp.get("/attachments/<int:attachment_id>")
@roles(*ATTACH_ROLES)
def attachment_file(attachment_id: int):
    row, content = service.read_attachment(g.company, attachment_id)
    response = send_file(io.BytesIO(content), mimetype=row.mime_type, download_name=row.original_name,
                         as_attachment=True)
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


@bp.post("/attachments/<int:attachment_id>/remove")
@roles(*ATTACH_ROLES)
def attachment_remove(attachment_id: int):
    service.remove_attachment(attachment_id)
    flash(gettext("Attachment removed."), "success")
    return redirect(safe_next("shell.dashboard"), code=303)


@bp.post("/settings/logo")
@roles("admin")
def logo_upload():
    upload = request.files.get("logo")
    try:
        if upload is None or not upload.filename:
            raise AttachmentEmpty(field="logo")
        service.set_company_logo(g.company, upload.stream, upload.filename)
    except EquisisError as exc:
        flash(exc.message(), "error")
    else:
        flash(gettext("Logo saved."), "success")
    return redirect(url_for("company.settings"), code=303)


@bp.get("/settings/logo")
@roles("*")
def company_logo():
    from equisis.company import service as company_service

    path = company_service.profile().logo_path
    if not path:
        return render_template("error.html", error=gettext("This page does not exist."), status=404), 404
    return send_file(g.company.folder / path, max_age=300)
