"""Printer transports on loopback and on files standing for USB devices; the printer unreachable."""
from __future__ import annotations

import doctest
import os
import threading

import pytest

from equisis.pos import printer
from equisis.pos.printer import (InvalidPrinterSetting, PrinterConfig, PrinterUnreachable, check_config,
                                 probe, send)
from equisis.pos.receipt import escpos_ticket
from tests.pos.escpos_receiver import (closed_port, escpos_printer, hung_printer,  # noqa: F401 (fixtures)
                                       sample_receipt)


@pytest.fixture
def ticket() -> bytes:
    return escpos_ticket(sample_receipt(), open_drawer=True)


# --------------------------------------------------------------------------- TCP


def test_tickets_are_delivered_whole_one_job_per_connection(escpos_printer, ticket):
    config = PrinterConfig("tcp", escpos_printer.address, timeout_s=5)
    send(config, ticket)
    send(config, b"\x1b@second")
    assert escpos_printer.wait_for_jobs(2) == [ticket, b"\x1b@second"]


def test_a_large_job_is_delivered(escpos_printer):
    payload = bytes(range(256)) * 16384  # 4 MiB: many send() calls
    send(PrinterConfig("tcp", escpos_printer.address, timeout_s=30), payload)
    assert escpos_printer.wait_for_jobs(1)[0] == payload


def test_a_printer_refusing_the_connection_is_unreachable(ticket):
    address = f"127.0.0.1:{closed_port()}"
    with pytest.raises(PrinterUnreachable) as caught:
        send(PrinterConfig("tcp", address, timeout_s=2), ticket)
    error = caught.value
    assert error.reason == printer.REASON_REFUSED
    assert error.address == address
    for lang in ("fr", "nl", "de", "en"):
        assert address in error.message(lang)
    assert error.message("en") == f"The receipt printer {address} cannot be reached: the printer refused the connection."
    assert error.status == 503 and error.as_dict("nl")["error"] == "PrinterUnreachable"


@pytest.mark.timeout(30)
def test_a_printer_that_accepts_but_never_reads_times_out(hung_printer, ticket):
    """The bytes fit in the socket buffers, but the printer never reads them: not printed."""
    with pytest.raises(PrinterUnreachable) as caught:
        send(PrinterConfig("tcp", hung_printer.address, timeout_s=0.5), ticket)
    assert caught.value.reason == printer.REASON_TIMEOUT
    assert hung_printer.address in caught.value.message("fr")
    assert hung_printer.jobs == []


@pytest.mark.timeout(60)
def test_a_hung_printer_cannot_block_a_large_send(hung_printer):
    """More than the socket buffers hold: send() itself blocks, and the deadline still applies."""
    payload = b"\x00" * (64 * 1024 * 1024)
    with pytest.raises(PrinterUnreachable) as caught:
        send(PrinterConfig("tcp", hung_printer.address, timeout_s=0.5), payload)
    assert caught.value.reason == printer.REASON_TIMEOUT


def test_a_printer_that_goes_away_mid_job_is_unreachable(ticket):
    """The printer closes the connection right after accepting it (reset or early close)."""
    import socket

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def slam():
        conn, _ = server.accept()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()  # linger 0: RST

    thread = threading.Thread(target=slam, daemon=True)
    thread.start()
    try:
        with pytest.raises(PrinterUnreachable) as caught:
            send(PrinterConfig("tcp", f"127.0.0.1:{port}", timeout_s=5), ticket * 2000)
        assert caught.value.reason in (printer.REASON_NETWORK, printer.REASON_TIMEOUT)
    finally:
        thread.join(5)
        server.close()


def test_a_wrong_address_or_no_printer_is_unreachable(ticket):
    with pytest.raises(PrinterUnreachable) as caught:
        send(PrinterConfig("tcp", "127.0.0.1:99999"), ticket)
    assert caught.value.reason == printer.REASON_BAD_ADDRESS
    with pytest.raises(PrinterUnreachable) as caught:
        send(PrinterConfig("none", ""), ticket)
    assert caught.value.reason == printer.REASON_NOT_CONFIGURED


def test_probe_tells_whether_a_network_printer_answers(escpos_printer):
    assert probe(PrinterConfig("tcp", escpos_printer.address, timeout_s=2))
    assert not probe(PrinterConfig("tcp", f"127.0.0.1:{closed_port()}", timeout_s=2))
    assert not probe(PrinterConfig("none", ""))
    assert escpos_printer.wait_for_jobs(1) == [b""]  # a probe prints nothing


# --------------------------------------------------------------------------- USB


def test_a_usb_device_file_receives_the_ticket(tmp_path, ticket):
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    config = PrinterConfig("usb", str(device), timeout_s=2)
    assert probe(config)
    send(config, ticket)
    send(config, b"\x1b@next")
    assert device.read_bytes() == ticket + b"\x1b@next"


def test_a_missing_usb_device_is_unreachable_and_not_created(tmp_path, ticket):
    device = tmp_path / "usb" / "lp0"
    config = PrinterConfig("usb", str(device), timeout_s=2)
    assert not probe(config)
    with pytest.raises(PrinterUnreachable) as caught:
        send(config, ticket)
    assert caught.value.reason == printer.REASON_NO_DEVICE
    assert str(device) in caught.value.message("de")
    assert not device.exists()
    (tmp_path / "lp1").mkdir()  # a directory is no printer either
    with pytest.raises(PrinterUnreachable):
        send(PrinterConfig("usb", str(tmp_path / "lp1")), ticket)


def test_a_usb_port_with_nothing_behind_is_unreachable(tmp_path, ticket):
    """A FIFO nobody reads from stands for a port without a printer (the open fails: ENXIO)."""
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    with pytest.raises(PrinterUnreachable) as caught:
        send(PrinterConfig("usb", str(fifo), timeout_s=1), ticket)
    assert caught.value.reason == printer.REASON_NO_DEVICE


@pytest.mark.timeout(30)
def test_a_usb_printer_that_stops_reading_times_out(tmp_path):
    """A FIFO opened by a reader that never reads: the pipe fills, the write waits, the deadline hits."""
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with pytest.raises(PrinterUnreachable) as caught:
            send(PrinterConfig("usb", str(fifo), timeout_s=0.5), b"\x00" * (4 * 1024 * 1024))
        assert caught.value.reason == printer.REASON_TIMEOUT
    finally:
        os.close(reader)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_usb_device_without_permission_is_unreachable(tmp_path, ticket):
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    device.chmod(0o444)
    with pytest.raises(PrinterUnreachable) as caught:
        send(PrinterConfig("usb", str(device)), ticket)
    assert caught.value.reason == printer.REASON_DENIED
    assert device.read_bytes() == b""


# --------------------------------------------------------------------------- settings


def test_printer_settings_are_checked():
    assert check_config("TCP", "192.168.1.50") == PrinterConfig("tcp", "192.168.1.50:9100", 3.0)
    assert check_config("tcp", "[fe80::5]:9101", "2,5") == PrinterConfig("tcp", "[fe80::5]:9101", 2.5)
    assert check_config("usb", "/dev/usb/lp0").address == "/dev/usb/lp0"
    assert check_config("none", "whatever") == PrinterConfig("none", "", 3.0)
    for kind, address, timeout, field in [("serial", "/dev/ttyS0", 3, "printer_kind"),
                                          ("tcp", "printer:port", 3, "printer_address"),
                                          ("tcp", "", 3, "printer_address"),
                                          ("tcp", "10.0.0.9:70000", 3, "printer_address"),
                                          ("usb", "lp0", 3, "printer_address"),
                                          ("tcp", "10.0.0.9", "0", "printer_timeout"),
                                          ("tcp", "10.0.0.9", "soon", "printer_timeout")]:
        with pytest.raises(InvalidPrinterSetting) as caught:
            check_config(kind, address, timeout)
        assert caught.value.field == field
        assert caught.value.message("fr")


def test_doctests():
    assert doctest.testmod(printer).failed == 0
