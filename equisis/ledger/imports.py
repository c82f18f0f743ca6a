"""Import journal entries from CSV or Excel: all or nothing, every bad cell reported with its row and column.

The file has a header row; names are case-insensitive, in any order, extra
columns are ignored. One row is one line; rows with the same ``entry`` value
form one entry.

==============  ========  ====================================================
column          required  content
==============  ========  ====================================================
entry           yes       any label grouping the rows of one entry ("1", "A")
journal         yes       journal code (OD, BNK1 …), the same on every row of the entry
date            yes       31/12/2026 or 2026-12-31 (or an Excel date), same on every row
description     no        the entry's description (its first non-empty value)
account         yes       account code (400000, 700000 …)
debit, credit   yes       amounts, one of them on each row: 1234,56 / 1234.56 / 1.234,56
partner         no        party id or VAT number (BE0403170701); required on 40/44 accounts
line_description no       the line's own description
reference       no        the document reference; required on 40/44 accounts
due_date        no        required on 40/44 accounts
vat_grids       no        VAT-return grids, separated by spaces or commas ("81 59")
==============  ========  ====================================================

Row numbers are those of the spreadsheet (the header is row 1). CSV files may
use commas, semicolons or tabs, in UTF-8 (with or without BOM) or Windows-1252.
Nothing is posted unless every row is right; then all entries are posted in
one transaction, with the same checks as any other posting.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from equisis.core.dates import parse_date
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.money import parse_amount
from equisis.ledger import posting, rules
from equisis.ledger.errors import (EmptyLine, EntryNotBalanced, ImportCellError, ImportEmpty,
                                   ImportEntryMismatch, ImportMissingColumns, ImportTooManyDecimals,
                                   ImportUnknownPartner, ImportUnreadable, ImportValueRequired, LineError)
from equisis.parties import service as parties
from equisis.store.database import write

COLUMNS = ("entry", "journal", "date", "description", "account", "debit", "credit", "partner",
           "line_description", "reference", "due_date", "vat_grids")
REQUIRED = ("entry", "journal", "date", "account", "debit", "credit")
#: where a problem of a draft line points in the file
DRAFT_TO_COLUMN = {"account": "account", "debit": "debit", "credit": "credit", "partner": "partner",
                   "document_ref": "reference", "due_date": "due_date", "vat_grids": "vat_grids"}


@dataclass
class _Entry:
    key: str
    journal: str
    date: dt.date | None
    description: str = ""
    rows: list[int] = field(default_factory=list)
    lines: list[rules.DraftLine] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    posted: tuple[posting.Posted, ...]

    @property
    def count(self) -> int:
        return len(self.posted)


# --------------------------------------------------------------------------- reading files

def read_rows(path: Path) -> list[tuple[int, dict]]:
    """[(row number, {column: raw value})] of a CSV or XLSX file, blank rows left out."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            table = _xlsx_rows(path)
        else:
            table = _csv_rows(path.read_bytes())
    except (OSError, ValueError, KeyError, csv.Error) as exc:
        raise ImportUnreadable(name=path.name, detail=type(exc).__name__) from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds (BadZipFile, InvalidFileException…)
        raise ImportUnreadable(name=path.name, detail=type(exc).__name__) from exc
    header_at = next((i for i, row in enumerate(table) if any(_text(v) for v in row)), None)
    if header_at is None:
        raise ImportEmpty()
    header = [_text(v).lower().replace(" ", "_") for v in table[header_at]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportMissingColumns(columns=", ".join(missing))
    rows = []
    for offset, values in enumerate(table[header_at + 1:], start=header_at + 2):
        if not any(_text(v) for v in values):
            continue
        rows.append((offset, {name: values[i] if i < len(values) else None
                              for i, name in enumerate(header) if name in COLUMNS}))
    if not rows:
        raise ImportEmpty()
    return rows


def _csv_rows(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(path: Path) -> list[list]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------- parsing cells

def _cents(value, column: str, row: int, problems: list) -> int:
    """A cell to cents: text through the one amount parser; Excel numbers through their shortest repr."""
    if value is None or _text(value) == "":
        return 0
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, (int, float)):
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        else:
            amount = parse_amount(str(value), field=column)
    except (EquisisError, ValueError, ArithmeticError) as exc:
        from equisis.core.errors import InvalidAmount

        problems.append(ImportCellError(row, column, exc if isinstance(exc, EquisisError)
                                        else InvalidAmount(_text(value))))
        return 0
    if amount != amount.quantize(Decimal("0.01")):
        problems.append(ImportCellError(row, column, ImportTooManyDecimals(_text(value))))
        return 0
    return int(amount * 100)


def _date(value, column: str, row: int, problems: list, *, required: bool) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if _text(value) == "":
        if required:
            problems.append(ImportCellError(row, column, ImportValueRequired()))
        return None
    try:
        return parse_date(_text(value), field=column)
    except EquisisError as exc:
        problems.append(ImportCellError(row, column, exc))
        return None


def _partner(value, row: int, problems: list, cache: dict) -> int | None:
    text = _text(value)
    if not text:
        return None
    if text not in cache:
        if re.fullmatch(r"\d+", text):
            cache[text] = int(text) if parties.existing_ids([int(text)]) else None
        else:
            party = parties.find_by_vat(text)
            cache[text] = party.id if party else None
    if cache[text] is None:
        problems.append(ImportCellError(row, "partner", ImportUnknownPartner(text)))
    return cache[text]


def parse_rows(rows: list[tuple[int, dict]]) -> tuple[list[_Entry], list[EquisisError]]:
    """Group rows into entries and parse each cell; every cell problem is collected."""
    problems: list[EquisisError] = []
    entries: dict[str, _Entry] = {}
    partners: dict[str, int | None] = {}
    for row, cells in rows:
        key = _text(cells.get("entry"))
        journal = _text(cells.get("journal")).upper()
        for column, value in (("entry", key), ("journal", journal), ("account", _text(cells.get("account")))):
            if not value:
                problems.append(ImportCellError(row, column, ImportValueRequired()))
        day = _date(cells.get("date"), "date", row, problems, required=True)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = _Entry(key, journal, day)
        else:
            if journal != entry.journal:
                problems.append(ImportCellError(row, "journal", ImportEntryMismatch(
                    entry=key, column="journal", expected=entry.journal)))
            if day is not None and entry.date is not None and day != entry.date:
                problems.append(ImportCellError(row, "date", ImportEntryMismatch(
                    entry=key, column="date", expected=entry.date.strftime("%d/%m/%Y"))))
        if not entry.description:
            entry.description = _text(cells.get("description"))[:250]
        grids = tuple(g for g in re.split(r"[\s,;|]+", _text(cells.get("vat_grids"))) if g)
        entry.rows.append(row)
        entry.lines.append(rules.DraftLine(
            _text(cells.get("account")), _cents(cells.get("debit"), "debit", row, problems),
            _cents(cells.get("credit"), "credit", row, problems),
            _partner(cells.get("partner"), row, problems, partners),
            _text(cells.get("line_description"))[:250],
            _date(cells.get("due_date"), "due_date", row, problems, required=False),
            _text(cells.get("reference"))[:80] or None, grids))
    return list(entries.values()), problems


def _placed(entry: _Entry, problem: EquisisError) -> ImportCellError:
    """A posting problem of an imported entry, moved onto the file's row and column."""
    if isinstance(problem, LineError):
        column = DRAFT_TO_COLUMN.get(problem.column, problem.column)
        return ImportCellError(entry.rows[problem.line - 1], column, problem)
    rows = entry.rows[0] if len(entry.rows) == 1 else f"{entry.rows[0]}-{entry.rows[-1]}"
    column = ("debit/credit" if isinstance(problem, EntryNotBalanced)
              else {"date": "date", "journal": "journal"}.get(problem.field or "", "entry"))
    return ImportCellError(rows, column, problem)


# --------------------------------------------------------------------------- the use case

def import_entries(path: Path, *, role: str) -> ImportResult:
    """Post every entry of the file, or none: ValidationErrors lists each bad cell (ImportCellError)."""
    entries, problems = parse_rows(read_rows(path))
    with write():
        drafts = [rules.DraftEntry(e.journal, e.date or dt.date.min, e.description, tuple(e.lines),
                                   source=("import", Path(path).name)) for e in entries]
        books = posting.load_books(drafts, role)
        for entry, draft in zip(entries, drafts):
            if entry.date is None:
                draft_problems = [p for p in rules.check_entry(draft, books) if p.field != "date"]
            else:
                draft_problems = rules.check_entry(draft, books)
            problems.extend(_placed(entry, p) for p in draft_problems
                            if not _already_reported(p, entry, problems))
        if problems:
            raise ValidationErrors(sorted(problems, key=_row_order))
        posted = posting.post_entries(drafts, role=role)
    return ImportResult(tuple(posted))


def _already_reported(problem: EquisisError, entry: _Entry, problems: list) -> bool:
    """A cell that did not parse reads as empty: don't also report what follows from that.

    A bad amount is not also an empty line or an unbalanced entry; an unknown
    partner is not also a missing one.
    """
    bad_cells = {(p.row, p.column) for p in problems if isinstance(p, ImportCellError)}
    bad_amount_rows = {row for row, column in bad_cells if column in ("debit", "credit")}
    if isinstance(problem, EntryNotBalanced):
        return any(r in bad_amount_rows for r in entry.rows)
    if isinstance(problem, LineError):
        row = entry.rows[problem.line - 1]
        if isinstance(problem, EmptyLine):
            return row in bad_amount_rows
        return (row, DRAFT_TO_COLUMN.get(problem.column, problem.column)) in bad_cells
    return False


def _row_order(problem: ImportCellError):
    """By row, a whole entry's problems after its first row's cells, then by column."""
    text = str(problem.row)
    column = COLUMNS.index(problem.column) if problem.column in COLUMNS else len(COLUMNS)
    return int(text.split("-")[0]), "-" in text, column
