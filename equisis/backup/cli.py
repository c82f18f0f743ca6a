"""The commands ``equisis backup``, ``restore``, ``usb-backup`` and ``open``, and the nightly hook of ``serve``.

A front end like views.py: it parses arguments, calls one service function and
prints the outcome; it passes the shell's doctor checks to the service.
"""
from __future__ import annotations

import secrets
import signal
import sys
from pathlib import Path

import click

from equisis import doctor
from equisis.backup import accountant, rules, service, usb
from equisis.backup.scheduler import NightlyBackups
from equisis.core.errors import EquisisError
from equisis.store.errors import CompanyLocked, NetworkFolderRefused
from equisis.version import __version__


def _fail(exc: EquisisError, code: int = 2):
    click.echo(f"Error: {exc.message()}", err=True)
    sys.exit(code)


def _describe(result: service.BackupResult) -> str:
    names = ", ".join(str(p) for p in result.paths)
    text = f"{result.slug}: {names} ({rules.human_size(result.size_bytes)}) in {result.duration_s:.1f} s, verified"
    if result.pruned:
        text += f"; {len(result.pruned)} old backup(s) removed"
    return text


@click.command("backup")
@click.option("--company", "-c", "slug", default=None, help="Company slug (default: every company).")
@click.option("--to", "destination", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the archive to (default: <instance>/backups/<slug>/).")
@click.option("--part-size", type=click.IntRange(min=1024), default=rules.FAT32_MAX_FILE, show_default=True,
              help="Cut archives larger than this many bytes into parts (FAT32 holds files under 4 GiB).")
@click.pass_obj
def backup_command(obj, slug, destination, part_size):
    """Back up companies into verified archives (works while the server runs)."""
    instance = obj.reader
    slugs = [slug] if slug else instance.slugs()
    if not slugs:
        raise click.UsageError(f"no company in {obj.instance_path}")
    failed = False
    for company_slug in slugs:
        try:
            result = service.back_up(instance.get(company_slug), destination, checks=doctor.run, trigger="cli",
                                     part_size=part_size)
        except EquisisError as exc:
            click.echo(f"{company_slug}: FAILED: {exc.message()}", err=True)
            failed = True
            continue
        click.echo(_describe(result))
        for problem in result.problems:
            click.echo(f"  warning: {problem}")
    sys.exit(1 if failed else 0)


@click.command("restore")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--as", "slug", default=None, help="Restore as this company slug (default: the archive's).")
@click.pass_obj
def restore_command(obj, archive, slug):
    """Restore a company from ARCHIVE, keeping the replaced one as <slug>.before-restore-<time>."""
    try:
        result = service.restore(obj.instance, archive, checks=doctor.run, slug=slug)
    except CompanyLocked as exc:
        click.echo(f"Error: {exc.message()}", err=True)
        click.echo("Restore it from the backup page of the running server, or stop the server first.", err=True)
        sys.exit(2)
    except EquisisError as exc:
        _fail(exc)
    click.echo(f"Restored {result.slug} from {archive}.")
    if result.migrated:
        click.echo("The backup came from an older Equisis: its data was brought up to date.")
    if result.previous:
        click.echo(f"The previous data is kept in {result.previous}.")
    for warning in result.warnings:
        click.echo(f"  warning: {warning}")


@click.command("usb-backup")
@click.argument("target")
@click.pass_obj
def usb_backup_command(obj, target):
    """Back up every company onto a USB stick: TARGET is its device (mounted, then unmounted) or a folder."""
    instance = obj.reader

    def back_up_all(folder: Path, progress) -> list:
        results, first_error = [], None
        for slug in instance.slugs():
            try:
                results.append(service.back_up(
                    instance.get(slug), folder, checks=doctor.run, trigger="usb",
                    progress=lambda phase, done, total, slug=slug: progress(slug, phase, done, total)))
            except EquisisError as exc:
                click.echo(f"{slug}: FAILED: {exc.message()}", err=True)
                first_error = first_error or exc
        if first_error is not None:
            raise first_error
        return results

    if hasattr(signal, "SIGTERM"):  # the stick pulled out: systemd stops the job; clean up, record it
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        status = usb.usb_backup(obj.instance_path, target, back_up_all, as_owner=True)
    except EquisisError as exc:
        _fail(exc, 1)
    except KeyboardInterrupt:
        click.echo("Interrupted: no partial backup was left.", err=True)
        sys.exit(1)
    for company in status.get("companies", []):
        click.echo(f"{company['slug']}: {company['archive']} ({rules.human_size(company['size_bytes'])}), verified")
    click.echo("The stick can be removed safely." if status.get("safe_to_remove")
               else "Backup written and synced; eject the stick from the system before removing it.")


@click.command("open")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--port", default=0, type=int, help="Port on 127.0.0.1 (default: a free one).")
@click.option("--no-browser", is_flag=True, help="Print the address instead of opening a browser.")
@click.option("--read-only", is_flag=True, help="Open a company folder without changing anything.")
@click.pass_obj
def open_command(obj, path, port, no_browser, read_only):
    """Open a company folder or a backup archive in a local browser (an archive read-only)."""
    import webbrowser

    from waitress import create_server

    from equisis.schema import all_migrations
    from equisis.web.app import create_app

    try:
        plan = accountant.prepare(path, all_migrations(), read_only=read_only)
    except (CompanyLocked, NetworkFolderRefused) as exc:
        click.echo(f"Error: {exc.message()}", err=True)
        click.echo("Add --read-only to open it anyway without changing anything.", err=True)
        sys.exit(2)
    except EquisisError as exc:
        _fail(exc)
    try:
        app = create_app({"INSTANCE_PATH": str(plan.instance_path), "READ_ONLY": plan.read_only,
                          "SECRET_KEY": secrets.token_hex(32)})
        server = create_server(app, host="127.0.0.1", port=port, threads=4, ident="Equisis")
        url = f"http://127.0.0.1:{server.effective_port}/" + (f"c/{plan.slug}/" if plan.slug else "")
        mode = "read-only" if plan.read_only else "read-write"
        click.echo(f"Equisis {__version__}: {path} is open ({mode}) at {url} (Ctrl+C closes it)")
        sys.stdout.flush()
        if hasattr(signal, "SIGTERM"):
            signal.signal(signal.SIGTERM, _interrupt)
        if not no_browser:
            webbrowser.open(url)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
            app.extensions["equisis.instance"].close()
    finally:
        plan.cleanup()


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


COMMANDS = [backup_command, restore_command, usb_backup_command, open_command]


def on_serve(app):
    """Hook of ``equisis serve``: start the nightly backups of every company; returns the stop function."""
    instance = app.extensions["equisis.instance"]
    if instance.read_only or not app.config.get("BACKUP_NIGHTLY", True):
        return lambda: None

    def run(slug: str):
        return service.back_up(instance.get(slug), checks=doctor.run, trigger="nightly")

    return NightlyBackups(instance, run).start().stop
