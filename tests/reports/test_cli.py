"""``equisis report …`` writes each report in each format, from a company opened read-only."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from click.testing import CliRunner

from equisis.cli import main
from equisis.schema import all_migrations
from equisis.store import Instance
from equisis.store.audit import acting_as
from tests.factories import make_company
from tests.reports.conftest import build_books


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """An instance folder holding the hand-checked books, closed again (unlocked) for the commands."""
    path = tmp_path_factory.mktemp("cli") / "instance"
    instance = Instance(path, all_migrations())
    slug = make_company(instance)
    with instance.get(slug).session(), acting_as("test"):
        build_books()
    instance.close()
    return path, slug


def run(shop, *args):
    path, _slug = shop
    return CliRunner().invoke(main, ["--instance", str(path), "report", *args], env={"LANG": "en_BE.UTF-8"},
                              catch_exceptions=False)


COMMANDS = [
    ("trial-balance", "--compare"),
    ("general-ledger", "--account", "400", "--account", "550001"),
    ("journal", "--journal", "VEN"),
    ("aged-balance", "--kind", "suppliers"),
    ("nbb", "--model", "micro", "--detail"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_each_report_in_each_format(shop, tmp_path, command, fmt):
    out = tmp_path / f"report.{fmt}"
    to = "2026-03-01" if command[0] == "aged-balance" else "2026-12-31"
    result = run(shop, *command, "--from", "2026-01-01", "--to", to, "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{out} written" in result.output
    data = out.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF-")
    elif fmt == "xlsx":
        rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]
        assert rows[0][0] == "Déco Sophie SRL"
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert len(rows) > 2


def test_the_csv_holds_the_figures(shop, tmp_path):
    out = tmp_path / "tb.csv"
    run(shop, "trial-balance", "--from", "2026-01-01", "--to", "2026-12-31", "--language", "fr",
        "--format", "csv", "--out", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert ["400", "Clients", "0,00", "1815,00", "1000,00", "815,00"] in rows
    out = tmp_path / "aged.csv"
    run(shop, "aged-balance", "--to", "2026-03-31", "--summary", "--format", "csv", "--out", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert ["Maison Dupont SRL", "", "0,00", "0,00", "210,00", "0,00", "0,00", "210,00"] in rows


def test_bad_input_is_an_error_not_a_traceback(shop, tmp_path):
    out = tmp_path / "x.pdf"
    result = run(shop, "trial-balance", "--from", "2026-12-31", "--to", "2026-01-01", "--format", "pdf",
                 "--out", str(out))
    assert result.exit_code == 2 and "before it starts" in result.output and not out.exists()
    result = run(shop, "general-ledger", "--account", "999", "--format", "pdf", "--out", str(out))
    assert result.exit_code == 2 and "999" in result.output
    result = run(shop, "trial-balance", "--from", "yesterday", "--format", "pdf", "--out", str(out))
    assert result.exit_code == 2 and "not a date" in result.output
