"""The list component every list screen uses: search, filter, sort, page, export to Excel and CSV.

A screen declares a :class:`ListSpec` (its query, columns, searchable fields,
filters) and answers with :func:`respond`. A page costs two queries whatever the
table's size (one COUNT, one LIMIT/OFFSET page), so a list of 100,000 audit
events opens as fast as one of ten. Exports stream the whole filtered list.

Spreadsheet safety (OWASP "CSV injection"): text that starts with = + - @, tab
or carriage return would run as a formula in Excel or LibreOffice. In .xlsx
such text is written as an explicit string cell (never a formula); in CSV it is
prefixed with an apostrophe, which spreadsheets show as plain text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Callable, Iterator

import peewee
from flask import current_app, request, send_file, render_template
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from equisis.core.i18n import gettext
from equisis.core.money import from_cents

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Column:
    name: str
    label: str                       # English msgid, translated when shown
    field: Any = None                # the peewee field or expression to sort on
    kind: str = "text"               # text | number | money | date | datetime
    sortable: bool = True
    value: Callable[[Any], Any] | None = None   # row -> raw value (default: getattr(row, name))

    def raw(self, row):
        return self.value(row) if self.value else getattr(row, self.name)


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    field: Any
    choices: tuple[tuple[str, str], ...]    # (value, English label)


@dataclass(frozen=True)
class ListSpec:
    name: str
    query: Callable[[], peewee.Select]
    columns: tuple[Column, ...]
    search: tuple[Any, ...] = ()
    filters: tuple[Filter, ...] = ()
    default_sort: str | None = None
    default_desc: bool = False
    row_link: Callable[[Any], str] | None = None

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class ListState:
    q: str = ""
    sort: str | None = None
    desc: bool = False
    page: int = 1
    filters: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, spec: ListSpec, args) -> "ListState":
        sort = args.get("sort") or spec.default_sort or spec.columns[0].name
        column = spec.column(sort)
        if column is None or not column.sortable or column.field is None:
            sort = spec.default_sort or spec.columns[0].name
        desc = args.get("dir", "desc" if spec.default_desc else "asc") == "desc"
        try:
            page = max(1, int(args.get("page", 1)))
        except ValueError:
            page = 1
        filters = {}
        for flt in spec.filters:
            value = args.get(flt.name, "")
            if value and value in {v for v, _ in flt.choices}:
                filters[flt.name] = value
        return cls(q=(args.get("q") or "").strip()[:100], sort=sort, desc=desc, page=page, filters=filters)

    def args(self, **changes) -> dict:
        """Query-string arguments for a link to this list with ``changes`` applied."""
        state = replace(self, **changes)
        out = {k: v for k, v in state.filters.items()}
        if state.q:
            out["q"] = state.q
        out["sort"] = state.sort
        out["dir"] = "desc" if state.desc else "asc"
        if state.page > 1:
            out["page"] = state.page
        return out

    def sort_args(self, column: str) -> dict:
        return self.args(sort=column, desc=(not self.desc) if column == self.sort else False, page=1)


@dataclass(frozen=True)
class ListPage:
    spec: ListSpec
    state: ListState
    rows: list
    total: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.state.page - 1) * self.page_size + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.state.page * self.page_size)


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filtered(spec: ListSpec, state: ListState) -> peewee.Select:
    query = spec.query()
    for word in state.q.split():
        pattern = f"%{_like_escape(word)}%"
        condition = None
        for fld in spec.search:
            match = peewee.NodeList((fld, peewee.SQL("LIKE"), pattern, peewee.SQL("ESCAPE '\\'")))
            condition = match if condition is None else (condition | match)
        if condition is not None:
            query = query.where(condition)
    for flt in spec.filters:
        if flt.name in state.filters:
            query = query.where(flt.field == state.filters[flt.name])
    return query


def sorted_query(spec: ListSpec, state: ListState) -> peewee.Select:
    query = filtered(spec, state)
    column = spec.column(state.sort)
    order = [column.field.desc() if state.desc else column.field.asc()]
    model = query.model
    order.append(model._meta.primary_key.desc() if state.desc else model._meta.primary_key.asc())
    return query.order_by(*order)


def load_page(spec: ListSpec, state: ListState, page_size: int) -> ListPage:
    total = filtered(spec, state).count()
    pages = max(1, -(-total // page_size))
    if state.page > pages:
        state = replace(state, page=pages)
    rows = list(sorted_query(spec, state).paginate(state.page, page_size))
    return ListPage(spec, state, rows, total, page_size)


def export_value(column: Column, row):
    """The typed cell value: Decimal euros for money, dates as dates, text as text."""
    value = column.raw(row)
    if value is None:
        return None
    if column.kind == "money":
        return from_cents(int(value))
    if column.kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if column.kind == "datetime" and isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        return parsed.astimezone().replace(tzinfo=None) if parsed.tzinfo else parsed
    if isinstance(value, (int, Decimal, dt.date)):
        return value
    return str(value)


def neutralise_csv(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell(value) -> str:
    """Numbers as numbers (a decimal comma; -12,50 stays a number); text neutralised; None empty."""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return str(value)
    return neutralise_csv(value)


def iter_rows(spec: ListSpec, state: ListState) -> Iterator[list]:
    query = sorted_query(spec, state)
    for row in query.iterator():
        yield [export_value(c, row) for c in spec.columns]


def write_xlsx(spec: ListSpec, state: ListState, stream) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=spec.name[:31])
    header = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet, value=gettext(column.label))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    formats = {"money": "#,##0.00", "date": "DD/MM/YYYY", "datetime": "DD/MM/YYYY HH:MM"}
    for values in iter_rows(spec, state):
        cells = []
        for column, value in zip(spec.columns, values):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif column.kind in formats:
                cell.number_format = formats[column.kind]
            cells.append(cell)
        sheet.append(cells)
    workbook.save(stream)


def write_csv(spec: ListSpec, state: ListState, stream) -> None:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")  # Belgian Excel expects ';' with a decimal comma
    writer.writerow([gettext(c.label) for c in spec.columns])
    for values in iter_rows(spec, state):
        writer.writerow([csv_cell(v) for v in values])
    text.flush()
    text.detach()


def export(spec: ListSpec, state: ListState, fmt: str):
    stream = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    if fmt == "xlsx":
        write_xlsx(spec, state, stream)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        write_csv(spec, state, stream)
        mimetype = "text/csv"
    stream.seek(0)
    name = f"{spec.name}-{dt.date.today().isoformat()}.{fmt}"
    return send_file(stream, mimetype=mimetype, as_attachment=True, download_name=name)


def respond(spec: ListSpec, template: str, **context):
    """Answer a list request: a file export, the table alone for htmx, or the whole page."""
    state = ListState.from_args(spec, request.args)
    fmt = request.args.get("export")
    if fmt in EXPORT_FORMATS:
        return export(spec, state, fmt)
    page = load_page(spec, state, current_app.config["LIST_PAGE_SIZE"])
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == f"list-{spec.name}":
        return render_template("web/list_table.html", page=page)
    return render_template(template, page=page, **context)
