"""The commands on real instance folders: backup, restore, open (a real server in a subprocess), the serve hook."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from equisis import create_app
from equisis.backup import cli as backup_cli
from equisis.backup import service
from equisis.cli import main
from equisis.schema import all_migrations
from equisis.store import Instance
from tests.backup.conftest import add_documents
from tests.factories import ADMIN_PASSWORD, make_company


@pytest.fixture
def instance_path(tmp_path):
    return tmp_path / "instance"


@pytest.fixture
def run(instance_path):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, ["--instance", str(instance_path), *args], env={"LANG": "en_BE.UTF-8"},
                             catch_exceptions=False)

    return invoke


@pytest.fixture
def slug(instance_path):
    instance = Instance(instance_path, all_migrations())
    slug = make_company(instance)
    add_documents(instance.get(slug))
    instance.close()
    return slug


def test_backup_every_company_into_a_folder_in_parts(run, slug, tmp_path):
    result = run("backup", "--to", str(tmp_path / "out"), "--part-size", "16384")
    assert result.exit_code == 0, result.output
    assert re.match(rf"{slug}: .*equisis-{slug}-\d{{8}}-\d{{6}}\.zip\.001, .* verified", result.output)
    [archive] = service.list_archives(tmp_path / "out", slug)
    assert archive.complete and len(archive.paths) > 1


def test_backup_beside_a_running_server(run, slug, instance_path):
    server = Instance(instance_path, all_migrations())
    server.get(slug)  # holds the folder lock, as `equisis serve` does
    try:
        result = run("backup", "--company", slug)
    finally:
        server.close()
    assert result.exit_code == 0, result.output
    assert len(service.list_archives(instance_path / "backups" / slug, slug)) == 1


def test_a_failed_backup_exits_non_zero_with_the_reason(run, slug, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("backup", "--to", str(blocker / "sub"))
    assert result.exit_code == 1
    assert "FAILED" in result.output and str(blocker) in result.output


def test_restore_as_another_slug_then_over_the_company(run, slug, instance_path):
    assert run("backup").exit_code == 0
    [archive] = service.list_archives(instance_path / "backups" / slug, slug)
    result = run("restore", str(archive.first_path), "--as", "copy")
    assert result.exit_code == 0, result.output
    assert "Restored copy" in result.output
    result = run("restore", str(archive.first_path))
    assert result.exit_code == 0, result.output
    assert "previous data is kept in" in result.output
    assert run("doctor").exit_code == 0


def test_restore_while_the_server_runs_is_refused_with_a_clear_message(run, slug, instance_path):
    assert run("backup").exit_code == 0
    [archive] = service.list_archives(instance_path / "backups" / slug, slug)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from equisis.schema import all_migrations
        from equisis.store import Instance
        instance = Instance({str(instance_path)!r}, all_migrations())
        instance.get({slug!r})
        print("serving", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "serving"
        result = run("restore", str(archive.first_path))
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2
    assert f"process {holder.pid}" in result.output and "backup page of the running server" in result.output


def test_restore_of_a_corrupted_archive_names_the_file(run, slug, instance_path):
    assert run("backup").exit_code == 0
    [archive] = service.list_archives(instance_path / "backups" / slug, slug)
    data = bytearray(archive.first_path.read_bytes())
    data[len(data) // 3] ^= 0xFF
    archive.first_path.write_bytes(bytes(data))
    result = run("restore", str(archive.first_path))
    assert result.exit_code == 2
    assert archive.name in result.output and "damaged" in result.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """urllib with cookies: enough to sign in and read pages of a real server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str):
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.status, response.read().decode()

    def post(self, path: str, fields: dict):
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base + path, data=data, timeout=10) as response:
            return response.status, response.read().decode()


def wait_for(url: str, process, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"open exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


def equisis_process(*args, instance_path):
    env = {**os.environ, "EQUISIS_INSTANCE": str(instance_path), "LANG": "en_BE.UTF-8"}
    return subprocess.Popen([sys.executable, "-m", "equisis.cli", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


@pytest.mark.slow
def test_open_an_archive_read_only_in_a_real_server(run, slug, instance_path):
    assert run("backup").exit_code == 0
    [archive] = service.list_archives(instance_path / "backups" / slug, slug)
    port = free_port()
    process = equisis_process("open", str(archive.first_path), "--no-browser", "--port", str(port),
                              instance_path=instance_path)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/health", process) == 200
        browser = Browser(f"http://127.0.0.1:{port}")
        status, page = browser.get(f"/c/{slug}/login")
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        status, page = browser.post(f"/c/{slug}/login", {"_csrf": token, "username": "sophie",
                                                         "password": ADMIN_PASSWORD})
        assert status == 200 and '<p class="banner">' in page  # the read-only banner
        status, page = browser.get(f"/c/{slug}/documents/")
        assert status == 200 and "test-letter" in page
        status, csv = browser.get(f"/c/{slug}/documents/?export=csv")
        assert status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert f"is open (read-only) at http://127.0.0.1:{port}/c/{slug}/" in output
    temp = re.findall(r"equisis-open-\w+", output)
    assert not any(Path("/tmp", name).exists() for name in temp)


def test_open_a_folder_held_by_a_running_server_is_refused_then_read_only_works(slug, instance_path):
    from equisis.backup import accountant
    from equisis.store.errors import CompanyLocked

    server = Instance(instance_path, all_migrations())
    server.get(slug)
    folder = instance_path / "companies" / slug
    try:
        result = CliRunner().invoke(main, ["open", str(folder), "--no-browser"], env={"LANG": "en_BE.UTF-8"})
        assert result.exit_code == 2
        assert "in use by Equisis" in result.output and "--read-only" in result.output
        with pytest.raises(CompanyLocked):
            accountant.prepare(folder, all_migrations())
        plan = accountant.prepare(folder, all_migrations(), read_only=True)
        try:
            app = create_app({"INSTANCE_PATH": str(plan.instance_path), "READ_ONLY": True, "SECRET_KEY": "t"})
            assert app.test_client().get("/health").status_code == 200
            assert app.extensions["equisis.instance"].slugs() == [slug]
            assert app.extensions["equisis.instance"].get(slug).read_only
            app.extensions["equisis.instance"].close()
        finally:
            plan.cleanup()
        assert (folder / "company.db").exists()  # the symlinked copy was removed, never the folder
    finally:
        server.close()


def test_open_refuses_what_is_not_a_company(tmp_path):
    result = CliRunner().invoke(main, ["open", str(tmp_path), "--no-browser"], env={"LANG": "en_BE.UTF-8"})
    assert result.exit_code == 2 and "neither a company folder" in result.output


def test_the_serve_hook_starts_and_stops_the_nightly_backups(slug, instance_path):
    app = create_app({"INSTANCE_PATH": str(instance_path), "SECRET_KEY": "t"})
    try:
        stop = backup_cli.on_serve(app)
        stop()
        app.config["BACKUP_NIGHTLY"] = False
        assert backup_cli.on_serve(app)() is None
    finally:
        app.extensions["equisis.instance"].close()
