"""The till under load: eight terminals scanning and paying against one appliance, then a big session close.

    .venv/bin/python bench/pos.py                 # five minutes of load (the issue's figure)
    .venv/bin/python bench/pos.py --seconds 60    # a quick run

Setup (in this process, before the server starts): the demo company (``build_demo``: a year of trade, the
shop's catalog with EAN-13 barcodes), stock for every item, nine tills (T1…T8 for the load, one more for the
close), a cashier and an API token per till, and a session of ``--close-tickets`` tickets (2,000) made through
``tickets.create_ticket``. Then ``equisis serve`` (Waitress, 8 threads) starts on 127.0.0.1 as a second process
and this process drives it over HTTP like the till page does: eight threads, each with its own till, token and
session, scan 1–5 items (``GET /pos/scan``: one in ten a weight/price-embedded code or a name), preview,
and validate the ticket (``POST /pos/tickets``, cash, card or mixed, a client UUID), in a loop for ``--seconds``.
Server time comes from each answer's ``Server-Timing: app;dur=…``; the wall time the driver saw is shown
beside it. The server's resident memory (VmRSS) is sampled every half second. Finally the 2,000-ticket
session is closed through the API (entry posting, stock if deferred) and timed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TIMING = re.compile(r"app;dur=([0-9.]+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# --------------------------------------------------------------------------- setup (this process)

def setup(folder: Path, *, terminals: int, close_tickets: int, stock_mode: str) -> dict:
    from equisis.catalog import service as catalog
    from equisis.catalog.models import Item
    from equisis.demo import build_demo
    from equisis.pos import service, sessions, tickets
    from equisis.schema import all_migrations
    from equisis.stock import service as stock
    from equisis.store.audit import acting_as
    from equisis.store.company import Instance
    from equisis.users import service as users

    started = time.perf_counter()
    instance = Instance(folder, all_migrations())
    slug = build_demo(instance, slug="demo")
    print(f"demo company built in {time.perf_counter() - started:.1f} s", flush=True)
    with instance.get(slug).session(), acting_as("bench"):
        service.set_stock_mode(stock_mode)
        goods = list(Item.select().where((Item.nature == "goods") & (Item.active == True)))  # noqa: E712
        codes = []
        for item in goods:
            stock.receive(item.code, 10_000_000, to="MAIN", cost_cents=100)
            barcode = catalog.primary_barcode(item)
            if barcode is not None and barcode.code.startswith("54"):
                codes.append(barcode.code)
        # A scale's article: price-embedded labels 21 IIIII VVVVV C (item registered with value 00000).
        from stdnum import ean
        scale = catalog.create_item("BENCH-SCALE", name_fr="Vrac", name_en="Bulk", sale_price="1", vat_rate=600,
                                    purchase_price="0", nature="goods",
                                    barcodes=["211234500000" + ean.calc_check_digit("211234500000")])
        stock.receive(scale.code, 10_000_000, to="MAIN", cost_cents=10)
        embedded = [f"21123450{v:04d}"[:12] for v in (1250, 399, 875)]
        embedded = [c + ean.calc_check_digit(c) for c in embedded]
        tills = []
        for n in range(1, terminals + 1):
            username = f"bench{n}"
            users.add_user(username, "bench password 1", "cashier", display_name=f"Bench {n}", pin=f"{7000 + n}",
                           language="fr")
            terminal = service.register_terminal(f"Bench till {n}")
            tills.append({"terminal": terminal.id, "token": users.issue_token(slug, username, "bench")})
        # The big session: close_tickets tickets on one more till.
        closer = users.add_user("benchclose", "bench password 1", "cashier", display_name="Closer", language="fr")
        big = service.register_terminal("Bench close")
        session = sessions.open_session(big, closer, float_cents=20_000)
        rng = random.Random(7)
        t0 = time.perf_counter()
        for i in range(close_tickets):
            lines = [{"item_code": rng.choice(codes), "quantity_milli": 1000 * rng.randint(1, 2)}
                     for _ in range(rng.randint(1, 4))]
            seen = tickets.preview(tickets.TicketRequest(uuid=str(uuid.uuid4()), session_id=0, lines=lines),
                                   language="fr")
            pay = [{"method": "cash", "amount_cents": seen["to_pay_cents"] + 500}] if i % 3 else \
                [{"method": "card", "amount_cents": seen["total_cents"]}]
            tickets.create_ticket(big, closer, tickets.TicketRequest(uuid=str(uuid.uuid4()), session_id=session.id,
                                                                     lines=lines, payments=pay), language="fr")
        print(f"{close_tickets:,} tickets for the close made in {time.perf_counter() - t0:.1f} s", flush=True)
        close = {"terminal": big.id, "token": users.issue_token(slug, "benchclose", "bench"), "session": session.id}
    instance.close()
    return {"slug": slug, "codes": codes, "embedded": embedded, "tills": tills, "close": close}


# --------------------------------------------------------------------------- the driver (this process, over HTTP)

class Client:
    def __init__(self, port: int, token: str, terminal: int):
        self.port, self.token, self.terminal = port, token, terminal
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body=None):
        headers = {"Authorization": f"Bearer {self.token}", "X-Pos-Terminal": str(self.terminal),
                   "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, "/api/v1" + path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        wall = (time.perf_counter() - started) * 1000
        found = TIMING.search(response.getheader("Server-Timing") or "")
        server = float(found.group(1)) if found else float("nan")
        return response.status, (json.loads(payload) if payload else {}), server, wall


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.server: dict[str, list[float]] = {}
        self.wall: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def add(self, kind: str, server: float, wall: float) -> None:
        with self.lock:
            self.server.setdefault(kind, []).append(server)
            self.wall.setdefault(kind, []).append(wall)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def terminal_loop(port, till, setup_data, until, recorder: Recorder, seed: int, pace: float = 1.0) -> int:
    """One till: scan 1–5 codes, preview, validate, again. ``pace`` scales the cashier's pauses (a scan every
    0.3–0.8 s, 1–2.5 s to take the payment); 0 = no pause at all (a stress test: every till hammers the server)."""
    rng = random.Random(seed)

    def pause(low, high):
        if pace:
            time.sleep(rng.uniform(low, high) * pace)

    client = Client(port, till["token"], till["terminal"])
    status, body, server, wall = client.call("POST", "/pos/sessions", {"float_cents": 15_000})
    if status != 201:
        recorder.error(f"open {status} {body}")
        return 0
    session_id, sold = body["id"], 0
    names = ["vase", "coussin", "lampe", "bougie", "cadre"]
    while time.monotonic() < until:
        lines = []
        for _ in range(rng.randint(1, 5)):
            pause(0.3, 0.8)
            roll = rng.random()
            code = rng.choice(setup_data["embedded"]) if roll < 0.07 else \
                rng.choice(names) if roll < 0.1 else rng.choice(setup_data["codes"])
            try:
                status, body, server, wall = client.call("GET", f"/pos/scan?code={code}")
            except (OSError, http.client.HTTPException) as exc:
                recorder.error(f"scan: {exc!r}")
                continue
            recorder.add("scan", server, wall)
            if status == 200 and body.get("kind") == "item":  # a scale's label carries its price: send it whole
                lines.append({"item_code": body["code"]} if body.get("embedded") else
                             {"item_code": body["item_code"], "quantity_milli": 1000})
            elif status != 404:  # a name is not a code: 404 is the expected answer, the till then searches
                recorder.error(f"scan {status} {body}")
        if not lines:
            continue
        try:
            status, body, server, wall = client.call("POST", "/pos/preview", {"lines": lines})
            recorder.add("preview", server, wall)
            if status != 200:
                recorder.error(f"preview {status} {body}")
                continue
            due = body["to_pay_cents"]
            pause(1.0, 2.5)
            roll = rng.random()
            if roll < 0.6:
                payments = [{"method": "cash", "amount_cents": due + rng.choice([0, 0, 5, 120, 1000])}]
            elif roll < 0.9:
                payments = [{"method": "card", "amount_cents": body["total_cents"]}]
            else:
                part = min(500, body["total_cents"])
                payments = [{"method": "card", "amount_cents": part},
                            {"method": "cash", "amount_cents": body["total_cents"] - part + 10}]
            ticket = {"uuid": str(uuid.uuid4()), "session_id": session_id, "lines": lines, "payments": payments}
            status, body, server, wall = client.call("POST", "/pos/tickets", ticket)
            recorder.add("ticket", server, wall)
            if status != 201:
                recorder.error(f"ticket {status} {body}")
            else:
                sold += 1
        except (OSError, http.client.HTTPException) as exc:
            recorder.error(f"ticket: {exc!r}")
    status, body, server, wall = client.call("POST", f"/pos/sessions/{session_id}/close",
                                             {"counts": {"5000": 3}, "key": str(uuid.uuid4())})
    recorder.add("close (load session)", server, wall)
    if status != 200:
        recorder.error(f"close {status} {body}")
    return sold


def pct(values: list[float], p: float) -> float:
    ordered = sorted(v for v in values if v == v)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def report(recorder: Recorder) -> None:
    print(f"{'':22} {'count':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}   (ms, server time; wall p99)")
    for kind in ("scan", "preview", "ticket", "close (load session)"):
        values = recorder.server.get(kind, [])
        if not values:
            continue
        print(f"{kind:22} {len(values):7,} {pct(values, 50):8.1f} {pct(values, 95):8.1f} {pct(values, 99):8.1f} "
              f"{max(values):8.1f}   wall p99 {pct(recorder.wall[kind], 99):.1f}")


def wait_ready(port: int, proc) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not answer within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=300, help="load duration (default 5 minutes)")
    parser.add_argument("--terminals", type=int, default=8)
    parser.add_argument("--close-tickets", type=int, default=2000)
    parser.add_argument("--stock-mode", choices=("validation", "close"), default="validation",
                        help="stock moved at each ticket, or deferred to the session close")
    parser.add_argument("--pace", type=float, default=1.0,
                        help="scale of the cashiers' pauses (1: a scan every 0.3–0.8 s, 1–2.5 s to pay; "
                             "0: no pause, a stress test)")
    parser.add_argument("--keep", help="use this folder for the instance and keep it")
    args = parser.parse_args()

    holder = None if args.keep else tempfile.TemporaryDirectory(prefix="equisis-bench-pos-")
    folder = Path(args.keep or holder.name)
    data = setup(folder, terminals=args.terminals, close_tickets=args.close_tickets, stock_mode=args.stock_mode)

    port = free_port()
    equisis = Path(sys.executable).with_name("equisis")
    env = {**os.environ, "EQUISIS_INSTANCE": str(folder)}
    proc = subprocess.Popen([str(equisis), "serve", "--port", str(port), "--threads", "8", "--no-mdns",
                             "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port, proc)
        idle = rss_mb(proc.pid)
        recorder, rss, stop = Recorder(), [], threading.Event()

        def sample():
            while not stop.wait(0.5):
                rss.append(rss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        until = time.monotonic() + args.seconds
        sold: list[int] = []
        threads = [threading.Thread(target=lambda t=till, n=n: sold.append(
            terminal_loop(port, t, data, until, recorder, n, args.pace)), name=f"till-{n}")
            for n, till in enumerate(data["tills"], start=1)]
        started = time.perf_counter()
        print(f"{len(threads)} terminals (pace {args.pace:g}) for {args.seconds} s against pid {proc.pid} on 127.0.0.1:{port} …", flush=True)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()

        big = data["close"]
        client = Client(port, big["token"], big["terminal"])
        t0 = time.perf_counter()
        status, body, server, wall = client.call("POST", f"/pos/sessions/{big['session']}/close",
                                                 {"counts": {"5000": 10}, "key": str(uuid.uuid4())})
        close_wall = (time.perf_counter() - t0) * 1000
        if status != 200:
            recorder.error(f"big close {status} {body}")

        print()
        print(f"tickets validated: {sum(sold):,} in {elapsed:.0f} s ({sum(sold) / elapsed:.1f}/s over "
              f"{len(threads)} terminals); scans {len(recorder.server.get('scan', [])):,} "
              f"({len(recorder.server.get('scan', [])) / elapsed:.1f}/s)")
        report(recorder)
        print(f"errors: {len(recorder.errors)}" + (f" — first: {recorder.errors[:3]}" if recorder.errors else ""))
        print(f"closing a session of {args.close_tickets:,} tickets (stock mode {args.stock_mode}): "
              f"server {server:.0f} ms, wall {close_wall:.0f} ms, status {status}")
        values = [v for v in rss if v == v]
        print(f"server RSS: idle {idle:.1f} MB; under load median {statistics.median(values):.1f} MB, "
              f"max {max(values):.1f} MB ({len(values)} samples)" if values else f"server RSS idle {idle:.1f} MB")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if holder is not None:
            holder.cleanup()


if __name__ == "__main__":
    main()
