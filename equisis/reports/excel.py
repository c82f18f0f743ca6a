"""A report's sheet as an Excel workbook (.xlsx) or a CSV file.

Cells are typed: money is a number in euros (``#,##0.00``), dates are dates,
numbers are numbers, so an accountant can add and filter them at once. Text is
written as an explicit string cell (never a formula, whatever it starts with),
and in CSV text starting with = + - @ tab or CR gets an apostrophe — the same
protection as the list exports of :mod:`equisis.web.listing`. CSV uses ';' and a
decimal comma, as Belgian Excel expects.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from equisis.core.i18n import gettext
from equisis.core.money import from_cents
from equisis.reports.layout import Sheet, render
from equisis.reports.rules import FORMULA_TRIGGERS

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
NUMBER_FORMATS = {"money": "#,##0.00", "date": "DD/MM/YYYY"}
BOLD_STYLES = ("heading", "subtotal", "total")
HEADING_FILL_RGB = "ECECEC"


def cell_value(kind: str, value, language: str):
    """The typed value of a cell: Decimal euros for money, dates, numbers, translated text."""
    value = render(value, language)
    if value is None or value == "":
        return None
    if kind == "money" and isinstance(value, int):
        return from_cents(value)
    if isinstance(value, (int, Decimal, dt.date)) and not isinstance(value, bool):
        return value
    return str(value)


def neutralise(text: str) -> str:
    """Text a spreadsheet would read as a formula, made inert with a leading apostrophe (CSV)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return neutralise(str(value))


def _sheet_title(sheet: Sheet, language: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", render(sheet.title, language))[:31] or "Report"


def write_xlsx(sheet: Sheet, stream, *, language: str, company: str = "") -> None:
    from openpyxl import Workbook  # loaded only for xlsx: a CSV from the command line stays quick
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    heading_fill = PatternFill("solid", fgColor=HEADING_FILL_RGB)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title=_sheet_title(sheet, language))
    for index, column in enumerate(sheet.columns, start=1):
        width = 12 if column.kind != "text" else 10 * column.width
        ws.column_dimensions[get_column_letter(index)].width = width

    def text_cell(value, **style):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # never a formula
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    if company:
        ws.append([text_cell(company, font=Font(bold=True))])
    ws.append([text_cell(render(sheet.title, language), font=Font(bold=True, size=13))])
    for line in sheet.subtitle:
        ws.append([text_cell(render(line, language))])
    ws.append([])
    ws.append([text_cell(render_title(c.title, language), font=Font(bold=True), fill=heading_fill)
               for c in sheet.columns])
    for row in sheet.rows:
        bold = row.style in BOLD_STYLES
        cells = []
        for index, (column, raw) in enumerate(zip(sheet.columns, row.cells)):
            value = cell_value(column.kind, raw, language)
            if isinstance(value, str):
                cell = text_cell(value)
                if row.level and index == 1:
                    cell.alignment = Alignment(indent=row.level)
            else:
                cell = WriteOnlyCell(ws, value=value)
                if value is not None and column.kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[column.kind]
            if bold:
                cell.font = Font(bold=True)
            if row.style == "heading":
                cell.fill = heading_fill
            cells.append(cell)
        ws.append(cells)
    workbook.save(stream)


def render_title(msgid: str, language: str) -> str:
    return gettext(msgid, locale=language)


def write_csv(sheet: Sheet, stream, *, language: str) -> None:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow([render_title(c.title, language) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([csv_cell(cell_value(column.kind, raw, language))
                         for column, raw in zip(sheet.columns, row.cells)])
    text.flush()
    text.detach()


def to_bytes(sheet: Sheet, fmt: str, *, language: str, company: str = "") -> bytes:
    stream = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx(sheet, stream, language=language, company=company)
    else:
        write_csv(sheet, stream, language=language)
    return stream.getvalue()
