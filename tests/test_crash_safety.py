"""Crash safety: ``equisis serve`` killed with SIGKILL under a write load, 20 times.

Each run starts the real server (a subprocess on 127.0.0.1), signs in, and lets three clients
create users through the users form (CSRF token, idempotency key) until the server is killed at a
random moment. A request whose status line came back 303 (the form's "created" redirect, even if
the body was cut off) was committed. After each
kill, before anything else touches the folder: ``equisis doctor`` exits 0 and every committed user
is in the database. The next run's start is the restart; after the last run the server is started
once more, the requests that were cut off are sent again with their idempotency keys, and each
one yields exactly one user.

The seed is printed; EQUISIS_CRASH_SEED replays a run.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from equisis.cli import main
from equisis.schema import all_migrations
from equisis.store import Instance
from tests.factories import ADMIN_PASSWORD, make_company

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

RUNS = 20
CLIENTS = 3
SEED = int(os.environ.get("EQUISIS_CRASH_SEED", "7071"))
ROOT = Path(__file__).resolve().parent.parent


# `equisis serve`, with Argon2 at the tests' costs: at production costs hashing the new user's password
# takes most of each request, and the kills would land there rather than around the commit.
SERVE = ("import sys; from equisis.users import service; "
         "service.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1); "
         "from equisis.cli import main; main(prog_name='equisis')")


class Server:
    def __init__(self, instance_path: Path, log_path: Path):
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, "--instance", str(instance_path), "serve", "--host", "127.0.0.1",
             "--port", "0", "--threads", "4", "--log-format", "json"],
            stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL, cwd=ROOT, text=True,
            env={**os.environ, "LANG": "en_BE.UTF-8"})
        line = self.process.stdout.readline()
        match = re.search(r"http://localhost:(\d+)/", line)
        if not match:
            self.kill()
            raise AssertionError(f"the server did not start: {line!r}\n{log_path.read_text()[-2000:]}")
        self.port = int(match.group(1))

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process.stdout.close()
        self.log.close()


class Client:
    """A signed-in browser without a browser: one session cookie, its CSRF token."""

    def __init__(self, port: int, slug: str):
        self.port, self.slug = port, slug
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None, keep_cookie=True):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            headers = {"Cookie": self.cookie, "Accept-Language": "en"}
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            try:
                text = response.read().decode()
            except (OSError, http.client.HTTPException):
                text = None  # killed while sending the body: the status line had been answered
            cookie = response.getheader("Set-Cookie")
            if cookie and keep_cookie:
                self.cookie = cookie.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def csrf(self, page: str) -> str:
        return re.search(r'name="_csrf" value="([^"]+)"', page).group(1)

    def sign_in(self) -> str:
        base = f"/c/{self.slug}"
        _, page = self.request("GET", f"{base}/login")
        status, _ = self.request("POST", f"{base}/login", {"username": "sophie", "password": ADMIN_PASSWORD,
                                                           "_csrf": self.csrf(page)})
        assert status == 303, status
        status, page = self.request("GET", f"{base}/users/new")
        assert status == 200, status
        return self.csrf(page)

    def create_user(self, csrf: str, username: str, key: str) -> int:
        # The session cookie is kept as it was after sign-in: the "created" flashes would grow it.
        status, _ = self.request("POST", f"/c/{self.slug}/users/new", {
            "_csrf": csrf, "_idem": key, "username": username, "password": "crash-safe password",
            "role": "sales", "language": "en", "display_name": ""}, keep_cookie=False)
        return status


class Load:
    """CLIENTS threads creating users until the server dies; what was answered 303 is committed."""

    def __init__(self, client: Client, csrf: str, run: int):
        self.client, self.csrf, self.run = client, csrf, run
        self.committed: list[str] = []
        self.in_flight: dict[str, str] = {}  # username -> idempotency key, sent but never answered
        self.unexpected: list[str] = []
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._work, args=(i,), daemon=True) for i in range(CLIENTS)]

    def _work(self, worker: int) -> None:
        for n in range(10_000):  # bounded: a server that never dies still ends the load
            username = f"r{self.run:02d}w{worker}n{n}"
            key = uuid.uuid4().hex
            with self._lock:
                self.in_flight[username] = key
            try:
                status = self.client.create_user(self.csrf, username, key)
            except (OSError, http.client.HTTPException):
                return  # killed: this one stays in flight (committed or not, nobody was told)
            with self._lock:
                del self.in_flight[username]
                if status == 303:
                    self.committed.append(username)
                else:
                    self.unexpected.append(f"{username}: {status}")
                    return

    def start(self):
        for thread in self.threads:
            thread.start()

    def join(self):
        for thread in self.threads:
            thread.join(timeout=30)


def _doctor(instance_path: Path) -> None:
    result = CliRunner().invoke(main, ["--instance", str(instance_path), "doctor"], env={"LANG": "en_BE.UTF-8"})
    assert result.exit_code == 0, result.output


def _usernames(instance_path: Path, slug: str) -> list[str]:
    """Every user name in the company's database, read-only (no migration, no lock taken)."""
    from equisis.users.models import User

    instance = Instance(instance_path, all_migrations(), read_only=True)
    try:
        with instance.get(slug).session():
            return [u.username for u in User.select(User.username)]
    finally:
        instance.close()


def _json_lines(log_path: Path) -> int:
    """Every log line is one JSON object; a line cut by SIGKILL is the only exception allowed."""
    lines = log_path.read_text().splitlines()
    bad = []
    for line in lines:
        try:
            json.loads(line)
        except ValueError:
            bad.append(line)
    assert len(bad) <= RUNS, bad[:5]
    return len(lines)


def test_sigkill_under_write_load_loses_nothing_answered(tmp_path):
    print(f"\ncrash-safety seed {SEED} (replay with EQUISIS_CRASH_SEED={SEED})")
    rng = random.Random(SEED)
    instance_path = tmp_path / "instance"
    log_path = tmp_path / "server.log"
    instance = Instance(instance_path, all_migrations())
    slug = make_company(instance)
    instance.close()

    committed: list[str] = []
    in_flight: dict[str, str] = {}
    started = time.perf_counter()
    for run in range(RUNS):
        server = Server(instance_path, log_path)
        try:
            client = Client(server.port, slug)
            csrf = client.sign_in()
            load = Load(client, csrf, run)
            load.start()
            delay = rng.uniform(0.05, 0.6)
            time.sleep(delay)
        finally:
            server.kill()
        load.join()
        assert not load.unexpected, load.unexpected
        committed += load.committed
        in_flight.update(load.in_flight)
        print(f"run {run:2d}: killed after {delay:.2f} s, {len(load.committed):3d} answered 303, "
              f"{len(load.in_flight)} cut off")

        _doctor(instance_path)
        present = set(_usernames(instance_path, slug))
        lost = [name for name in load.committed if name not in present]
        assert not lost, f"run {run}: answered as committed but missing after SIGKILL: {lost}"

    assert len(committed) >= RUNS, f"too little load to mean anything: {len(committed)} writes in {RUNS} runs"

    # The last restart: the cut-off requests sent again with their keys make one user each.
    server = Server(instance_path, log_path)
    try:
        client = Client(server.port, slug)
        csrf = client.sign_in()
        for username, key in in_flight.items():
            assert client.create_user(csrf, username, key) == 303
            assert client.create_user(csrf, username, key) == 303  # a double submit: still one
        status, body = client.request("GET", "/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
    finally:
        server.kill()
    _doctor(instance_path)
    names = _usernames(instance_path, slug)
    assert len(names) == len(set(names))
    assert set(committed) | set(in_flight) <= set(names)
    lines = _json_lines(log_path)
    print(f"{len(committed)} committed writes, {len(in_flight)} cut off and retried, {lines} JSON log lines, "
          f"{time.perf_counter() - started:.1f} s")
