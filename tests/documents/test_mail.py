"""Mail through a real SMTP server on loopback (aiosmtpd): delivery, attachment intact, audit, failures."""
from __future__ import annotations

import email
import json
import socket
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller

from equisis.company import service as company_service
from equisis.documents import mail, service
from equisis.documents.errors import (InvalidEmailAddress, IOInsideTransaction, MailFailed, MailNotConfigured,
                                      NoRecipient)
from equisis.documents.pdf import BusinessDocument
from equisis.store.database import write
from equisis.store.models import AuditEvent
from tests.documents.conftest import LETTERHEAD

SENDER = "Déco Sophie <sophie@deco.example>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An aiosmtpd handler keeping every envelope; ``refuse_rcpt`` answers 550 to every recipient."""

    def __init__(self, refuse_rcpt: bool = False):
        self.envelopes = []
        self.refuse_rcpt = refuse_rcpt

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    def start(**handler_options):
        handler = Collector(**handler_options)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        return handler, controller.port

    started = []
    yield start
    for controller in started:
        controller.stop()


def configure(port: int, **over) -> None:
    company_service.set_settings({"mail.host": "127.0.0.1", "mail.port": port, "mail.security": "none",
                                  "mail.sender": SENDER, **over})


def archived_invoice(store):
    pdf = BusinessDocument(LETTERHEAD, language="fr", title="Facture VEN-2026-0001")
    pdf.add_page()
    pdf.paragraph("Étagère en chêne — 1 234,56 €")
    return service.archive_document(store, pdf.to_bytes(), kind="invoice", journal="VEN", year="2026",
                                    period="2026-Q1", object_type="invoice", object_id=17, language="fr",
                                    file_name="Facture VEN-2026-0001")


def test_invoice_pdf_arrives_intact(company, smtp_server):
    handler, port = smtp_server()
    configure(port)
    document = archived_invoice(company)
    attachment = mail.archived_attachment(company, document.id)
    sent = mail.send_mail(["Brasserie Dupont <compta@dupont.example.be>"],
                          "Votre facture VEN-2026-0001 — merci",
                          "Bonjour,\n\nVeuillez trouver votre facture ci-jointe.\n\nDéco Sophie",
                          attachments=[attachment], bcc=["archive@deco.example"], about=("invoice", 17))
    assert len(handler.envelopes) == 1
    envelope = handler.envelopes[0]
    assert envelope.mail_from == "sophie@deco.example"
    assert envelope.rcpt_tos == ["compta@dupont.example.be", "archive@deco.example"]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == "Votre facture VEN-2026-0001 — merci"
    assert message["From"] == SENDER and "Bcc" not in message and message["Message-ID"] == sent.message_id
    assert "Veuillez trouver" in message.get_body(("plain",)).get_content()
    [part] = list(message.iter_attachments())
    assert part.get_filename() == document.file_name and part.get_content_type() == "application/pdf"
    assert part.get_content() == service.read_document(company, document.id)
    event = AuditEvent.get((AuditEvent.object_type == "mail") & (AuditEvent.object_id == sent.message_id))
    after = json.loads(event.after_json)
    assert event.action == "create"
    assert after["to"] == ["Brasserie Dupont <compta@dupont.example.be>"]
    assert after["bcc"] == ["archive@deco.example"]
    assert after["subject"] == "Votre facture VEN-2026-0001 — merci" and after["about"] == "invoice:17"
    assert after["attachments"] == [{"name": document.file_name, "size_bytes": document.size_bytes,
                                     "sha256": document.sha256}]


def test_subject_line_breaks_cannot_inject_headers(company, smtp_server):
    handler, port = smtp_server()
    configure(port)
    mail.send_mail(["client@example.be"], "Facture\r\nBcc: victim@evil.example", "x")
    message = email.message_from_bytes(handler.envelopes[0].original_content, policy=policy.default)
    assert message["Subject"] == "Facture Bcc: victim@evil.example" and "Bcc" not in message
    assert handler.envelopes[0].rcpt_tos == ["client@example.be"]


def test_mail_not_configured(company):
    with pytest.raises(MailNotConfigured) as caught:
        mail.send_mail(["client@example.be"], "x", "y")
    assert "mail.host" in caught.value.message("en")


def test_bad_recipient_refused_before_any_network(company):
    configure(free_port())  # nothing listens there: an address check must come first
    with pytest.raises(InvalidEmailAddress):
        mail.send_mail(["not-an-address"], "x", "y")
    with pytest.raises(NoRecipient):
        mail.send_mail([], "x", "y")


def test_unreachable_server_fails_fast(company):
    configure(free_port())
    started = time.monotonic()
    with pytest.raises(MailFailed) as caught:
        mail.send_mail(["client@example.be"], "x", "y")
    assert time.monotonic() - started < mail.DEFAULT_TIMEOUT_S
    assert "127.0.0.1" in caught.value.message("en") and "nothing answers" in caught.value.message("en")
    assert not AuditEvent.select().where(AuditEvent.object_type == "mail").exists()


def test_silent_server_fails_within_the_timeout(company):
    with socket.socket() as silent:  # accepts the TCP connection (backlog) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        configure(silent.getsockname()[1])
        started = time.monotonic()
        with pytest.raises(MailFailed) as caught:
            mail.send_mail(["client@example.be"], "x", "y", timeout=1)
        elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 5
    assert "no answer within 1 s" in caught.value.message("en")


def test_starttls_not_offered(company, smtp_server):
    handler, port = smtp_server()
    configure(port, **{"mail.security": "starttls"})
    with pytest.raises(MailFailed) as caught:
        mail.send_mail(["client@example.be"], "x", "y")
    assert "STARTTLS" in caught.value.message("en") and handler.envelopes == []


def test_every_recipient_refused(company, smtp_server):
    handler, port = smtp_server(refuse_rcpt=True)
    configure(port)
    with pytest.raises(MailFailed) as caught:
        mail.send_mail(["ghost@example.be"], "x", "y")
    assert "ghost@example.be" in caught.value.message("en")
    assert not AuditEvent.select().where(AuditEvent.object_type == "mail").exists()


def test_sending_inside_a_write_transaction_is_a_bug(company, smtp_server):
    handler, port = smtp_server()
    configure(port)
    with pytest.raises(IOInsideTransaction):
        with write():
            mail.send_mail(["client@example.be"], "x", "y")
    assert handler.envelopes == []


def test_login_on_a_server_without_auth(company, smtp_server):
    handler, port = smtp_server()
    configure(port, **{"mail.username": "sophie", "mail.password": "s3cret"})
    with pytest.raises(MailFailed) as caught:
        mail.send_mail(["client@example.be"], "x", "y")
    assert "user name and password" in caught.value.message("en") and handler.envelopes == []


def test_ssl_against_a_plain_server(company, smtp_server):
    handler, port = smtp_server()
    configure(port, **{"mail.security": "ssl"})
    with pytest.raises(MailFailed) as caught:
        mail.send_mail(["client@example.be"], "x", "y", timeout=3)
    assert "secure connection failed" in caught.value.message("en")
