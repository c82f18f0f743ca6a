"""A receipt printer stand-in on 127.0.0.1: a threaded raw-TCP (port 9100 style) receiver.

``EscposReceiver()`` listens on a free loopback port; each connection is one print job whose bytes
are recorded in ``jobs``. It behaves like a network receipt printer: it reads until the sender
half-closes, then closes its side (what ``equisis.pos.printer.send`` waits for). With
``reads=False`` it plays a hung printer: it accepts connections and never reads nor closes them.

    with EscposReceiver() as printer:
        send(PrinterConfig("tcp", printer.address), payload)
        assert printer.wait_for_jobs(1)[0] == payload

The ``escpos_printer`` fixture gives a running receiver (import it into a test module or conftest).
"""
from __future__ import annotations

import socket
import threading

import pytest


class EscposReceiver:
    def __init__(self, *, reads: bool = True, host: str = "127.0.0.1"):
        self.reads = reads
        self._server = socket.create_server((host, 0), backlog=16)
        self.host, self.port = self._server.getsockname()[:2]
        self.jobs: list[bytes] = []
        self._connections: list[socket.socket] = []
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="escpos-receiver", daemon=True)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def received(self) -> bytes:
        with self._lock:
            return b"".join(self.jobs)

    def start(self) -> "EscposReceiver":
        self._acceptor.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        try:
            # wake accept(): connect once more (shutdown() of a listening socket is not portable)
            socket.create_connection((self.host, self.port), timeout=1).close()
        except OSError:
            pass
        self._acceptor.join(timeout=5)
        self._server.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.close()
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> "EscposReceiver":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[bytes]:
        """The first ``count`` complete jobs (waits for them, up to ``timeout`` seconds)."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.jobs) >= count, timeout=timeout):
                raise AssertionError(f"the test printer received {len(self.jobs)} job(s), expected {count}")
            return list(self.jobs[:count])

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            if self._stopping.is_set():
                conn.close()
                return
            with self._lock:
                self._connections.append(conn)
            if self.reads:
                thread = threading.Thread(target=self._read_job, args=(conn,), daemon=True)
                self._threads.append(thread)
                thread.start()
            # else: a hung printer: the connection stays open, unread, until stop()

    def _read_job(self, conn: socket.socket) -> None:
        chunks = []
        try:
            conn.settimeout(30)
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except OSError:
            return
        finally:
            conn.close()
        with self._lock:
            self.jobs.append(b"".join(chunks))
            self._lock.notify_all()


def closed_port(host: str = "127.0.0.1") -> int:
    """A loopback port nobody listens on (bound, then released): connecting there is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@pytest.fixture
def escpos_printer():
    with EscposReceiver() as receiver:
        yield receiver


@pytest.fixture
def hung_printer():
    with EscposReceiver(reads=False) as receiver:
        yield receiver


def sample_receipt(**changes):
    """A ticket of a Brussels shop: accented French/German articles, two VAT rates, cash rounding."""
    import dataclasses
    import datetime as dt

    from equisis.pos.receipt import PAYMENT_LABELS, ReceiptData, ReceiptLine, ReceiptPayment, ReceiptVat

    data = ReceiptData(
        company_name="Déco Façade SRL",
        company_lines=("Rue de l'Étuve 1, 1000 Bruxelles", "BE 0123.456.749"),
        number="T01-2026-000123",
        moment=dt.datetime(2026, 3, 14, 10, 5),
        terminal="Kasse 1",
        cashier="Zoë",
        language="fr",
        lines=(
            ReceiptLine("Crème brûlée à la française", 2000, "", 350, 700, "C", "-10 %"),
            ReceiptLine("Straße Müller Öl Äpfel", 1000, "", 1299, 1299, "A"),
        ),
        vat=(ReceiptVat("A", 2100, 1074, 225), ReceiptVat("C", 600, 660, 40)),
        total_cents=1999, rounding_cents=1, to_pay_cents=2000,
        payments=(ReceiptPayment(PAYMENT_LABELS["cash"], 5000),), change_cents=3000,
        barcode="T010000123",
        footer_lines=("é è ç à ü ö ä ß €",),
    )
    return dataclasses.replace(data, **changes)
