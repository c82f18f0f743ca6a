"""Sales statistics: turnover and margin by customer, item, family or month, a bar chart, an Excel file.

Turnover is the net (excluding VAT) of posted invoices less posted credit notes;
the margin is turnover less the cost of the items sold (their purchase price per
sale unit when the line was saved). One grouped query per table, whatever the
number of documents.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from peewee import Case, fn

from equisis.core.i18n import N_, gettext
from equisis.core.money import from_cents
from equisis.sales import rules
from equisis.sales.errors import StatisticsDimension
from equisis.sales.models import SalesInvoice, SalesInvoiceLine

DIMENSIONS = {"customer": N_("Customer"), "item": N_("Item"), "family": N_("Family"), "month": N_("Month")}


@dataclass(frozen=True)
class StatRow:
    key: str
    label: str
    turnover_cents: int
    cost_cents: int
    documents_count: int

    @property
    def margin_cents(self) -> int:
        return self.turnover_cents - self.cost_cents

    @property
    def margin_bp(self) -> int | None:
        """The margin as a share of the turnover, in basis points (None without turnover)."""
        return None if not self.turnover_cents else round(self.margin_cents * 10_000 / self.turnover_cents)


def statistics(dimension: str, *, start: dt.date | None = None, end: dt.date | None = None) -> list[StatRow]:
    """Rows of the chosen dimension, largest turnover first (months in calendar order)."""
    if dimension not in DIMENSIONS:
        raise StatisticsDimension(value=dimension, field="by")
    sign = Case(SalesInvoice.kind, ((rules.CREDIT_NOTE, -1),), 1)
    key = {"customer": SalesInvoice.party, "item": SalesInvoiceLine.item_code,
           "family": SalesInvoiceLine.family_code, "month": fn.SUBSTR(SalesInvoice.date, 1, 7)}[dimension]
    label = {"customer": fn.MAX(SalesInvoice.party_name), "item": fn.MAX(SalesInvoiceLine.description)}.get(
        dimension, key)
    query = (SalesInvoiceLine
             .select(key.alias("key"), label.alias("label"),
                     fn.SUM(SalesInvoiceLine.net_cents * sign).alias("turnover"),
                     fn.SUM(SalesInvoiceLine.cost_cents * sign).alias("cost"),
                     fn.COUNT(fn.DISTINCT(SalesInvoice.id)).alias("documents"))
             .join(SalesInvoice)
             .where(SalesInvoice.state == rules.POSTED))
    if start:
        query = query.where(SalesInvoice.date >= start)
    if end:
        query = query.where(SalesInvoice.date <= end)
    rows = []
    for row in query.group_by(key).dicts():
        text_key = "" if row["key"] is None else str(row["key"])
        shown = row["label"] if row["label"] is not None else (text_key or gettext(N_("(none)")))
        if dimension == "item" and text_key:
            shown = f"{text_key} · {shown}"
        rows.append(StatRow(text_key, str(shown), int(row["turnover"] or 0), int(row["cost"] or 0),
                            int(row["documents"] or 0)))
    if dimension == "month":
        return sorted(rows, key=lambda r: r.key)
    return sorted(rows, key=lambda r: (-r.turnover_cents, r.label))


def bar_chart_svg(rows: list[StatRow], *, limit: int = 12, width: int = 640, bar_height: int = 18) -> str:
    """A horizontal bar chart of turnover (and margin, darker) as inline SVG; pure text, no script."""
    shown = rows[:limit]
    top = max([abs(r.turnover_cents) for r in shown] + [1])
    label_width, gap = 200, 6
    height = max(1, len(shown)) * (bar_height + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">']
    room = width - label_width - 10
    for index, row in enumerate(shown):
        y = gap + index * (bar_height + gap)
        turnover = max(0, round(room * row.turnover_cents / top))
        margin = max(0, min(turnover, round(room * row.margin_cents / top)))
        parts.append(f'<text x="0" y="{y + bar_height - 5}" font-size="12">{escape(row.label[:32])}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{turnover}" height="{bar_height}" fill="#9db7d5">'
                     f'<title>{escape(row.label)}: {from_cents(row.turnover_cents)}</title></rect>')
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{margin}" height="{bar_height - 8}" '
                     f'fill="#2f5d8a" data-margin="{row.margin_cents}"/>')
    parts.append("</svg>")
    return "".join(parts)


def to_xlsx(rows: list[StatRow], dimension: str) -> bytes:
    """The statistics as an Excel workbook (text cells never read as formulas)."""
    book = Workbook()
    sheet = book.active
    sheet.title = gettext(DIMENSIONS[dimension])[:31]
    heading = [gettext(DIMENSIONS[dimension]), gettext(N_("Turnover")), gettext(N_("Cost")),
               gettext(N_("Margin")), gettext(N_("Margin %")), gettext(N_("Documents"))]
    sheet.append(heading)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        percent = None if row.margin_bp is None else Decimal(row.margin_bp) / 100
        sheet.append([row.label, from_cents(row.turnover_cents), from_cents(row.cost_cents),
                      from_cents(row.margin_cents), percent, row.documents_count])
        sheet.cell(sheet.max_row, 1).data_type = "s"
        for column in (2, 3, 4):
            sheet.cell(sheet.max_row, column).number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
