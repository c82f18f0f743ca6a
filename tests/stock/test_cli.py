"""``equisis stock value`` and ``equisis stock moves`` on a real instance, read-only."""
from __future__ import annotations

import datetime as dt
import io

from click.testing import CliRunner
from openpyxl import load_workbook

from equisis.catalog import service as catalog
from equisis.cli import main
from equisis.schema import all_migrations
from equisis.stock import service as stock
from equisis.store import Instance
from tests.factories import make_company


def test_value_and_moves_commands(tmp_path):
    root = tmp_path / "instance"
    instance = Instance(root, all_migrations())
    slug = make_company(instance, slug="shop")
    with instance.get(slug).session():
        catalog.create_item("SCREW", name_fr="Vis")
        stock.receive("SCREW", 10_000, to="MAIN", cost_cents=2500, day=dt.date(2026, 3, 1),
                      source=stock.Source("purchase_receipt", "R1", 1))
        stock.deliver("SCREW", 4000, from_="MAIN", day=dt.date(2026, 3, 2))
    instance.close()
    runner = CliRunner()
    out = tmp_path / "value.xlsx"
    result = runner.invoke(main, ["--instance", str(root), "stock", "value", "--at", "2026-03-31",
                                  "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "stock value 15.00 EUR" in result.output
    rows = list(load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(values_only=True))
    assert rows[1][0] == "SCREW" and float(rows[1][2]) == 6 and float(rows[1][3]) == 15
    csv_out = tmp_path / "value.csv"
    result = runner.invoke(main, ["--instance", str(root), "stock", "value", "--at", "2026-03-01", "--by",
                                  "warehouse", "--format", "csv", "--out", str(csv_out)])
    assert result.exit_code == 0 and "MAIN;10,000;25,00" in csv_out.read_text(encoding="utf-8-sig")
    result = runner.invoke(main, ["--instance", str(root), "stock", "moves", "--item", "screw"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "delivery" in lines[1] and "-4" in lines[1] and lines[1].split()[-2] == "6"
    assert "purchase_receipt R1" in lines[2] and "2 of 2 moves." in result.output
    result = runner.invoke(main, ["--instance", str(root), "stock", "moves", "--item", "NOPE"])
    assert result.exit_code == 2 and "NOPE" in result.output
