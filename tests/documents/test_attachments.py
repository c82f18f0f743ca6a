"""Attachments on any record: size limit, type by content, safe storage, soft removal, database guards."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest

from equisis.company import service as company_service
from equisis.documents import rules, service
from equisis.documents.errors import (AttachmentAlreadyRemoved, AttachmentNotFound, AttachmentTooLarge,
                                      AttachmentTypeRefused, DocumentAltered, IOInsideTransaction)
from equisis.documents.models import Attachment
from equisis.store import audit
from equisis.store.database import write
from equisis.store.errors import PostedRowImmutable
from equisis.store.models import AuditEvent
from tests.documents.conftest import ELF, MINIMAL_PDF


def files_under(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_attachment_is_stored_under_a_generated_name(company):
    with audit.acting_as("user:sophie"):
        row = service.add_attachment(company, "purchase", 42, MINIMAL_PDF, "Facture Électricité mars.pdf",
                                     stored_on=dt.date(2026, 3, 9))
    assert row.original_name == "Facture Électricité mars.pdf"
    assert row.relative_path.startswith("attachments/2026/03/") and row.relative_path.endswith(".pdf")
    assert "Facture" not in row.relative_path
    assert (row.file_type, row.mime_type, row.size_bytes) == ("pdf", "application/pdf", len(MINIMAL_PDF))
    assert row.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest() and row.actor == "user:sophie"
    assert (company.documents_dir / row.relative_path).read_bytes() == MINIMAL_PDF
    stored, content = service.read_attachment(company, row.id)
    assert stored.id == row.id and content == MINIMAL_PDF
    event = AuditEvent.get((AuditEvent.object_type == "attachment") & (AuditEvent.object_id == str(row.id)))
    assert event.action == "create" and json.loads(event.after_json)["original_name"] == row.original_name


@pytest.mark.parametrize("kind", ["pdf", "png", "jpeg", "webp", "xml", "csv", "xlsx", "ods", "docx"])
def test_every_accepted_type_is_stored_with_its_own_extension(company, samples, kind):
    row = service.add_attachment(company, "purchase", 1, samples[kind], f"upload.{kind}")
    assert row.file_type == kind
    assert row.relative_path.rsplit(".", 1)[1] == rules.ACCEPTED_TYPES[kind].extension


def test_oversize_attachment_refused_with_sizes(company):
    company_service.set_settings({"attachments.max_bytes": 1000})
    with pytest.raises(AttachmentTooLarge) as caught:
        service.add_attachment(company, "purchase", 1, MINIMAL_PDF + b"%" * 2000, "big.pdf")
    assert (caught.value.size_bytes, caught.value.limit_bytes) == (len(MINIMAL_PDF) + 2000, 1000)
    assert "big.pdf" in caught.value.message("en")
    assert files_under(company.documents_dir) == [] and Attachment.select().count() == 0


def test_oversize_stream_refused_without_reading_it_all(company):
    company_service.set_settings({"attachments.max_bytes": 1000})

    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.served = 0

        def readable(self):
            return True

        def read(self, size=-1):
            size = 10 ** 9 if size < 0 else size
            self.served += size
            return b"%PDF-" + b"x" * (size - 5)

    stream = Unseekable()
    with pytest.raises(AttachmentTooLarge):
        service.add_attachment(company, "purchase", 1, stream, "endless.pdf")
    assert stream.served == 1001


def test_seekable_upload_is_accepted_up_to_the_limit(company):
    row = service.add_attachment(company, "purchase", 1, io.BytesIO(MINIMAL_PDF), "scan.pdf")
    assert service.read_attachment(company, row.id)[1] == MINIMAL_PDF


def test_default_limit_is_ten_mebibytes(company):
    with pytest.raises(AttachmentTooLarge) as caught:
        service.add_attachment(company, "purchase", 1, b"%PDF-" + b"0" * (10 * 1024 * 1024), "x.pdf")
    assert caught.value.limit_bytes == 10 * 1024 * 1024


def test_program_renamed_pdf_is_refused(company):
    with pytest.raises(AttachmentTypeRefused) as caught:
        service.add_attachment(company, "purchase", 1, ELF, "facture.pdf")
    assert "ELF" in str(caught.value.detected) and caught.value.status == 415
    assert files_under(company.documents_dir) == []


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd", "passwd"),
    ("..\\x.pdf", "x.pdf"),
    ("/etc/passwd", "passwd"),
    ("C:\\Windows\\system32\\x.pdf", "x.pdf"),
    ("evil\x00.pdf", "evil.pdf"),
    ("../../../../../../tmp/owned.csv", "owned.csv"),
])
def test_traversal_names_are_stored_safely_inside_the_folder(company, samples, name, shown):
    row = service.add_attachment(company, "purchase", 1, samples["csv"], name)
    assert row.original_name == shown
    root = company.documents_dir.resolve()
    stored = (company.documents_dir / row.relative_path).resolve()
    assert stored.is_relative_to(root / "attachments")
    test_root = company.folder.parents[2]  # tmp_path: nothing named after the upload anywhere
    assert not [p for p in test_root.rglob("*") if p.name in (shown, "passwd")]
    assert files_under(company.documents_dir) == [company.documents_dir / row.relative_path]


def test_list_read_and_soft_removal(company, samples):
    first = service.add_attachment(company, "purchase", 7, MINIMAL_PDF, "a.pdf")
    second = service.add_attachment(company, "purchase", 7, samples["png"], "b.png")
    service.add_attachment(company, "sale", 7, samples["png"], "other record.png")
    assert [a.id for a in service.attachments_of("purchase", 7)] == [first.id, second.id]
    with audit.acting_as("user:marc"):
        removed = service.remove_attachment(first.id)
    assert removed.removed_by == "user:marc" and removed.removed_at
    assert [a.id for a in service.attachments_of("purchase", 7)] == [second.id]
    everything = service.attachments_of("purchase", 7, include_removed=True)
    assert [a.id for a in everything] == [first.id, second.id]
    assert service.read_attachment(company, first.id)[1] == MINIMAL_PDF  # still evidence, still on disk
    event = (AuditEvent.select().where(AuditEvent.object_type == "attachment")
             .order_by(AuditEvent.id.desc()).get())
    assert (event.action, event.actor, event.object_id) == ("delete", "user:marc", str(first.id))
    assert json.loads(event.before_json)["removed_at"] is None
    with pytest.raises(AttachmentAlreadyRemoved):
        service.remove_attachment(first.id)


def test_unknown_attachment(company):
    with pytest.raises(AttachmentNotFound):
        service.remove_attachment(404)
    with pytest.raises(AttachmentNotFound):
        service.read_attachment(company, 404)


@pytest.mark.parametrize("statement", [
    lambda row: Attachment.delete().where(Attachment.id == row.id).execute(),
    lambda row: Attachment.update(sha256="0" * 64).where(Attachment.id == row.id).execute(),
    lambda row: Attachment.update(original_name="x.pdf").where(Attachment.id == row.id).execute(),
    lambda row: Attachment.update(removed_at="2026-01-01", removed_by="x", object_id="8")
    .where(Attachment.id == row.id).execute(),
])
def test_database_refuses_anything_but_the_removal_mark(company, statement):
    row = service.add_attachment(company, "purchase", 7, MINIMAL_PDF, "a.pdf")
    with pytest.raises(PostedRowImmutable):
        with write():
            statement(row)


def test_removal_mark_cannot_be_undone_in_the_database(company):
    row = service.add_attachment(company, "purchase", 7, MINIMAL_PDF, "a.pdf")
    service.remove_attachment(row.id)
    with pytest.raises(PostedRowImmutable):
        with write():
            Attachment.update(removed_at=None, removed_by=None).where(Attachment.id == row.id).execute()


def test_doctor_checks_attachments_too(company):
    row = service.add_attachment(company, "purchase", 7, MINIMAL_PDF, "a.pdf")
    assert service.check_documents(company) == []
    (company.documents_dir / row.relative_path).write_bytes(MINIMAL_PDF.replace(b"Count 0", b"Count 9"))
    problems = service.check_documents(company)
    assert [type(p) for p in problems] == [DocumentAltered] and "“a.pdf”" in problems[0].message("en")
    with pytest.raises(DocumentAltered):
        service.read_attachment(company, row.id)


def test_attaching_inside_a_write_transaction_is_a_bug(company):
    with pytest.raises(IOInsideTransaction):
        with write():
            service.add_attachment(company, "purchase", 7, MINIMAL_PDF, "a.pdf")
