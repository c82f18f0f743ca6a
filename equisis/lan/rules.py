"""LAN discovery and terminals, the pure rules: DNS-SD names and TXT records, which addresses to
advertise on, pairing codes. No sockets here: :mod:`equisis.lan.mdns` does the I/O.

**Service names** (DNS-SD, RFC 6763). A server advertises one *instance* of ``_equisis._tcp.local.``
(and of ``_http._tcp.local.`` for generic browsers) named by the MDNS_NAME setting, "Equisis" by
default. The instance label is free text of at most 63 bytes of UTF-8 (§4.1.1); we refuse dots,
which many resolvers would read as label separators. When a second server on the same LAN probes
for a name already taken (RFC 6762 §9), it takes the next free one:

    ========================  ======================
    names already on the LAN  the newcomer becomes
    ========================  ======================
    Equisis                   Equisis (2)
    Equisis, Equisis (2)      Equisis (3)
    Déco (2)                  Déco (3)
    ========================  ======================

**TXT record**: ``version`` (Equisis' version), ``scheme`` and ``path`` (where the web app
answers), ``name`` (the instance name, after disambiguation) and ``id``, the server's stable
identifier (a random value kept in the instance folder). A paired terminal finds its server again
by ``id`` first: names can swap between two servers that restart in another order.

**Pairing codes**: 8 characters from a 31-character alphabet without 0/O, 1/I/L (typed by hand
from the screen), shown as ``ABCD-EFGH``; valid 10 minutes, once. 31⁸ ≈ 8.5·10¹¹ codes and five
wrong guesses per address per 15 minutes make guessing hopeless; only the sha256 of a code is
stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from equisis.lan.errors import InvalidInstanceName, InvalidTerminalName

SERVICE_TYPE = "_equisis._tcp.local."
HTTP_SERVICE_TYPE = "_http._tcp.local."
DEFAULT_INSTANCE_NAME = "Equisis"
MAX_INSTANCE_NAME_BYTES = 63

# ---------------------------------------------------------------- instance names

_NUMBERED = re.compile(r"^(?P<base>.*) \((?P<number>[0-9]{1,4})\)\Z", re.DOTALL)


def check_instance_name(name: str) -> str:
    """The MDNS_NAME setting, trimmed: 1 to 63 bytes of UTF-8, no dot, no control character."""
    cleaned = (name or "").strip() if isinstance(name, str) else ""
    if (not cleaned or len(cleaned.encode("utf-8")) > MAX_INSTANCE_NAME_BYTES or "." in cleaned
            or any(unicodedata.category(ch).startswith("C") for ch in cleaned)):
        raise InvalidInstanceName(name)
    return cleaned


def _fit(base: str, suffix: str) -> str:
    """``base + suffix`` cut (on a character boundary) to 63 bytes, keeping the whole suffix."""
    room = MAX_INSTANCE_NAME_BYTES - len(suffix.encode("utf-8"))
    while len(base.encode("utf-8")) > room:
        base = base[:-1]
    return base.rstrip() + suffix


def next_instance_name(name: str) -> str:
    """The name to try after ``name`` was found taken: 'Equisis' -> 'Equisis (2)' -> 'Equisis (3)'."""
    found = _NUMBERED.match(name)
    if found:
        return _fit(found.group("base"), f" ({int(found.group('number')) + 1})")
    return _fit(name, " (2)")


def disambiguate(name: str, taken: Iterable[str]) -> str:
    """The first of name, name (2), name (3)… not in ``taken`` (DNS compares names without case)."""
    used = {t.casefold() for t in taken}
    candidate = name
    while candidate.casefold() in used:
        candidate = next_instance_name(candidate)
    return candidate


def host_label(instance_name: str, machine: str) -> str:
    """The SRV target's label: 'shop-pc' + 'Equisis (2)' -> 'shop-pc-equisis-2' (ASCII, at most 63).

    It includes the instance name so that two servers cloned from one image (the same machine
    name) still publish distinct host names once their instance names are disambiguated.
    """
    text = unicodedata.normalize("NFKD", f"{machine}-{instance_name}").encode("ascii", "ignore").decode()
    label = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return label[:MAX_INSTANCE_NAME_BYTES].strip("-") or "equisis"


# ---------------------------------------------------------------- TXT records and discovered servers


def txt_record(*, version: str, name: str, server_id: str, scheme: str = "http", path: str = "/") -> dict:
    """The TXT record of both services: {'version', 'scheme', 'path', 'name', 'id'} as text."""
    return {"version": version, "scheme": scheme, "path": path, "name": name, "id": server_id}


def parse_txt(properties: dict) -> dict[str, str]:
    """zeroconf's {b'key': b'value' | None} as text; a key without value reads as ''."""
    def text(value) -> str:
        if value is None:
            return ""
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return {text(k): text(v) for k, v in (properties or {}).items()}


def server_url(scheme: str, address: str, port: int, path: str = "/") -> str:
    """'http', '10.0.0.5', 8080, '/' -> 'http://10.0.0.5:8080/' (IPv6 in brackets)."""
    host = f"[{address}]" if ":" in address else address
    path = path if path.startswith("/") else "/" + path
    return f"{scheme}://{host}:{port}{path}"


@dataclass(frozen=True)
class DiscoveredServer:
    """One Equisis server seen on the LAN."""

    name: str
    server_id: str
    version: str
    scheme: str
    path: str
    port: int
    addresses: tuple[str, ...]

    @classmethod
    def from_service(cls, instance_name: str, port: int, addresses: Sequence[str],
                     txt: dict) -> "DiscoveredServer":
        return cls(name=txt.get("name") or instance_name, server_id=txt.get("id", ""),
                   version=txt.get("version", ""), scheme=txt.get("scheme") or "http",
                   path=txt.get("path") or "/", port=port, addresses=tuple(addresses))

    @property
    def urls(self) -> list[str]:
        """One base URL per address, IPv4 first (an old address may linger a second after a change)."""
        ordered = sorted(self.addresses, key=lambda a: (":" in a, a))
        return [server_url(self.scheme, address, self.port, self.path) for address in ordered]

    @property
    def url(self) -> str:
        return self.urls[0] if self.addresses else ""


def instance_name_of(service_name: str, service_type: str = SERVICE_TYPE) -> str:
    """'Equisis (2)._equisis._tcp.local.' -> 'Equisis (2)'."""
    suffix = "." + service_type
    return service_name[:-len(suffix)] if service_name.endswith(suffix) else service_name


# ---------------------------------------------------------------- addresses to advertise on

#: Interfaces of containers and virtual machines: their addresses are not the shop's LAN.
VIRTUAL_INTERFACE_PREFIXES = ("docker", "br-", "veth", "virbr", "lxcbr", "lxdbr", "cni", "flannel", "podman",
                              "vboxnet", "vmnet")
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "*")


def _ipv4(text: str) -> ipaddress.IPv4Address | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address if address.version == 4 else None


def is_loopback_host(host: str) -> bool:
    """'127.0.0.1', '::1', 'localhost': a server bound there cannot be reached from the LAN."""
    if (host or "").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_addresses(adapters: Iterable[tuple[str, str]]) -> list[str]:
    """The IPv4 addresses of the LAN among (interface, address) pairs: not loopback, not a container.

    >>> lan_addresses([("lo", "127.0.0.1"), ("eth0", "192.168.1.20"), ("docker0", "172.17.0.1")])
    ['192.168.1.20']
    """
    found = set()
    for interface, text in adapters:
        address = _ipv4(text)
        if address is None or address.is_loopback or address.is_unspecified or address.is_multicast:
            continue
        if interface.startswith(VIRTUAL_INTERFACE_PREFIXES):
            continue
        found.add(str(address))
    return sorted(found, key=ipaddress.ip_address)


def configured_addresses(configured: Iterable[str], adapters: Iterable[tuple[str, str]]) -> list[str]:
    """The addresses named by MDNS_INTERFACES / --mdns-interface, as present now.

    Each item is an IPv4 address (kept while some interface has it) or an interface name (its
    IPv4 addresses, whatever they become). Loopback is never kept: mDNS on it reaches nobody.
    """
    pairs = list(adapters)
    present = {text for _, text in pairs}
    found = set()
    for item in configured:
        item = item.strip()
        address = _ipv4(item)
        if address is not None:
            if item in present and not address.is_loopback:
                found.add(item)
            continue
        for interface, text in pairs:
            candidate = _ipv4(text)
            if interface == item and candidate is not None and not candidate.is_loopback:
                found.add(str(candidate))
    return sorted(found, key=ipaddress.ip_address)


def addresses_to_advertise(adapters: Iterable[tuple[str, str]], configured: Sequence[str] = (),
                           bind_host: str = "0.0.0.0") -> list[str]:
    """Where to advertise a server listening on ``bind_host``.

    ======================  ===================  =====================================
    bind host               configured           advertise on
    ======================  ===================  =====================================
    127.0.0.1 / localhost   anything             nothing (the LAN cannot reach it)
    0.0.0.0                 nothing              every LAN address (lan_addresses)
    0.0.0.0                 eth0, 10.0.0.5       those, as present now
    192.168.1.20            nothing              192.168.1.20 if an interface has it
    192.168.1.20            eth0                 eth0's addresses that equal the bind
    ======================  ===================  =====================================
    """
    pairs = list(adapters)
    if is_loopback_host(bind_host):
        return []
    chosen = configured_addresses(configured, pairs) if configured else None
    specific = _ipv4(bind_host) if bind_host not in WILDCARD_HOSTS else None
    if specific is not None:
        present = {text for _, text in pairs}
        candidates = chosen if chosen is not None else [str(specific)]
        return [a for a in candidates if a == str(specific) and a in present]
    return chosen if chosen is not None else lan_addresses(pairs)


# ---------------------------------------------------------------- pairing codes

PAIRING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PAIRING_CODE_LENGTH = 8
PAIRING_VALIDITY = dt.timedelta(minutes=10)


def new_pairing_code(choice: Callable[[str], str]) -> str:
    """Eight characters drawn with ``choice`` (``secrets.choice`` in the service), e.g. 'K7RM3QXT'."""
    return "".join(choice(PAIRING_ALPHABET) for _ in range(PAIRING_CODE_LENGTH))


def format_pairing_code(code: str) -> str:
    """'K7RM3QXT' -> 'K7RM-3QXT' (easier to read out and type)."""
    half = PAIRING_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_pairing_code(text: str) -> str | None:
    """What was typed -> the code, or None when it cannot be one.

    Case, spaces and dashes do not matter: ' k7rm-3qxt ' -> 'K7RM3QXT'.
    """
    if not isinstance(text, str):
        return None
    compact = re.sub(r"[\s\-]", "", text).upper()
    if len(compact) != PAIRING_CODE_LENGTH or any(ch not in PAIRING_ALPHABET for ch in compact):
        return None
    return compact


def pairing_code_digest(code: str) -> str:
    """The sha256 stored instead of the code (of its normalised form)."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def pairing_expiry(created: dt.datetime) -> dt.datetime:
    """A code made at 14:00:00 is accepted until 14:10:00 (excluded)."""
    return created + PAIRING_VALIDITY


def is_pairing_code_usable(expires_at: dt.datetime, used_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Unused and not expired: expiry 14:10:00 -> usable at 14:09:59, refused at 14:10:00."""
    return used_at is None and now < expires_at


# ---------------------------------------------------------------- terminals

TERMINAL_NAME_MAX = 60
#: A terminal's "last seen" is written at most this often (a heartbeat every few seconds writes nothing).
SEEN_INTERVAL = dt.timedelta(seconds=60)


def check_terminal_name(name: str) -> str:
    """'  Till 1 ' -> 'Till 1'; 1 to 60 characters, no control characters."""
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned or len(cleaned) > TERMINAL_NAME_MAX or any(unicodedata.category(ch).startswith("C")
                                                             for ch in cleaned):
        raise InvalidTerminalName(name if isinstance(name, str) else "", max_length=TERMINAL_NAME_MAX,
                                  field="name")
    return cleaned


def should_record_seen(last_seen: dt.datetime | None, now: dt.datetime) -> bool:
    """Seen at 14:00:00: a heartbeat at 14:00:30 writes nothing, one at 14:01:00 writes."""
    return last_seen is None or now - last_seen >= SEEN_INTERVAL
