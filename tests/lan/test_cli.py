"""``equisis discover`` and ``equisis terminal`` through CliRunner; the terminal against a real Waitress."""
from __future__ import annotations

import json
import logging
import os
import stat
import threading

import pytest
from click.testing import CliRunner
from waitress import create_server

from equisis.cli import main
from equisis.lan import cli as lan_cli
from equisis.lan import mdns, rules, service, terminal
from equisis.lan.models import Terminal


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, env={"LANG": "en_BE.UTF-8"},
                              catch_exceptions=False)


def server_found(name="Equisis", port=8080, addresses=("10.0.0.5",), server_id="3f9a"):
    return rules.DiscoveredServer.from_service(name, port, list(addresses), rules.txt_record(
        version="0.3.0", name=name, server_id=server_id))


@pytest.fixture(autouse=True)
def never_on_the_host(monkeypatch):
    """These tests run on the host: a real mDNS socket would be a bug (test_netns.py has those)."""
    def refuse(*args, **kwargs):
        raise AssertionError("a CLI test tried to open mDNS sockets on the host")

    monkeypatch.setattr(mdns, "Zeroconf", refuse)


class FakeLan(list):
    """What discovery finds (a list of DiscoveredServer), and the calls it got."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def discover(self, timeout=3.0, interfaces=(), wanted=None):
        self.calls.append({"timeout": timeout, "interfaces": tuple(interfaces)})
        return list(self)


@pytest.fixture
def no_lan(monkeypatch):
    """Discovery answers from a list instead of the network."""
    lan = FakeLan()
    monkeypatch.setattr(mdns, "discover", lan.discover)
    return lan


# ---------------------------------------------------------------- discover


def test_discover_prints_name_url_version(no_lan):
    no_lan.extend([server_found("Equisis"), server_found("Equisis (2)", 8081, ("10.0.0.6",), "77aa")])
    result = run("discover", "--timeout", "1.5", "--interface", "10.0.0.2")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["Equisis\thttp://10.0.0.5:8080/\t0.3.0",
                                          "Equisis (2)\thttp://10.0.0.6:8081/\t0.3.0"]
    assert no_lan.calls == [{"timeout": 1.5, "interfaces": ("10.0.0.2",)}]


def test_discover_without_servers_exits_1(no_lan):
    result = run("discover", "--timeout", "0.5")
    assert result.exit_code == 1
    assert "No Equisis server answered on the LAN within 0.5 seconds." in result.stderr


def test_discover_without_a_lan_address(monkeypatch):
    monkeypatch.setattr(mdns, "adapters", lambda: [("lo", "127.0.0.1")])
    result = run("discover")
    assert result.exit_code == 2
    assert "no LAN address" in result.stderr


# ---------------------------------------------------------------- a real server for the terminal


@pytest.fixture
def live(app, slug):
    """The app served by Waitress on 127.0.0.1 (a free port) in a thread: (app, base URL, server)."""
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.effective_port}/", server
    server.close()
    thread.join(timeout=5)


def new_code(app, slug):
    with app.extensions["equisis.instance"].get(slug).session():
        return service.create_pairing_code().code


def test_terminal_pairs_with_a_code_then_prints_the_till(live, slug, tmp_path):
    app, url, _ = live
    config = tmp_path / "terminal.json"
    result = run("terminal", "--server", url.rstrip("/"), "--name", "Till 1", "--no-kiosk",
                 "--config", str(config), input=new_code(app, slug) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == f"{url}c/{slug}/"
    assert "Pairing code" in result.stderr and f"Paired with {slug}" in result.stderr

    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    saved = json.loads(config.read_text())
    assert saved["server_url"] == url and saved["company"] == slug and saved["terminal_name"] == "Till 1"
    assert saved["server_id"] == service.server_id(app.extensions["equisis.instance"].root)
    assert saved["server_name"] == "Equisis" and saved["token"].startswith(f"{slug}.")

    # Next start: no prompt, the heartbeat proves the pairing, the till opens.
    again = run("terminal", "--no-kiosk", "--config", str(config))
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == f"{url}c/{slug}/"
    with app.extensions["equisis.instance"].get(slug).session():
        assert Terminal.get().last_seen_at is not None


def test_terminal_with_a_wrong_code(live, slug, tmp_path):
    _, url, _ = live
    result = run("terminal", "--server", url, "--no-kiosk", "--config", str(tmp_path / "t.json"),
                 input="ABCD-EFGH\n")
    assert result.exit_code == 2
    assert "Wrong or expired pairing code" in result.stderr
    assert not (tmp_path / "t.json").exists()


def test_a_revoked_terminal_asks_for_a_new_code(live, slug, tmp_path):
    app, url, _ = live
    config = tmp_path / "terminal.json"
    assert run("terminal", "--server", url, "--no-kiosk", "--config", str(config),
               input=new_code(app, slug) + "\n").exit_code == 0
    with app.extensions["equisis.instance"].get(slug).session():
        service.revoke_terminal(Terminal.get().id)
    result = run("terminal", "--no-kiosk", "--config", str(config), input=new_code(app, slug) + "\n")
    assert result.exit_code == 0, result.output
    assert "revoked on the server" in result.stderr
    assert result.stdout.strip() == f"{url}c/{slug}/"
    with app.extensions["equisis.instance"].get(slug).session():
        assert [t.revoked_at is None for t in Terminal.select().order_by(Terminal.id)] == [False, True]


def test_a_server_that_moved_is_found_again_by_its_identifier(live, slug, tmp_path, no_lan):
    app, url, server = live
    config = tmp_path / "terminal.json"
    assert run("terminal", "--server", url, "--no-kiosk", "--config", str(config),
               input=new_code(app, slug) + "\n").exit_code == 0
    saved = json.loads(config.read_text())
    # The address it knew now answers nothing (a closed port); on the LAN: another server, then ours.
    saved["server_url"] = "http://127.0.0.1:9/"
    config.write_text(json.dumps(saved))
    no_lan.extend([server_found("Other", server.effective_port, ("127.0.0.1",), "ffff"),
                   server_found("Equisis (2)", server.effective_port, ("127.0.0.1",), saved["server_id"])])
    result = run("terminal", "--no-kiosk", "--config", str(config), "--timeout", "1")
    assert result.exit_code == 0, result.output
    assert "no longer answers at http://127.0.0.1:9/" in result.stderr
    assert result.stdout.strip() == f"{url}c/{slug}/"
    again = json.loads(config.read_text())
    assert again["server_url"] == url and again["server_name"] == "Equisis (2)"


def test_a_server_gone_from_the_lan(live, slug, tmp_path, no_lan):
    app, url, _ = live
    config = tmp_path / "terminal.json"
    run("terminal", "--server", url, "--no-kiosk", "--config", str(config), input=new_code(app, slug) + "\n")
    saved = json.loads(config.read_text())
    config.write_text(json.dumps({**saved, "server_url": "http://127.0.0.1:9/"}))
    result = run("terminal", "--no-kiosk", "--config", str(config), "--timeout", "0.5")
    assert result.exit_code == 2
    assert "No Equisis server answered" in result.stderr


def test_terminal_picks_the_only_server_found(live, slug, tmp_path, no_lan):
    app, url, server = live
    no_lan.append(server_found("Equisis", server.effective_port, ("127.0.0.1",)))
    result = run("terminal", "--no-kiosk", "--config", str(tmp_path / "t.json"), "--name", "Kiosk",
                 input=new_code(app, slug) + "\n")
    assert result.exit_code == 0, result.output
    assert f"Server: Equisis at {url}" in result.stderr
    assert result.stdout.strip() == f"{url}c/{slug}/"


def test_terminal_lists_several_servers_to_choose_from(live, slug, tmp_path, no_lan):
    app, url, server = live
    no_lan.extend([server_found("Back office", 9, ("127.0.0.1",), "0000"),
                   server_found("Shop", server.effective_port, ("127.0.0.1",))])
    result = run("terminal", "--no-kiosk", "--config", str(tmp_path / "t.json"),
                 input="2\n" + new_code(app, slug) + "\n")
    assert result.exit_code == 0, result.output
    assert "1. Back office" in result.stderr and "2. Shop" in result.stderr
    assert result.stdout.strip() == f"{url}c/{slug}/"


def test_terminal_finds_no_server(tmp_path, no_lan):
    result = run("terminal", "--no-kiosk", "--config", str(tmp_path / "t.json"), "--timeout", "0.2")
    assert result.exit_code == 2
    assert "No Equisis server answered on the LAN within 0.2 seconds." in result.stderr


def test_a_server_that_does_not_answer(tmp_path):
    result = run("terminal", "--server", "http://127.0.0.1:9", "--no-kiosk",
                 "--config", str(tmp_path / "t.json"), input="ABCD-EFGH\n")
    assert result.exit_code == 2
    assert "The server at http://127.0.0.1:9/api/v1/pair does not answer" in result.stderr


# ---------------------------------------------------------------- the kiosk browser


def test_kiosk_opens_chromium_as_an_app_window():
    started = []
    command = terminal.open_till("http://10.0.0.5:8080/c/shop/", True,
                                 which=lambda name: "/usr/bin/chromium" if name == "chromium" else None,
                                 popen=lambda cmd, **kw: started.append(cmd), open_browser=pytest.fail)
    assert command[:3] == ["/usr/bin/chromium", "--kiosk", "--app=http://10.0.0.5:8080/c/shop/"]
    assert started == [command]


def test_kiosk_without_chromium_uses_the_default_browser():
    opened = []
    assert terminal.open_till("http://x/", True, which=lambda name: None, popen=pytest.fail,
                              open_browser=opened.append) is None
    assert opened == ["http://x/"]


def test_no_kiosk_opens_nothing():
    assert terminal.open_till("http://x/", False, which=pytest.fail, popen=pytest.fail,
                              open_browser=pytest.fail) is None


# ---------------------------------------------------------------- the config file


def test_default_config_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert terminal.default_config_path() == tmp_path / "equisis" / "terminal.json"


def test_a_damaged_config_file_means_not_paired(tmp_path):
    path = tmp_path / "terminal.json"
    path.write_text("{not json")
    assert terminal.load_config(path) is None
    path.write_text('{"server_url": "http://x/"}')
    assert terminal.load_config(path) is None


# ---------------------------------------------------------------- serve's hook (never started on the host)


class FakeApp:
    def __init__(self, tmp_path, **config):
        self.config = config
        self.instance_path = str(tmp_path)
        self.extensions = {}


@pytest.mark.parametrize("host,enabled,config", [
    ("127.0.0.1", None, {}),
    ("localhost", True, {}),
    ("0.0.0.0", False, {}),
    ("0.0.0.0", None, {"MDNS_ENABLED": False}),
])
def test_serve_does_not_advertise(tmp_path, host, enabled, config):
    app = FakeApp(tmp_path, **config)
    assert lan_cli.start_advertising(app, host, 8080, enabled=enabled) is None
    assert "equisis.lan.advertiser" not in app.extensions


def test_serve_with_an_impossible_name_logs_and_goes_on(tmp_path, caplog):
    app = FakeApp(tmp_path, MDNS_NAME="Déco S.R.L.")
    with caplog.at_level(logging.WARNING, logger="equisis.lan"):
        assert lan_cli.start_advertising(app, "0.0.0.0", 8080) is None
    assert "cannot be the server's name on the LAN" in caplog.text


def test_serve_help_shows_the_mdns_options():
    result = run("serve", "--help")
    assert "--no-mdns" in result.stdout and "--mdns-interface ADDR" in result.stdout
