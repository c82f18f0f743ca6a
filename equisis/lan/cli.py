"""``equisis discover`` and ``equisis terminal``; :func:`start_advertising` for ``equisis serve``.

zeroconf and the database modules are imported inside the commands: every ``equisis`` command
loads this module, and most of them never touch the network.
"""
from __future__ import annotations

import logging
import signal
import socket
import sys
import threading
from pathlib import Path

import click

from equisis.core.errors import EquisisError
from equisis.core.i18n import gettext
from equisis.lan.errors import ServerNotFound, TerminalRevoked

log = logging.getLogger("equisis.lan")


def _fail(exc: EquisisError):
    click.echo(gettext("Error: {problem}", problem=exc.message()), err=True)
    sys.exit(2)


# ---------------------------------------------------------------- serve's hook


def start_advertising(app, host: str, port: int, *, enabled: bool | None = None,
                      interfaces: tuple[str, ...] = ()):
    """Advertise the server ``equisis serve`` just bound (None when off); the caller stops it.

    Settings (``instance/config.py``): MDNS_ENABLED, MDNS_NAME, MDNS_INTERFACES, MDNS_POLL_SECONDS;
    ``--mdns/--no-mdns`` and ``--mdns-interface`` override them. A server bound to loopback is
    never advertised. SIGTERM (systemd's stop) is turned into a normal exit, so the goodbye
    packets leave before the process does. Returns the started LanAdvertiser, or None.
    """
    from equisis.lan import mdns, rules, service
    from equisis.version import __version__

    settings = {key: app.config.get(key, default) for key, default in mdns.DEFAULT_SETTINGS.items()}
    if not (settings["MDNS_ENABLED"] if enabled is None else enabled):
        return None
    if rules.is_loopback_host(host):
        log.info("mDNS: serving on %s (this machine only): not advertised on the LAN", host)
        return None
    try:
        advertiser = mdns.LanAdvertiser(
            port=port, server_id=service.server_id(Path(app.instance_path)), version=__version__,
            name=settings["MDNS_NAME"], configured=tuple(interfaces or settings["MDNS_INTERFACES"]),
            bind_host=host, poll_s=float(settings["MDNS_POLL_SECONDS"]))
    except EquisisError as exc:
        log.warning("mDNS: not advertised: %s", exc.message("en"))
        return None
    app.extensions["equisis.lan.advertiser"] = advertiser
    if threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    return advertiser.start()


def _exit_on_sigterm(_signum, _frame):
    raise SystemExit(0)  # Waitress' run() returns on SystemExit; serve's finally then withdraws


# ---------------------------------------------------------------- discover

interface_option = click.option(
    "--interface", "interfaces", multiple=True, metavar="ADDR",
    help="Search from this address or interface only (repeatable; default: every LAN address).")


@click.command("discover")
@click.option("--timeout", default=3.0, show_default=True, type=click.FloatRange(0.1, 60),
              help="Seconds to listen.")
@interface_option
def discover_command(timeout, interfaces):
    """List the Equisis servers on the LAN (name, URL, version), found with mDNS."""
    from equisis.lan import mdns

    try:
        servers = mdns.discover(timeout=timeout, interfaces=interfaces)
    except EquisisError as exc:
        _fail(exc)
    if not servers:
        click.echo(ServerNotFound(seconds=timeout).message(), err=True)
        sys.exit(1)
    for server in servers:
        click.echo(f"{server.name}\t{server.url}\t{server.version}")


# ---------------------------------------------------------------- terminal


@click.command("terminal")
@click.option("--server", "server_url", default=None, metavar="URL",
              help="The server's address, e.g. http://10.0.0.5:8080/ (default: search the LAN).")
@click.option("--name", default=None,
              help="This terminal's name on the server (default: the computer's name).")
@click.option("--kiosk/--no-kiosk", default=True, show_default=True,
              help="Open the till full-screen (Chromium --kiosk), or only print its address.")
@click.option("--pair", "force_pair", is_flag=True,
              help="Pair again even if this terminal is paired already.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="EQUISIS_TERMINAL_CONFIG",
              help="Where the pairing is kept (default: the user's config folder, equisis/terminal.json).")
@click.option("--timeout", default=3.0, show_default=True, type=click.FloatRange(0.1, 60),
              help="Seconds to search the LAN.")
@interface_option
def terminal_command(server_url, name, kiosk, force_pair, config_path, timeout, interfaces):
    """Turn this computer into a till: find the server, pair with a code, open the till page."""
    from equisis.lan import mdns, terminal

    path = config_path or terminal.default_config_path()

    def find(timeout, wanted=None):
        return mdns.discover(timeout=timeout, interfaces=interfaces, wanted=wanted)

    try:
        config = None if force_pair else terminal.load_config(path)
        if config is not None and server_url and _base(server_url) != config.server_url:
            config = None  # another server named: pair with it
        if config is not None:
            try:
                config, changed = terminal.connect(config, find, timeout, _say)
            except TerminalRevoked as exc:
                _say(exc.message())
                server_url, config = server_url or config.server_url, None  # pair again with that server
            else:
                if changed:
                    terminal.save_config(path, config)
                    _say(gettext("Found the server again at {url}.", url=config.server_url))
        if config is None:
            config = _pair(server_url, name or socket.gethostname()[:60], find, timeout)
            terminal.save_config(path, config)
            _say(gettext("Paired with {company} on {server} as “{name}”.", company=config.company,
                         server=config.server_name or config.server_url, name=config.terminal_name))
    except EquisisError as exc:
        _fail(exc)
    url = config.till_url
    if kiosk:
        _say(gettext("Opening the till: {url}", url=url))
        terminal.open_till(url, kiosk)
    else:
        click.echo(url)


def _say(message: str) -> None:
    """Progress goes to standard error: standard output carries only the till's URL."""
    click.echo(message, err=True)


def _base(url: str) -> str:
    return url.rstrip("/") + "/"


def _pair(server_url: str | None, name: str, find, timeout: float):
    from equisis.lan import terminal

    if server_url:
        base = _base(server_url)
    else:
        servers = find(timeout)
        if not servers:
            raise ServerNotFound(seconds=timeout)
        chosen = servers[0] if len(servers) == 1 else _choose(servers)
        base = terminal.answering_url(chosen)
        _say(gettext("Server: {name} at {url}", name=chosen.name, url=base))
    code = click.prompt(gettext("Pairing code (on the server: Terminals page)"), err=True).strip()
    return terminal.pair(base, code, name)


def _choose(servers: list):
    for number, server in enumerate(servers, start=1):
        _say(f"{number}. {server.name}\t{server.url}\t{server.version}")
    choice = click.prompt(gettext("Which server?"), type=click.IntRange(1, len(servers)), default=1, err=True)
    return servers[choice - 1]


COMMANDS = [discover_command, terminal_command]
