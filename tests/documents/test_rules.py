"""Pure rules of the documents package: names, paths, file types, formatting, letterhead, mail settings."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import PurePosixPath

import pytest

from equisis.core.i18n import language
from equisis.core.money import Money
from equisis.documents import rules
from equisis.documents.errors import (AttachmentEmpty, AttachmentTooLarge, AttachmentTypeRefused, ByteSize,
                                      InvalidEmailAddress, InvalidMailSetting, InvalidPathPart,
                                      MailNotConfigured)
from tests.documents.conftest import ELF, LETTERHEAD, MINIMAL_PDF, WINDOWS_EXE, sample_files


def plain(text: str) -> str:
    """Babel's no-break spaces (U+00A0, U+202F) as ordinary spaces, for readable expectations."""
    return text.replace("\xa0", " ").replace("\u202f", " ")

# --------------------------------------------------------------------------- names and paths


@pytest.mark.parametrize("suggested, expected", [
    ("Facture VEN/2026/0001 – Dupont & Fils", "Facture-VEN-2026-0001-Dupont-Fils.pdf"),
    ("../../etc/passwd", "etc-passwd.pdf"),
    ("..\\..\\Windows\\win.ini", "Windows-win-ini.pdf"),
    ("/etc/shadow", "etc-shadow.pdf"),
    ("Crédit.PDF", "Credit.pdf"),
    ("evil\x00name", "evil-name.pdf"),
    ("...", "document.pdf"),
    ("", "document.pdf"),
    ("Straße Öl", "Strae-Ol.pdf"),
])
def test_safe_file_name(suggested, expected):
    assert rules.safe_file_name(suggested, "pdf") == expected


def test_safe_file_name_is_bounded():
    name = rules.safe_file_name("x" * 500, "pdf")
    assert len(name) == rules.MAX_STEM + 4 and name.endswith(".pdf")


@pytest.mark.parametrize("name, n, expected", [
    ("a.pdf", 1, "a.pdf"), ("a.pdf", 2, "a-2.pdf"), ("a.b.pdf", 3, "a.b-3.pdf"), ("noext", 2, "noext-2"),
])
def test_numbered_variant(name, n, expected):
    assert rules.numbered_variant(name, n) == expected


@pytest.mark.parametrize("value", ["2026", "2026-Q1", "2025-2026", "VEN", "pos_1"])
def test_path_part_accepted(value):
    assert rules.check_path_part(value) == value


@pytest.mark.parametrize("value", ["", "..", ".", "a/b", "a\\b", "-x", "é", "x" * 41, "attachments", "a b"])
def test_path_part_refused(value):
    with pytest.raises(InvalidPathPart):
        rules.check_path_part(value)


def test_archive_folder():
    assert rules.archive_folder("2026", "2026-Q1", "VEN") == PurePosixPath("2026/2026-Q1/VEN")


@pytest.mark.parametrize("original, expected", [
    ("Facture Dupont.pdf", "Facture Dupont.pdf"),
    ("../../etc/passwd", "passwd"),
    ("..\\x.pdf", "x.pdf"),
    ("/etc/passwd", "passwd"),
    ("C:\\Scans\\reçu.jpg", "reçu.jpg"),
    ("evil\x00.pdf", "evil.pdf"),
    ("invoice\u202egpj.exe", "invoicegpj.exe"),
    ("..", "attachment"),
    ("", "attachment"),
    ("   ", "attachment"),
])
def test_display_name(original, expected):
    assert rules.display_name(original) == expected


def test_display_name_keeps_extension_when_cut():
    name = rules.display_name("a" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf")


def test_attachment_path_is_generated():
    path = rules.attachment_path(dt.date(2026, 3, 9), "0123456789abcdef0123456789abcdef", "pdf")
    assert path == PurePosixPath("attachments/2026/03/0123456789abcdef0123456789abcdef.pdf")
    with pytest.raises(ValueError):
        rules.attachment_path(dt.date(2026, 3, 9), "../x", "pdf")


# --------------------------------------------------------------------------- file types

@pytest.mark.parametrize("sample, name, expected", [
    ("pdf", "scan.pdf", "pdf"),
    ("png", "photo.png", "png"),
    ("jpeg", "ticket.jpg", "jpeg"),
    ("webp", "ticket.webp", "webp"),
    ("xml", "invoice.xml", "xml"),
    ("csv", "bank.csv", "csv"),
    ("csv", "bank.txt", "text"),
    ("csv-cp1252", "export.csv", "csv"),
    ("text-utf16", "export.txt", "text"),
    ("xlsx", "stock.xlsx", "xlsx"),
    ("ods", "stock.ods", "ods"),
    ("docx", "letter.docx", "docx"),
    ("pdf", "no-extension", "pdf"),  # the name never decides
    ("png", "disguised.pdf", "png"),
])
def test_detect_accepted_types(sample, name, expected):
    assert rules.detect_file_type(sample_files()[sample], name).key == expected


@pytest.mark.parametrize("content, detected", [
    (ELF, "ELF"),
    (WINDOWS_EXE, "EXE"),
    (b"PK\x03\x04" + b"\x00" * 60, "ZIP"),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML"),
    (b"<html><body>hi</body></html>", "HTML"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "SVG"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>', "entity"),
    (bytes(range(256)) * 8, "unknown"),
    (b"GIF89a" + b"\x00" * 40, "GIF"),
])
def test_detect_refused_types(content, detected):
    with pytest.raises(AttachmentTypeRefused) as caught:
        rules.detect_file_type(content, "facture.pdf")
    assert detected.lower() in str(caught.value.detected).lower()
    assert "facture.pdf" in str(caught.value)


def test_zip_with_office_name_but_other_content_is_refused(samples):
    content = sample_files()["ods"].replace(b"opendocument.spreadsheet", b"opendocument.graphics000")
    with pytest.raises(AttachmentTypeRefused):
        rules.detect_file_type(content, "x.ods")


def test_empty_file_refused():
    with pytest.raises(AttachmentEmpty):
        rules.detect_file_type(b"", "x.pdf")


def test_minimal_pdf_is_not_mistaken_for_text():
    assert rules.detect_file_type(MINIMAL_PDF).key == "pdf"


@pytest.mark.parametrize("size, limit, raises", [(1, 10, None), (10, 10, None), (11, 10, AttachmentTooLarge),
                                                 (0, 10, AttachmentEmpty)])
def test_attachment_size(size, limit, raises):
    if raises:
        with pytest.raises(raises):
            rules.check_attachment_size(size, limit, "x.pdf")
    else:
        rules.check_attachment_size(size, limit, "x.pdf")


@pytest.mark.parametrize("size, lang, expected", [
    (512, "fr", "512 o"), (1536, "fr", "1,5 ko"), (10 * 1024 * 1024, "fr", "10 Mo"),
    (10 * 1024 * 1024, "nl", "10 MB"), (12 * 1024 * 1024 + 314573, "nl", "12,3 MB"),
])
def test_byte_size_in_language(size, lang, expected):
    with language(lang):
        assert plain(str(ByteSize(size))) == expected


def test_too_large_message_carries_sizes():
    error = AttachmentTooLarge(12 * 1024 * 1024, 10 * 1024 * 1024, name="scan.pdf")
    assert (error.size_bytes, error.limit_bytes) == (12 * 1024 * 1024, 10 * 1024 * 1024)
    assert plain(error.message("en")) == "The file “scan.pdf” is 12 MB; the limit is 10 MB."
    dutch = plain(error.message("nl"))
    assert "scan.pdf" in dutch and "12 MB" in dutch and "10 MB" in dutch
    assert error.status == 413


# --------------------------------------------------------------------------- formatting

@pytest.mark.parametrize("value, lang, expected", [
    (123456, "fr", "1 234,56 €"),
    (123456, "nl", "€ 1.234,56"),
    (123456, "de", "1.234,56 €"),
    (-1999, "fr", "-19,99 €"),
    (0, "nl", "€ 0,00"),
    (Decimal("12.5"), "fr", "12,50 €"),
    (Decimal("0.1234"), "fr", "0,1234 €"),
    (Money(250), "nl", "€ 2,50"),
])
def test_format_amount(value, lang, expected):
    assert plain(rules.format_amount(value, lang)) == expected


@pytest.mark.parametrize("value", [12.5, True, "12,50", None])
def test_format_amount_refuses_floats_and_others(value):
    with pytest.raises(TypeError):
        rules.format_amount(value, "fr")


@pytest.mark.parametrize("qty_milli, lang, expected", [
    (1500, "fr", "1,5"), (2000, "nl", "2"), (1234500, "nl", "1.234,5"), (125, "de", "0,125"),
])
def test_format_quantity(qty_milli, lang, expected):
    assert plain(rules.format_quantity(qty_milli, lang)) == expected


@pytest.mark.parametrize("rate_bp, lang, expected", [
    (2100, "fr", "21 %"), (2100, "nl", "21%"), (550, "fr", "5,5 %"), (0, "nl", "0%"),
])
def test_format_rate(rate_bp, lang, expected):
    assert plain(rules.format_rate(rate_bp, lang)) == expected


@pytest.mark.parametrize("lang, expected", [
    ("fr", "31 déc. 2026"), ("nl", "31 dec 2026"), ("de", "31.12.2026"),
])
def test_format_day(lang, expected):
    assert rules.format_day(dt.date(2026, 12, 31), lang) == expected


# --------------------------------------------------------------------------- letterhead

def test_letterhead_numbers_are_printed_the_belgian_way():
    assert rules.format_iban("BE68539007547034") == "BE68 5390 0754 7034"
    assert rules.format_vat_number("BE0403170701") == "BE 0403.170.701"
    assert rules.format_vat_number("NL123456789B01") == "NL123456789B01"
    assert rules.legal_lines(LETTERHEAD, "en") == [
        "Déco Sophie SRL · SRL / BV · Rue de Fer 12, 5000 Namur · Enterprise no. 0403.170.701 · "
        "VAT BE 0403.170.701",
        "IBAN BE68 5390 0754 7034 · BIC GKCCBEBB",
    ]


def test_letterhead_from_mapping_ignores_unknown_keys():
    head = rules.Letterhead.from_mapping({"name": "X", "city": "Gent", "colour": "red", "extra_lines": ["a"]})
    assert head == rules.Letterhead(name="X", city="Gent", extra_lines=("a",))


def test_foreign_address_shows_country():
    head = rules.Letterhead(name="X", street="Hauptstraße 1", postcode="52062", city="Aachen", country="DE")
    assert rules.address_lines(head) == ["Hauptstraße 1", "DE-52062 Aachen"]


# --------------------------------------------------------------------------- mail settings

GOOD_MAIL = {"mail.host": "smtp.deco.example", "mail.port": 587, "mail.security": "starttls",
             "mail.username": "sophie", "mail.password": "s3cret",
             "mail.sender": "Déco Sophie <sophie@deco.example>"}


def test_mail_settings_from_values():
    settings = rules.mail_settings_from(GOOD_MAIL)
    assert (settings.host, settings.port, settings.security, settings.username) == \
        ("smtp.deco.example", 587, "starttls", "sophie")
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize("over, missing", [
    ({"mail.host": ""}, "mail.host"), ({"mail.sender": " "}, "mail.sender"),
])
def test_mail_not_configured_names_what_is_missing(over, missing):
    with pytest.raises(MailNotConfigured) as caught:
        rules.mail_settings_from({**GOOD_MAIL, **over})
    assert missing in str(caught.value)


@pytest.mark.parametrize("over, field", [
    ({"mail.security": "tls1"}, "mail.security"), ({"mail.port": 70000}, "mail.port"),
    ({"mail.port": "abc"}, "mail.port"), ({"mail.host": "smtp host"}, "mail.host"),
    ({"mail.sender": "not an address"}, "mail.sender"),
])
def test_mail_settings_invalid(over, field):
    with pytest.raises((InvalidMailSetting, InvalidEmailAddress)) as caught:
        rules.mail_settings_from({**GOOD_MAIL, **over})
    assert caught.value.field == field


@pytest.mark.parametrize("security, port", [("ssl", 465), ("none", 25), ("starttls", 587)])
def test_mail_default_ports(security, port):
    settings = rules.mail_settings_from({**GOOD_MAIL, "mail.security": security, "mail.port": None})
    assert settings.port == port


@pytest.mark.parametrize("address, ok", [
    ("client@example.be", True),
    ("Brasserie Dupont <compta@dupont.be>", True),
    ("", False),
    ("no-at-sign.be", False),
    ("a@localhost", False),
    ("a@b.be\r\nBcc: victim@x.be", False),
    ("a@b.be, c@d.be", False),
    ("a b@c.be", False),
])
def test_check_email_address(address, ok):
    if ok:
        assert rules.check_email_address(address) == address
    else:
        with pytest.raises(InvalidEmailAddress):
            rules.check_email_address(address)
