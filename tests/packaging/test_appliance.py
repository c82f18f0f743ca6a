"""appliance/: the setup scripts, the firewall and the systemd units, checked without a running systemd.

The firewall is also tried for real where network namespaces can be made (root): the rules are loaded
in a namespace of the test's own, and a second namespace connects from a LAN address and from a
public one. Nothing is sent on the host's interfaces.
"""
from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPLIANCE = ROOT / "appliance"
SCRIPTS = sorted(APPLIANCE.glob("*.sh")) + [ROOT / "packaging" / "deb" / "build.sh"]
MAINTAINER_SCRIPTS = [ROOT / "packaging" / "deb" / name for name in ("postinst", "prerm", "postrm")]
UNITS = sorted(APPLIANCE.glob("*.service")) + sorted(APPLIANCE.glob("*.timer"))


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60, **kwargs)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_bash_scripts_parse(script):
    result = _run("bash", "-n", script)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", MAINTAINER_SCRIPTS, ids=lambda p: p.name)
def test_maintainer_scripts_are_posix_sh(script):
    assert script.read_text().startswith("#!/bin/sh\n")
    shell = shutil.which("dash") or "sh"
    result = _run(shell, "-n", script)
    assert result.returncode == 0, result.stderr


def test_first_boot_plan(tmp_path):
    """--dry-run prints each step: host name, packages with the .deb, updates, firewall."""
    deb = tmp_path / "equisis_0.1.0-1_amd64.deb"
    deb.write_bytes(b"")
    result = _run("bash", APPLIANCE / "first-boot.sh", "--dry-run", "--deb", deb, "--hostname", "boutique")
    assert result.returncode == 0, result.stderr
    plan = result.stdout
    for step in ("boutique", f"apt-get install -y {deb}", "avahi-daemon", "unattended-upgrades",
                 "write /etc/apt/apt.conf.d/52equisis-unattended-upgrades", f"nft -c -f {APPLIANCE}/firewall.nft",
                 "write /etc/nftables.conf", "nft -f /etc/nftables.conf", "http://boutique.local:8080/"):
        assert step in plan, step
    bad = _run("bash", APPLIANCE / "first-boot.sh", "--dry-run", "--deb", deb, "--hostname", "Not_A_Name")
    assert bad.returncode != 0 and "not a valid host name" in bad.stderr
    missing = _run("bash", APPLIANCE / "first-boot.sh", "--dry-run", "--deb", tmp_path / "nothing.deb")
    assert missing.returncode != 0 and "no Equisis package" in missing.stderr


def test_unattended_upgrades_snippet_parses():
    if shutil.which("apt-config") is None:
        pytest.skip("apt-config is not installed (not a Debian machine)")
    result = _run("apt-config", "--config-file", APPLIANCE / "unattended-upgrades.conf", "dump")
    assert result.returncode == 0, result.stderr
    assert 'APT::Periodic::Unattended-Upgrade "1";' in result.stdout
    assert "label=Debian-Security" in result.stdout


def test_firewall_syntax():
    if shutil.which("nft") is None:
        if os.environ.get("CI"):
            pytest.fail("nft is missing: .ci/run installs nftables")
        pytest.skip("nft is not installed (apt-get install nftables)")
    result = _run("nft", "-c", "-f", APPLIANCE / "firewall.nft")
    if result.returncode != 0 and "Operation not permitted" in result.stderr:
        pytest.skip(f"nft -c needs privileges here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr


def _unit_files(tmp_path: Path) -> Path:
    """Copies of the units whose commands exist here: /usr/bin/equisis becomes this venv's equisis."""
    equisis = Path(sys.executable).parent / "equisis"
    folder = tmp_path / "units"
    folder.mkdir()
    for unit in UNITS:
        (folder / unit.name).write_text(unit.read_text().replace("/usr/bin/equisis", str(equisis)))
    return folder


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_units_verify(unit, tmp_path):
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read_string(unit.read_text())
    assert "Unit" in parser and "Description" in parser["Unit"], unit.name
    if unit.suffix == ".service":
        assert "ExecStart" in parser["Service"], unit.name
    if shutil.which("systemd-analyze") is None:
        return  # the parser check above is what can be done
    folder = _unit_files(tmp_path)
    name = unit.name.replace("@.", "@sdz1.")  # a template is verified through an instance
    # --man=no: the man page named in Documentation= is installed by the package, not here.
    result = _run("systemd-analyze", "verify", "--man=no", folder / name, cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr


def test_service_runs_the_packaged_command_as_the_service_user():
    unit = (APPLIANCE / "equisis.service").read_text()
    assert "User=equisis" in unit and "EQUISIS_INSTANCE=/var/lib/equisis" in unit
    assert "ExecStart=/usr/bin/equisis serve --host 0.0.0.0 --port 8080" in unit
    assert "ReadWritePaths=/var/lib/equisis /var/log/equisis" in unit
    assert "WantedBy=multi-user.target" in unit


def test_systemctl_stop_is_a_clean_stop(tmp_path):
    """systemd stops the service with SIGTERM: the server finishes, logs its stop and exits 0."""
    import json
    import re
    import signal
    import urllib.request

    log = tmp_path / "equisis.log"
    server = subprocess.Popen([sys.executable, "-m", "equisis.cli", "--instance", str(tmp_path / "instance"), "serve",
                               "--host", "127.0.0.1", "--port", "0", "--log-file", str(log)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        port = re.search(r"http://localhost:(\d+)/", server.stdout.readline())
        assert port, server.stderr.read() if server.poll() is not None else "no address printed"
        with urllib.request.urlopen(f"http://127.0.0.1:{port.group(1)}/health", timeout=10) as response:
            assert response.status == 200
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stdout.close()
        server.stderr.close()
    messages = [json.loads(line)["message"] for line in log.read_text().splitlines()]
    assert messages[-1] == "Equisis stopped", messages


# ---------------------------------------------------------------- the firewall, for real


def _namespaces_possible() -> str | None:
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None or shutil.which("nft") is None:
        return "ip (iproute2) and nft (nftables) are needed"
    probe = f"eqprobe{uuid.uuid4().hex[:6]}"
    made = _run("ip", "netns", "add", probe)
    if made.returncode != 0:
        return f"cannot create a network namespace here: {made.stderr.strip()}"
    _run("ip", "netns", "delete", probe)
    return None


LISTENER = """
import socket, sys, threading
def serve(port):
    s = socket.socket(socket.AF_INET6); s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("::", port)); s.listen()
    while True:
        c, _ = s.accept(); c.sendall(b"hello"); c.close()
for port in (8080, 22, 9999):
    threading.Thread(target=serve, args=(port,), daemon=True).start()
print("ready", flush=True)
sys.stdin.read()
"""

CONNECT = """
import socket, sys
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(family); s.settimeout(1.0); s.bind((sys.argv[1], 0))
try:
    s.connect((sys.argv[2], int(sys.argv[3]))); print(s.recv(5).decode())
except OSError as exc:
    print("blocked", type(exc).__name__)
"""


@pytest.fixture
def two_hosts():
    """Namespace 'appliance' (the firewall) and 'visitor', one veth between them, LAN and public addresses."""
    reason = _namespaces_possible()
    if reason:
        pytest.skip(reason)
    tag = uuid.uuid4().hex[:6]
    appliance, visitor = f"eqfwA{tag}", f"eqfwB{tag}"
    commands = [
        ("ip", "netns", "add", appliance), ("ip", "netns", "add", visitor),
        ("ip", "link", "add", "veqA", "netns", appliance, "type", "veth", "peer", "name", "veqB", "netns", visitor),
    ]
    addresses = {appliance: ("192.168.77.1/24", "198.51.100.1/24", "fd77::1/64", "2001:db8:77::1/64"),
                 visitor: ("192.168.77.2/24", "198.51.100.2/24", "fd77::2/64", "2001:db8:77::2/64")}
    for ns, device in ((appliance, "veqA"), (visitor, "veqB")):
        for address in addresses[ns]:
            commands.append(("ip", "-n", ns, "addr", "add", address, "dev", device, "nodad"))
        commands += [("ip", "-n", ns, "link", "set", device, "up"), ("ip", "-n", ns, "link", "set", "lo", "up")]
    try:
        for command in commands:
            done = _run(*command)
            assert done.returncode == 0, f"{command}: {done.stderr}"
        yield appliance, visitor
    finally:
        _run("ip", "netns", "delete", appliance)
        _run("ip", "netns", "delete", visitor)


def test_firewall_lets_in_the_lan_only(two_hosts):
    appliance, visitor = two_hosts
    loaded = _run("ip", "netns", "exec", appliance, "nft", "-f", APPLIANCE / "firewall.nft")
    assert loaded.returncode == 0, loaded.stderr
    listener = subprocess.Popen(["ip", "netns", "exec", appliance, sys.executable, "-c", LISTENER],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert listener.stdout.readline().strip() == "ready"

        def connect(source, target, port):
            return _run("ip", "netns", "exec", visitor, sys.executable, "-c", CONNECT, source, target,
                        port).stdout.strip()

        assert connect("192.168.77.2", "192.168.77.1", 8080) == "hello"
        assert connect("192.168.77.2", "192.168.77.1", 22) == "hello"
        assert connect("fd77::2", "fd77::1", 8080) == "hello"
        assert connect("192.168.77.2", "192.168.77.1", 9999).startswith("blocked")  # not a service
        assert connect("198.51.100.2", "198.51.100.1", 8080).startswith("blocked")  # not from the LAN
        assert connect("2001:db8:77::2", "2001:db8:77::1", 8080).startswith("blocked")
        # Reloading replaces Equisis' table rather than stacking a second copy.
        assert _run("ip", "netns", "exec", appliance, "nft", "-f", APPLIANCE / "firewall.nft").returncode == 0
        tables = _run("ip", "netns", "exec", appliance, "nft", "list", "tables").stdout.split("\n")
        assert tables.count("table inet equisis") == 1
        assert connect("192.168.77.2", "192.168.77.1", 8080) == "hello"
    finally:
        listener.stdin.close()
        listener.terminate()
        listener.wait(timeout=10)
