"""Use cases: archive a generated document, attach a file to a record, read both back, check them all.

Files first, database second. A file is written under a temporary name,
fsynced, then published under its final name without ever replacing an
existing file (a hard link, which fails if the name is taken), and only then
recorded with its sha256 in one ``write()`` transaction together with its audit
event. If the transaction fails the new file is removed again, so a row never
points at nothing; a crash in between leaves at worst an unrecorded file, which
:func:`check_documents` reports. None of this may run inside another write()
transaction: file I/O must not hold SQLite's writer lock (DESIGN §3).

Functions that touch files take ``place``: the company store (anything with a
``documents_dir``) or the documents folder itself.
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import itertools
import os
import uuid
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from equisis.company import service as company_service
from equisis.company.rules import LEGAL_FORMS
from equisis.core.i18n import N_, lazy_gettext, normalise_language
from equisis.documents import rules
from equisis.documents.errors import (AttachmentAlreadyRemoved, AttachmentNotFound, DocumentAltered,
                                      DocumentMissing, DocumentNotFound, IOInsideTransaction, LogoTypeRefused,
                                      UnrecordedFile)
from equisis.documents.models import ArchivedDocument, Attachment
from equisis.store import audit
from equisis.store.database import in_write_transaction, write
from equisis.store.errors import StorageFull

CHUNK = 1024 * 1024
TEMP_PREFIX = ".tmp-"
PDF_MIME = "application/pdf"


# --------------------------------------------------------------------------- places and files

def documents_root(place) -> Path:
    """The documents folder of a CompanyStore (``.documents_dir``) or the folder itself."""
    return Path(getattr(place, "documents_dir", place))


def ensure_outside_transaction(what: str) -> None:
    if in_write_transaction():
        raise IOInsideTransaction(f"{what} must run outside a write() transaction")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_dirs(root: Path, folder: PurePosixPath) -> Path:
    """Create ``root/folder`` and make each new directory entry durable (fsync of its parent)."""
    current = root
    root.mkdir(parents=True, exist_ok=True)
    for part in folder.parts:
        child = current / part
        if not child.is_dir():
            child.mkdir(exist_ok=True)
            _fsync_dir(current)
        current = child
    return current


def _publish(temp: Path, target: Path) -> None:
    """Give ``temp`` the name ``target``, never replacing a file: FileExistsError when the name is taken."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError as exc:  # a filesystem without hard links: check, then rename
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if target.exists():
            raise FileExistsError(errno.EEXIST, "file exists", str(target)) from exc
        os.rename(temp, target)


def store_file(root: Path, folder: PurePosixPath, file_name: str, content: bytes, *,
               numbered: bool = True) -> PurePosixPath:
    """Write ``content`` durably as ``root/folder/file_name`` ('name-2.ext'… when taken); return its path.

    Temp name, write, fsync, publish without replacing, fsync the folder. A full
    disk surfaces as StorageFull with nothing left behind.
    """
    try:
        directory = _make_dirs(root, folder)
        temp = directory / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            for n in itertools.count(1):
                candidate = rules.numbered_variant(file_name, n)
                try:
                    _publish(temp, directory / candidate)
                    break
                except FileExistsError:
                    if not numbered:
                        raise
        finally:
            temp.unlink(missing_ok=True)
        _fsync_dir(directory)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull() from exc
        raise
    return folder / candidate


def _resolve(root: Path, relative_path: str) -> Path:
    """The absolute path of a recorded file; a path that would leave ``root`` is a bug or tampering."""
    relative = PurePosixPath(relative_path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"recorded path {relative_path!r} is not a plain relative path")
    path = root.joinpath(*relative.parts)
    if not path.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"recorded path {relative_path!r} leads outside the documents folder")
    return path


def _sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _read_verified(root: Path, row, what: str, ref: str) -> bytes:
    try:
        path = _resolve(root, row.relative_path)
    except ValueError:
        raise DocumentAltered(path=row.relative_path, what=lazy_gettext(what), ref=ref) from None
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise DocumentMissing(path=row.relative_path, what=lazy_gettext(what), ref=ref) from None
    if len(content) != row.size_bytes or hashlib.sha256(content).hexdigest() != row.sha256:
        raise DocumentAltered(path=row.relative_path, what=lazy_gettext(what), ref=ref)
    return content


def _check_file(root: Path, row, what: str, ref: str, verify_checksums: bool) -> list:
    try:
        path = _resolve(root, row.relative_path)
    except ValueError:
        return [DocumentAltered(path=row.relative_path, what=lazy_gettext(what), ref=ref)]
    if not path.is_file():
        return [DocumentMissing(path=row.relative_path, what=lazy_gettext(what), ref=ref)]
    if verify_checksums:
        sha256, size = _sha256_of(path)
    else:
        sha256, size = row.sha256, path.stat().st_size
    if size != row.size_bytes or sha256 != row.sha256:
        return [DocumentAltered(path=row.relative_path, what=lazy_gettext(what), ref=ref)]
    return []


# --------------------------------------------------------------------------- letterhead

def letterhead_from_profile(company_folder: Path | None = None) -> rules.Letterhead:
    """The company profile as a Letterhead; a relative logo path is taken inside ``company_folder``."""
    row = company_service.profile()
    legal_form = ""
    if row.legal_form in LEGAL_FORMS and row.legal_form != "person":
        legal_form = LEGAL_FORMS[row.legal_form].split(" (")[0]  # 'SRL / BV': the same in every language
    logo = row.logo_path
    if logo and company_folder is not None and not Path(logo).is_absolute():
        logo = str(Path(company_folder) / logo)
    return rules.Letterhead(
        name=row.name, street=row.street, postcode=row.postcode, city=row.city, country=row.country,
        enterprise_number=row.enterprise_number, vat_number=row.vat_number, iban=row.iban, bic=row.bic,
        email=row.email or "", phone=row.phone or "", legal_form=legal_form, logo_path=logo)


# --------------------------------------------------------------------------- archive

_ARCHIVED = N_("archived document")


def _document_ref(row: ArchivedDocument) -> str:
    return f"#{row.id} ({row.object_type} {row.object_id})"


def archive_document(place, content: bytes, *, kind: str, journal: str, year: str, period: str,
                     object_type: str, object_id, language: str, file_name: str,
                     mime_type: str = PDF_MIME) -> ArchivedDocument:
    """Keep a generated document for good: ``documents/<year>/<period>/<journal>/<safe name>`` + its sha256.

    ``file_name`` is a suggestion ("Facture VEN-2026-0001 Dupont"): it is made
    safe and given the extension of ``mime_type``; when the name is taken (a
    reprint) the new copy becomes "…-2.pdf" — an archived file is never
    replaced. ``year`` is the fiscal year code ('2026', '2025-2026'),
    ``period`` the period code ('2026-Q1', '2026-03'), ``journal`` the journal
    code ('VEN'); each must be a plain folder name (InvalidPathPart). The row is
    append-only (a trigger refuses UPDATE and DELETE with PostedRowImmutable)
    and the audit log gets a 'create' event.
    """
    ensure_outside_transaction("archive_document()")
    if not isinstance(content, (bytes, bytearray)) or not content:
        raise ValueError("an archived document has bytes")
    if mime_type == PDF_MIME and bytes(content[:5]) != b"%PDF-":
        raise ValueError("content announced as PDF does not start with %PDF-")
    folder = rules.archive_folder(year, period, journal)
    extension = {PDF_MIME: "pdf", "application/xml": "xml", "text/csv": "csv"}.get(mime_type, "bin")
    root = documents_root(place)
    content = bytes(content)
    relative = store_file(root, folder, rules.safe_file_name(file_name, extension), content)
    try:
        with write():
            row = ArchivedDocument.create(
                kind=kind, journal=journal, year=year, period=period, object_type=object_type,
                object_id=str(object_id), language=normalise_language(language), file_name=relative.name,
                relative_path=relative.as_posix(), mime_type=mime_type, size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(), created_at=audit.now_iso(),
                actor=audit.current_actor())
            audit.record("create", "archived_document", row.id, after=row.snapshot())
    except BaseException:
        root.joinpath(*relative.parts).unlink(missing_ok=True)
        raise
    return row


def get_document(document_id: int) -> ArchivedDocument:
    row = ArchivedDocument.get_or_none(ArchivedDocument.id == document_id)
    if row is None:
        raise DocumentNotFound(document_id=document_id)
    return row


def documents_of(object_type: str, object_id) -> list[ArchivedDocument]:
    """Every archived version of one record's documents, oldest first."""
    query = (ArchivedDocument.select()
             .where((ArchivedDocument.object_type == object_type)
                    & (ArchivedDocument.object_id == str(object_id)))
             .order_by(ArchivedDocument.id))
    return list(query)


def read_document(place, document_id: int) -> bytes:
    """The archived bytes, checked against the size and sha256 (DocumentMissing, DocumentAltered)."""
    row = get_document(document_id)
    return _read_verified(documents_root(place), row, _ARCHIVED, _document_ref(row))


def verified_content(place, row: ArchivedDocument | Attachment) -> bytes:
    """The bytes of a row already read (no query, so it runs after the rows were listed), checked
    against its size and sha256 like read_document / read_attachment (DocumentMissing, DocumentAltered)."""
    if isinstance(row, Attachment):
        return _read_verified(documents_root(place), row, _ATTACHMENT, _attachment_ref(row))
    return _read_verified(documents_root(place), row, _ARCHIVED, _document_ref(row))


# --------------------------------------------------------------------------- attachments

_ATTACHMENT = N_("attachment")


def _attachment_ref(row: Attachment) -> str:
    return f"#{row.id} “{row.original_name}”"


def _take_content(source: bytes | BinaryIO, limit: int, name: str) -> bytes:
    """The upload's bytes, refusing oversize ones without reading more than ``limit`` + 1 bytes."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        content = bytes(source)
        rules.check_attachment_size(len(content), limit, name)
        return content
    if source.seekable():
        start = source.tell()
        size = source.seek(0, os.SEEK_END) - start
        source.seek(start)
        rules.check_attachment_size(size, limit, name)
    content = source.read(limit + 1)
    rules.check_attachment_size(len(content), limit, name)
    return content


def add_attachment(place, object_type: str, object_id, content: bytes | BinaryIO, original_name: str, *,
                   stored_on: dt.date | None = None) -> Attachment:
    """Join an uploaded file to a record (object_type, object_id).

    Checks, in order: size against the setting 'attachments.max_bytes'
    (AttachmentTooLarge(size, limit)), then type by content against
    :data:`rules.ACCEPTED_TYPES` (AttachmentTypeRefused). The file is stored as
    ``attachments/<yyyy>/<mm>/<random hex>.<type's extension>``; the uploaded
    name is cleaned (:func:`rules.display_name`) and kept for display only.
    """
    ensure_outside_transaction("add_attachment()")
    name = rules.display_name(original_name)
    limit = int(company_service.get_setting("attachments.max_bytes"))
    data = _take_content(content, limit, name)
    file_type = rules.detect_file_type(data, name)
    created_at = audit.now_iso()
    day = stored_on or dt.date.fromisoformat(created_at[:10])
    relative = rules.attachment_path(day, uuid.uuid4().hex, file_type.extension)
    root = documents_root(place)
    relative = store_file(root, relative.parent, relative.name, data, numbered=False)
    try:
        with write():
            row = Attachment.create(
                object_type=object_type, object_id=str(object_id), original_name=name,
                relative_path=relative.as_posix(), file_type=file_type.key, mime_type=file_type.mime,
                size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), created_at=created_at,
                actor=audit.current_actor())
            audit.record("create", "attachment", row.id, after=row.snapshot())
    except BaseException:
        root.joinpath(*relative.parts).unlink(missing_ok=True)
        raise
    return row


LOGO_TYPES = ("png", "jpeg")


def set_company_logo(place, content: bytes | BinaryIO, original_name: str) -> Attachment:
    """Keep an uploaded PNG or JPEG as the company's logo (an attachment of 'company'/'logo')
    and point the profile's letterhead at it; the previous logo stays attached for the record."""
    data = content if isinstance(content, (bytes, bytearray)) else content.read()
    file_type = rules.detect_file_type(bytes(data), original_name)
    if file_type.key not in LOGO_TYPES:
        raise LogoTypeRefused(name=rules.display_name(original_name), detected=file_type.label, field="logo")
    row = add_attachment(place, "company", "logo", bytes(data), original_name)
    company_service.update_profile(logo_path=f"documents/{row.relative_path}")
    return row


def get_attachment(attachment_id: int) -> Attachment:
    row = Attachment.get_or_none(Attachment.id == attachment_id)
    if row is None:
        raise AttachmentNotFound(attachment_id=attachment_id)
    return row


def attachments_of(object_type: str, object_id, *, include_removed: bool = False) -> list[Attachment]:
    """A record's attachments, oldest first; removed ones only when asked (an audit view)."""
    query = Attachment.select().where((Attachment.object_type == object_type)
                                      & (Attachment.object_id == str(object_id)))
    if not include_removed:
        query = query.where(Attachment.removed_at.is_null())
    return list(query.order_by(Attachment.id))


def read_attachment(place, attachment_id: int) -> tuple[Attachment, bytes]:
    """The row (display name, MIME type) and its bytes, checked against the recorded sha256.

    A removed attachment can still be read: it stays evidence. A view serving
    it must send ``Content-Disposition: attachment`` with the display name, the
    recorded MIME type and ``X-Content-Type-Options: nosniff``.
    """
    row = get_attachment(attachment_id)
    return row, _read_verified(documents_root(place), row, _ATTACHMENT, _attachment_ref(row))


def remove_attachment(attachment_id: int) -> Attachment:
    """Take an attachment off: a mark (removed_at, removed_by), an audit 'delete'; the file stays.

    Nothing is ever erased: the attachment may be the voucher of a posted
    entry, which Belgian law keeps for ten years. A trigger lets the mark be
    set once and forbids any other change or deletion.
    """
    with write():
        row = get_attachment(attachment_id)
        if row.is_removed:
            raise AttachmentAlreadyRemoved(name=row.original_name, removed_at=row.removed_at)
        before = row.snapshot()
        row.removed_at, row.removed_by = audit.now_iso(), audit.current_actor()
        row.save(only=[Attachment.removed_at, Attachment.removed_by])
        audit.record("delete", "attachment", row.id, before=before, after=row.snapshot())
    return row


# --------------------------------------------------------------------------- doctor

def check_documents(place, *, verify_checksums: bool = True) -> list:
    """Every problem of the documents folder, as EquisisErrors (``problem.message()`` for the report).

    * DocumentMissing — a recorded file is gone;
    * DocumentAltered — its size or sha256 differs from the record (or its
      recorded path was tampered with to lead elsewhere);
    * UnrecordedFile — a file no row knows (a crash between file and record, a
      temp file left behind, or a file dropped in by hand).

    ``verify_checksums=False`` compares sizes only, for a quick check of a big archive.
    """
    root = documents_root(place)
    problems, recorded = [], set()
    for row in ArchivedDocument.select().order_by(ArchivedDocument.id).iterator():
        recorded.add(row.relative_path)
        problems += _check_file(root, row, _ARCHIVED, _document_ref(row), verify_checksums)
    for row in Attachment.select().order_by(Attachment.id).iterator():
        recorded.add(row.relative_path)
        problems += _check_file(root, row, _ATTACHMENT, _attachment_ref(row), verify_checksums)
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if (path.is_file() or path.is_symlink()) and relative not in recorded:
                problems.append(UnrecordedFile(path=relative))
    return problems
