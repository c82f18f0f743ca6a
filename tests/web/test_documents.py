"""The documents screens: test letter, archive list, verified download, mail, attachments, logo."""
from __future__ import annotations

import email
import io
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from PIL import Image

from equisis.company import service as company_service
from equisis.documents.models import ArchivedDocument, Attachment
from tests.web.conftest import USER_PASSWORD, add_user, form_token, sign_in, text_of


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), (31, 95, 168)).save(buffer, "PNG")
    return buffer.getvalue()


def _letter(admin, slug, language="nl"):
    token = form_token(admin, f"/c/{slug}/documents/")
    response = admin.post(f"/c/{slug}/documents/test-letter", data={"_csrf": token, "language": language})
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _flashes(client, url):
    return re.findall(r'flash-(\w+)" role="status">([^<]+)', client.get(url).get_data(as_text=True))


def test_test_letter_is_archived_listed_and_downloaded_intact(admin, slug, store):
    document_id = _letter(admin, slug)
    listing = admin.get(f"/c/{slug}/documents/").get_data(as_text=True)
    assert "test-letter-" in listing and "LETTER" in listing
    download = admin.get(f"/c/{slug}/documents/{document_id}/file")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    with store.session():
        row = ArchivedDocument.get_by_id(document_id)
    assert row.language == "nl" and row.kind == "letter"
    assert (store.documents_dir / row.relative_path).read_bytes() == download.data


def test_a_document_changed_on_disk_is_refused_at_download(admin, slug, store):
    document_id = _letter(admin, slug)
    with store.session():
        path = store.documents_dir / ArchivedDocument.get_by_id(document_id).relative_path
    path.write_bytes(path.read_bytes().replace(b"%PDF-1.", b"%PDF-9."))
    response = admin.get(f"/c/{slug}/documents/{document_id}/file")
    assert response.status_code >= 400
    assert "altered" in text_of(response) or "changed" in text_of(response)


def test_a_cashier_cannot_see_the_archive(client, slug, store):
    add_user(store, "karim", "cashier")
    sign_in(client, slug, username="karim", password=USER_PASSWORD)
    assert client.get(f"/c/{slug}/documents/").status_code == 403


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def test_an_archived_document_is_mailed_with_its_pdf(admin, slug, store, smtp):
    handler, port = smtp
    with store.session():
        company_service.set_settings({"mail.host": "127.0.0.1", "mail.port": port, "mail.security": "none",
                                      "mail.sender": "shop@deco.example"})
    document_id = _letter(admin, slug)
    token = form_token(admin, f"/c/{slug}/documents/{document_id}")
    response = admin.post(f"/c/{slug}/documents/{document_id}", data={
        "_csrf": token, "to": "dubois@fiduciaire.example", "subject": "Lettre de test", "body": "Bonjour"})
    assert response.status_code == 303
    message = email.message_from_bytes(handler.envelopes[0].content)
    attachment = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
    assert attachment.get_payload(decode=True) == admin.get(f"/c/{slug}/documents/{document_id}/file").data


def test_mail_without_settings_names_the_problem_and_sends_nothing(admin, slug):
    document_id = _letter(admin, slug)
    token = form_token(admin, f"/c/{slug}/documents/{document_id}")
    response = admin.post(f"/c/{slug}/documents/{document_id}", data={"_csrf": token, "to": "a@b.example"})
    assert response.status_code >= 400
    assert "mail" in text_of(response).lower()


def test_attachments_panel_upload_and_safe_names(admin, slug, store):
    token = form_token(admin, f"/c/{slug}/settings")
    response = admin.post(f"/c/{slug}/attachments/company/1", content_type="multipart/form-data", data={
        "_csrf": token, "next": f"/c/{slug}/settings",
        "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "../../../etc/statuts.pdf")})
    assert response.headers["Location"].endswith(f"/c/{slug}/settings")
    with store.session():
        row = Attachment.get()
    stored = (store.documents_dir / row.relative_path).resolve()
    assert stored.is_relative_to(store.documents_dir.resolve()) and ".." not in row.original_name
    panel = admin.get(f"/c/{slug}/attachments/company/1", headers={"HX-Current-URL": f"http://x/c/{slug}/settings"})
    assert "statuts.pdf" in panel.get_data(as_text=True)
    assert admin.get(f"/c/{slug}/attachments/{row.id}").data == b"%PDF-1.4\n%%EOF\n"


def test_an_oversized_attachment_is_refused_with_the_limit(admin, slug, store):
    with store.session():
        company_service.set_settings({"attachments.max_bytes": 1024})
    token = form_token(admin, f"/c/{slug}/settings")
    admin.post(f"/c/{slug}/attachments/company/1", content_type="multipart/form-data", data={
        "_csrf": token, "next": f"/c/{slug}/settings", "file": (io.BytesIO(b"%PDF-1.4\n" + b"x" * 4096), "big.pdf")})
    flashes = _flashes(admin, f"/c/{slug}/settings")
    assert flashes and flashes[0][0] == "error" and "big.pdf" in flashes[0][1]
    with store.session():
        assert Attachment.select().count() == 0


def test_logo_upload_reaches_the_letterhead(admin, slug, store):
    token = form_token(admin, f"/c/{slug}/settings")
    admin.post(f"/c/{slug}/settings/logo", content_type="multipart/form-data",
               data={"_csrf": token, "logo": (io.BytesIO(_png()), "logo.png")})
    assert _flashes(admin, f"/c/{slug}/settings") == [("success", "Logo saved.")]
    assert admin.get(f"/c/{slug}/settings/logo").mimetype == "image/png"
    with store.session():
        assert company_service.profile().logo_path.startswith("documents/attachments/")
    refused = admin.post(f"/c/{slug}/settings/logo", content_type="multipart/form-data",
                         data={"_csrf": token, "logo": (io.BytesIO(b"%PDF-1.4 x"), "logo.pdf")})
    assert refused.status_code == 303
    assert "PNG or JPEG" in _flashes(admin, f"/c/{slug}/settings")[0][1]
