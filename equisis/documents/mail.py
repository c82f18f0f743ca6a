"""Mail through the company's own SMTP server: an invoice PDF to a customer, a report to the accountant.

Settings are the company settings 'mail.host', 'mail.port', 'mail.security'
(none | starttls | ssl), 'mail.username', 'mail.password', 'mail.sender'.
Every network step has a timeout (10 s by default), and every way a server
can fail — unreachable, silent, refusing STARTTLS, the password, the sender
or every recipient — becomes one :class:`MailFailed` saying which; nothing is
half-recorded. A sent message is recorded in the audit log (action 'create',
object_type 'mail', the Message-ID) with its recipients, subject and the
sha256 of each attachment, so "did we send the invoice?" has an answer.

Sending is network I/O: never call it inside a write() transaction.
"""
from __future__ import annotations

import hashlib
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from typing import Iterable, Sequence

from equisis.company import service as company_service
from equisis.core.i18n import N_, lazy_gettext
from equisis.documents import rules, service
from equisis.documents.errors import MailFailed, NoRecipient
from equisis.documents.rules import MailSettings
from equisis.store import audit
from equisis.store.database import write

DEFAULT_TIMEOUT_S = 10
_NO_ANSWER = N_("no answer within {seconds} s")


@dataclass(frozen=True)
class MailAttachment:
    file_name: str
    content: bytes = field(repr=False)
    mime_type: str = "application/pdf"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class SentMail:
    """What went out: ``refused`` holds recipients the server turned down while accepting the others."""

    message_id: str
    recipients: tuple[str, ...]
    subject: str
    refused: tuple[str, ...] = ()


def mail_settings() -> MailSettings:
    """The current company's mail settings; MailNotConfigured / InvalidMailSetting when unusable."""
    return rules.mail_settings_from(company_service.get_settings("mail."))


def archived_attachment(place, document_id: int) -> MailAttachment:
    """An archived document as a mail attachment, its checksum verified first (DocumentAltered otherwise)."""
    row = service.get_document(document_id)
    return MailAttachment(row.file_name, service.read_document(place, document_id), row.mime_type)


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def build_message(settings: MailSettings, to: Sequence[str], subject: str, body: str, *,
                  attachments: Iterable[MailAttachment] = (), cc: Sequence[str] = (),
                  reply_to: str | None = None, message_id: str | None = None,
                  date: str | None = None) -> EmailMessage:
    """A MIME message from the company's sender: text body, attachments under their names (RFC 2231).

    Addresses are checked (InvalidEmailAddress); the subject is folded to one
    line, so a line break typed in a form cannot add headers.
    """
    to = [rules.check_email_address(a, field_name="to") for a in to]
    cc = [rules.check_email_address(a, field_name="cc") for a in cc]
    if not to:
        raise NoRecipient(field="to")
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if reply_to:
        message["Reply-To"] = rules.check_email_address(reply_to, field_name="reply_to")
    message["Subject"] = _one_line(subject)
    message["Date"] = date or formatdate(localtime=True)
    message["Message-ID"] = message_id or make_msgid(domain=parseaddr(settings.sender)[1].rpartition("@")[2])
    message.set_content(body or "")
    for item in attachments:
        maintype, _, subtype = item.mime_type.partition("/")
        message.add_attachment(item.content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=item.file_name)
    return message


def _failure(settings: MailSettings, reason) -> MailFailed:
    return MailFailed(host=settings.host, port=settings.port, reason=reason)


def _deliver(settings: MailSettings, message: EmailMessage, recipients: list[str], timeout: float) -> dict:
    """Talk SMTP; return the refused recipients, or raise MailFailed with the reason in words."""
    step = "connect"
    try:
        if settings.security == "ssl":
            server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with server:
            if settings.security == "starttls":
                step = "starttls"
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if settings.username:
                step = "login"
                server.login(settings.username, settings.password)
            step = "send"
            return server.send_message(message, from_addr=parseaddr(settings.sender)[1], to_addrs=recipients)
    except smtplib.SMTPNotSupportedError:
        if step == "starttls":
            reason = N_("the server does not offer STARTTLS; choose another security mode in the mail "
                        "settings")
        else:
            reason = N_("the server does not accept a user name and password here; leave them empty or "
                        "choose STARTTLS or SSL")
        raise _failure(settings, lazy_gettext(reason)) from None
    except smtplib.SMTPAuthenticationError:
        raise _failure(settings, lazy_gettext(N_("the user name or password was refused"))) from None
    except smtplib.SMTPSenderRefused as exc:
        raise _failure(settings, lazy_gettext(N_("the sender address {sender} was refused"),
                                              sender=settings.sender)) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise _failure(settings, lazy_gettext(N_("every recipient was refused ({recipients})"),
                                              recipients=", ".join(exc.recipients))) from exc
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        raise _failure(settings, lazy_gettext(N_("the server answered {code} {text}"), code=exc.smtp_code,
                                              text=text)) from exc
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib reports a read timeout as a disconnection
            raise _failure(settings, lazy_gettext(_NO_ANSWER, seconds=timeout)) from exc
        raise _failure(settings, lazy_gettext(N_("the server closed the connection"))) from exc
    except TimeoutError as exc:
        raise _failure(settings, lazy_gettext(_NO_ANSWER, seconds=timeout)) from exc
    except ConnectionRefusedError as exc:
        raise _failure(settings, lazy_gettext(N_("nothing answers on this port (check the host and port)"))) \
            from exc
    except socket.gaierror as exc:
        raise _failure(settings, lazy_gettext(N_("the host name is unknown"))) from exc
    except ssl.SSLError as exc:
        raise _failure(settings, lazy_gettext(N_("the secure connection failed ({detail})"),
                                              detail=exc.reason or str(exc))) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise _failure(settings, lazy_gettext(N_("the server cannot be reached ({detail})"),
                                              detail=str(exc))) from exc


def send_mail(to: Sequence[str], subject: str, body: str, *, attachments: Iterable[MailAttachment] = (),
              cc: Sequence[str] = (), bcc: Sequence[str] = (), reply_to: str | None = None,
              about: tuple[str, object] | None = None, settings: MailSettings | None = None,
              timeout: float = DEFAULT_TIMEOUT_S) -> SentMail:
    """Send one message through the company's server and record it in the audit log.

    ``about`` = (object_type, object_id) of the record the mail concerns (an
    invoice), kept in the audit event. Raises MailNotConfigured before any
    network I/O when the settings are incomplete, MailFailed when the server
    cannot be reached within ``timeout`` seconds or refuses the message.
    """
    service.ensure_outside_transaction("send_mail()")
    settings = settings or mail_settings()
    attachments = list(attachments)
    message = build_message(settings, to, subject, body, attachments=attachments, cc=cc, reply_to=reply_to)
    bcc = [rules.check_email_address(a, field_name="bcc") for a in bcc]
    recipients = [address for _, address in getaddresses(list(to) + list(cc) + bcc)]
    refused = _deliver(settings, message, recipients, timeout)
    sent = SentMail(message_id=message["Message-ID"], recipients=tuple(recipients),
                    subject=message["Subject"], refused=tuple(sorted(refused)))
    with write():
        audit.record("create", "mail", sent.message_id, after={
            "to": list(to), "cc": list(cc), "bcc": bcc, "subject": sent.subject,
            "attachments": [{"name": a.file_name, "size_bytes": len(a.content), "sha256": a.sha256}
                            for a in attachments],
            "about": f"{about[0]}:{about[1]}" if about else None, "refused": list(sent.refused)})
    return sent
