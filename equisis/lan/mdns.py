"""mDNS with zeroconf: the server's :class:`LanAdvertiser`, and :func:`discover` / :class:`ServerWatch`
for terminals and ``equisis discover``.

Zeroconf is always opened on explicit addresses (``Zeroconf(interfaces=[...])``), never on "all
interfaces": the addresses come from :func:`equisis.lan.rules.addresses_to_advertise`, which never
picks loopback or container bridges, and the MDNS_INTERFACES setting can narrow them further.
"""
from __future__ import annotations

import atexit
import logging
import socket
import threading
import time
from typing import Callable, Iterable, Sequence

import ifaddr
from zeroconf import (DNSQuestionType, EventLoopBlocked, NonUniqueNameException, ServiceBrowser, ServiceInfo,
                      ServiceStateChange, Zeroconf)

from equisis.lan import rules
from equisis.lan.errors import NoLanAddress

log = logging.getLogger("equisis.lan")

#: The settings of mDNS advertising (``instance/config.py`` overrides them).
DEFAULT_SETTINGS = {
    "MDNS_ENABLED": True,       # advertise when serving on a LAN address (never when bound to loopback)
    "MDNS_NAME": rules.DEFAULT_INSTANCE_NAME,
    "MDNS_INTERFACES": [],      # addresses or interface names; empty: every LAN address
    "MDNS_POLL_SECONDS": 10.0,  # how often the addresses are checked for a change
}
#: Renaming attempts before giving up on a name (a LAN with 20 servers of one name is a setup mistake).
MAX_RENAMES = 20


def adapters() -> list[tuple[str, str]]:
    """(interface name, IPv4 address) of this machine, now."""
    pairs = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str):  # IPv6 addresses come as (address, flowinfo, scope) tuples
                pairs.append((adapter.name, ip.ip))
    return pairs


class LanAdvertiser:
    """Advertise one server as ``_equisis._tcp`` and ``_http._tcp`` while it runs.

    ``start()`` returns at once: a thread registers the services (probing for the name, taking
    "Equisis (2)" when "Equisis" is taken), then checks the addresses every ``poll_s`` seconds and
    registers again on the new ones when they change (DHCP renewal, cable moved, Wi-Fi joined
    late at boot). No address: a warning, and it keeps watching. ``stop()`` sends the goodbye
    packets (browsers drop the server at once) and closes the sockets.
    """

    def __init__(self, *, port: int, server_id: str, version: str, name: str = rules.DEFAULT_INSTANCE_NAME,
                 configured: Sequence[str] = (), bind_host: str = "0.0.0.0", poll_s: float = 10.0,
                 scheme: str = "http", path: str = "/",
                 list_adapters: Callable[[], Iterable[tuple[str, str]]] = adapters):
        self.port = int(port)  # Waitress' effective_port is text when bound to 0.0.0.0
        self.server_id = server_id
        self.version = version
        self.wanted_name = rules.check_instance_name(name)
        self.configured = tuple(configured)
        self.bind_host = bind_host
        self.poll_s = poll_s
        self.scheme = scheme
        self.path = path
        self._list_adapters = list_adapters
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()
        self._zeroconf: Zeroconf | None = None
        self._infos: list[ServiceInfo] = []
        self._name: str | None = None
        self._addresses: list[str] = []
        self._warned = False
        self._last_failure = None
        self.registered = threading.Event()   # set while the services are registered (tests wait on it)

    # ------------------------------------------------------------ public

    @property
    def name(self) -> str | None:
        """The instance name as registered (after disambiguation), None while not advertised."""
        return self._name if self._infos else None

    @property
    def addresses(self) -> list[str]:
        return list(self._addresses) if self._infos else []

    def start(self) -> "LanAdvertiser":
        self._thread = threading.Thread(target=self._run, name="equisis-mdns", daemon=True)
        self._thread.start()
        atexit.register(self.stop)
        return self

    def stop(self) -> None:
        """Withdraw (goodbye packets) and close; safe to call twice."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=15)
        self._withdraw()
        atexit.unregister(self.stop)

    # ------------------------------------------------------------ the thread

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow_addresses()
                self._last_failure = None
            except Exception as exc:  # noqa: BLE001 - the server keeps serving; the next round tries again
                if repr(exc) != self._last_failure:  # once per kind of failure, not every round
                    log.exception("mDNS: advertising failed; trying again every %s s", self.poll_s)
                self._last_failure = repr(exc)
                self._withdraw()
            self._stop.wait(self.poll_s)

    def _follow_addresses(self) -> None:
        wanted = rules.addresses_to_advertise(self._list_adapters(), self.configured, self.bind_host)
        if wanted == self._addresses and self._infos:
            return
        if not wanted:
            if self._infos:
                log.warning("mDNS: the addresses %s are gone; no longer advertised",
                            ", ".join(self._addresses))
                self._withdraw()
            if not self._warned:
                log.warning("mDNS: no LAN address to advertise on%s; not advertised (checking every %s s)",
                            f" among {', '.join(self.configured)}" if self.configured else "", self.poll_s)
                self._warned = True
            return
        if self._infos:
            log.info("mDNS: addresses changed from %s to %s: registering again", self._addresses, wanted)
            self._withdraw()
        self._advertise(wanted)

    def _info(self, service_type: str, name: str, addresses: list[str]) -> ServiceInfo:
        host = rules.host_label(name, socket.gethostname())
        txt = rules.txt_record(version=self.version, name=name, server_id=self.server_id, scheme=self.scheme,
                               path=self.path)
        return ServiceInfo(service_type, f"{name}.{service_type}", port=self.port, properties=txt,
                           server=f"{host}.local.", parsed_addresses=addresses)

    def _advertise(self, addresses: list[str]) -> None:
        zeroconf = Zeroconf(interfaces=list(addresses))
        try:
            name = self._name or self.wanted_name
            for _ in range(MAX_RENAMES):
                info = self._info(rules.SERVICE_TYPE, name, addresses)
                try:
                    zeroconf.register_service(info)
                    break
                except NonUniqueNameException:
                    log.info("mDNS: the name %r is taken on the LAN; trying the next one", name)
                    name = rules.next_instance_name(name)
            else:
                raise RuntimeError(f"no free mDNS name in {MAX_RENAMES} attempts from {self.wanted_name!r}")
        except BaseException:
            zeroconf.close()
            raise
        with self._guard:
            self._zeroconf, self._infos, self._name, self._addresses = zeroconf, [info], name, addresses
        self._warned = False
        self.registered.set()
        log.info("mDNS: advertised as %r on %s, port %s", name, ", ".join(addresses), self.port)
        # Then the same instance name for generic browsers (terminals need only _equisis, so they find
        # the server meanwhile); zeroconf renames it only if a non-Equisis device happens to hold it.
        http = self._info(rules.HTTP_SERVICE_TYPE, name, addresses)
        zeroconf.register_service(http, allow_name_change=True)
        with self._guard:
            if self._zeroconf is zeroconf:
                self._infos.append(http)

    def _withdraw(self) -> None:
        with self._guard:
            zeroconf, infos = self._zeroconf, self._infos
            self._zeroconf, self._infos = None, []
        self.registered.clear()
        if zeroconf is None:
            return
        for info in infos:
            try:
                zeroconf.unregister_service(info)
            except (EventLoopBlocked, OSError) as exc:  # an address that just vanished cannot send
                log.info("mDNS: goodbye for %s not sent: %s", info.name, exc)
        zeroconf.close()


# ---------------------------------------------------------------- browsing


def browse_addresses(interfaces: Sequence[str] = ()) -> list[str]:
    """The addresses to browse from: the ones named, else this machine's LAN addresses."""
    chosen = rules.addresses_to_advertise(adapters(), tuple(interfaces))
    if not chosen:
        raise NoLanAddress()
    return chosen


class ServerWatch:
    """Browse ``_equisis._tcp`` continuously: ``servers`` is what is on the LAN now.

    ``on_change(event, server_name, server)`` is called with 'added', 'updated' (new address or TXT)
    or 'removed' (server None), from zeroconf's browser thread.
    """

    def __init__(self, interfaces: Sequence[str],
                 on_change: Callable[[str, str, rules.DiscoveredServer | None], None] | None = None,
                 service_type: str = rules.SERVICE_TYPE, resolve_timeout_ms: int = 3000):
        self.interfaces = list(interfaces)
        self.service_type = service_type
        self.on_change = on_change
        self.resolve_timeout_ms = resolve_timeout_ms
        self.servers: dict[str, rules.DiscoveredServer] = {}
        self._guard = threading.Lock()
        self._zeroconf: Zeroconf | None = None
        self._browser: ServiceBrowser | None = None

    def __enter__(self) -> "ServerWatch":
        self._zeroconf = Zeroconf(interfaces=self.interfaces)
        # Multicast questions only (QM): a unicast answer to a QU question reaches just one of the sockets
        # bound to port 5353 on this machine (avahi, another browser…), often not ours.
        self._browser = ServiceBrowser(self._zeroconf, self.service_type, handlers=[self._changed],
                                       question_type=DNSQuestionType.QM)
        return self

    def __exit__(self, *exc) -> None:
        if self._browser is not None:
            self._browser.cancel()
        if self._zeroconf is not None:
            self._zeroconf.close()

    def snapshot(self) -> list[rules.DiscoveredServer]:
        with self._guard:
            return sorted(self.servers.values(), key=lambda s: s.name.casefold())

    def _changed(self, zeroconf: Zeroconf, service_type: str, name: str,
                 state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Removed:
            with self._guard:
                self.servers.pop(name, None)
            self._notify("removed", name, None)
            return
        info = zeroconf.get_service_info(service_type, name, timeout=self.resolve_timeout_ms,
                                         question_type=DNSQuestionType.QM)
        if info is None or not info.port:
            return
        server = rules.DiscoveredServer.from_service(
            rules.instance_name_of(name, service_type), info.port,
            info.parsed_addresses(), rules.parse_txt(info.properties))
        with self._guard:
            self.servers[name] = server
        self._notify("added" if state_change is ServiceStateChange.Added else "updated", name, server)

    def _notify(self, event: str, name: str, server) -> None:
        if self.on_change is not None:
            try:
                self.on_change(event, name, server)
            except Exception:  # noqa: BLE001 - a listener's bug must not stop the browser
                log.exception("mDNS: change listener failed")


def discover(timeout: float = 3.0, interfaces: Sequence[str] = (),
             wanted: Callable[[rules.DiscoveredServer], bool] | None = None) -> list[rules.DiscoveredServer]:
    """The Equisis servers answering on the LAN within ``timeout`` seconds, by name.

    With ``wanted``, returns as soon as a server it accepts shows up (a terminal looking for its
    own server by identifier does not wait for the others).
    """
    found = threading.Event()

    def changed(_event, _name, server):
        if server is not None and wanted is not None and wanted(server):
            found.set()

    with ServerWatch(browse_addresses(interfaces), changed) as watch:
        deadline = time.monotonic() + timeout
        found.wait(max(0.0, deadline - time.monotonic()))
        return watch.snapshot()
