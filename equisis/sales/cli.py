"""``equisis invoice pdf NUMBER --out FILE``: the PDF of a sales invoice or credit note (archived, as on screen).

A front end like views.py: it parses arguments, calls one service function and
prints the outcome.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from equisis.core.errors import EquisisError
from equisis.sales import delivery, service
from equisis.store.audit import acting_as, cli_actor



@click.group("invoice")
def invoice():
    """Sales invoices and credit notes."""


@invoice.command("pdf")
@click.argument("number")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF.")
@click.option("--company", "-c", "slug", default=None, help="Company slug (default: the only one).")
@click.pass_obj
def pdf_command(obj, number, out, slug):
    """Write the PDF of invoice NUMBER (F2026/00001, NC2026/00001) to FILE; the copy is archived."""
    try:
        with obj.instance.get(obj.company_slug(slug)).session() as store, acting_as(cli_actor()):
            found = service.find_by_number(number)
            content, _row = delivery.print_invoice(store, found.id)
    except EquisisError as exc:
        click.echo(f"Error: {exc.message()}", err=True)
        sys.exit(2)
    out.write_bytes(content)
    click.echo(f"{found.number}: {len(content)} bytes written to {out}.")


COMMANDS = [invoice]
