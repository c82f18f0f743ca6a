"""Terminal start time over a LAN of network namespaces: `equisis terminal` to the till URL (issue #7).

Run as root (network namespaces); nothing touches the host's interfaces::

    sudo .venv/bin/python bench/terminal.py [--runs 5] [--timeout 3]

It builds a two-host Ethernet segment of its own, as tests/lan/test_netns.py does::

    namespace A (server)  vA 10.67.0.1 ──veth── vB 10.67.0.2  namespace B (terminal)

creates a company in a temporary instance (tests.factories.make_company) with a one-time pairing
code per cold run, runs ``equisis serve --host 10.67.0.1 --mdns-interface 10.67.0.1`` in A, waits
until ``equisis discover`` in B lists it, then times in B, from process start until the till's
URL is printed (``equisis terminal --no-kiosk``: the URL is its only standard output), each case
``--runs`` times:

* **cold, discovery and pairing**: no pairing kept yet; the terminal browses the LAN (mDNS, for
  ``--timeout`` seconds), checks the server's address, reads the code from standard input
  (given at once) and pairs through the API;
* **remembered server**: the pairing kept by a cold run; the terminal checks the server at its
  address (``GET /api/v1/server``) and sends its heartbeat;
* **server moved, port closed**: the kept address refuses the connection; the terminal browses
  the LAN for the same server identifier and keeps the new address (returns when it shows up);
* **server moved, address gone**: the kept address no longer exists on the segment; the check
  waits for its timeout (the ARP query's, ``CHECK_TIMEOUT_S``) before browsing.

Before each run the terminal's neighbour cache is flushed and the bench pauses ``--pause`` seconds
(an mDNS responder multicasts a record at most once a second: back-to-back runs would measure that).
Floors are printed beside them (a new Python process in namespace B; ``equisis terminal --help``,
which loads the command line). The namespaces, the server and the instance are removed afterwards.
Figures: best and median of the runs, wall time from spawn; 2 shared cores: noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from equisis.lan import service as lan_service  # noqa: E402
from equisis.schema import all_migrations  # noqa: E402
from equisis.store import Instance  # noqa: E402
from tests.factories import make_company  # noqa: E402

SUBNET = "10.67.0"
SERVER, TERMINAL = f"{SUBNET}.1", f"{SUBNET}.2"
GONE = f"{SUBNET}.99"      # on the segment, answered by nobody
PORT = 8080


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True, timeout=15)


class Segment:
    """Two namespaces joined by a veth pair, both ends created inside them (the host keeps nothing)."""

    def __init__(self):
        tag = f"{os.getpid() % 10000}{secrets.token_hex(2)}"
        self.ns = {"A": f"eqbenchA{tag}", "B": f"eqbenchB{tag}"}
        self.created: list[str] = []

    def __enter__(self) -> "Segment":
        try:
            for role in "AB":
                ip("netns", "add", self.ns[role])
                self.created.append(self.ns[role])
            ip("link", "add", "vA", "netns", self.ns["A"], "type", "veth", "peer", "name", "vB",
               "netns", self.ns["B"])
            for role, address in (("A", SERVER), ("B", TERMINAL)):
                device = f"v{role}"
                ip("-n", self.ns[role], "link", "set", "lo", "up")
                ip("-n", self.ns[role], "addr", "add", f"{address}/24", "dev", device)
                ip("-n", self.ns[role], "link", "set", device, "up")
                ip("-n", self.ns[role], "route", "add", "224.0.0.0/4", "dev", device)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for name in self.created:  # deleting a namespace deletes its end of the veth, and so the pair
            ip("netns", "del", name, check=False)
        self.created.clear()

    def command(self, role: str, *argv: str) -> list[str]:
        return ["ip", "netns", "exec", self.ns[role], *argv]


def equisis_command() -> list[str]:
    """`equisis` as installed beside this Python (the console script), else ``python -m equisis.cli``."""
    script = Path(sys.executable).parent / "equisis"
    return [str(script)] if script.exists() else [sys.executable, "-m", "equisis.cli"]


def time_until_output(argv: list[str], stdin_text: str = "", limit: float = 60.0) -> tuple[float, float, str, str]:
    """(seconds from spawn to the first line on standard output, seconds to exit, that line, stderr)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    reader.start()
    if stdin_text:
        process.stdin.write(stdin_text)
    process.stdin.close()
    timer = threading.Timer(limit, process.kill)
    timer.start()
    try:
        line = process.stdout.readline()
        first = time.perf_counter() - started
        process.stdout.read()
        process.wait()
        ended = time.perf_counter() - started
    finally:
        timer.cancel()
    reader.join(timeout=5)
    return first, ended, line.strip(), "".join(errors).strip()


def spawn_to_exit(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, capture_output=True, check=True, timeout=60)
    return time.perf_counter() - started


def figures(values: list[float]) -> str:
    return f"{min(values) * 1000:8,.0f} ms {'(' + format(statistics.median(values) * 1000, ',.0f') + ' ms)':>12}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each case (best and median)")
    parser.add_argument("--timeout", type=float, default=3.0,
                        help="the terminal's --timeout: seconds it browses the LAN (default 3, its own default)")
    parser.add_argument("--no-moved", action="store_true", help="skip the two 'server moved' cases")
    parser.add_argument("--each", action="store_true", help="also print every run's time to the URL")
    parser.add_argument("--pause", type=float, default=1.5,
                        help="seconds between runs (default 1.5: an mDNS responder answers the same question "
                             "at most once a second, so back-to-back runs would wait for each other)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/terminal.py needs root: it creates network namespaces (ip netns)")
    if shutil.which("ip") is None:
        sys.exit("bench/terminal.py needs the 'ip' command (iproute2)")

    equisis = equisis_command()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="equisis-terminal-bench-") as tmp:
        root = Path(tmp)
        instance_path = root / "instance"
        instance = Instance(instance_path, all_migrations())
        slug = make_company(instance)
        with instance.get(slug).session():
            codes = [lan_service.create_pairing_code().code for _ in range(args.runs)]  # valid 10 minutes
        instance.close()
        (instance_path / "config.py").write_text('MDNS_NAME = "Bench shop"\n')
        server_id = lan_service.server_id(instance_path)
        till = f"http://{SERVER}:{PORT}/c/{slug}/"

        with Segment() as lan:
            log = open(root / "serve.log", "w")
            serve = subprocess.Popen(
                lan.command("A", *equisis, "--instance", str(instance_path), "serve", "--host", SERVER,
                            "--port", str(PORT), "--threads", "4", "--mdns-interface", SERVER),
                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            try:
                run(args, lan, equisis, python, codes, server_id, till, root, serve)
            finally:
                if serve.poll() is None:
                    serve.send_signal(signal.SIGTERM)
                    try:
                        serve.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        serve.kill()
                        serve.wait(timeout=10)
                log.close()


def run(args, lan: Segment, equisis: list[str], python: str, codes: list[str], server_id: str, till: str,
        root: Path, serve: subprocess.Popen) -> None:
    in_b = lambda *argv: lan.command("B", *argv)  # noqa: E731
    started = time.perf_counter()
    while True:  # the server is up and advertised once `equisis discover` in B lists it
        listed = subprocess.run(in_b(*equisis, "discover", "--timeout", "1"), cwd=ROOT, capture_output=True,
                                text=True, timeout=30)
        if listed.returncode == 0 and f"http://{SERVER}:{PORT}/" in listed.stdout:
            break
        if serve.poll() is not None or time.perf_counter() - started > 60:
            log = (root / "serve.log").read_text()[-2000:]
            sys.exit(f"the server did not show up on the LAN; discover: {listed.stdout.strip()} "
                     f"{listed.stderr.strip()}; serve: {log}")
    print(f"== equisis terminal, start to the till URL, over a namespace LAN ({SERVER} server, {TERMINAL} "
          f"terminal); server up and advertised after {time.perf_counter() - started:.1f} s")
    print(f"   {args.runs} runs a case: best (median), wall time from spawn to the URL printed; "
          f"the terminal browses for --timeout {args.timeout:g} s; 2 shared cores: noisy")

    floors = {
        "ip netns exec B true": [spawn_to_exit(in_b("true")) for _ in range(args.runs)],
        "ip netns exec B python -c pass": [spawn_to_exit(in_b(python, "-c", "pass")) for _ in range(args.runs)],
        "ip netns exec B equisis terminal --help (loads the command line)":
            [spawn_to_exit(in_b(*equisis, "terminal", "--help")) for _ in range(args.runs)],
    }

    def terminal(config: Path, *extra: str) -> list[str]:
        return in_b(*equisis, "terminal", "--no-kiosk", "--config", str(config), "--timeout", str(args.timeout),
                    *extra)

    def measure(label: str, make_argv, stdin_for=lambda n: "", prepare=lambda n: None):
        to_url, to_exit = [], []
        for n in range(args.runs):
            prepare(n)
            # each run starts like a terminal just switched on: nothing cached of its neighbours (ARP), and
            # no answer multicast by the server within the last second (each start is on its own)
            subprocess.run(["ip", "-n", lan.ns["B"], "neigh", "flush", "all"], check=False, capture_output=True)
            time.sleep(args.pause)
            first, ended, line, errors = time_until_output(make_argv(n), stdin_for(n))
            if line != till:
                sys.exit(f"{label}: expected {till}, got {line!r}; stderr: {errors[-500:]}")
            to_url.append(first)
            to_exit.append(ended)
        return label, to_url, to_exit

    configs = [root / f"terminal-{n}.json" for n in range(args.runs)]
    cases = [measure("cold: browse the LAN, check, pair with a code (first start)",
                     lambda n: terminal(configs[n], "--name", f"Bench till {n}"),
                     stdin_for=lambda n: codes[n] + "\n")]
    paired = json.loads(configs[0].read_text())
    if paired.get("server_id") != server_id:
        sys.exit(f"paired with another server: {paired.get('server_id')} (expected {server_id})")
    cases.append(measure("remembered server: check its address, heartbeat", lambda n: terminal(configs[0])))
    if not args.no_moved:
        stale = root / "stale.json"

        def kept_at(url: str):
            return lambda n: stale.write_text(json.dumps({**paired, "server_url": url}))

        cases.append(measure("server moved, kept port closed: browse until it shows up, check, heartbeat",
                             lambda n: terminal(stale), prepare=kept_at(f"http://{SERVER}:{PORT + 1}/")))
        cases.append(measure("server moved, kept address gone: check times out, browse, check, heartbeat",
                             lambda n: terminal(stale), prepare=kept_at(f"http://{GONE}:{PORT}/")))

    print()
    print(f"{'':<80}{'to the URL':>11}{'(median)':>12}{'to exit':>11}{'(median)':>12}")
    for label, to_url, to_exit in cases:
        print(f"{label[:80]:<80}{figures(to_url)}{figures(to_exit)}")
        if args.each:
            print("    each run to the URL: " + ", ".join(f"{value:.2f} s" for value in to_url))
    for label, values in floors.items():
        print(f"{'floor: ' + label:<80}{'':>23}{figures(values)}")


if __name__ == "__main__":
    main()
