"""The accountant pack: every section's files, the manifest's checksums, damaged documents left out, the
language of folders and README, the command and the download.

The books are those of conftest.py (first quarter of 2026) plus an invoice with a source document, archived
documents inside and outside the quarter (one altered on disk after it was stored) and attachments; the
audit clock stands on 15/03/2026 while they are made, on 10/04/2026 for what comes after the quarter.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import sys
import threading
import types
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from equisis.cli import main
from equisis.core.i18n import gettext
from equisis.documents.service import add_attachment, archive_document, remove_attachment
from equisis.ledger import service as ledger
from equisis.reports import pack
from equisis.reports.errors import InvalidRange
from equisis.schema import all_migrations
from equisis.store import Instance, audit
from equisis.store.audit import acting_as
from tests.factories import make_company
from tests.ledger.notation import draft
from tests.reports.conftest import build_books, post
from tests.web.conftest import USER_PASSWORD, add_user, sign_in

D = dt.date
Q1 = (D(2026, 1, 1), D(2026, 3, 31))
PDF = b"%PDF-1.4 "


def _at(moment: dt.datetime):
    return audit._clock.set(lambda: moment)


def add_pack_material(store) -> dict:
    """Invoice 42 (with a source), documents and attachments, in the current session; returns them."""
    made = {}
    token = _at(dt.datetime(2026, 3, 15, 10, 0, tzinfo=dt.timezone.utc))
    try:
        books = build_books()
        made["invoice_42"] = ledger.post_entry(draft("VEN 2026-03-20 Invoice 42", f"""
            400  121,00 D partner={books.claes.id} ref=F42 due=2026-04-19
            7000 121,00 C""", source=("sales.invoice", 42)), role="accountant")
        made["january"] = archive_document(store, PDF + b"F1", kind="invoice", journal="VEN", year="2026",
                                           period="2026-01", object_type="sales.invoice", object_id=1,
                                           language="fr", file_name="Facture F1")
        made["quarter"] = archive_document(store, b"<?xml version='1.0'?><return/>", kind="vat-return",
                                           journal="TVA", year="2026", period="2026-Q1",
                                           object_type="vat.return", object_id=1, language="fr",
                                           file_name="Declaration TVA 2026-Q1", mime_type="application/xml")
        made["altered"] = archive_document(store, PDF + b"F2", kind="invoice", journal="VEN", year="2026",
                                           period="2026-02", object_type="sales.invoice", object_id=2,
                                           language="fr", file_name="Facture F2")
        made["on_entry"] = add_attachment(store, "entry", books.entries.f1.id, PDF + b"receipt",
                                          "ticket F1.pdf")
        made["on_source"] = add_attachment(store, "sales.invoice", 42, b"date;amount\n2026-03-20;121\n",
                                           "bon de commande.csv")
        made["removed"] = add_attachment(store, "entry", books.entries.s1.id, PDF + b"old", "old.pdf")
        remove_attachment(made["removed"].id)
    finally:
        audit._clock.reset(token)
    token = _at(dt.datetime(2026, 4, 10, 10, 0, tzinfo=dt.timezone.utc))
    try:
        made["may_entry"] = post("OD 2026-05-02 Later", "550001 50,00 D\n100 50,00 C")
        made["on_may_entry"] = add_attachment(store, "entry", made["may_entry"].id, PDF + b"may", "may.pdf")
        made["april"] = archive_document(store, PDF + b"F9", kind="invoice", journal="VEN", year="2026",
                                         period="2026-04", object_type="sales.invoice", object_id=9,
                                         language="fr", file_name="Facture F9")
    finally:
        audit._clock.reset(token)
    (store.documents_dir / made["altered"].relative_path).write_bytes(PDF + b"F2 changed")
    made["books"] = books
    return made


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """An instance with the books and the pack material, closed again (unlocked) for the readers."""
    path = tmp_path_factory.mktemp("pack") / "instance"
    instance = Instance(path, all_migrations())
    slug = make_company(instance)
    store = instance.get(slug)
    with store.session(), acting_as("test"):
        made = add_pack_material(store)
    instance.close()
    return path, slug, made


@pytest.fixture(scope="module")
def reader(shop):
    instance = Instance(shop[0], all_migrations(), read_only=True)
    yield instance.get(shop[1])
    instance.close()


def build(store, out, start, end, language):
    with store.session():
        return pack.build_pack(store, start, end, language=language, out_path=out)


@pytest.fixture(scope="module")
def quarter(reader, tmp_path_factory):
    """The English pack of the first quarter, read from the company opened read-only."""
    out = tmp_path_factory.mktemp("out") / "pack.zip"
    manifest = build(reader, out, *Q1, "en")
    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return manifest, files


def in_folder(files: dict, folder: str) -> set[str]:
    return {name.split("/", 1)[1] for name in files if name.startswith(folder + "/")}


# --------------------------------------------------------------------------- contents

SECTION_FILES = {
    "02 Trial balance": {"Trial balance.pdf", "Trial balance.xlsx", "Trial balance.csv"},
    "03 General ledger": {"General ledger.pdf", "General ledger.xlsx"},
    "04 Customers and suppliers": {f"{name}.{ext}" for ext in ("pdf", "xlsx") for name in (
        "Customers' balances", "Suppliers' balances", "Aged receivables", "Aged payables")},
    "05 Partner ledgers": {"Customers' ledger.xlsx", "Suppliers' ledger.xlsx"},
    "06 NBB schema": {"NBB schema — Micro model.pdf", "NBB schema — Micro model.xlsx"},
    "07 Chart of accounts": {"Chart of accounts.xlsx"},
    "11 Audit log": {"Audit log.csv"},
}


@pytest.mark.parametrize("folder", sorted(SECTION_FILES))
def test_each_report_section_holds_its_files(quarter, folder):
    _manifest, files = quarter
    assert in_folder(files, folder) == SECTION_FILES[folder]
    for name in SECTION_FILES[folder]:
        content = files[f"{folder}/{name}"]
        magic = {"pdf": b"%PDF-", "xlsx": b"PK", "csv": b"\xef\xbb\xbf"}[name.rsplit(".", 1)[1]]
        assert content.startswith(magic)


def test_one_pdf_and_one_workbook_per_journal(quarter):
    _manifest, files = quarter
    names = in_folder(files, "01 Journals")
    assert {n.split(" ", 1)[0] for n in names} == {"ACH", "BNK1", "OD", "VEN"}
    assert len(names) == 8 and {n.rsplit(".", 1)[1] for n in names} == {"pdf", "xlsx"}
    sales = next(n for n in names if n.startswith("VEN ") and n.endswith(".xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(files[f"01 Journals/{sales}"])).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert {"VEN/2026/00001", "VEN/2026/00002", "VEN/2026/00003"} <= set(cells)
    assert not any(isinstance(c, str) and c.startswith(("ACH/", "OD/")) for c in cells)


def test_the_trial_balance_compares_with_the_year_before(quarter):
    _manifest, files = quarter
    rows = list(csv.reader(io.StringIO(files["02 Trial balance/Trial balance.csv"].decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[0][-1] == "Previous year"
    assert ["0,00", "1936,00", "1000,00", "936,00", "0,00"] == next(r[2:] for r in rows if r[0] == "400")


def test_archived_documents_of_the_period_are_copied_byte_for_byte(quarter, shop):
    _manifest, files = quarter
    made = shop[2]
    inside = {made["january"].relative_path: PDF + b"F1",
              made["quarter"].relative_path: b"<?xml version='1.0'?><return/>"}
    assert in_folder(files, "09 Documents") == set(inside)
    for path, content in inside.items():
        assert files[f"09 Documents/{path}"] == content


def test_attachments_of_the_periods_entries_and_their_sources(quarter):
    _manifest, files = quarter
    assert in_folder(files, "10 Attachments") == {"VEN-2026-00001/ticket F1.pdf",
                                                   "VEN-2026-00003/bon de commande.csv"}
    assert files["10 Attachments/VEN-2026-00001/ticket F1.pdf"] == PDF + b"receipt"


def test_the_audit_log_extract_holds_the_periods_events_only(quarter):
    _manifest, files = quarter
    text = files["11 Audit log/Audit log.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:6] == ["No.", "When", "Who", "Action", "Object", "Reference"]
    events = rows[1:]
    assert events and all(r[1].startswith("2026-03-15") for r in events)
    assert {"archived_document", "attachment", "entry"} <= {r[4] for r in events}
    assert all(len(r[-1]) == 64 for r in events)


# --------------------------------------------------------------------------- manifest, damaged files

def test_the_manifest_lists_every_file_with_its_checksum(quarter, shop):
    manifest, files = quarter
    assert manifest["format"] == "equisis-accountant-pack" and manifest["app_version"]
    assert manifest["company"]["slug"] == shop[1] and manifest["company"]["name"] == "Déco Sophie SRL"
    assert manifest["range"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert dt.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert json.loads(files["manifest.json"]) == manifest
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for path, entry in listed.items():
        assert entry["size"] == len(files[path])
        assert entry["sha256"] == hashlib.sha256(files[path]).hexdigest()
    assert [s["folder"] for s in manifest["sections"]][:2] == ["01 Journals", "02 Trial balance"]
    assert manifest["not_included"] == []  # the VAT module adds its returns and listings


def test_an_altered_document_is_left_out_and_reported(quarter, shop):
    manifest, files = quarter
    altered = shop[2]["altered"].relative_path
    assert not any(name.endswith(altered) for name in files)
    (problem,) = manifest["problems"]
    assert problem["path"] == f"09 Documents/{altered}" and problem["error"] == "DocumentAltered"
    assert "checksum" in problem["message"]
    readme = files["README.txt"].decode("utf-8-sig")
    assert f"09 Documents/{altered}" in readme and "failed their checksum check" in readme


def test_the_readme_explains_the_contents(quarter):
    _manifest, files = quarter
    readme = files["README.txt"].decode("utf-8-sig")
    assert "Déco Sophie SRL" in readme and "from 01/01/2026 to 31/03/2026" in readme
    for folder in ("01 Journals", "06 NBB schema", "08 VAT", "09 Documents", "11 Audit log"):
        assert f"- {folder}: " in readme
    assert "VAT returns and listings are not part of this version" not in readme  # the VAT module's section
    assert "manifest.json" in readme


def test_folders_and_readme_speak_the_chosen_language(reader, tmp_path):
    out = tmp_path / "pack-fr.zip"
    manifest = build(reader, out, D(2026, 1, 1), D(2026, 12, 31), "fr")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        readme = archive.read("README.txt").decode("utf-8-sig")
    folders = [s["folder"] for s in manifest["sections"]]
    assert folders[:3] == ["01 Journaux", "02 Balance des comptes généraux", "03 Grand-livre"]
    assert "07 Plan comptable/Plan comptable.xlsx" in names
    assert "02 Balance des comptes généraux/Balance des comptes généraux.csv" in names
    assert "- 01 Journaux: " in readme
    assert gettext("Contents:", locale="fr") in readme
    vat_line = "VAT returns and listings are not part of this version of the pack."
    assert gettext(vat_line, locale="fr") not in readme  # the VAT module adds its section
    assert manifest["language"] == "fr"
    # the whole year holds the April document and the May entry's attachment too
    assert any(n.startswith("09 Documents/2026/2026-04/VEN/") for n in names)
    assert any(n.endswith("/may.pdf") for n in names)


# --------------------------------------------------------------------------- range, snapshot, registry

def test_a_bad_range_writes_nothing(reader, tmp_path):
    out = tmp_path / "pack.zip"
    with pytest.raises(InvalidRange):
        build(reader, out, D(2026, 3, 31), D(2026, 1, 1), "en")
    assert list(tmp_path.iterdir()) == []


def _section(key, order, collect):
    return pack.PackSection(key, order, key.title(), key, collect)


def test_a_failure_leaves_no_file_and_keeps_the_previous_pack(books, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "pack.zip"
    out.write_bytes(b"the previous pack")
    monkeypatch.setattr(pack, "SECTIONS", [_section("ok", 1, lambda r: [("a.txt", b"a")]),
                                           _section("broken", 2, lambda r: [("b.txt", object())])])
    with pytest.raises(TypeError):
        pack.build_pack(books.store, *Q1, language="en", out_path=out)
    assert out.read_bytes() == b"the previous pack"
    assert [p.name for p in out.parent.iterdir()] == ["pack.zip"]


def test_the_pack_reads_one_snapshot_without_the_writers_lock(books, tmp_path, monkeypatch):
    """A sale posted while the pack is being read goes through at once and stays out of the pack."""
    store, posted = books.store, []

    def post_elsewhere(_request):
        def run():
            with store.session(), acting_as("till"):
                posted.append(post("OD 2026-03-30 Booked meanwhile", "550001 12,10 D\n100 12,10 C"))
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=5)
        return []

    journals = next(s for s in pack.SECTIONS if s.key == "journals")
    monkeypatch.setattr(pack, "SECTIONS", [_section("probe", 1, post_elsewhere), journals])
    out = tmp_path / "pack.zip"
    pack.build_pack(books.store, *Q1, language="en", out_path=out)
    assert posted and posted[0].reference == "OD/2026/00002"
    with zipfile.ZipFile(out) as archive:
        name = next(n for n in archive.namelist() if n.startswith("02 Journals/OD ") and n.endswith(".xlsx"))
        sheet = openpyxl.load_workbook(io.BytesIO(archive.read(name))).active
    cells = {c.value for row in sheet.iter_rows() for c in row}
    assert "OD/2026/00001" in cells and "OD/2026/00002" not in cells


def test_a_module_can_add_a_section(books, tmp_path, monkeypatch):
    """The VAT module's way in: a module in SECTION_MODULES whose pack_sections() needs nothing from here."""
    module = types.ModuleType("equisis_test_vat_pack")
    module.pack_sections = lambda: [types.SimpleNamespace(
        key="vat", order=80, folder="VAT", description="VAT returns",
        collect=lambda request: [(f"{request.start.isoformat()}.xml", b"<return/>")])]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(pack, "SECTION_MODULES", [module.__name__])
    monkeypatch.setattr(pack, "SECTIONS", [s for s in pack.SECTIONS if s.key in ("chart", "documents")])
    out = tmp_path / "pack.zip"
    manifest = pack.build_pack(books.store, *Q1, language="en", out_path=out)
    assert [s["folder"] for s in manifest["sections"]] == ["01 Chart of accounts", "02 VAT", "03 Documents"]
    with zipfile.ZipFile(out) as archive:
        assert archive.read("02 VAT/2026-01-01.xml") == b"<return/>"
        assert "VAT returns and listings" not in archive.read("README.txt").decode("utf-8-sig")
    assert manifest["not_included"] == []


@pytest.mark.parametrize("code, span", [
    ("2026-03", (D(2026, 3, 1), D(2026, 3, 31))),
    ("2026-12", (D(2026, 12, 1), D(2026, 12, 31))),
    ("2026-Q1", (D(2026, 1, 1), D(2026, 3, 31))),
    ("2026-Q4", (D(2026, 10, 1), D(2026, 12, 31))),
    ("2026", (D(2026, 1, 1), D(2026, 12, 31))),
    ("2025-2026", (D(2025, 7, 1), D(2026, 6, 30))),   # a fiscal year the ledger knows
    ("2026-13", None),
    ("misc", None),
])
def test_the_days_of_a_document_period(code, span):
    known = {"2025-2026": (D(2025, 7, 1), D(2026, 6, 30))}
    assert pack.period_span(code, known) == span


@pytest.mark.parametrize("text, expected", [
    ("NBB schema — Micro model", "NBB schema — Micro model"),
    ("VEN/2026: a*b?", "VEN-2026- a-b-"),
    ("  Journaux. ", "Journaux"),
    ("", "file"),
])
def test_names_every_system_accepts(text, expected):
    assert pack.file_part(text) == expected


# --------------------------------------------------------------------------- command line

def run(shop, *args):
    return CliRunner().invoke(main, ["--instance", str(shop[0]), "accountant-pack", *args],
                              env={"LANG": "en_BE.UTF-8"}, catch_exceptions=False)


def test_the_command_writes_the_pack(shop, tmp_path):
    out = tmp_path / "march.zip"
    result = run(shop, "--from", "2026-03-01", "--to", "31/03/2026", "--out", str(out), "--language", "nl")
    assert result.exit_code == 0, result.output
    assert f"{out} written" in result.output
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["range"] == {"from": "2026-03-01", "to": "2026-03-31"} and manifest["language"] == "nl"
    assert manifest["sections"][0]["folder"] == "01 Dagboeken" and not manifest["problems"]
    assert [p.name for p in tmp_path.iterdir()] == ["march.zip"]


def test_the_command_names_what_it_left_out(shop, tmp_path):
    out = tmp_path / "q1.zip"
    result = run(shop, "--from", "2026-01-01", "--to", "2026-03-31", "--out", str(out), "--company", shop[1])
    assert result.exit_code == 1 and out.exists()
    assert shop[2]["altered"].relative_path in result.output and "README.txt" in result.output


@pytest.mark.parametrize("args, message", [
    (("--from", "2026-12-31", "--to", "2026-01-01"), "before it starts"),
    (("--from", "yesterday", "--to", "2026-01-01"), "not a date"),
])
def test_the_command_refuses_a_bad_range(shop, tmp_path, args, message):
    out = tmp_path / "pack.zip"
    result = run(shop, *args, "--out", str(out))
    assert result.exit_code == 2 and message in result.output
    assert not out.exists()


# --------------------------------------------------------------------------- the reports page

def test_an_accountant_downloads_the_pack(client, store, slug, app):
    with store.session(), acting_as("test"):
        build_books()
    add_user(store, "dubois", "accountant")
    sign_in(client, slug, "dubois", USER_PASSWORD)
    page = client.get(f"/c/{slug}/reports/").get_data(as_text=True)
    assert f'action="/c/{slug}/reports/accountant-pack"' in page
    response = client.get(f"/c/{slug}/reports/accountant-pack",
                          query_string={"from": "2026-01-01", "to": "2026-12-31", "lang": "nl"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"accountant-pack-{slug}-2026-01-01-2026-12-31.zip" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.testzip() is None
    assert manifest["sections"][0]["folder"] == "01 Dagboeken"
    response.close()
    work = app.extensions["equisis.instance"].root / "tmp"
    assert not list(work.glob("equisis-pack-*"))
    bad = client.get(f"/c/{slug}/reports/accountant-pack",
                     query_string={"from": "2026-12-31", "to": "2026-01-01"})
    assert bad.status_code == 400


def test_a_cashier_may_not_download_the_pack(client, store, slug):
    add_user(store, "karim", "cashier")
    sign_in(client, slug, "karim", USER_PASSWORD)
    assert client.get(f"/c/{slug}/reports/accountant-pack").status_code == 403
