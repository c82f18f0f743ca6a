"""``equisis entries import FILE``: post the entries of a CSV or Excel file (see equisis.ledger.imports).

A front end like views.py: it parses arguments, calls one service function and
prints the outcome. The command line acts with the accountant's rights.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from equisis.core.errors import EquisisError, ValidationErrors
from equisis.ledger import imports
from equisis.store.audit import acting_as, cli_actor



@click.group("entries")
def entries():
    """Journal entries of the general ledger."""


@entries.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--company", "-c", "slug", default=None, help="Company slug (default: the only one).")
@click.pass_obj
def import_command(obj, file, slug):
    """Post the entries of FILE (.csv or .xlsx), all or none; every bad row is reported."""
    try:
        with obj.instance.get(obj.company_slug(slug)).session(), acting_as(cli_actor()):
            result = imports.import_entries(file, role="accountant")
    except ValidationErrors as exc:
        for problem in exc.problems:
            click.echo(f"Error: {problem.message()}", err=True)
        click.echo(f"Nothing was imported ({len(exc.problems)} problems).", err=True)
        sys.exit(2)
    except EquisisError as exc:
        click.echo(f"Error: {exc.message()}", err=True)
        sys.exit(2)
    if result.count:
        first, last = result.posted[0].reference, result.posted[-1].reference
        click.echo(f"{result.count} entries imported: {first} … {last}.")


COMMANDS = [entries]
