"""``equisis stock value --at DATE --format csv|xlsx --out FILE`` and ``equisis stock moves --item CODE``.

A front end like views.py: it parses options, calls the stock's reading functions on the company opened
read-only (it works beside a running server) and writes or prints the result.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from equisis.core.errors import EquisisError
from equisis.core.money import from_scaled
from equisis.stock import exports, reports, rules, valuation


def _date(_ctx, _param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-12-31") from None



@click.group("stock")
def stock():
    """Stock levels, moves and value."""


@stock.command("value")
@click.option("--at", "day", callback=_date, default=None, help="The day (YYYY-MM-DD; default: today).")
@click.option("--by", type=click.Choice(["item", "family", "warehouse"]), default="item")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--company", "-c", "slug", default=None, help="Company slug (default: the only one).")
@click.pass_obj
def value_command(obj, day, by, fmt, out, slug):
    """The stock value at the end of a day, by item, family or warehouse."""
    day = day or dt.date.today()
    try:
        with obj.reader.get(obj.company_slug(slug, read_only=True)).session():
            rows = valuation.stock_value_at(day, by=by)
    except EquisisError as exc:
        click.echo(f"Error: {exc.message()}", err=True)
        sys.exit(2)
    content = exports.rows_to_bytes(rows, fmt, keys=[by] + (["family"] if by == "item" else [])
                                    + ["qty_milli", "value_cents"])
    out.write_bytes(content)
    total = sum(r["value_cents"] for r in rows)
    click.echo(f"{out} written: {len(rows)} rows, stock value {from_scaled(total, 2)} EUR at {day}.")


@stock.command("moves")
@click.option("--item", "code", required=True, help="The item's code.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--company", "-c", "slug", default=None, help="Company slug (default: the only one).")
@click.pass_obj
def moves_command(obj, code, limit, slug):
    """The item's latest moves, newest first, with the quantity after each."""
    try:
        with obj.reader.get(obj.company_slug(slug, read_only=True)).session():
            lines, total = reports.item_history(code, page_size=max(1, limit))
    except EquisisError as exc:
        click.echo(f"Error: {exc.message()}", err=True)
        sys.exit(2)
    click.echo(f"{'date':10}  {'kind':16} {'from':14} {'to':14} {'lot':10} {'qty':>10} {'after':>10}  document")
    for x in lines:
        click.echo(f"{x.day.isoformat():10}  {x.kind:16} {x.from_location:14} {x.to_location:14} {x.lot:10} "
                   f"{rules.format_quantity(x.delta_milli):>10} {rules.format_quantity(x.running_milli):>10}  "
                   f"{x.doc_type} {x.doc_id}".rstrip())
    click.echo(f"{len(lines)} of {total} moves.")


COMMANDS = [stock]
