"""Receipt printer transports: raw TCP (port 9100, "JetDirect") and a USB printer's device file.

:func:`send` delivers ESC/POS bytes (from :mod:`equisis.pos.receipt`) or raises
:class:`PrinterUnreachable`, a translated error naming the printer's address and why; the POS core
then keeps the ticket's print job queued for reprint, and the sale stands. Every step is bounded by
``config.timeout_s`` (one deadline for the whole delivery), so a dead printer never blocks a till.

TCP: connect, send everything, half-close (``shutdown(SHUT_WR)``), then wait for the printer to
close its side — as CUPS' socket backend does by default ("waiteof"). A printer that accepted the
connection but does not read (paper out, cover open, hung) never reaches our end of data, so the
delivery times out instead of being reported as printed while the bytes sit in a socket buffer.
Bytes the printer sends back (automatic status) are read and ignored.

USB: the kernel's usblp driver exposes the printer as a character device (``/dev/usb/lp0``). The
file is opened write-only, non-blocking and never created (a missing device is an error, not a new
file), and written with ``poll()`` up to the deadline; the Equisis service user must be in the
``lp`` group. Any writable file works, which is how the tests stand in for a device.

Nothing here touches the database: call :func:`send` outside ``write()`` transactions.
"""
from __future__ import annotations

import errno
import logging
import os
import select
import socket
import stat
import time
from dataclasses import dataclass

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_, lazy_gettext

log = logging.getLogger(__name__)

KINDS = ("tcp", "usb", "none")
DEFAULT_PORT = 9100
DEFAULT_TIMEOUT_S = 3.0
MAX_TIMEOUT_S = 60.0

REASON_REFUSED = N_("the printer refused the connection")
REASON_TIMEOUT = N_("the printer did not take the ticket in time")
REASON_NETWORK = N_("the network connection failed")
REASON_UNKNOWN_HOST = N_("this printer name is unknown on the network")
REASON_NO_DEVICE = N_("no printer is connected on this port")
REASON_DENIED = N_("the appliance may not use this port (add the service user to the lp group)")
REASON_DEVICE_ERROR = N_("the printer reported an error")
REASON_NOT_CONFIGURED = N_("no receipt printer is configured for this terminal")
REASON_BAD_ADDRESS = N_("the printer's address is not valid")


class PrinterUnreachable(EquisisError):
    """The ticket could not be delivered to the receipt printer (it stays queued for reprint)."""

    template = N_("The receipt printer {address} cannot be reached: {reason}.")
    status = 503

    def __init__(self, address: str, reason: str, *, detail: str = ""):
        self.address = address
        self.reason = reason  # the English msgid, for logs and tests
        self.detail = detail  # the system's own words (errno text), for logs only
        super().__init__(address=address or "?", reason=lazy_gettext(reason))


class InvalidPrinterSetting(EquisisError):
    """A terminal's printer settings are wrong (a settings form shows it on ``field``)."""

    template = N_("“{value}” is not a valid receipt printer setting: {hint}")


@dataclass(frozen=True)
class PrinterConfig:
    kind: str  # "tcp" | "usb" | "none"
    address: str  # "192.168.1.50:9100", "printer.local" (port 9100), "[fe80::5]:9100" or "/dev/usb/lp0"
    timeout_s: float = DEFAULT_TIMEOUT_S


def check_config(kind: str, address: str, timeout_s: float | str = DEFAULT_TIMEOUT_S) -> PrinterConfig:
    """Settings as typed in a form -> a valid :class:`PrinterConfig`, or InvalidPrinterSetting.

    >>> check_config("tcp", " 192.168.1.50 ")
    PrinterConfig(kind='tcp', address='192.168.1.50:9100', timeout_s=3.0)
    >>> check_config("usb", "/dev/usb/lp0", "5").timeout_s
    5.0
    """
    kind = (kind or "").strip().lower()
    address = (address or "").strip()
    if kind not in KINDS:
        raise InvalidPrinterSetting(kind, field="printer_kind",
                                    hint=lazy_gettext(N_("choose network (TCP), USB or none.")))
    try:
        timeout = float(str(timeout_s).replace(",", "."))
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= MAX_TIMEOUT_S:
        raise InvalidPrinterSetting(str(timeout_s), field="printer_timeout",
                                    hint=lazy_gettext(N_("a number of seconds between 0 and {max}."),
                                                      max=int(MAX_TIMEOUT_S)))
    if kind == "tcp":
        try:
            host, port = tcp_endpoint(address)
        except ValueError:
            raise InvalidPrinterSetting(address, field="printer_address", hint=lazy_gettext(
                N_("type the printer's IP address or name, optionally followed by :port."))) from None
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    elif kind == "usb":
        if not address.startswith("/") or "\x00" in address:
            raise InvalidPrinterSetting(address, field="printer_address", hint=lazy_gettext(
                N_("type the device path, such as /dev/usb/lp0.")))
    else:
        address = ""
    return PrinterConfig(kind, address, timeout)


def tcp_endpoint(address: str) -> tuple[str, int]:
    """'192.168.1.50:9100' -> ('192.168.1.50', 9100); the port defaults to 9100; ValueError if wrong.

    >>> tcp_endpoint("printer.local"), tcp_endpoint("[fe80::5]:9101"), tcp_endpoint("fe80::5")
    (('printer.local', 9100), ('fe80::5', 9101), ('fe80::5', 9100))
    """
    text = (address or "").strip()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(address)
        port_text = rest[1:] if rest else ""
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, ""  # a name, an IPv4 address or a bare IPv6 address
    port = int(port_text) if port_text.isdigit() else (DEFAULT_PORT if not port_text else -1)
    if not host or any(c.isspace() for c in host) or "/" in host or not 0 < port < 65536:
        raise ValueError(address)
    return host, port


def send(config: PrinterConfig, payload: bytes) -> None:
    """Deliver ``payload`` to the printer within ``config.timeout_s``, or raise PrinterUnreachable."""
    try:
        if config.kind == "tcp":
            _send_tcp(config, payload)
        elif config.kind == "usb":
            _send_usb(config, payload)
        else:
            raise PrinterUnreachable(config.address, REASON_NOT_CONFIGURED)
    except PrinterUnreachable as exc:
        log.warning("receipt printer %s (%s) unreachable: %s %s", config.address, config.kind,
                    exc.reason, exc.detail)
        raise


def probe(config: PrinterConfig) -> bool:
    """Is the printer there? TCP: it accepts a connection; USB: the device exists and is writable.

    Sends nothing (no blank paper); a True does not promise paper in the printer.
    """
    if config.kind == "tcp":
        try:
            host, port = tcp_endpoint(config.address)
            with socket.create_connection((host, port), timeout=config.timeout_s):
                return True
        except (OSError, ValueError):
            return False
    if config.kind == "usb":
        path = config.address
        return bool(path) and os.path.exists(path) and not os.path.isdir(path) and os.access(path, os.W_OK)
    return False


# --------------------------------------------------------------------------- TCP


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    return left


def _send_tcp(config: PrinterConfig, payload: bytes) -> None:
    address = config.address
    try:
        host, port = tcp_endpoint(address)
    except ValueError:
        raise PrinterUnreachable(address, REASON_BAD_ADDRESS) from None
    deadline = time.monotonic() + config.timeout_s
    try:
        sock = socket.create_connection((host, port), timeout=config.timeout_s)
    except socket.gaierror as exc:
        raise PrinterUnreachable(address, REASON_UNKNOWN_HOST, detail=str(exc)) from None
    except ConnectionRefusedError as exc:
        raise PrinterUnreachable(address, REASON_REFUSED, detail=str(exc)) from None
    except (TimeoutError, socket.timeout) as exc:
        raise PrinterUnreachable(address, REASON_TIMEOUT, detail=str(exc)) from None
    except OSError as exc:
        raise PrinterUnreachable(address, REASON_NETWORK, detail=str(exc)) from None
    try:
        with sock:
            view = memoryview(payload)
            while view:  # sendall() would restart its timeout at every chunk: one deadline instead
                sock.settimeout(_remaining(deadline))
                sent = sock.send(view)
                view = view[sent:]
            sock.shutdown(socket.SHUT_WR)
            while True:  # wait for the printer to close its side: it has read everything
                sock.settimeout(_remaining(deadline))
                if not sock.recv(4096):
                    return
    except (TimeoutError, socket.timeout) as exc:
        raise PrinterUnreachable(address, REASON_TIMEOUT, detail=str(exc)) from None
    except OSError as exc:  # reset by the peer, broken pipe, network down
        raise PrinterUnreachable(address, REASON_NETWORK, detail=str(exc)) from None


# --------------------------------------------------------------------------- USB


_USB_REASONS = {
    errno.ENOENT: REASON_NO_DEVICE, errno.ENODEV: REASON_NO_DEVICE, errno.ENXIO: REASON_NO_DEVICE,
    errno.ENOTDIR: REASON_NO_DEVICE, errno.EISDIR: REASON_NO_DEVICE,
    errno.EACCES: REASON_DENIED, errno.EPERM: REASON_DENIED, errno.EROFS: REASON_DENIED,
    errno.ETIMEDOUT: REASON_TIMEOUT, errno.EBUSY: REASON_TIMEOUT,
}


def _send_usb(config: PrinterConfig, payload: bytes) -> None:
    path = config.address
    if not path or not path.startswith("/") or "\x00" in path:
        raise PrinterUnreachable(path, REASON_BAD_ADDRESS)
    deadline = time.monotonic() + config.timeout_s
    try:
        # No O_CREAT: a missing device must fail, not become a regular file in /dev.
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_APPEND | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise PrinterUnreachable(path, _USB_REASONS.get(exc.errno, REASON_DEVICE_ERROR),
                                 detail=str(exc)) from None
    try:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise PrinterUnreachable(path, REASON_NO_DEVICE)
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        view = memoryview(payload)
        while view:
            try:
                written = os.write(fd, view)
            except BlockingIOError:
                written = 0
            view = view[written:]
            if view and not written:
                events = poller.poll(_remaining(deadline) * 1000)
                if any(mask & (select.POLLERR | select.POLLHUP | select.POLLNVAL) for _, mask in events):
                    raise PrinterUnreachable(path, REASON_DEVICE_ERROR)
    except TimeoutError as exc:
        raise PrinterUnreachable(path, REASON_TIMEOUT, detail=str(exc)) from None
    except OSError as exc:
        raise PrinterUnreachable(path, _USB_REASONS.get(exc.errno, REASON_DEVICE_ERROR),
                                 detail=str(exc)) from None
    finally:
        os.close(fd)
