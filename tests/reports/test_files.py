"""Every report as PDF (opens, has its title, amounts in the document's language), Excel (typed cells) and CSV
(formula-safe)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from equisis.documents.service import letterhead_from_profile
from equisis.parties import service as parties
from equisis.reports import excel, layout, pdf, service
from tests.documents.pdftext import pages_text
from tests.reports.conftest import post

D = dt.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))

SHEETS = {
    "trial-balance": lambda lang: layout.trial_balance_sheet(service.trial_balance(*YEAR, compare=True,
                                                                                   language=lang)),
    "general-ledger": lambda lang: layout.general_ledger_sheet(service.general_ledger(*YEAR, language=lang)),
    "journals": lambda lang: layout.journal_sheet(service.journal_report(*YEAR)),
    "customers-balances": lambda lang: layout.partner_balance_sheet(
        service.partner_balance("customers", *YEAR)),
    "suppliers-ledger": lambda lang: layout.partner_ledger_sheet(service.partner_ledger("suppliers", *YEAR)),
    "aged-customers": lambda lang: layout.aged_balance_sheet(
        service.aged_balance("customers", D(2026, 3, 31))),
    "internal-accounts": lambda lang: layout.internal_accounts_sheet(service.internal_accounts(*YEAR)),
    "chart-of-accounts": lambda lang: layout.chart_sheet(service.chart_of_accounts(lang), {}),
    "nbb-abbr": lambda lang: layout.nbb_sheet(service.nbb_schema("abbr", *YEAR, language=lang), lang),
}
TITLES = {"trial-balance": "Trial balance", "general-ledger": "General ledger", "journals": "Journals",
          "customers-balances": "Customers' balances", "suppliers-ledger": "Suppliers' ledger",
          "aged-customers": "Aged receivables", "internal-accounts": "Internal accounts",
          "chart-of-accounts": "Chart of accounts", "nbb-abbr": "NBB schema — Abbreviated model"}


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_pdf_opens_with_its_title(books, name):
    sheet = SHEETS[name]("en")
    assert sheet.name == name
    content = pdf.render_pdf(sheet, letterhead_from_profile(books.store.folder), language="en")
    assert content.startswith(b"%PDF-")
    text = "\n".join(pages_text(content))
    assert TITLES[name] in text and "Déco Sophie SRL" in text


def test_pdf_speaks_the_chosen_language(books):
    sheet = SHEETS["trial-balance"]("nl")
    text = "\n".join(pages_text(pdf.render_pdf(sheet, letterhead_from_profile(), language="nl")))
    assert "Klanten" in text and "€ 815,00" in text and "Pagina 1 /" in text
    french = "\n".join(pages_text(pdf.render_pdf(SHEETS["trial-balance"]("fr"), letterhead_from_profile(),
                                                 language="fr")))
    assert "Clients" in french and "815,00 €" in french.replace("\u00a0", " ")


def _rows(content: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_excel_opens_with_typed_cells(books, name):
    rows = _rows(excel.to_bytes(SHEETS[name]("en"), "xlsx", language="en", company="Déco Sophie SRL"))
    assert rows[0][0] == "Déco Sophie SRL" and rows[1][0] == TITLES[name]
    values = [v for row in rows for v in row]
    assert not any(isinstance(v, str) and v[:1].isdigit() and "," in v for v in values)  # no amount as text
    if name != "chart-of-accounts":
        assert any(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values)


def test_excel_amounts_are_euros_and_dates_are_dates(books):
    rows = _rows(excel.to_bytes(SHEETS["general-ledger"]("en"), "xlsx", language="en"))
    line = next(r for r in rows if r[2] == "VEN/2026/00001" and r[6])
    assert isinstance(line[0], dt.datetime) and line[0].date() == D(2026, 1, 15)
    assert line[6] == 1210 and line[8] == 1210


def test_text_that_looks_like_a_formula_stays_text(books):
    rogue = parties.create_party('=HYPERLINK("http://evil.example","Click")', is_customer=True)
    post("VEN 2026-04-01 Invoice F9", f"""
        400  12,10 D partner={rogue.id} ref=@SUM(A1) due=2026-05-01
        7000 10,00 C
        451   2,10 C""")
    sheet = layout.partner_ledger_sheet(service.partner_ledger("customers", *YEAR, partner_id=rogue.id))
    workbook = openpyxl.load_workbook(io.BytesIO(excel.to_bytes(sheet, "xlsx", language="en")))
    cells = [c for row in workbook.active.iter_rows() for c in row if isinstance(c.value, str)]
    rogue_cells = [c for c in cells if c.value.startswith(("=", "@"))]
    assert {c.value for c in rogue_cells} == {rogue.name, "@SUM(A1)"}
    assert all(c.data_type == "s" for c in rogue_cells)
    text = excel.to_bytes(sheet, "csv", language="en").decode("utf-8-sig")
    values = [v for row in csv.reader(io.StringIO(text), delimiter=";") for v in row]
    assert "'" + rogue.name in values and "'@SUM(A1)" in values
    assert "12,10" in values and "-12,10" not in values


def test_csv_numbers_keep_a_decimal_comma(books):
    text = excel.to_bytes(SHEETS["trial-balance"]("fr"), "csv", language="fr").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Compte", "Nom", "Solde initial", "Débit", "Crédit", "Solde final",
                       "Exercice précédent"]
    line = next(r for r in rows if r[0] == "400")
    assert line[1] == "Clients" and line[3:6] == ["1815,00", "1000,00", "815,00"]
