"""Tickets on paper: ESC/POS bytes printed to a receiver on 127.0.0.1 and checked byte by byte."""
from __future__ import annotations

import doctest
import re

import pytest

from equisis.core.i18n import gettext
from equisis.pos import receipt
from equisis.pos.printer import PrinterConfig, send
from equisis.pos.receipt import ReceiptLine, drawer_kick, escpos_text_report, escpos_ticket
from tests.pos.escpos_receiver import escpos_printer, sample_receipt  # noqa: F401 (fixture)

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"
CP858 = ESC + b"t\x13"  # ESC t 19
CP1252 = ESC + b"t\x10"  # ESC t 16
DRAWER = ESC + b"p\x00\x32\x32"  # ESC p m=0 (pin 2) t1=50 t2=50
CUT = ESC + b"d\x06" + GS + b"V\x00"  # feed 6 lines, full cut
BOLD_ON, DOUBLE_HEIGHT = ESC + b"E\x01", ESC + b"!\x10"


def printed(printer, data, **options) -> bytes:
    """Print ``data`` on the loopback test printer and return what it received."""
    payload = escpos_ticket(data, **options)
    send(PrinterConfig("tcp", printer.address, timeout_s=5), payload)
    received = printer.wait_for_jobs(1)[0]
    assert received == payload
    return received


def test_a_ticket_reaches_the_printer_as_escpos(escpos_printer):
    data = printed(escpos_printer, sample_receipt(), open_drawer=True)
    # init, then the code page (CP858), then the drawer pulse while the paper prints
    assert data.startswith(INIT + CP858 + DRAWER)
    assert data.count(CP858) == 1 and data.count(ESC + b"t") == 1
    # accented text encoded in CP858, letter by letter
    assert "Crème brûlée à la française".encode("cp858") in data
    assert b"Cr\x8ame br\x96l\x82e \x85 la fran\x87aise" in data
    assert "Straße Müller Öl Äpfel".encode("cp858") in data
    assert b"\x82 \x8a \x87 \x85 \x81 \x94 \x84 \xe1 \xd5" in data  # é è ç à ü ö ä ß €
    # the total: bold, double height, the amount with the euro sign (0xD5 in CP858)
    total = re.search(rb"\x1b!\x10\x1bE\x01(?:\x1b[a-zE!].|\x1dB.)*(Total +19,99 \xd5)\n", data)
    assert total, data
    assert len(total.group(1)) == 42
    # columns: the article's amount and VAT code at the right edge of a 42-character line
    assert ("Straße Müller Öl Äpfel".ljust(35) + "12,99 A").encode("cp858") in data
    assert b"  2 x 3,50\n" in data and b"  -10 %\n" in data
    # cash rounding, amount to pay, payment, change, the VAT summary
    assert re.search(rb"\n[^\n]*0,01\n", data) and b"20,00 \xd5" in data
    assert gettext("Change given", locale="fr").encode("cp858") in data
    assert b"A     21 %     10,74      2,25       12,99\n" in data
    # the ticket's Code128 barcode: GS k 73 n "{B" data, HRI below, centred
    assert GS + b"kI\x0c{BT010000123" in data
    assert GS + b"H\x02" in data  # human-readable digits below the bars
    # ticket number and date in the customer's language; cut at the end
    assert b"Ticket T01-2026-000123" in data and b"14 mars 2026 10:05" in data
    assert data.endswith(CUT)


def test_the_drawer_only_opens_when_asked(escpos_printer):
    data = printed(escpos_printer, sample_receipt())
    assert DRAWER not in data and ESC + b"p" not in data
    assert drawer_kick() == DRAWER


def test_the_printed_texts_follow_the_customers_language():
    texts = {lang: escpos_ticket(sample_receipt(language=lang)) for lang in ("fr", "nl", "de", "en")}
    assert b"TVA" in texts["fr"] and b"Caissier: Zo\x89" in texts["fr"]
    assert b"Totaal" in texts["nl"] and b"Btw" in texts["nl"] and b"\xd5 19,99" in texts["nl"]
    assert b"14 mrt 2026" in texts["nl"] and b"Kassier" in texts["nl"]
    assert b"Gesamt" in texts["de"] and b"MwSt." in texts["de"] and b"14.03.2026" in texts["de"]
    assert b"Kassierer" in texts["de"] and b"19,99 \xd5" in texts["de"]
    assert b"VAT" in texts["en"] and b"Cashier" in texts["en"]
    for lang, data in texts.items():
        # every receipt text goes through gettext in the ticket's language (new texts included)
        for msgid in ("Cash rounding", "To pay", "Change given", "Rate", "Base", "Total", "Paid in cash"):
            assert gettext(msgid, locale=lang).encode("cp858") in data, (lang, msgid)


def test_a_reprint_is_marked_as_a_copy(escpos_printer):
    original = escpos_ticket(sample_receipt())
    copy = printed(escpos_printer, sample_receipt(copy=True))
    mark = f"*** {gettext('DUPLICATE', locale='fr')} ***".encode("cp858")
    assert mark not in original
    assert copy.count(mark) == 2  # at the top (inverted) and under the barcode
    assert GS + b"B\x01" + mark in copy  # white on black
    nl_copy = escpos_ticket(sample_receipt(copy=True, language="nl"))
    assert f"*** {gettext('DUPLICATE', locale='nl')} ***".encode("cp858") in nl_copy


def test_a_refund_is_marked():
    data = escpos_ticket(sample_receipt(refund=True, total_cents=-1999, to_pay_cents=-2000))
    assert f"*** {gettext('REFUND', locale='fr')} ***".encode("cp858") in data
    assert b"-19,99 \xd5" in data


def test_the_cp1252_code_page_can_be_chosen():
    data = escpos_ticket(sample_receipt(), code_page="CP1252")
    assert data.startswith(INIT + CP1252)
    assert "é è ç à ü ö ä ß €".encode("cp1252") in data  # € is 0x80 there
    assert b"\x80" in data
    with pytest.raises(ValueError):
        escpos_ticket(sample_receipt(), code_page="UTF-8")


def test_shop_data_cannot_send_printer_commands():
    """A description holding ESC p (drawer) or GS V (cut) prints as text without the control bytes."""
    sneaky = ReceiptLine("Vase\x1bp\x002\x32 bleu\x1dV\x00", 1000, "", 900, 900, "A")
    data = escpos_ticket(sample_receipt(lines=(sneaky,), company_name="Shop\x1b@"))
    assert ESC + b"p" not in data
    assert data.count(GS + b"V") == 1 and data.count(INIT) == 1
    assert b"Vasep22 bleuV" in data


def test_characters_outside_the_code_page_are_transliterated():
    line = ReceiptLine("Œufs “bio” – 6 pièces…", 1000, "", 450, 450, "C")
    data = escpos_ticket(sample_receipt(lines=(line,)))
    assert b'OEufs "bio" - 6 pi\x8aces...' in data
    assert receipt.printable("Ἀθῆναι ★", "CP858") == "?????? ?"


def test_long_descriptions_wrap_within_the_paper_width():
    long = ReceiptLine("Guirlande lumineuse extérieure à LED blanc chaud 20 mètres", 3000, "pc", 1500,
                       4500, "A")
    data = escpos_ticket(sample_receipt(lines=(long,)), width_chars=32)
    text = re.sub(rb"\x1b[a-zE!t].|\x1d[BHhwf].|\x1bd.|\x1dV.|\x1d[kI]+.", b"", data)
    lines = [line for line in text.decode("cp858", "replace").split("\n")]
    body = [line for line in lines if "Guirlande" in line or "20 mètres" in line]
    assert body and all(len(line) <= 32 for line in lines if "{B" not in line)
    assert body[0].endswith("45,00 A")
    assert "  3 pc x 15,00" in lines


def test_weighed_articles_show_quantity_and_unit():
    cheese = ReceiptLine("Fromage de Herve", 1254, "kg", 2290, 2872, "C")
    data = escpos_ticket(sample_receipt(lines=(cheese,)))
    assert b"  1,254 kg x 22,90\n" in data


def test_a_ticket_barcode_must_be_printable_ascii():
    with pytest.raises(ValueError):
        escpos_ticket(sample_receipt(barcode="T01\x1b"))
    with pytest.raises(ValueError):
        escpos_ticket(sample_receipt(barcode=""))


def test_the_x_and_z_reports_print_as_two_columns(escpos_printer):
    payload = escpos_text_report("Z report", [("Cash", ""), ("Expected", "1 234,50 €"),
                                              ("Difference", "-0,05 €")], "nl")
    send(PrinterConfig("tcp", escpos_printer.address, timeout_s=5), payload)
    data = escpos_printer.wait_for_jobs(1)[0]
    assert data.startswith(INIT + CP858) and data.endswith(CUT)
    assert BOLD_ON in data and DOUBLE_HEIGHT in data
    heading = gettext("Cash", locale="nl").encode()  # labels that are msgids are translated
    assert re.search(rb"\n\x1bE\x01\x1ba\x00" + heading + rb"\n", data)  # a bold heading row
    expected = gettext("Expected", locale="nl").encode("cp858")
    assert re.search(expected + rb" +1 234,50 \xd5\n", data)
    difference = gettext("Difference", locale="nl").encode()
    row = re.search(rb"(" + difference + rb" +-0,05 \xd5)\n", data)
    assert row and len(row.group(1)) == 42


def test_doctests():
    assert doctest.testmod(receipt).failed == 0


def test_python_escpos_leaves_logging_and_stdout_alone():
    """Its import calls logging.basicConfig() and its barcode() prints: neither may reach Equisis."""
    import subprocess
    import sys

    code = ("import logging; from equisis.pos.receipt import escpos_ticket, drawer_kick; "
            "from tests.pos.escpos_receiver import sample_receipt; escpos_ticket(sample_receipt()); "
            "drawer_kick(); print(len(logging.getLogger().handlers))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert out.stdout == "0\n" and out.stderr == ""
