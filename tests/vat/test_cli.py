"""``equisis vat …`` on a real instance folder, through click's CliRunner."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from lxml import etree

from equisis.cli import main
from equisis.schema import all_migrations
from equisis.store import Instance
from equisis.store.audit import acting_as
from equisis.vat import intervat
from equisis.vat.models import VatReturn
from tests.factories import make_company
from tests.vat.conftest import Books, make_party
from tests.vat.conftest import needs_intervat_schemas

D = dt.date


@pytest.fixture
def instance_path(tmp_path):
    return tmp_path / "instance"


@pytest.fixture
def shop(instance_path):
    """A company with a quarter of sales to Belgian and EU customers; the folder closed again."""
    instance = Instance(instance_path, all_migrations())
    slug = make_company(instance)
    with instance.get(slug).session(), acting_as("test:setup"):
        books = Books()
        dupont = make_party("Maison Dupont SRL", "BE0477472701")
        paris = make_party("Boutique Paris SARL", "FR40303265045", regime="eu", country="FR")
        books.sell(dupont, [(100_000, 2100)], D(2026, 1, 15))
        books.sell(paris, [(50_000, 2100)], D(2026, 2, 15))
        books.sell(paris, [(5_000, 2100)], D(2026, 3, 15), credit_note=True)
    instance.close()
    return slug


@pytest.fixture
def run(instance_path):
    def invoke(*args):
        return CliRunner().invoke(main, ["--instance", str(instance_path), *args], env={"LANG": "en_BE.UTF-8"},
                                  catch_exceptions=False)
    return invoke


@needs_intervat_schemas
def test_vat_return_writes_valid_xml_and_pdf(run, shop, tmp_path):
    result = run("vat", "return", "--period", "2026-Q1", "--xml", str(tmp_path / "q1.xml"),
                 "--pdf", str(tmp_path / "q1.pdf"), "--company", shop)
    assert result.exit_code == 0, result.output
    assert "VAT due (71): 210.00 EUR" in result.output
    document = etree.fromstring((tmp_path / "q1.xml").read_bytes())
    assert intervat.schema("return").validate(document)
    assert (tmp_path / "q1.pdf").read_bytes().startswith(b"%PDF-")


def test_vat_return_of_a_bad_period_writes_nothing(run, shop, tmp_path):
    for period, message in (("2026-03", "quarterly"), ("2026-Q9", "not a VAT period")):
        result = run("vat", "return", "--period", period, "--xml", str(tmp_path / "x.xml"))
        assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "x.xml").exists()


def test_client_listing_command(run, shop, tmp_path):
    result = run("vat", "client-listing", "--year", "2026", "--xml", str(tmp_path / "lk.xml"))
    assert result.exit_code == 0 and "1 customers" in result.output
    assert b'<CompanyVATNumber issuedBy="BE">0477472701</CompanyVATNumber>' in (tmp_path / "lk.xml").read_bytes()
    result = run("vat", "client-listing", "--year", "2025", "--xml", str(tmp_path / "nil.xml"))
    assert result.exit_code == 0 and "nil listing" in result.output
    bad = run("vat", "client-listing", "--year", "twenty", "--xml", str(tmp_path / "bad.xml"))
    assert bad.exit_code == 2 and not (tmp_path / "bad.xml").exists()


@needs_intervat_schemas
def test_intra_listing_command(run, shop, tmp_path):
    result = run("vat", "intra-listing", "--period", "2026-Q1", "--xml", str(tmp_path / "ico.xml"))
    assert result.exit_code == 0, result.output
    content = (tmp_path / "ico.xml").read_bytes()
    assert intervat.schema("intra-listing").validate(etree.fromstring(content))
    assert b"<Amount>450.00</Amount>" in content  # 500 less the 50 credit note
    empty = run("vat", "intra-listing", "--period", "2026-Q2", "--xml", str(tmp_path / "none.xml"))
    assert empty.exit_code == 2 and "No intra-Community supply" in empty.output


def test_vat_file_command_files_once(run, shop, instance_path):
    result = run("vat", "file", "--period", "2026-Q1")
    assert result.exit_code == 0 and "filed" in result.output, result.output
    again = run("vat", "file", "--period", "2026-Q1")
    assert again.exit_code == 2 and "already filed" in again.output
    instance = Instance(instance_path, all_migrations())
    try:
        with instance.get(shop).session():
            assert VatReturn.select().count() == 1
    finally:
        instance.close()
