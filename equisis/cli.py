"""The ``equisis`` command: serve, company, demo, user, doctor.

Every command works on an instance folder (``--instance DIR`` or EQUISIS_INSTANCE,
default the project's instance/). Commands that act on one company take
``--company SLUG``; it may be left out when the instance holds one company.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from equisis.config import default_instance_path
from equisis.core.errors import EquisisError
from equisis.version import __version__


class LazyGroup(click.Group):
    """The ``equisis`` group: the spine's commands are defined here, modules' commands load on use."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(COMMAND_MODULES))

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMAND_MODULES:
            import importlib

            for command in importlib.import_module(COMMAND_MODULES[name]).COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, name)


class Context:
    def __init__(self, instance_path: Path):
        self.instance_path = instance_path
        self._instance = None
        self._reader = None

    @property
    def instance(self):
        """The instance opened for writing (takes each company's folder lock)."""
        if self._instance is None:
            self._instance = self._open(read_only=False)
        return self._instance

    @property
    def reader(self):
        """The instance opened read-only: works beside a running server, migrates nothing."""
        if self._reader is None:
            self._reader = self._open(read_only=True)
        return self._reader

    def _open(self, read_only: bool):
        from equisis.schema import all_migrations
        from equisis.store import Instance

        return Instance(self.instance_path, all_migrations(), read_only=read_only)

    def company_slug(self, slug: str | None, *, read_only: bool = False) -> str:
        """``slug``, or the instance's only company (``read_only``: looked up without taking any lock)."""
        if slug:
            return slug
        slugs = (self.reader if read_only else self.instance).slugs()
        if len(slugs) == 1:
            return slugs[0]
        if not slugs:
            raise click.UsageError(f"no company in {self.instance_path}; create one with 'equisis company create' "
                                   "or 'equisis demo'")
        raise click.UsageError(f"several companies ({', '.join(slugs)}): choose one with --company")

    def close(self):
        for opened in (self._instance, self._reader):
            if opened is not None:
                opened.close()
        self._instance = self._reader = None



def _fail(exc: EquisisError):
    click.echo(f"Error: {exc.message()}", err=True)
    sys.exit(2)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--instance", "instance_path", type=click.Path(file_okay=False, path_type=Path),
              envvar="EQUISIS_INSTANCE", default=None,
              help="Instance folder holding companies/ (default: EQUISIS_INSTANCE, else the project's instance/).")
@click.version_option(__version__, prog_name="equisis")
@click.pass_context
def main(ctx, instance_path):
    """Equisis: the business-management appliance for Belgian small businesses."""
    from equisis.core.i18n import LANGUAGES, reset_language, set_language

    # LANG=nl_BE.UTF-8 speaks Dutch; unset, C or POSIX English. Put back when the command ends (run in-process).
    lang = os.environ.get("LANG") or "en"
    token = set_language(lang if lang[:2].lower() in LANGUAGES else "en")
    ctx.call_on_close(lambda: reset_language(token))
    ctx.obj = Context((instance_path or default_instance_path()).resolve())
    ctx.call_on_close(ctx.obj.close)


def _password(confirm: bool, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=confirm)


# ---------------------------------------------------------------- serve


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: the LAN).")
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Waitress worker threads.")
@click.option("--demo", is_flag=True, help="Create the demo company first if the instance has none.")
@click.option("--log-format", type=click.Choice(["json", "text"]), default=None,
              help="json: one JSON object a line (default when standard error is not a terminal, or with "
                   "--log-file); text: short lines for a person.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False))
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Write the log to this file (reopened after logrotate moves it); warnings also go to "
                   "standard error.")
@click.option("--mdns/--no-mdns", "mdns", default=None,
              help="Advertise this server on the LAN with mDNS (default: the MDNS_ENABLED setting, on; never "
                   "when serving on 127.0.0.1).")
@click.option("--mdns-interface", "mdns_interfaces", multiple=True, metavar="ADDR",
              help="Advertise on this address or interface only (repeatable; default: every LAN address).")
@click.pass_obj
def serve(obj: Context, host, port, threads, demo, log_format, log_level, log_file, mdns, mdns_interfaces):
    """Serve the web application with Waitress."""
    import logging

    from waitress import create_server

    from equisis import create_app
    from equisis.web import logging as request_logging

    request_logging.configure(log_format, log_level, log_file)

    if demo and not obj.instance.slugs():
        from equisis.demo import DEMO_PASSWORD, build_demo

        slug = build_demo(obj.instance)
        click.echo(f"Created the demo company '{slug}': sign in as sophie / {DEMO_PASSWORD} "
                   f"(cashiers karim, PIN 1234; els, PIN 5678).")
    obj.close()
    app = create_app({"INSTANCE_PATH": str(obj.instance_path)})
    server = create_server(app, host=host, port=port, threads=threads, ident="Equisis")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    click.echo(f"Equisis {__version__} serving {obj.instance_path} on http://{shown}:{server.effective_port}/ "
               f"(Ctrl+C stops)", err=False)
    sys.stdout.flush()
    logging.getLogger("equisis.serve").info("Equisis %s serving %s on %s:%s with %s threads", __version__,
                                            obj.instance_path, host, server.effective_port, threads)
    # LAN discovery (equisis.lan): advertised while serving, withdrawn in the finally below.
    from equisis.lan.cli import start_advertising
    advertiser = start_advertising(app, host, server.effective_port, enabled=mdns, interfaces=mdns_interfaces)
    # Nightly backups (equisis.backup): a scheduler thread while serving, stopped in the finally below.
    from equisis.backup.cli import on_serve as start_nightly_backups
    stop_nightly_backups = start_nightly_backups(app)
    _stop_on_sigterm()
    try:
        server.run()  # returns on SIGTERM or Ctrl+C once in-flight requests are done (waitress waits 5 s)
    except KeyboardInterrupt:
        pass
    finally:
        if advertiser is not None:
            advertiser.stop()
        stop_nightly_backups()
        app.extensions["equisis.instance"].close()
        logging.getLogger("equisis.serve").info("Equisis stopped")


def _stop_on_sigterm() -> None:
    """``systemctl stop`` sends SIGTERM: stop like Ctrl+C (finish requests, withdraw mDNS, close the files)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        def stop(_signum, _frame):
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)


# ---------------------------------------------------------------- company


@main.group()
def company():
    """Create and list the companies of this instance."""


@company.command("list")
@click.pass_obj
def company_list(obj: Context):
    """List the companies, one slug and name per line."""
    from equisis.company import service

    for slug in obj.reader.slugs():
        try:
            with obj.reader.get(slug).session():
                name = service.profile().name
        except EquisisError as exc:
            name = f"({exc.message()})"
        click.echo(f"{slug}\t{name}")


@company.command("create")
@click.option("--name", required=True)
@click.option("--legal-form", default="srl", show_default=True)
@click.option("--enterprise-number", required=True)
@click.option("--vat-number", default="")
@click.option("--street", required=True)
@click.option("--postcode", required=True)
@click.option("--city", required=True)
@click.option("--iban", required=True)
@click.option("--language", default="fr", show_default=True, type=click.Choice(["fr", "nl", "en", "de"]))
@click.option("--vat-filing", default="quarterly", show_default=True, type=click.Choice(["monthly", "quarterly"]))
@click.option("--fiscal-year-start", required=True, help="e.g. 2026-01-01")
@click.option("--fiscal-year-end", required=True, help="e.g. 2026-12-31")
@click.option("--admin", "admin_username", required=True, help="User name of the first administrator.")
@click.option("--password-stdin", is_flag=True, help="Read the administrator's password from standard input.")
@click.option("--slug", default=None, help="Folder name (default: from the company name).")
@click.pass_obj
def company_create(obj: Context, admin_username, password_stdin, slug, **fields):
    """Create a company folder with its first administrator."""
    from equisis import onboarding
    from equisis.company import rules
    from equisis.core.errors import ValidationErrors

    password = _password(True, password_stdin)
    try:
        identity = rules.parse_company(fields)
        admin = rules.parse_first_admin({"admin_username": admin_username, "admin_password": password,
                                         "admin_password_confirm": password})
        created = onboarding.create_company(obj.instance, identity, admin, slug=slug)
    except ValidationErrors as exc:
        for problem in exc.problems:
            click.echo(f"Error: {problem.field}: {problem.message()}", err=True)
        sys.exit(2)
    except EquisisError as exc:
        _fail(exc)
    click.echo(created)


# ---------------------------------------------------------------- demo


@main.command()
@click.option("--slug", default="demo", show_default=True)
@click.pass_obj
def demo(obj: Context, slug):
    """Create the demo company: a Belgian home-decoration shop with its staff and a year of books."""
    from equisis.demo import DEMO_PASSWORD, build_demo

    try:
        created = build_demo(obj.instance, slug=slug)
    except EquisisError as exc:
        _fail(exc)
    click.echo(f"Created '{created}': sign in as sophie / {DEMO_PASSWORD}")


# ---------------------------------------------------------------- user


@main.group()
def user():
    """Add users, change passwords, issue API tokens."""


company_option = click.option("--company", "-c", "slug", default=None, help="Company slug (default: the only one).")


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["admin", "accountant", "sales", "warehouse", "cashier"]))
@click.option("--display-name", default=None)
@click.option("--language", default="fr", show_default=True, type=click.Choice(["fr", "nl", "en", "de"]))
@click.option("--pin", default=None, help="4 to 6 digits for the till's PIN switch.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@company_option
@click.pass_obj
def user_add(obj: Context, name, role, display_name, language, pin, password_stdin, slug):
    """Add user NAME with a role."""
    from equisis.store.audit import acting_as, cli_actor
    from equisis.users import service

    password = _password(True, password_stdin)
    try:
        with obj.instance.get(obj.company_slug(slug)).session(), acting_as(cli_actor()):
            service.add_user(name, password, role, display_name=display_name, language=language, pin=pin)
    except EquisisError as exc:
        _fail(exc)
    click.echo(f"User {name} added ({role}).")


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@company_option
@click.pass_obj
def user_passwd(obj: Context, name, password_stdin, slug):
    """Set a new password for user NAME."""
    from equisis.store.audit import acting_as, cli_actor
    from equisis.users import service

    password = _password(True, password_stdin)
    try:
        with obj.instance.get(obj.company_slug(slug)).session(), acting_as(cli_actor()):
            service.set_password(name, password)
    except EquisisError as exc:
        _fail(exc)
    click.echo(f"Password of {name} changed.")


@user.command("token")
@click.argument("name")
@click.option("--label", default="CLI", show_default=True)
@company_option
@click.pass_obj
def user_token(obj: Context, name, label, slug):
    """Print a new API token for user NAME (shown once)."""
    from equisis.store.audit import acting_as, cli_actor
    from equisis.users import service

    company_slug = obj.company_slug(slug)
    try:
        with obj.instance.get(company_slug).session(), acting_as(cli_actor()):
            token = service.issue_token(company_slug, name, label)
    except EquisisError as exc:
        _fail(exc)
    click.echo(token)


# ---------------------------------------------------------------- doctor


@main.command()
@company_option
@click.pass_obj
def doctor(obj: Context, slug):
    """Check every company (or one): SQLite integrity, foreign keys, migrations, audit chain, documents."""
    from equisis import doctor as checks

    slugs = [slug] if slug else obj.reader.slugs()
    failed = False
    started = time.perf_counter()
    for company_slug in slugs:
        click.echo(f"{company_slug}:")
        try:
            results = checks.run(obj.reader.get(company_slug))
        except EquisisError as exc:
            click.echo(f"  FAIL  open: {exc.message()}")
            failed = True
            continue
        for name, problems in results:
            click.echo(f"  {'ok  ' if not problems else 'FAIL'}  {name}")
            for problem in problems:
                click.echo(f"        {problem}")
            failed = failed or bool(problems)
    click.echo(f"{len(slugs)} companies checked in {time.perf_counter() - started:.2f} s: "
               f"{'problems found' if failed else 'all healthy'}.")
    sys.exit(1 if failed else 0)


# ---------------------------------------------------------------- module commands

#: Commands that modules add to ``equisis``: name -> the module whose ``COMMANDS`` list holds it.
#: A module is imported only when one of its commands runs (or for ``--help``), so
#: ``equisis report …`` does not pay for the LAN, backup or PDF code it does not use.
COMMAND_MODULES: dict[str, str] = {
    "discover": "equisis.lan.cli",
    "terminal": "equisis.lan.cli",
    "backup": "equisis.backup.cli",
    "restore": "equisis.backup.cli",
    "usb-backup": "equisis.backup.cli",
    "open": "equisis.backup.cli",
    "entries": "equisis.ledger.cli",
    "report": "equisis.reports.cli",
    "accountant-pack": "equisis.reports.cli",
    "vat": "equisis.vat.cli",
    "catalog": "equisis.catalog.cli",
    "invoice": "equisis.sales.cli",
    "stock": "equisis.stock.cli",
}


if __name__ == "__main__":  # pragma: no cover
    main()
