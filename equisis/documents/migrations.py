"""Migrations of the documents package (archive and attachments)."""
from equisis.documents.models import MODELS
from equisis.store import guards
from equisis.store.database import IMMUTABLE_MARK, current_database
from equisis.store.migrate import Migration, PackageMigrations

# Written out, not generated from the model: a released migration never changes.
_ATTACHMENT_FROZEN_COLUMNS = ("id", "object_type", "object_id", "original_name", "relative_path", "file_type",
                              "mime_type", "size_bytes", "sha256", "created_at", "actor")


def attachment_guard_sql() -> list[str]:
    """An attachment row is never deleted; its only change is removed_at/removed_by set once, from NULL."""
    refuse = f"SELECT RAISE(ABORT, '{IMMUTABLE_MARK}attachment');"
    changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in _ATTACHMENT_FROZEN_COLUMNS)
    return [
        'CREATE TRIGGER IF NOT EXISTS "attachment_no_delete" BEFORE DELETE ON "attachment" '
        f"BEGIN {refuse} END",
        'CREATE TRIGGER IF NOT EXISTS "attachment_mark_removed_only" BEFORE UPDATE ON "attachment" '
        'WHEN OLD."removed_at" IS NOT NULL OR NEW."removed_at" IS NULL OR NEW."removed_by" IS NULL '
        f"OR {changed} "
        f"BEGIN {refuse} END",
    ]


def _archive_and_attachments():
    current_database().create_tables(MODELS)
    guards.install(guards.append_only_sql("archived_document"))
    guards.install(attachment_guard_sql())


MIGRATIONS = PackageMigrations("documents", (
    Migration(1, "archived documents and attachments", _archive_and_attachments),
))
