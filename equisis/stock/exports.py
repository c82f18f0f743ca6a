"""Report rows (dicts) as .xlsx or .csv bytes: quantities and euros as numbers, text never a formula.

Keys ending in ``_milli`` become quantities (Decimal, 3 decimals), ``_cents`` euros; the CSV uses ';' and a
decimal comma (Belgian Excel). Text starting with = + - @ is written as a string cell in .xlsx and prefixed
with an apostrophe in CSV (OWASP "CSV injection").
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from equisis.core.money import from_scaled

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}


def cell(key: str, value):
    if key.endswith("_milli") and isinstance(value, int):
        return from_scaled(value, 3)
    if key.endswith("_cents") and isinstance(value, int):
        return from_scaled(value, 2)
    return value


def header(key: str) -> str:
    return key.removesuffix("_milli").removesuffix("_cents").replace("_", " ")


def csv_text(value) -> str:
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, (int, dt.date)) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def rows_to_bytes(rows: list[dict], fmt: str, *, keys: list[str] | None = None) -> bytes:
    keys = keys or (list(rows[0]) if rows else [])
    stream = io.BytesIO()
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append([header(k) for k in keys])
        for row in rows:
            sheet.append([cell(k, row.get(k)) for k in keys])
            for item in sheet[sheet.max_row]:
                if isinstance(item.value, str):
                    item.data_type = "s"
        workbook.save(stream)
        return stream.getvalue()
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow([header(k) for k in keys])
    for row in rows:
        writer.writerow([csv_text(cell(k, row.get(k))) for k in keys])
    text.flush()
    text.detach()
    return stream.getvalue()
