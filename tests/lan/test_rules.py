"""The pure rules of LAN discovery and pairing, table by table."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from equisis.lan import rules
from equisis.lan.errors import InvalidInstanceName, InvalidTerminalName

# ---------------------------------------------------------------- instance names


@pytest.mark.parametrize("name,expected", [
    ("Equisis", "Equisis (2)"),
    ("Equisis (2)", "Equisis (3)"),
    ("Equisis (9)", "Equisis (10)"),
    ("Déco (2)", "Déco (3)"),
    ("Shop (two)", "Shop (two) (2)"),
    ("Equisis(2)", "Equisis(2) (2)"),
])
def test_next_instance_name(name, expected):
    assert rules.next_instance_name(name) == expected


@pytest.mark.parametrize("taken,expected", [
    ([], "Equisis"),
    (["Equisis"], "Equisis (2)"),
    (["equisis"], "Equisis (2)"),  # DNS names compare without case
    (["Equisis", "Equisis (2)"], "Equisis (3)"),
    (["Equisis", "Equisis (3)"], "Equisis (2)"),
    (["Other"], "Equisis"),
])
def test_disambiguate(taken, expected):
    assert rules.disambiguate("Equisis", taken) == expected


def test_a_long_name_keeps_its_number_within_63_bytes():
    name = "é" * 31  # 62 bytes
    renamed = rules.next_instance_name(name)
    assert renamed.endswith(" (2)")
    assert len(renamed.encode("utf-8")) <= 63
    assert rules.next_instance_name(renamed).endswith(" (3)")


@pytest.mark.parametrize("name,expected", [
    ("Equisis", "Equisis"), ("  Déco Lambert  ", "Déco Lambert"), ("x" * 63, "x" * 63),
])
def test_check_instance_name_accepts(name, expected):
    assert rules.check_instance_name(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "x" * 64, "é" * 32, "Déco S.R.L.", "tab\there", None])
def test_check_instance_name_refuses(name):
    with pytest.raises(InvalidInstanceName):
        rules.check_instance_name(name)


@pytest.mark.parametrize("instance,machine,expected", [
    ("Equisis", "shop-pc", "shop-pc-equisis"),
    ("Equisis (2)", "shop-pc", "shop-pc-equisis-2"),
    ("Déco Lambert", "Caisse_1", "caisse-1-deco-lambert"),
    ("…", "", "equisis"),
])
def test_host_label(instance, machine, expected):
    assert rules.host_label(instance, machine) == expected


def test_host_label_is_a_dns_label():
    label = rules.host_label("x" * 63, "machine")
    assert len(label) <= 63 and not label.endswith("-")


# ---------------------------------------------------------------- TXT records


def test_txt_record_content():
    assert rules.txt_record(version="0.3.0", name="Equisis (2)", server_id="3f9a") == {
        "version": "0.3.0", "scheme": "http", "path": "/", "name": "Equisis (2)", "id": "3f9a"}


def test_txt_record_fits_dns_strings():
    txt = rules.txt_record(version="0.3.0", name="é" * 31, server_id="0" * 16, scheme="https", path="/shop/")
    assert all(len(f"{k}={v}".encode("utf-8")) <= 255 for k, v in txt.items())


def test_parse_txt():
    assert rules.parse_txt({b"version": b"0.3.0", b"name": "Déco".encode(), b"flag": None}) == {
        "version": "0.3.0", "name": "Déco", "flag": ""}
    assert rules.parse_txt(None) == {}


def test_discovered_server_from_service():
    server = rules.DiscoveredServer.from_service(
        "Equisis (2)", 8080, ["10.0.0.5", "fe80::1"],
        {"version": "0.3.0", "scheme": "http", "path": "/", "name": "Equisis (2)", "id": "3f9a"})
    assert (server.name, server.server_id, server.version) == ("Equisis (2)", "3f9a", "0.3.0")
    assert server.urls == ["http://10.0.0.5:8080/", "http://[fe80::1]:8080/"]
    assert server.url == "http://10.0.0.5:8080/"


def test_discovered_server_without_txt_uses_the_instance_name():
    server = rules.DiscoveredServer.from_service("Old", 80, [], {})
    assert (server.name, server.scheme, server.path, server.url) == ("Old", "http", "/", "")


@pytest.mark.parametrize("service,expected", [
    ("Equisis (2)._equisis._tcp.local.", "Equisis (2)"),
    ("Equisis._http._tcp.local.", "Equisis._http._tcp.local."),
])
def test_instance_name_of(service, expected):
    assert rules.instance_name_of(service) == expected


@pytest.mark.parametrize("scheme,address,port,path,url", [
    ("http", "10.0.0.5", 8080, "/", "http://10.0.0.5:8080/"),
    ("https", "fd00::2", 443, "shop/", "https://[fd00::2]:443/shop/"),
])
def test_server_url(scheme, address, port, path, url):
    assert rules.server_url(scheme, address, port, path) == url


# ---------------------------------------------------------------- addresses

ADAPTERS = [("lo", "127.0.0.1"), ("eth0", "192.168.1.20"), ("wlan0", "192.168.1.21"),
            ("docker0", "172.17.0.1"), ("br-1a2b", "172.18.0.1"), ("veth12", "169.254.3.3"),
            ("eth0", "fe80::1")]


def test_lan_addresses_leave_out_loopback_containers_and_ipv6():
    assert rules.lan_addresses(ADAPTERS) == ["192.168.1.20", "192.168.1.21"]


@pytest.mark.parametrize("bind,configured,expected", [
    ("127.0.0.1", (), []),
    ("localhost", ("eth0",), []),
    ("::1", (), []),
    ("0.0.0.0", (), ["192.168.1.20", "192.168.1.21"]),
    ("", (), ["192.168.1.20", "192.168.1.21"]),
    ("0.0.0.0", ("eth0",), ["192.168.1.20"]),
    ("0.0.0.0", ("192.168.1.21",), ["192.168.1.21"]),
    ("0.0.0.0", ("10.9.9.9",), []),                        # configured but absent: nothing, not "all"
    ("0.0.0.0", ("127.0.0.1", "lo"), []),                  # never loopback, even when asked
    ("0.0.0.0", ("docker0",), ["172.17.0.1"]),             # named explicitly: taken
    ("192.168.1.21", (), ["192.168.1.21"]),
    ("192.168.1.21", ("eth0",), []),                       # eth0 is not where the server listens
    ("192.168.1.99", (), []),                              # not an address of this machine
])
def test_addresses_to_advertise(bind, configured, expected):
    assert rules.addresses_to_advertise(ADAPTERS, configured, bind) == expected


def test_no_lan_at_all():
    assert rules.addresses_to_advertise([("lo", "127.0.0.1")]) == []


@pytest.mark.parametrize("host,loopback", [
    ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("LOCALHOST", True),
    ("0.0.0.0", False), ("192.168.1.20", False), ("shop.local", False),
])
def test_is_loopback_host(host, loopback):
    assert rules.is_loopback_host(host) is loopback


# ---------------------------------------------------------------- pairing codes


def test_new_pairing_code_draws_eight_characters_from_the_alphabet():
    cycle = itertools.cycle(rules.PAIRING_ALPHABET)
    code = rules.new_pairing_code(lambda alphabet: next(cycle))
    assert code == "23456789"
    assert rules.format_pairing_code(code) == "2345-6789"


def test_the_alphabet_has_no_look_alikes():
    assert not set("01OIL") & set(rules.PAIRING_ALPHABET)
    assert len(set(rules.PAIRING_ALPHABET)) == 31


def test_random_codes_differ():
    import secrets

    codes = {rules.new_pairing_code(secrets.choice) for _ in range(200)}
    assert len(codes) == 200
    assert all(rules.normalise_pairing_code(code) == code for code in codes)


@pytest.mark.parametrize("typed,code", [
    ("K7RM3QXT", "K7RM3QXT"), ("k7rm-3qxt", "K7RM3QXT"), (" K7RM 3QXT\n", "K7RM3QXT"),
    ("K7RM-3QX", None), ("K7RM-3QXTT", None), ("K0RM-3QXT", None), ("", None), (None, None), (12345678, None),
])
def test_normalise_pairing_code(typed, code):
    assert rules.normalise_pairing_code(typed) == code


def test_digest_is_the_sha256_of_the_code():
    import hashlib

    assert rules.pairing_code_digest("K7RM3QXT") == hashlib.sha256(b"K7RM3QXT").hexdigest()
    assert rules.pairing_code_digest("K7RM3QXT") != rules.pairing_code_digest("K7RM3QXV")


T0 = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("now,used,usable", [
    (T0, None, True),
    (T0 + dt.timedelta(minutes=9, seconds=59), None, True),
    (T0 + dt.timedelta(minutes=10), None, False),
    (T0 + dt.timedelta(days=1), None, False),
    (T0 + dt.timedelta(minutes=1), T0, False),
])
def test_pairing_code_is_usable_ten_minutes_once(now, used, usable):
    assert rules.is_pairing_code_usable(rules.pairing_expiry(T0), used, now) is usable


# ---------------------------------------------------------------- terminals


@pytest.mark.parametrize("name,expected", [("Till 1", "Till 1"), ("  Caisse Namur ", "Caisse Namur"),
                                           ("x" * 60, "x" * 60)])
def test_check_terminal_name_accepts(name, expected):
    assert rules.check_terminal_name(name) == expected


@pytest.mark.parametrize("name", ["", "  ", "x" * 61, "till\n1", None, 3])
def test_check_terminal_name_refuses(name):
    with pytest.raises(InvalidTerminalName):
        rules.check_terminal_name(name)


@pytest.mark.parametrize("last,now,record", [
    (None, T0, True),
    (T0, T0 + dt.timedelta(seconds=30), False),
    (T0, T0 + dt.timedelta(seconds=60), True),
])
def test_should_record_seen(last, now, record):
    assert rules.should_record_seen(last, now) is record
