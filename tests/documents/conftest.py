"""Fixtures of the documents tests: sample files of every type, small translation catalogs, a letterhead."""
from __future__ import annotations

import io
import zipfile

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations

from equisis.core import i18n
from equisis.documents.rules import Letterhead

LETTERHEAD = Letterhead(
    name="Déco Sophie SRL", street="Rue de Fer 12", postcode="5000", city="Namur",
    enterprise_number="0403170701", vat_number="BE0403170701", iban="BE68539007547034", bic="GKCCBEBB",
    email="sophie@deco.example", phone="+32 81 22 33 44", legal_form="SRL / BV")

# A few real msgids of the package with the translations the catalogs will carry.
TEST_TRANSLATIONS = {
    "fr": {"Page {page} / {pages}": "Page {page} / {pages}", "VAT {number}": "TVA {number}",
           "Enterprise no. {number}": "N° d’entreprise {number}", "Description": "Description",
           "Amount": "Montant", "Total": "Total"},
    "nl": {"Page {page} / {pages}": "Pagina {page} / {pages}", "VAT {number}": "btw {number}",
           "Enterprise no. {number}": "Ondernemingsnr. {number}", "Description": "Omschrijving",
           "Amount": "Bedrag", "Total": "Totaal"},
}


@pytest.fixture
def catalogs(monkeypatch):
    """French and Dutch catalogs built in memory, so language tests do not depend on compiled .mo files."""
    loaded = {}
    for language, messages in TEST_TRANSLATIONS.items():
        catalog = Catalog(locale=language)
        for msgid, msgstr in messages.items():
            catalog.add(msgid, msgstr)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded[language] = Translations(buffer)
    monkeypatch.setattr(i18n, "translations", lambda language: loaded.get(language, NullTranslations()))
    return loaded


# --------------------------------------------------------------------------- sample files

def _image(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (24, 12), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "mimetype"
                             else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "Montant"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
               b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + bytes(range(256)) * 4
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def sample_files() -> dict[str, bytes]:
    return {
        "pdf": MINIMAL_PDF,
        "png": _image("PNG"),
        "jpeg": _image("JPEG"),
        "webp": _image("WEBP"),
        "xml": ('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:'
                'ubl:schema:xsd:Invoice-2"><cbc:ID>VEN-2026-0001</cbc:ID><Note>Déco €</Note></Invoice>\n'
                ).encode(),
        "csv": "date;montant;libellé\n2026-03-01;12,50;Café\n".encode("utf-8"),
        "csv-cp1252": "date;montant;libellé\n2026-03-01;12,50;Café €\n".encode("cp1252"),
        "text-utf16": "\ufeffNaam\tBedrag\nÉlise\t12,50\n".encode("utf-16-le"),
        "xlsx": _xlsx(),
        "ods": _zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                     ("content.xml", b"<office:document-content/>"), ("META-INF/manifest.xml", b"<m/>")]),
        "docx": _zip([("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"),
                      ("word/document.xml", b"<w:document/>")]),
    }


@pytest.fixture(scope="session")
def samples() -> dict[str, bytes]:
    return sample_files()
