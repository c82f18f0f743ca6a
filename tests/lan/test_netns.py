"""mDNS for real, between network namespaces the tests create: nothing is sent on the host's interfaces.

Each test builds a small Ethernet segment of its own::

    namespace A (server)  vA 10.66.0.1 ─┐
                                        ├─ br0 10.66.0.2  namespace B (terminal, browser)
    namespace C (server)  vC 10.66.0.3 ─┘

and runs advertisers (``equisis serve`` or tests/lan/mdns_agent.py) and browsers inside them with
``ip netns exec``; the namespaces are deleted afterwards. Without root, or when the kernel refuses
network namespaces, the tests are skipped with the reason (under CI, where they must run, they fail instead).
"""
from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from equisis.lan import service
from equisis.schema import all_migrations
from equisis.store import Instance
from equisis.version import __version__
from tests.factories import make_company

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.timeout(90), pytest.mark.slow]
SUBNET = "10.66.0"


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True, timeout=15)


@dataclass
class Lan:
    ns: dict = field(default_factory=dict)          # role ('A', 'B', 'C') -> namespace name
    address: dict = field(default_factory=dict)     # role -> IPv4 address
    device: dict = field(default_factory=dict)      # role -> its interface inside the namespace
    processes: list = field(default_factory=list)

    def ip(self, role: str, *args: str, check: bool = True):
        return _ip("-n", self.ns[role], *args, check=check)

    def command(self, role: str, *argv: str) -> list[str]:
        return ["ip", "netns", "exec", self.ns[role], *argv]

    def start(self, role: str, *argv: str, stdin=subprocess.DEVNULL) -> "Agent":
        agent = Agent(self.command(role, *argv), stdin=stdin)
        self.processes.append(agent)
        return agent

    def agent(self, role: str, *args: str) -> "Agent":
        return self.start(role, sys.executable, "-m", "tests.lan.mdns_agent", *args)

    def run(self, role: str, *argv: str, input: str | None = None, timeout: float = 30):
        return subprocess.run(self.command(role, *argv), input=input, capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT)

    def move(self, role: str, new_address: str) -> None:
        """Give the role's interface another address (a DHCP renewal, a cable moved to another switch)."""
        device = self.device[role]
        self.ip(role, "addr", "del", f"{self.address[role]}/24", "dev", device)
        self.ip(role, "addr", "add", f"{new_address}/24", "dev", device)
        self.ip(role, "route", "replace", "224.0.0.0/4", "dev", device)
        self.address[role] = new_address


class Agent:
    """A process inside a namespace whose standard output is read line by line (JSON or text)."""

    def __init__(self, argv: list[str], stdin=subprocess.DEVNULL):
        self.process = subprocess.Popen(argv, cwd=ROOT, stdin=stdin, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.seen: list = []
        self.errors: list[str] = []
        threading.Thread(target=self._read, args=(self.process.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self.errors.append),
                         daemon=True).start()

    @staticmethod
    def _read(stream, sink):
        for line in stream:
            sink(line.rstrip("\n"))

    def expect(self, predicate, timeout: float = 10.0, also: "Agent | None" = None):
        """The first JSON line (not seen before) for which ``predicate`` is true, else fail with all lines
        (and those of ``also``, the other side)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(0.01, remaining))
            except queue.Empty:
                if remaining <= 0:
                    other = f"; the other side's output: {also.output()}" if also else ""
                    pytest.fail(f"not seen within {timeout} s; seen: {self.seen}; "
                                f"stderr: {self.errors[-20:]}{other}")
                continue
            try:
                event = json.loads(line)
            except ValueError:
                event = {"text": line}
            self.seen.append(event)
            if predicate(event):
                return event

    def output(self) -> list[str]:
        lines = []
        while not self.lines.empty():
            lines.append(self.lines.get_nowait())
        return lines + self.errors[-30:]

    def terminate(self, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(timeout=timeout)


def _unavailable(reason: str):
    """Skip with the reason; under CI (which runs as root and installs iproute2) fail instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def lan():
    if os.geteuid() != 0:
        _unavailable("mDNS tests need network namespaces, which need root (ip netns): run as root")
    if shutil.which("ip") is None:
        _unavailable("mDNS tests need the 'ip' command (iproute2) to create network namespaces")
    tag = f"{os.getpid() % 10000}{secrets.token_hex(2)}"
    segment = Lan(ns={role: f"eq{role}{tag}" for role in "ABC"})
    first = _ip("netns", "add", segment.ns["A"], check=False)
    if first.returncode != 0:
        _unavailable(f"network namespaces refused here: {first.stderr.strip()}")
    try:
        for role in "BC":
            _ip("netns", "add", segment.ns[role])
        segment.ip("B", "link", "add", "br0", "type", "bridge")
        for role, number in (("A", 1), ("C", 3)):
            device, port = f"v{role}", f"p{role}"
            _ip("link", "add", device, "netns", segment.ns[role], "type", "veth", "peer", "name", port,
                "netns", segment.ns["B"])
            segment.ip("B", "link", "set", port, "master", "br0", "up")
            segment.device[role], segment.address[role] = device, f"{SUBNET}.{number}"
        segment.device["B"], segment.address["B"] = "br0", f"{SUBNET}.2"
        for role in "ABC":
            device = segment.device[role]
            segment.ip(role, "link", "set", "lo", "up")
            segment.ip(role, "addr", "add", f"{segment.address[role]}/24", "dev", device)
            segment.ip(role, "link", "set", device, "up")
            segment.ip(role, "route", "add", "224.0.0.0/4", "dev", device)
        yield segment
    finally:
        for agent in segment.processes:  # the segment goes away with them: no goodbyes needed
            if agent.process.poll() is None:
                agent.process.kill()
            agent.process.wait(timeout=10)
        for name in segment.ns.values():
            _ip("netns", "del", name, check=False)


def added(type_suffix="_equisis._tcp.local.", name=None):
    def predicate(event):
        return (event.get("event") in ("added", "updated") and event.get("type", "").endswith(type_suffix)
                and (name is None or event["server"]["name"] == name))
    return predicate


def test_the_browser_finds_the_server_with_its_txt_then_sees_it_withdrawn(lan):
    browser = lan.agent("B", "watch", "--address", lan.address["B"])
    browser.expect(lambda e: e.get("event") == "watching")
    server = lan.agent("A", "advertise", "--address", lan.address["A"], "--name", "Equisis", "--id", "3f9a01",
                       "--port", "8080")
    assert server.expect(lambda e: e.get("event") == "registered")["name"] == "Equisis"

    found = browser.expect(added())
    assert found["name"] == "Equisis._equisis._tcp.local."
    assert found["server"] == {"name": "Equisis", "server_id": "3f9a01", "version": __version__,
                               "scheme": "http", "path": "/", "port": 8080, "addresses": [lan.address["A"]]}
    http = browser.expect(added("_http._tcp.local."))
    assert http["name"] == "Equisis._http._tcp.local." and http["server"]["port"] == 8080

    assert server.terminate() == 0
    assert server.expect(lambda e: e.get("event") == "stopped")
    browser.expect(lambda e: e.get("event") == "removed" and e["type"] == "_equisis._tcp.local.", timeout=5)


def test_a_new_address_is_advertised(lan):
    browser = lan.agent("B", "watch", "--address", lan.address["B"])
    browser.expect(lambda e: e.get("event") == "watching")
    # --auto: the advertiser picks the namespace's LAN addresses itself and checks them every 0.3 s.
    server = lan.agent("A", "advertise", "--auto", "--poll", "0.3")
    assert server.expect(lambda e: e.get("event") == "registered")["addresses"] == [lan.address["A"]]
    assert browser.expect(added())["server"]["addresses"] == [lan.address["A"]]

    lan.move("A", f"{SUBNET}.11")
    assert server.expect(lambda e: e.get("event") == "registered")["addresses"] == [f"{SUBNET}.11"]
    browser.expect(lambda e: added()(e) and f"{SUBNET}.11" in e["server"]["addresses"])


def test_two_servers_with_one_name_get_distinct_names(lan):
    browser = lan.agent("B", "watch", "--address", lan.address["B"])
    browser.expect(lambda e: e.get("event") == "watching")
    first = lan.agent("A", "advertise", "--address", lan.address["A"], "--name", "Shop", "--id", "aaaa")
    assert first.expect(lambda e: e.get("event") == "registered")["name"] == "Shop"
    second = lan.agent("C", "advertise", "--address", lan.address["C"], "--name", "Shop", "--id", "cccc")
    assert second.expect(lambda e: e.get("event") == "registered")["name"] == "Shop (2)"

    seen = {}
    while len(seen) < 2:
        event = browser.expect(added())
        seen[event["server"]["name"]] = (event["server"]["server_id"], event["server"]["addresses"])
    assert seen == {"Shop": ("aaaa", [lan.address["A"]]), "Shop (2)": ("cccc", [lan.address["C"]])}


def test_serve_advertises_and_a_terminal_pairs_over_the_lan(lan, tmp_path):
    """The story: serve in A; in B `equisis discover`, then `equisis terminal` pairs with a code and opens
    the till; the server's address changes and the terminal finds it again; serve stops and withdraws."""
    instance_path = tmp_path / "instance"
    instance = Instance(instance_path, all_migrations())
    slug = make_company(instance)
    with instance.get(slug).session():
        code = service.create_pairing_code().code
    instance.close()
    (instance_path / "config.py").write_text('MDNS_NAME = "Déco Lambert"\nMDNS_POLL_SECONDS = 0.3\n')
    equisis = [sys.executable, "-m", "equisis.cli", "--instance", str(instance_path)]

    browser = lan.agent("B", "watch", "--address", lan.address["B"])
    browser.expect(lambda e: e.get("event") == "watching")
    serve = lan.start("A", *equisis, "serve", "--host", "0.0.0.0", "--port", "8080", "--threads", "2")
    served = browser.expect(added(name="Déco Lambert"), timeout=20, also=serve)["server"]
    assert served["server_id"] == service.server_id(instance_path) and served["port"] == 8080

    listed = lan.run("B", sys.executable, "-m", "equisis.cli", "discover", "--timeout", "2.5")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == f"Déco Lambert\thttp://{lan.address['A']}:8080/\t{__version__}\n"

    config = tmp_path / "terminal.json"
    terminal = [sys.executable, "-m", "equisis.cli", "terminal", "--no-kiosk", "--config", str(config)]
    started = time.monotonic()
    paired = lan.run("B", *terminal, "--name", "Till B", input=code + "\n")
    elapsed = time.monotonic() - started
    assert paired.returncode == 0, paired.stderr
    assert paired.stdout == f"http://{lan.address['A']}:8080/c/{slug}/\n"
    assert "Paired with" in paired.stderr
    print(f"\nequisis terminal, first start to the till URL over the namespace LAN: {elapsed:.2f} s")

    lan.move("A", f"{SUBNET}.21")
    browser.expect(lambda e: added(name="Déco Lambert")(e) and f"{SUBNET}.21" in e["server"]["addresses"])
    moved = lan.run("B", *terminal)
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout == f"http://{SUBNET}.21:8080/c/{slug}/\n"
    assert json.loads(config.read_text())["server_url"] == f"http://{SUBNET}.21:8080/"

    assert serve.terminate(timeout=15) == 0
    browser.expect(lambda e: e.get("event") == "removed" and e["type"] == "_equisis._tcp.local.", timeout=5)
