"""Barcode labels: the PDF from the service and from ``equisis catalog labels``."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from equisis.catalog import labels
from equisis.catalog import service as catalog
from equisis.cli import main
from equisis.schema import all_migrations
from equisis.store import Instance
from equisis.store.audit import acting_as
from tests.factories import make_company


def pdf_text(data: bytes, tmp_path) -> str:
    """The text of a PDF through poppler's pdftotext (a real reader, not our own writer)."""
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def stock(books):
    catalog.create_item("LAMP", name_fr="Lampe de bureau", name_nl="Bureaulamp", sale_price="8,2645",
                        barcodes=["4006381333931"])
    catalog.create_item("CABLE", name_fr="Câble USB", sale_price="10", vat_rate="6")
    return books


def test_label_data_price_incl_vat_and_barcode_choice(stock):
    lamp = labels.label_data(catalog.find_item("LAMP"), "nl")
    assert (lamp.name, lamp.price_incl_vat_cents, lamp.barcode, lamp.kind) == \
        ("Bureaulamp", 1000, "4006381333931", "ean13")
    cable = labels.label_data(catalog.find_item("CABLE"), "fr")
    assert (cable.price_incl_vat_cents, cable.barcode, cable.kind) == (1060, "CABLE", "code128")


@needs_poppler
def test_a_sheet_holds_24_labels_per_a4_page(stock, tmp_path):
    data = labels.labels_pdf(["LAMP", "CABLE"], copies=13, language="fr")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert text.count("\f") == 2                       # 26 labels: two pages
    assert "Lampe de bureau" in text and "10,00 €" in text and "10,60 €" in text
    assert "4006381333931" in text


@needs_poppler
def test_the_single_layout_prints_one_label_per_page(stock, tmp_path):
    data = labels.labels_pdf(["LAMP", "CABLE"], layout="single", language="nl")
    text = pdf_text(data, tmp_path)
    assert text.count("\f") == 2 and "Bureaulamp" in text and "€ 10,00" in text


def test_cli_writes_the_labels_and_names_an_unknown_item(tmp_path):
    instance_path = tmp_path / "instance"
    instance = Instance(instance_path, all_migrations())
    slug = make_company(instance)
    with instance.get(slug).session(), acting_as("test"):
        catalog.create_item("LAMP", name_fr="Lampe", sale_price="10", barcodes=["4006381333931"])
    instance.close()
    runner = CliRunner()
    out = tmp_path / "labels.pdf"
    result = runner.invoke(main, ["--instance", str(instance_path), "catalog", "labels", "--items", "lamp",
                                  "--out", str(out), "--layout", "single"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and "1 labels written" in result.output
    result = runner.invoke(main, ["--instance", str(instance_path), "catalog", "labels", "--items", "LAMP,NOPE",
                                  "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "There is no item with code “NOPE”" in result.output
    assert not (tmp_path / "x.pdf").exists()
