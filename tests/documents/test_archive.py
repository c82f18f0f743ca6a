"""The archive: layout on disk, sha256, append-only rows, audit events, read-back and the doctor check."""
from __future__ import annotations

import hashlib
import json

import pytest

from equisis.documents import service
from equisis.documents.errors import (DocumentAltered, DocumentMissing, DocumentNotFound, InvalidPathPart,
                                      IOInsideTransaction, UnrecordedFile)
from equisis.documents.models import ArchivedDocument
from equisis.documents.pdf import BusinessDocument
from equisis.store import audit
from equisis.store.database import write
from equisis.store.errors import PostedRowImmutable
from equisis.store.models import AuditEvent
from tests.documents.conftest import LETTERHEAD


def make_pdf(text: str = "Facture") -> bytes:
    pdf = BusinessDocument(LETTERHEAD, language="fr", title=text)
    pdf.add_page()
    pdf.paragraph(text)
    return pdf.to_bytes()


def archive(store, content: bytes | None = None, **over) -> ArchivedDocument:
    values = dict(kind="invoice", journal="VEN", year="2026", period="2026-Q1", object_type="invoice",
                  object_id=17, language="fr", file_name="Facture VEN-2026-0001 – Dupont & Fils")
    values.update(over)
    return service.archive_document(store, content or make_pdf(), **values)


def test_archive_layout_checksum_and_record(company):
    content = make_pdf("Facture VEN-2026-0001")
    with audit.acting_as("user:sophie"):
        row = archive(company, content)
    path = company.documents_dir / "2026" / "2026-Q1" / "VEN" / "Facture-VEN-2026-0001-Dupont-Fils.pdf"
    assert path.read_bytes() == content
    assert row.relative_path == "2026/2026-Q1/VEN/Facture-VEN-2026-0001-Dupont-Fils.pdf"
    assert row.sha256 == hashlib.sha256(content).hexdigest() and row.size_bytes == len(content)
    assert (row.kind, row.journal, row.year, row.period, row.object_type, row.object_id, row.language) == \
        ("invoice", "VEN", "2026", "2026-Q1", "invoice", "17", "fr")
    assert row.actor == "user:sophie" and row.created_at.startswith("20")
    event = AuditEvent.get((AuditEvent.object_type == "archived_document")
                           & (AuditEvent.object_id == str(row.id)))
    assert event.action == "create" and json.loads(event.after_json)["sha256"] == row.sha256
    assert not list(path.parent.glob(".tmp-*"))


def test_reprint_never_replaces_the_archived_file(company):
    first, second = make_pdf("premier"), make_pdf("second")
    one, two = archive(company, first), archive(company, second)
    assert two.relative_path.endswith("Facture-VEN-2026-0001-Dupont-Fils-2.pdf")
    assert service.read_document(company, one.id) == first
    assert service.read_document(company, two.id) == second
    assert [d.id for d in service.documents_of("invoice", 17)] == [one.id, two.id]


def test_archive_accepts_the_documents_folder_itself(company):
    row = archive(company.documents_dir)
    assert (company.documents_dir / row.relative_path).is_file()


@pytest.mark.parametrize("statement", [
    lambda: ArchivedDocument.update(sha256="0" * 64).execute(),
    lambda: ArchivedDocument.update(kind="other").where(ArchivedDocument.id > 0).execute(),
    lambda: ArchivedDocument.delete().execute(),
])
def test_archived_rows_are_append_only(company, statement):
    row = archive(company)
    with pytest.raises(PostedRowImmutable) as caught:
        with write():
            statement()
    assert caught.value.params["what"] == "archived_document"
    assert ArchivedDocument.get_by_id(row.id).sha256 == row.sha256


@pytest.mark.parametrize("part", [{"journal": "../etc"}, {"year": "2026/.."}, {"period": ""}])
def test_unsafe_folder_parts_are_refused_before_writing(company, part):
    with pytest.raises(InvalidPathPart):
        archive(company, **part)
    assert not any(p.is_file() for p in company.documents_dir.rglob("*"))
    assert ArchivedDocument.select().count() == 0


def test_content_must_be_a_pdf_when_announced(company):
    with pytest.raises(ValueError):
        archive(company, b"not a pdf")


def test_archiving_inside_a_write_transaction_is_a_bug(company):
    with pytest.raises(IOInsideTransaction):
        with write():
            archive(company)


def test_a_failed_record_leaves_no_file(company, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        archive(company)
    assert ArchivedDocument.select().count() == 0
    assert not any(p.is_file() for p in company.documents_dir.rglob("*"))


def test_unknown_document(company):
    with pytest.raises(DocumentNotFound):
        service.read_document(company, 999)


def test_doctor_finds_nothing_in_a_sound_archive(company):
    archive(company)
    archive(company, journal="ACH", kind="purchase")
    assert service.check_documents(company) == []


def test_doctor_detects_a_tampered_file(company):
    row = archive(company)
    path = company.documents_dir / row.relative_path
    data = bytearray(path.read_bytes())
    data[200] ^= 0x01  # one bit, same size
    path.write_bytes(bytes(data))
    problems = service.check_documents(company)
    assert [type(p) for p in problems] == [DocumentAltered]
    assert row.relative_path in problems[0].message("en")
    assert service.check_documents(company, verify_checksums=False) == []  # the quick check sees sizes only
    with pytest.raises(DocumentAltered):
        service.read_document(company, row.id)


def test_doctor_detects_missing_and_unrecorded_files(company):
    gone, kept = archive(company), archive(company, journal="ACH")
    (company.documents_dir / gone.relative_path).unlink()
    stray = company.documents_dir / "2026" / "notes.txt"
    stray.write_text("dropped here by hand")
    problems = service.check_documents(company)
    assert sorted(type(p).__name__ for p in problems) == ["DocumentMissing", "UnrecordedFile"]
    unrecorded = next(p for p in problems if isinstance(p, UnrecordedFile))
    assert unrecorded.params["path"] == "2026/notes.txt"
    with pytest.raises(DocumentMissing):
        service.read_document(company, gone.id)
    assert service.read_document(company, kept.id).startswith(b"%PDF")


def test_doctor_reports_a_recorded_path_leading_outside(company):
    row = archive(company)
    # a hand-edited database (the triggers must be dropped first) cannot make us read outside the folder
    company.database.execute_sql('DROP TRIGGER "archived_document_no_update"')
    with write():
        ArchivedDocument.update(relative_path="../company.db").where(ArchivedDocument.id == row.id).execute()
    problems = service.check_documents(company)
    assert any(isinstance(p, DocumentAltered) for p in problems)
    with pytest.raises(DocumentAltered):
        service.read_document(company, row.id)
