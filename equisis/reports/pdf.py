"""A report's sheet as a PDF: the company letterhead, the title and range, one table, page numbers.

Built on :class:`equisis.documents.pdf.BusinessDocument`, in the language the
user chose: titles and labels through its gettext, amounts through its money
formatter (int cents → "1 234,56 €" in French, "€ 1.234,56" in Dutch). Wide
reports (ledgers, aged balances, comparisons) print on landscape pages. Drill-down
links of the sheet do not print. Rendering reads no database: call it outside
any write transaction.
"""
from __future__ import annotations

import datetime as dt

from fpdf import FontFace

from equisis.documents.pdf import FONT, HEADING_FILL, LINE_GREY, BusinessDocument
from equisis.reports.layout import Sheet, render

TOTAL_FILL = (245, 245, 245)
INDENT = "    "


class ReportDocument(BusinessDocument):
    """A business document whose body is a report table with headings and totals."""

    def cell_text(self, kind: str, value) -> str:
        value = render(value, self.language)
        if value is None:
            return ""
        if kind == "money" and isinstance(value, int):
            return self.money(value)
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return str(value)

    def report_table(self, sheet: Sheet) -> None:
        columns = sheet.columns
        self.set_font(FONT, "", 7.5)
        self.set_draw_color(*LINE_GREY)
        styles = {
            "heading": FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            "subtotal": FontFace(emphasis="BOLD"),
            "total": FontFace(emphasis="BOLD", fill_color=TOTAL_FILL),
            "note": FontFace(emphasis="ITALICS"),
        }
        align = tuple("LEFT" if c.kind == "text" else "RIGHT" for c in columns)
        with self.table(col_widths=tuple(c.width for c in columns), width=self.epw, text_align=align,
                        borders_layout="HORIZONTAL_LINES",
                        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
                        line_height=3.8, padding=(0.8, 1.0), v_align="TOP") as table:
            heading = table.row()
            for column in columns:
                heading.cell(self._(column.title))
            for row in sheet.rows:
                line = table.row(style=styles.get(row.style))
                for index, (column, value) in enumerate(zip(columns, row.cells)):
                    content = self.cell_text(column.kind, value)
                    if index == 1 and row.level and content:
                        content = INDENT * row.level + content
                    line.cell(content)
        self.set_font(FONT, "", 10)


def render_pdf(sheet: Sheet, letterhead, *, language: str, created_at: dt.datetime | None = None) -> bytes:
    """The PDF of ``sheet`` on ``letterhead`` (a Letterhead or mapping) in ``language``."""
    title = render(sheet.title, language)
    pdf = ReportDocument(letterhead, language=language, title=title, created_at=created_at)
    pdf.add_page(orientation="L" if sheet.landscape else "P")
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for line in sheet.subtitle:
        pdf.multi_cell(0, 4.5, render(line, language), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.report_table(sheet)
    return pdf.to_bytes()
