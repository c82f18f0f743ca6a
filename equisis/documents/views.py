"""The archive of generated documents, downloads (checksum verified), attachments on records."""
from __future__ import annotations

from flask import Blueprint, render_template

from equisis.web.access import roles

bp = Blueprint("documents", __name__, url_prefix="/c/<slug>/documents")


@bp.get("/")
@roles("accountant")
def archive():
    from equisis.documents.models import ArchivedDocument
    from equisis.web import listing

    spec = listing.ListSpec(
        name="documents",
        query=lambda: ArchivedDocument.select(),
        columns=(
            listing.Column("created_at", "Created", ArchivedDocument.created_at, kind="datetime"),
            listing.Column("kind", "Kind", ArchivedDocument.kind),
            listing.Column("journal", "Journal", ArchivedDocument.journal),
            listing.Column("relative_path", "File", ArchivedDocument.relative_path),
            listing.Column("sha256", "SHA-256", sortable=False),
        ),
        search=(ArchivedDocument.relative_path, ArchivedDocument.kind),
        default_sort="created_at", default_desc=True,
    )
    return listing.respond(spec, "documents/archive.html")
