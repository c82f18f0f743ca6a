"""The accountant pack's VAT section: filed returns (XML + PDF as filed) and the listings of the range."""
from __future__ import annotations

import datetime as dt
import zipfile

from equisis.reports import pack
from equisis.vat import service
from tests.vat.scenario import post_quarter

D = dt.date


def test_the_pack_holds_the_filed_returns_and_the_listings(company, books, cast, tmp_path, monkeypatch):
    post_quarter(books, cast)
    original = service.file_and_archive(company, "2026-Q1", today=D(2026, 4, 20))
    corrective = service.file_and_archive(company, "2026-Q1", kind="corrective", reason="typo",
                                          adjustments={"83": 1_000, "59": 210}, today=D(2026, 4, 21))
    monkeypatch.setattr(pack, "SECTIONS", [])  # only the VAT section, for speed
    assert [s.key for s in pack.sections()] == [pack.VAT_SECTION]
    out = tmp_path / "pack.zip"
    manifest = pack.build_pack(company, D(2026, 1, 1), D(2026, 12, 31), language="en", out_path=out)
    assert manifest["problems"] == []
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        folder = "01 VAT"
        assert {f"{folder}/2026-Q1/vat-return-2026-Q1.xml", f"{folder}/2026-Q1/vat-return-2026-Q1.pdf",
                f"{folder}/2026-Q1/vat-return-2026-Q1-corrective-{corrective.id}.xml",
                f"{folder}/2026-Q1/vat-return-2026-Q1-corrective-{corrective.id}.pdf",
                f"{folder}/client-listing-2026.xml", f"{folder}/intra-listing-2026-Q1.xml"} <= names
        assert archive.read(f"{folder}/2026-Q1/vat-return-2026-Q1.xml") == service.xml_of(original)
        readme = archive.read("README.txt").decode("utf-8-sig")
    assert "VAT" in readme


def test_a_pack_of_another_range_leaves_the_return_out(company, books, cast, tmp_path, monkeypatch):
    service.file_return("2026-Q1", today=D(2026, 4, 20))
    monkeypatch.setattr(pack, "SECTIONS", [])
    out = tmp_path / "pack.zip"
    pack.build_pack(company, D(2026, 4, 1), D(2026, 6, 30), language="fr", out_path=out)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert not [n for n in names if "vat-return" in n]
    assert any(n.endswith("client-listing-2026.xml") for n in names)
