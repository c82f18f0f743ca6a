"""Errors of the documents package: archive, attachments and mail, each carrying what its message needs.

The doctor problems (DocumentMissing, DocumentAltered, UnrecordedFile) are
EquisisErrors too: :func:`equisis.documents.service.check_documents` returns them
as a list, and reading a damaged file raises the same class.
"""
import contextlib
from decimal import Decimal

from babel.units import format_unit

from equisis.core.errors import EquisisError
from equisis.core.i18n import BABEL_LOCALES, N_, current_language, language


class ByteSize(int):
    """A file size that shows itself in the reader's language: 512 o, 12,3 Mo (fr), 12,3 MB (nl).

    Binary multiples with the familiar short units (as file managers do):
    10 * 1024 * 1024 bytes shows as "10 Mo" / "10 MB".
    """

    _UNITS = ((1024 ** 3, "digital-gigabyte"), (1024 ** 2, "digital-megabyte"), (1024, "digital-kilobyte"))

    def __str__(self) -> str:
        locale = BABEL_LOCALES[current_language()]
        for factor, unit in self._UNITS:
            if self >= factor:
                value = (Decimal(int(self)) / factor).quantize(Decimal("0.1")).normalize()
                return format_unit(value, unit, length="short", locale=locale)
        return format_unit(int(self), "digital-byte", length="short", locale=locale)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class InvalidPathPart(EquisisError):
    template = N_("“{value}” cannot be part of an archive folder name: use letters, digits, dashes and "
                  "underscores only.")


class DocumentNotFound(EquisisError):
    template = N_("Archived document {document_id} does not exist.")
    status = 404


class DocumentMissing(EquisisError):
    template = N_("The file {path} of {what} {ref} is missing from the company folder; restore it from a "
                  "backup.")
    status = 500


class DocumentAltered(EquisisError):
    template = N_("The file {path} of {what} {ref} was altered after it was stored (its checksum no longer "
                  "matches); restore it from a backup.")
    status = 500


class UnrecordedFile(EquisisError):
    template = N_("The file {path} lies in the documents folder but is recorded nowhere.")
    status = 500


class AttachmentNotFound(EquisisError):
    template = N_("Attachment {attachment_id} does not exist.")
    status = 404


class AttachmentEmpty(EquisisError):
    template = N_("The file “{name}” is empty.")


class AttachmentTooLarge(EquisisError):
    template = N_("The file “{name}” is {size}; the limit is {limit}.")
    status = 413

    def __init__(self, size, limit, *, name: str = "", field: str | None = None):
        self.size_bytes, self.limit_bytes = int(size), int(limit)
        super().__init__(field=field, name=name, size=ByteSize(size), limit=ByteSize(limit))

    def message(self, locale: str | None = None) -> str:
        # the sizes format themselves in the current language: make it the message's
        with language(locale) if locale else contextlib.nullcontext():
            return super().message(locale)


class AttachmentTypeRefused(EquisisError):
    template = N_("The file “{name}” is of a type Equisis does not accept ({detected}). "
                  "Accepted: PDF, PNG, JPEG, WebP, XML, CSV or text, XLSX, ODS and DOCX.")
    status = 415

    def __init__(self, detected: str, name: str = "", *, field: str | None = None):
        self.detected = detected
        super().__init__(field=field, detected=detected, name=name)


class LogoTypeRefused(EquisisError):
    template = N_("A logo must be a PNG or JPEG image; “{name}” is {detected}.")
    status = 415


class AttachmentAlreadyRemoved(EquisisError):
    template = N_("Attachment “{name}” was already removed on {removed_at}.")
    status = 409


class MailNotConfigured(EquisisError):
    template = N_("Mail is not set up: fill in the mail server and sender address in the settings "
                  "({missing}).")
    status = 409


class InvalidMailSetting(EquisisError):
    template = N_("Mail setting {key}: “{value}” is not valid.")


class InvalidEmailAddress(EquisisError):
    template = N_("“{value}” is not an e-mail address.")


class NoRecipient(EquisisError):
    template = N_("The message has no recipient.")


class MailFailed(EquisisError):
    """The server could not be reached or refused the message; nothing was sent."""

    template = N_("The message could not be sent through {host}:{port}: {reason}.")
    status = 502


class IOInsideTransaction(RuntimeError):
    """A bug: rendering, file writes and mail must never run while a write() transaction holds the lock."""
