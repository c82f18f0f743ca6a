"""Pure rules of the documents package: archive paths, safe names, accepted file types, letterhead, mail.

No I/O, no peewee, no Flask: the service and the PDF base call these.

**Archive layout** (DESIGN §3 "Documents"). Every printed or sent document is
kept at ``documents/<year>/<period>/<journal>/<file name>`` inside the company
folder, so an accountant (or a tax inspector, who may ask for ten years of
invoices, art. III.88 CDE / WIB 315) finds the paper trail by browsing folders::

    documents/2026/2026-Q1/VEN/Facture-VEN-2026-0001-Dupont.pdf
    documents/attachments/2026/03/4f1c…9e.pdf      (attachments: generated names)

Every folder part is checked (:func:`check_path_part`) and every file name is
rebuilt from a whitelist of characters (:func:`safe_file_name`), so nothing a
user types can climb out of the folder ("../../etc/passwd" becomes
"etc-passwd"). Attachments never use the uploaded name on disk at all: the
original name is kept in the database for display only.

**Accepted attachment types** are decided by content, never by the name
(:func:`detect_file_type`): a program renamed "facture.pdf" is refused.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from email.utils import getaddresses
from io import BytesIO
from pathlib import PurePosixPath

import filetype
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal, format_percent

from equisis.company.rules import format_enterprise_number
from equisis.core.i18n import BABEL_LOCALES, N_, gettext, lazy_gettext, normalise_language
from equisis.core.money import Money, format_money, from_scaled, to_cents
from equisis.documents.errors import (AttachmentEmpty, AttachmentTooLarge, AttachmentTypeRefused,
                                      InvalidEmailAddress, InvalidMailSetting, InvalidPathPart,
                                      MailNotConfigured)

# --------------------------------------------------------------------------- archive paths and names

PATH_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
MAX_STEM = 120
ATTACHMENTS_FOLDER = "attachments"


def check_path_part(value: str, *, field_name: str | None = None) -> str:
    """A year, period or journal code used as a folder name: 1 to 40 of [A-Za-z0-9_-], no leading dash.

    '2026', '2026-Q1', '2025-2026', 'VEN' pass; '..', 'a/b', '' and 'é' raise InvalidPathPart.
    """
    text = str(value)
    if not PATH_PART.match(text) or text == ATTACHMENTS_FOLDER:
        raise InvalidPathPart(text, field=field_name)
    return text


def archive_folder(year: str, period: str, journal: str) -> PurePosixPath:
    """``2026/2026-Q1/VEN``: the folder of an archived document, relative to ``documents/``."""
    return PurePosixPath(check_path_part(year, field_name="year"),
                         check_path_part(period, field_name="period"),
                         check_path_part(journal, field_name="journal"))


def safe_file_name(suggested: str, extension: str) -> str:
    """A file name that is safe on every filesystem and cannot leave its folder.

    Accents are folded to ASCII, anything outside ``[A-Za-z0-9._-]`` becomes a
    dash, runs of dashes collapse, the stem is cut at 120 characters and the
    extension is forced (lowercase, as given by the caller):

    ======================================  ==================================
    suggested                               result (extension "pdf")
    ======================================  ==================================
    "Facture VEN/2026/0001 – Dupont & Fils"  "Facture-VEN-2026-0001-Dupont-Fils.pdf"
    "../../etc/passwd"                      "etc-passwd.pdf"
    "Crédit.PDF"                            "Credit.pdf"
    "...", ""                               "document.pdf"
    ======================================  ==================================
    """
    ext = re.sub(r"[^a-z0-9]", "", extension.lower()) or "bin"
    text = unicodedata.normalize("NFKD", suggested or "").encode("ascii", "ignore").decode("ascii")
    if text.lower().endswith("." + ext):
        text = text[: -len(ext) - 1]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", text)
    stem = re.sub(r"-{2,}", "-", stem).strip("-_")[:MAX_STEM].strip("-_")
    return f"{stem or 'document'}.{ext}"


def numbered_variant(file_name: str, n: int) -> str:
    """The n-th alternative when a name is taken: 'a.pdf', 'a-2.pdf', 'a-3.pdf'…"""
    if n <= 1:
        return file_name
    stem, dot, ext = file_name.rpartition(".")
    return f"{stem}-{n}.{ext}" if dot else f"{file_name}-{n}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def display_name(original: str, *, default: str = "attachment") -> str:
    """The uploaded file name as shown to people: no folders, no control or bidi characters, NFC, ≤ 200.

    It is never used on disk. "../../etc/passwd" -> "passwd"; "C:\\\\Scans\\\\x.pdf" -> "x.pdf";
    "evil\\x00.pdf" -> "evil.pdf"; "invoice\\u202egpj.exe" -> "invoicegpj.exe" (the right-to-left override
    that disguises an extension is dropped).
    """
    name = unicodedata.normalize("NFC", original or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _CONTROL.sub("", name).strip().strip(".").strip()
    if not name:
        return default
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 199 - len(ext)] + "." + ext) if dot and len(ext) <= 10 else name[:200]
    return name


def attachment_path(stored_at: dt.date, token: str, extension: str) -> PurePosixPath:
    """``attachments/2026/03/<token>.<ext>``: generated, so the uploaded name never reaches the disk."""
    if not re.fullmatch(r"[0-9a-f]{32}", token) or not re.fullmatch(r"[a-z0-9]{1,5}", extension):
        raise ValueError("attachment tokens are 32 hex digits and extensions 1-5 of [a-z0-9]")
    return PurePosixPath(ATTACHMENTS_FOLDER, f"{stored_at.year:04d}", f"{stored_at.month:02d}",
                         f"{token}.{extension}")


# --------------------------------------------------------------------------- accepted file types

@dataclass(frozen=True)
class FileType:
    key: str
    mime: str
    extension: str
    label: str


ACCEPTED_TYPES = {t.key: t for t in (
    FileType("pdf", "application/pdf", "pdf", "PDF"),
    FileType("png", "image/png", "png", "PNG"),
    FileType("jpeg", "image/jpeg", "jpg", "JPEG"),
    FileType("webp", "image/webp", "webp", "WebP"),
    FileType("xml", "application/xml", "xml", "XML"),
    FileType("csv", "text/csv", "csv", "CSV"),
    FileType("text", "text/plain", "txt", N_("Text")),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "XLSX"),
    FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "ods", "ODS"),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
             "DOCX"),
)}
_BY_MIME = {t.mime: t for t in ACCEPTED_TYPES.values() if t.key in ("pdf", "png", "jpeg", "webp")}
_MARKUP_REFUSED = {"html", "svg", "xhtml"}  # can carry scripts when a browser opens them
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_XML_ROOT = re.compile(r"^\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*)*"
                       r"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)", re.S)


def detect_file_type(content: bytes, name: str = "") -> FileType:
    """The accepted type of ``content``, judged by its bytes; AttachmentTypeRefused otherwise.

    In order: a ZIP container must be an XLSX, ODS or DOCX by its members
    (``xl/workbook.xml``, ``word/document.xml``, the ODF ``mimetype`` entry);
    then magic numbers (filetype) for PDF, PNG, JPEG, WebP; then text: UTF-8,
    UTF-16 with BOM or Windows-1252 (Belgian Excel exports) without control
    characters. Text starting with ``<`` must be XML whose root is not HTML or
    SVG, and without entity declarations (billion-laughs). Other text is CSV
    when its name ends in .csv, else plain text — the name only chooses
    between two text types, it never makes binary data acceptable.
    """
    if not content:
        raise AttachmentEmpty(name=name)
    if content.startswith(b"PK\x03\x04"):
        return _zip_document_type(content, name)
    kind = filetype.guess(content[:8192])
    if kind is not None and kind.mime in _BY_MIME:
        return _BY_MIME[kind.mime]
    text = decode_text(content)
    if text is not None:
        return _text_type(text, name)
    detected = f"{kind.extension.upper()}, {kind.mime}" if kind else lazy_gettext(N_("unknown binary data"))
    raise AttachmentTypeRefused(detected, name)


def _zip_document_type(content: bytes, name: str) -> FileType:
    try:
        archive = zipfile.ZipFile(BytesIO(content))
        names = set(archive.namelist())
        mimetype = b""
        if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
            mimetype = archive.read("mimetype").strip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError):
        raise AttachmentTypeRefused(lazy_gettext(N_("damaged ZIP archive")), name) from None
    if mimetype == ACCEPTED_TYPES["ods"].mime.encode():
        return ACCEPTED_TYPES["ods"]
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return ACCEPTED_TYPES["xlsx"]
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return ACCEPTED_TYPES["docx"]
    raise AttachmentTypeRefused(f"ZIP ({mimetype.decode('ascii', 'replace')})" if mimetype else "ZIP", name)


def decode_text(content: bytes) -> str | None:
    """The text in ``content`` (BOM, else UTF-8, else Windows-1252), or None when it is binary."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            candidates = [(content[len(bom):], encoding)]
            break
    else:
        candidates = [(content, "utf-8"), (content, "cp1252")]
    for data, encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _TEXT_CONTROL.search(text) else text
    return None


def _text_type(text: str, name: str) -> FileType:
    if text.lstrip().startswith("<"):
        match = _XML_ROOT.match(text)
        root = match.group(2).lower() if match else None
        if root is None or root in _MARKUP_REFUSED:
            raise AttachmentTypeRefused((root or "markup").upper(), name)
        if "<!ENTITY" in text:
            raise AttachmentTypeRefused(lazy_gettext(N_("XML with entity declarations")), name)
        return ACCEPTED_TYPES["xml"]
    return ACCEPTED_TYPES["csv"] if name.lower().endswith(".csv") else ACCEPTED_TYPES["text"]


def check_attachment_size(size: int, limit: int, name: str = "") -> None:
    """Refuse empty files and files over the company's limit (setting 'attachments.max_bytes', 10 MiB)."""
    if size <= 0:
        raise AttachmentEmpty(name=name)
    if size > limit:
        raise AttachmentTooLarge(size, limit, name=name)


# --------------------------------------------------------------------------- amounts, quantities, dates

def babel_locale(language: str) -> str:
    return BABEL_LOCALES[normalise_language(language)]


def format_amount(value: int | Decimal | Money, language: str) -> str:
    """An amount as printed in ``language`` (Belgian conventions via Babel/CLDR).

    ``int`` is cents, ``Decimal`` is euros, ``Money`` is itself; a float is a
    bug (TypeError). Amounts with more than two decimals (unit prices kept in
    ``unit_price_e4``) keep them: ``Decimal("0.1234")`` -> "0,1234 €" (fr).

    ==========  ============  ===========
    value       fr            nl
    ==========  ============  ===========
    123456      1 234,56 €    € 1.234,56
    -1999       -19,99 €      € -19,99
    ==========  ============  ===========
    """
    locale = babel_locale(language)
    if isinstance(value, Money):
        return format_money(value.cents, locale, value.currency)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"amounts are int cents or Decimal, not {type(value).__name__}")
    if isinstance(value, int):
        return format_money(value, locale)
    if value == value.quantize(Decimal("0.01")):
        return format_money(to_cents(value), locale)
    return format_currency(value, "EUR", locale=locale, decimal_quantization=False)


def format_quantity(qty_milli: int, language: str) -> str:
    """Quantities are stored in thousandths: 1500 -> "1,5", 2000 -> "2", 1234500 -> "1 234,5" (fr)."""
    if isinstance(qty_milli, bool) or not isinstance(qty_milli, int):
        raise TypeError("quantities are int thousandths (qty_milli)")
    return format_decimal(from_scaled(qty_milli, 3), locale=babel_locale(language))


def format_rate(rate_bp: int, language: str) -> str:
    """A rate in basis points: 2100 -> "21 %" (fr), "21%" (nl); 550 -> "5,5 %"."""
    return format_percent(Decimal(rate_bp) / 10000, locale=babel_locale(language), decimal_quantization=False)


def format_day(day: dt.date, language: str) -> str:
    """A date as written in letters: "31 déc. 2026" (fr), "31 dec 2026" (nl), "31.12.2026" (de)."""
    return babel_format_date(day, format="medium", locale=babel_locale(language))


# --------------------------------------------------------------------------- letterhead

def format_iban(iban: str) -> str:
    """'BE68539007547034' -> 'BE68 5390 0754 7034' (groups of four, as printed on paper)."""
    compact = re.sub(r"\s", "", iban or "").upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def format_vat_number(vat: str) -> str:
    """'BE0403170701' -> 'BE 0403.170.701'; a foreign number is returned as stored."""
    if vat and re.fullmatch(r"BE[01]\d{9}", vat):
        return "BE " + format_enterprise_number(vat[2:])
    return vat or ""


@dataclass(frozen=True)
class Letterhead:
    """Who the document is from, as printed at the top and foot of every page.

    Belgian company law (CSA/WVV art. 2:20) wants on every document: the name,
    the legal form, the registered office, the enterprise number (with the
    words RPM/RPR and the court, which the company may add to ``legal_form``),
    and the e-mail and website when it has them.
    """

    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "BE"
    enterprise_number: str = ""
    vat_number: str | None = None
    iban: str = ""
    bic: str | None = None
    email: str = ""
    phone: str = ""
    legal_form: str = ""
    logo_path: str | None = None
    extra_lines: tuple[str, ...] = field(default=())

    @classmethod
    def from_mapping(cls, data: dict) -> "Letterhead":
        """From a dict (a profile snapshot, a test): unknown keys are ignored."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "extra_lines" in known:
            known["extra_lines"] = tuple(known["extra_lines"] or ())
        return cls(**known)


def address_lines(letterhead: Letterhead) -> list[str]:
    """['Rue de Fer 12', '5000 Namur'] (+ the country code outside Belgium)."""
    town = " ".join(p for p in (letterhead.postcode, letterhead.city) if p)
    if letterhead.country and letterhead.country != "BE":
        town = f"{letterhead.country}-{town}" if town else letterhead.country
    return [line for line in (letterhead.street, town) if line]


def contact_lines(letterhead: Letterhead, language: str) -> list[str]:
    lines = []
    if letterhead.phone:
        lines.append(gettext(N_("Phone {phone}"), locale=language, phone=letterhead.phone))
    if letterhead.email:
        lines.append(letterhead.email)
    return lines + list(letterhead.extra_lines)


def legal_lines(letterhead: Letterhead, language: str) -> list[str]:
    """The foot of every page: identity then bank, in ``language``.

    ``["Déco Sophie SRL · SRL / BV · Rue de Fer 12, 5000 Namur · Enterprise no. 0403.170.701 ·
    VAT BE 0403.170.701", "IBAN BE68 5390 0754 7034 · BIC GKCCBEBB"]``
    """
    identity = [letterhead.name, letterhead.legal_form, ", ".join(address_lines(letterhead))]
    if letterhead.enterprise_number:
        identity.append(gettext(N_("Enterprise no. {number}"), locale=language,
                                number=format_enterprise_number(letterhead.enterprise_number)))
    if letterhead.vat_number:
        identity.append(gettext(N_("VAT {number}"), locale=language,
                                number=format_vat_number(letterhead.vat_number)))
    bank = []
    if letterhead.iban:
        bank.append(f"IBAN {format_iban(letterhead.iban)}")
    if letterhead.bic:
        bank.append(f"BIC {letterhead.bic}")
    lines = [" · ".join(p for p in identity if p)]
    if bank:
        lines.append(" · ".join(bank))
    return lines


# --------------------------------------------------------------------------- mail

SECURITY_MODES = ("none", "starttls", "ssl")
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class MailSettings:
    """The company's outgoing mail server (settings 'mail.*'). ``security``: none | starttls | ssl."""

    host: str
    port: int
    security: str
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)


def check_email_address(text: str, *, field_name: str | None = None) -> str:
    """'Sophie <sophie@deco.be>' or 'sophie@deco.be' -> the full address as given (trimmed).

    One address, a dotted domain, no spaces, quotes, commas or line breaks (a
    line break in a header would let a form inject more recipients).
    """
    raw = (text or "").strip()
    found = getaddresses([raw])
    address = found[0][1] if len(found) == 1 else ""
    if not raw or "\n" in raw or "\r" in raw or not _ADDRESS.match(address):
        raise InvalidEmailAddress(raw, field=field_name)
    return raw


def mail_settings_from(values: dict) -> MailSettings:
    """Read the 'mail.*' settings: MailNotConfigured names what is missing, InvalidMailSetting what is bad."""
    missing = [key for key in ("mail.host", "mail.sender") if not str(values.get(key) or "").strip()]
    if missing:
        raise MailNotConfigured(missing=", ".join(missing))
    security = str(values.get("mail.security") or "starttls").strip().lower()
    if security not in SECURITY_MODES:
        raise InvalidMailSetting(security, key="mail.security", field="mail.security")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    port_value = values.get("mail.port") or default_port
    try:
        port = int(port_value)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535 or isinstance(port_value, bool):
        raise InvalidMailSetting(str(port_value), key="mail.port", field="mail.port")
    host = str(values["mail.host"]).strip()
    if not re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", host):
        raise InvalidMailSetting(host, key="mail.host", field="mail.host")
    sender = check_email_address(str(values["mail.sender"]), field_name="mail.sender")
    return MailSettings(host=host, port=port, security=security, sender=sender,
                        username=str(values.get("mail.username") or "").strip(),
                        password=str(values.get("mail.password") or ""))
