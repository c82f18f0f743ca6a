"""Golden files: the XML of the fixed demo quarter (tests/vat/scenario.py), byte for byte and schema-valid.

Regenerate after a deliberate change with ``VAT_GOLDEN_UPDATE=1`` and review the diff.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from equisis.vat import intervat, service
from tests.vat.scenario import post_quarter
from tests.vat.conftest import needs_intervat_schemas

GOLDEN = Path(__file__).resolve().parent / "golden"
FILES = {
    "return-2026-Q1.xml": ("return", lambda: service.return_xml("2026-Q1")),
    "client-listing-2026.xml": ("client-listing", lambda: service.client_listing_xml(2026)),
    "intra-listing-2026-Q1.xml": ("intra-listing", lambda: service.intra_listing_xml("2026-Q1")),
}


@needs_intervat_schemas
@pytest.mark.parametrize("name", sorted(FILES))
def test_golden_xml(books, cast, name):
    post_quarter(books, cast)
    kind, build = FILES[name]
    content = build()
    path = GOLDEN / name
    if os.environ.get("VAT_GOLDEN_UPDATE"):
        path.write_bytes(content)
    assert content == path.read_bytes()
    assert intervat.schema(kind).validate(etree.fromstring(path.read_bytes()))
    assert content.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    assert "Déco Sophie SRL".encode("iso-8859-1") in content  # Latin-1 bytes, not UTF-8
