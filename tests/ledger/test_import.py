"""Importing entries from CSV and Excel: all or nothing, every bad cell reported with its row and column."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from equisis.cli import main
from equisis.core.errors import ValidationErrors
from equisis.ledger import errors, imports
from equisis.ledger import service as ledger
from equisis.ledger.models import Entry
from equisis.schema import all_migrations
from equisis.store import Instance
from tests.factories import make_company

GOOD = """entry;journal;date;description;account;debit;credit;partner;reference;due_date;vat_grids
1;OD;15/03/2026;Rent March;6100;500,00;;;;;
1;OD;15/03/2026;;550001;;500,00;;;;
2;VEN;2026-03-20;Invoice F9;400;121,00;;BE0403170701;F9;2026-04-19;
2;VEN;2026-03-20;;7000;;100,00;;;;03
2;VEN;2026-03-20;;451;;21,00;;;;54
"""


def write(tmp_path, text, name="entries.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_csv_posts_every_entry(company, customer, tmp_path):
    result = imports.import_entries(write(tmp_path, GOOD), role="accountant")
    assert [p.reference for p in result.posted] == ["OD/2026/00001", "VEN/2026/00001"]
    rent, sale = Entry.select().order_by(Entry.id)
    assert (rent.description, rent.date, rent.source_type, rent.source_id) == (
        "Rent March", dt.date(2026, 3, 15), "import", "entries.csv")
    receivable = ledger.entry_lines(sale.id)[0]
    assert (receivable.partner_id, receivable.document_ref, receivable.due_date) == (
        customer.id, "F9", dt.date(2026, 4, 19))
    assert ledger.entry_lines(sale.id)[2].vat_grids == "54"


def test_bad_rows_are_all_reported_and_nothing_is_posted(company, customer, tmp_path):
    bad = GOOD.replace("1;OD;15/03/2026;;550001", "1;OD;15/03/2026;;999999") \
              .replace("2;VEN;2026-03-20;;7000;;100,00", "2;VEN;2026-03-20;;7000;;10O,00") \
              .replace("2;VEN;2026-03-20;;451", "2;VEN;2026-02-31;;451") \
        + "3;OD;31/03/2026;x;6100;12,345;;;;;\n"
    with pytest.raises(ValidationErrors) as caught:
        imports.import_entries(write(tmp_path, bad), role="accountant")
    found = [(p.row, p.column, type(p.problem).__name__) for p in caught.value.problems]
    assert found == [
        (3, "account", "UnknownAccount"),
        (5, "credit", "InvalidAmount"),
        (6, "date", "InvalidDate"),
        (7, "entry", "TooFewLines"),
        (7, "debit", "ImportTooManyDecimals"),
    ]
    assert caught.value.problems[0].message("en") == "Row 3, column account: there is no account 999999."
    assert Entry.select().count() == 0


def test_an_unbalanced_entry_names_its_rows(company, tmp_path):
    text = ("entry,journal,date,account,debit,credit\n"
            "A,OD,2026-03-01,6100,10.00,\nA,OD,2026-03-01,550001,,9.99\n")
    with pytest.raises(ValidationErrors) as caught:
        imports.import_entries(write(tmp_path, text), role="accountant")
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, type(problem.problem)) == (
        "2-3", "debit/credit", errors.EntryNotBalanced)
    assert "differ by 0,01" in problem.message("en")


def test_locked_periods_and_missing_partner_data_are_reported_per_row(company, tmp_path):
    ledger.lock_period("2026-03")
    text = ("entry,journal,date,account,debit,credit\n"
            "A,OD,2026-03-01,400,10.00,\nA,OD,2026-03-01,550001,,10.00\n")
    with pytest.raises(ValidationErrors) as caught:
        imports.import_entries(write(tmp_path, text), role="accountant")
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "partner"), (2, "reference"), (2, "due_date"), ("2-3", "date")]


def test_missing_columns_and_unknown_partners(company, tmp_path):
    with pytest.raises(errors.ImportMissingColumns):
        imports.import_entries(write(tmp_path, "entry,journal,date,account\n1,OD,2026-03-01,6100\n"),
                               role="admin")
    text = "entry,journal,date,account,debit,credit,partner,reference,due_date\n" \
           "1,OD,2026-03-01,400,1,,BE0999999999,F,2026-03-30\n1,OD,2026-03-01,7000,,1,,,\n"
    with pytest.raises(ValidationErrors) as caught:
        imports.import_entries(write(tmp_path, text), role="accountant")
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "partner")]


def test_an_excel_file_with_numbers_and_dates(company, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Entry", "Journal", "Date", "Description", "Account", "Debit", "Credit"])
    sheet.append([1, "OD", dt.datetime(2026, 3, 15), "Rent", 6100, 1234.56, None])
    sheet.append([1, "OD", dt.datetime(2026, 3, 15), None, "550001", None, 1234.56])
    path = tmp_path / "entries.xlsx"
    book.save(path)
    result = imports.import_entries(path, role="accountant")
    (entry,) = Entry.select()
    assert result.count == 1 and entry.debit_total_cents == 123456 and entry.date == dt.date(2026, 3, 15)


def test_the_command_imports_a_file(tmp_path):
    instance = Instance(tmp_path / "instance", all_migrations())
    slug = make_company(instance)
    instance.close()
    path = write(tmp_path, GOOD.replace("BE0403170701", ""))
    runner = CliRunner()
    result = runner.invoke(main, ["--instance", str(tmp_path / "instance"), "entries", "import", str(path),
                                  "--company", slug], env={"LANG": "en_BE.UTF-8"})
    assert result.exit_code == 2
    assert "Row 4, column partner: account 400 needs a customer or supplier." in result.output
    assert "Nothing was imported" in result.output
    rent_only = write(tmp_path, GOOD.split("\n2;VEN")[0] + "\n")
    result = runner.invoke(main, ["--instance", str(tmp_path / "instance"), "entries", "import",
                                  str(rent_only), "-c", slug], env={"LANG": "en_BE.UTF-8"})
    assert result.exit_code == 0, result.output
    assert "1 entries imported: OD/2026/00001" in result.output
