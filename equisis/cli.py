"""The ``equisis`` command: serve, company, demo, user, doctor.

Every command works on an instance folder (``--instance DIR`` or EQUISIS_INSTANCE,
default the project's instance/). Commands that act on one company take
``--company SLUG``; it may be left out when the instance holds one company.
"""
from __future__ import annotations

import getpass
import os
import sys
import time
from pathlib import Path

import click

from equisis.config import default_instance_path
from equisis.core.errors import EquisisError
from equisis.version import __version__


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

    def company_slug(self, slug: str | None) -> str:
        if slug:
            return slug
        slugs = self.instance.slugs()
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


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


def _fail(exc: EquisisError):
    click.echo(f"Error: {exc.message()}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.pass_obj
def serve(obj: Context, host, port, threads, demo):
    """Serve the web application with Waitress."""
    from waitress import create_server

    from equisis import create_app

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
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["equisis.instance"].close()


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
    """Create the demo company: a Belgian home-decoration shop with its staff."""
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
    from equisis.store.audit import acting_as
    from equisis.users import service

    password = _password(True, password_stdin)
    try:
        with obj.instance.get(obj.company_slug(slug)).session(), acting_as(_actor()):
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
    from equisis.store.audit import acting_as
    from equisis.users import service

    password = _password(True, password_stdin)
    try:
        with obj.instance.get(obj.company_slug(slug)).session(), acting_as(_actor()):
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
    from equisis.store.audit import acting_as
    from equisis.users import service

    company_slug = obj.company_slug(slug)
    try:
        with obj.instance.get(company_slug).session(), acting_as(_actor()):
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

#: Modules whose ``COMMANDS`` (a list of click commands or groups) join ``equisis``; one line per module.
COMMAND_MODULES: list[str] = []


def _add_module_commands() -> None:
    import importlib

    for module in COMMAND_MODULES:
        for command in importlib.import_module(module).COMMANDS:
            main.add_command(command)


_add_module_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
