"""The terminal side of pairing: find the server, pair with a code, remember it, find it again, open the till.

A POS PC, a kiosk or a laptop runs ``equisis terminal``. It keeps what it learnt at pairing in a
small JSON file readable by its user only (``terminal.json`` in the platform's config folder):
the server's URL, its mDNS name and identifier, the company and the terminal's own API token.
On each start it checks the server (``GET /api/v1/server`` answers with the identifier, then the
heartbeat proves the token still works); when the server no longer answers at that address, or
another server does, it browses the LAN for the same identifier (or, failing that, the same
name) and keeps the new address.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import webbrowser
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

from equisis.core.i18n import current_language, gettext
from equisis.lan import rules
from equisis.lan.errors import ServerNotFound, ServerUnreachable, TerminalRevoked, UnexpectedAnswer

HTTP_TIMEOUT_S = 5
#: Is the server still at its address? On a LAN it answers in milliseconds; an address gone from the
#: network costs this long (the ARP query's wait), then the terminal searches the LAN instead.
CHECK_TIMEOUT_S = 2
CONFIG_NAME = "terminal.json"


def default_config_path() -> Path:
    """Where a terminal keeps its pairing: %APPDATA%, ~/Library/Application Support or $XDG_CONFIG_HOME."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "equisis" / CONFIG_NAME


@dataclass(frozen=True)
class TerminalConfig:
    server_url: str         # 'http://10.0.0.5:8080/' (with the path the server advertises)
    token: str
    company: str
    terminal_name: str
    server_id: str = ""
    server_name: str = ""

    @property
    def till_url(self) -> str:
        """The page the terminal shows: the company's dashboard until the point of sale arrives."""
        return urljoin(self.server_url, f"c/{self.company}/")


def urljoin(base: str, relative: str) -> str:
    return base.rstrip("/") + "/" + relative.lstrip("/")


def load_config(path: Path) -> TerminalConfig | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return TerminalConfig(**{k: data[k] for k in TerminalConfig.__dataclass_fields__ if k in data})
    except (FileNotFoundError, ValueError, TypeError):
        return None


def save_config(path: Path, config: TerminalConfig) -> None:
    """Write atomically, mode 0600 (the file holds the terminal's token)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    draft = path.with_name(path.name + ".tmp")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(config), handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(draft, 0o600)
    os.replace(draft, path)


# ---------------------------------------------------------------- HTTP


def _call(method: str, url: str, *, token: str | None = None, body: dict | None = None,
          timeout: float = HTTP_TIMEOUT_S) -> tuple[int, dict]:
    """(status, JSON body) of one request; ServerUnreachable when nothing answers."""
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    request.add_header("Accept-Language", current_language())  # messages in the terminal's language
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, _json(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, _json(exc.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ServerUnreachable(url=url, detail=str(getattr(exc, "reason", exc))) from exc


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _check(status: int, body: dict, url: str) -> dict:
    if status != 200:
        raise UnexpectedAnswer(url=url, status_code=status, detail=body.get("message", ""))
    return body


def server_identity(base_url: str, timeout: float = HTTP_TIMEOUT_S) -> dict:
    """{'id', 'name', 'version'} of the Equisis server at ``base_url`` (no token needed)."""
    url = urljoin(base_url, "api/v1/server")
    return _check(*_call("GET", url, timeout=timeout), url)


def pair(base_url: str, code: str, name: str) -> TerminalConfig:
    """Pair with the server at ``base_url``: InvalidPairingCode's message comes back as UnexpectedAnswer."""
    url = urljoin(base_url, "api/v1/pair")
    body = _check(*_call("POST", url, body={"code": code, "name": name}), url)
    server = body.get("server", {})
    return TerminalConfig(server_url=base_url, token=body["token"], company=body["company"],
                          terminal_name=body.get("terminal", {}).get("name", name),
                          server_id=server.get("id", ""), server_name=server.get("name", ""))


def heartbeat(config: TerminalConfig) -> dict:
    """Tell the server this terminal is alive; TerminalRevoked when its token no longer works."""
    url = urljoin(config.server_url, "api/v1/terminal/heartbeat")
    status, body = _call("POST", url, token=config.token)
    if status == 401:
        raise TerminalRevoked()
    return _check(status, body, url)


def is_same_server(base_url: str, config: TerminalConfig) -> bool:
    """Does the server at this address still answer, and is it ours (same identifier)?"""
    try:
        identity = server_identity(base_url, timeout=CHECK_TIMEOUT_S)
    except (ServerUnreachable, UnexpectedAnswer):
        return False
    return not config.server_id or identity.get("id") == config.server_id


def answering_url(server: rules.DiscoveredServer) -> str:
    """The first of a discovered server's URLs that answers as an Equisis server (else the first)."""
    for url in server.urls:
        try:
            server_identity(url, timeout=CHECK_TIMEOUT_S)
        except (ServerUnreachable, UnexpectedAnswer):
            continue
        return url
    return server.url


# ---------------------------------------------------------------- finding the server again


def matches(config: TerminalConfig) -> Callable[[rules.DiscoveredServer], bool]:
    """The server a terminal was paired with: by identifier, or by name for a server without one."""
    def accept(server: rules.DiscoveredServer) -> bool:
        if config.server_id:
            return server.server_id == config.server_id
        return bool(config.server_name) and server.name == config.server_name
    return accept


def rediscover(config: TerminalConfig, discover: Callable[..., list], timeout: float) -> TerminalConfig:
    """Browse the LAN for the paired server; the first of its addresses that answers as it wins."""
    accept = matches(config)
    for server in discover(timeout=timeout, wanted=accept):
        if not accept(server):
            continue
        for url in server.urls:
            if is_same_server(url, config):
                return TerminalConfig(**{**asdict(config), "server_url": url, "server_name": server.name})
    raise ServerNotFound(seconds=timeout)


def connect(config: TerminalConfig, discover: Callable[..., list], timeout: float,
            say: Callable[[str], None]) -> tuple[TerminalConfig, bool]:
    """The paired server, found again if it moved: (config, changed). TerminalRevoked if unpaired."""
    changed = False
    if not is_same_server(config.server_url, config):
        say(gettext("The server no longer answers at {url}; searching the LAN for “{name}”…",
                    url=config.server_url, name=config.server_name or config.server_id))
        config = rediscover(config, discover, timeout)
        changed = True
    heartbeat(config)
    return config, changed


# ---------------------------------------------------------------- the browser


KIOSK_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge")


def open_till(url: str, kiosk: bool, *, which: Callable[[str], str | None] = shutil.which,
              popen=subprocess.Popen,
              open_browser: Callable[[str], bool] = webbrowser.open) -> Sequence[str] | None:
    """Show the till: a full-screen Chromium app window when one is installed, else the default browser.

    Returns the command started (None when the default browser was asked).
    """
    if not kiosk:
        return None
    for name in KIOSK_BROWSERS:
        path = which(name)
        if path:
            command = [path, "--kiosk", f"--app={url}", "--noerrdialogs", "--no-first-run"]
            popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                  start_new_session=True)
            return command
    open_browser(url)
    return None
