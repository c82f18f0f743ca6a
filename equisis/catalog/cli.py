"""``equisis catalog labels --items CODE,CODE --out FILE``: barcode labels of items as PDF.

A front end like views.py: it parses arguments, calls one service function and
writes the outcome. It only reads (the instance opens read-only, beside a
running server).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from equisis.catalog import labels
from equisis.core.errors import EquisisError



@click.group("catalog")
def catalog():
    """Items of the catalog."""


@catalog.command("labels")
@click.option("--items", "codes", required=True, help="Item codes, separated by commas.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF file to write.")
@click.option("--layout", type=click.Choice(sorted(labels.LAYOUTS)), default="sheet", show_default=True,
              help="sheet: 3 × 8 labels on A4; single: one 62 × 29 mm label per page.")
@click.option("--copies", type=click.IntRange(1, 500), default=1, show_default=True, help="Labels per item.")
@click.option("--language", type=click.Choice(["fr", "nl", "de", "en"]), default=None,
              help="Language of the item names (default: the company's).")
@click.option("--company", "-c", "slug", default=None, help="Company slug (default: the only one).")
@click.pass_obj
def labels_command(obj, codes, out, layout, copies, language, slug):
    """Write the barcode labels of the items to a PDF file."""
    wanted = [code.strip() for code in codes.split(",") if code.strip()]
    if not wanted:
        raise click.UsageError("--items needs at least one item code")
    try:
        with obj.reader.get(obj.company_slug(slug, read_only=True)).session():
            data = labels.labels_pdf(wanted, layout=layout, language=language, copies=copies)
    except EquisisError as exc:
        click.echo(f"Error: {exc.message()}", err=True)
        sys.exit(2)
    out.write_bytes(data)
    click.echo(f"{len(wanted) * copies} labels written to {out}.")


COMMANDS = [catalog]
