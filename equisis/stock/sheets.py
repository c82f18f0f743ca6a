"""Printed and exported stock documents: count sheets (PDF), a count as Excel, barcode and location labels.

Reading happens first (:func:`count_rows`), rendering after, outside any write transaction.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from equisis.catalog import service as catalog
from equisis.catalog.models import Item
from equisis.core.i18n import N_, gettext
from equisis.documents.pdf import BusinessDocument, TableColumn
from equisis.stock import inventory as inventories
from equisis.stock.models import Inventory

COUNT_COLUMNS_BLIND = (TableColumn(N_("Location"), 1.3), TableColumn(N_("Item"), 1.2),
                       TableColumn(N_("Description"), 3), TableColumn(N_("Lot"), 1),
                       TableColumn(N_("Counted"), 1, "quantity"))
COUNT_COLUMNS = COUNT_COLUMNS_BLIND[:4] + (TableColumn(N_("Expected"), 1, "quantity"),
                                           TableColumn(N_("Counted"), 1, "quantity"))


def count_rows(inventory: Inventory, language: str) -> list[dict]:
    names = {i.id: catalog.label(i, language) for i in
             Item.select().where(Item.id.in_([x.item_id for x in inventories.count_lines(inventory)]))}
    return [{"location": x.location, "item": x.item_code, "name": names.get(x.item_id, ""), "lot": x.lot,
             "expected": x.expected_milli, "counted": x.counted_milli,
             "variance": None if x.counted_milli is None else x.variance_milli}
            for x in inventories.count_lines(inventory)]


def count_sheet_pdf(inventory: Inventory, letterhead, *, language: str, show_expected: bool = False) -> bytes:
    """The sheets a clerk counts on: one line per item × location × lot, an empty "counted" column."""
    rows = count_rows(inventory, language)
    pdf = BusinessDocument(letterhead, language=language,
                           title=gettext(N_("Count sheet {number}"), locale=language, number=inventory.number))
    pdf.add_page()
    pdf.title_block(details=[(N_("Warehouse"), inventory.warehouse.code), (N_("Date"), pdf.day(inventory.day)),
                             (N_("Locations"), inventory.location_prefix or "*")])
    columns = COUNT_COLUMNS if show_expected else COUNT_COLUMNS_BLIND
    pdf.lines_table(columns, [[r["location"], r["item"], r["name"], r["lot"]]
                              + ([r["expected"]] if show_expected else []) + [None] for r in rows])
    return pdf.to_bytes()


def count_xlsx(inventory: Inventory, language: str) -> bytes:
    """Any count as a workbook (location, item, name, lot, expected, counted, variance) - text never a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = inventory.number.replace("/", "-")[:31]
    header = [N_("Location"), N_("Item"), N_("Description"), N_("Lot"), N_("Expected"), N_("Counted"),
              N_("Variance")]
    sheet.append([gettext(h, locale=language) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in count_rows(inventory, language):
        values = [row["location"], row["item"], row["name"], row["lot"]]
        numbers = [row["expected"], row["counted"], row["variance"]]
        sheet.append(values + [None if n is None else n / 1000 for n in numbers])
        for cell in sheet[sheet.max_row][:4]:
            cell.data_type = "s"
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _code128_png(text: str) -> bytes:
    from barcode import Code128
    from barcode.writer import ImageWriter

    stream = io.BytesIO()
    Code128(text, writer=ImageWriter()).write(stream, options={"module_height": 8, "font_size": 6,
                                                               "text_distance": 3, "quiet_zone": 2})
    return stream.getvalue()


def labels_pdf(labels: list[tuple[str, str]], letterhead, *, language: str) -> bytes:
    """Labels three across: (barcode text, caption) - location codes or item barcodes."""
    pdf = BusinessDocument(letterhead, language=language, title=gettext(N_("Labels"), locale=language))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width, height, top = 58, 32, 60
    for index, (code, caption) in enumerate(labels):
        slot = index % 18
        if index and slot == 0:
            pdf.add_page()
        x = pdf.l_margin + (slot % 3) * (width + 2)
        y = top + (slot // 3) * (height + 4)
        pdf.set_xy(x, y)
        pdf.set_font(size=8)
        pdf.cell(width, 4, caption[:40])
        pdf.image(io.BytesIO(_code128_png(code)), x=x, y=y + 5, w=width - 4, h=height - 8)
    return pdf.to_bytes()
