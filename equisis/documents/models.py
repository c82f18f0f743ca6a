"""Tables of the documents package: the archive of generated documents and the attachments of records.

Files live in the company folder under ``documents/``; these rows say where,
what, for which record, and their sha256 so ``equisis doctor`` can prove the
files are the ones that were stored. Paths are relative (POSIX) so a company
folder can move to another disk or machine.
"""
import peewee as pw

from equisis.store.database import BaseModel


class ArchivedDocument(BaseModel):
    """A generated document (invoice PDF, ticket, VAT return…) as it was printed or sent. Append-only."""

    kind = pw.CharField(max_length=40)
    journal = pw.CharField(max_length=40)
    year = pw.CharField(max_length=40)
    period = pw.CharField(max_length=40)
    object_type = pw.CharField(max_length=60)
    object_id = pw.CharField(max_length=80)
    language = pw.CharField(max_length=2)
    file_name = pw.CharField(max_length=200)
    relative_path = pw.CharField(max_length=400, unique=True)
    mime_type = pw.CharField(max_length=100)
    size_bytes = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)
    created_at = pw.CharField(max_length=40)
    actor = pw.CharField(max_length=80)

    class Meta:
        indexes = ((("object_type", "object_id"), False),)

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self._meta.sorted_field_names if f != "id"}


class Attachment(BaseModel):
    """A file joined to any record (object_type, object_id): a supplier's PDF, a receipt photo, a CSV.

    Never deleted: removing it sets ``removed_at``/``removed_by`` once (a
    trigger forbids any other change and any DELETE), because an attachment may
    be the evidence behind a posted entry and must be kept with the books.
    """

    object_type = pw.CharField(max_length=60)
    object_id = pw.CharField(max_length=80)
    original_name = pw.CharField(max_length=200)
    relative_path = pw.CharField(max_length=400, unique=True)
    file_type = pw.CharField(max_length=10)
    mime_type = pw.CharField(max_length=100)
    size_bytes = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)
    created_at = pw.CharField(max_length=40)
    actor = pw.CharField(max_length=80)
    removed_at = pw.CharField(max_length=40, null=True)
    removed_by = pw.CharField(max_length=80, null=True)

    class Meta:
        indexes = ((("object_type", "object_id"), False),)

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self._meta.sorted_field_names if f != "id"}


MODELS = [ArchivedDocument, Attachment]
