"""``equisis vat …``: the VAT return and the listings as Intervat XML (and the return as PDF).

A front end like views.py: it parses options, calls one service function and
writes the file. Exports open the company read-only (they run beside a running
server); ``vat file`` files a return, with the accountant's rights.

    equisis vat return --period 2026-Q1 --xml q1.xml [--pdf q1.pdf] [--company SLUG]
    equisis vat client-listing --year 2026 --xml listing.xml
    equisis vat intra-listing --period 2026-Q1 --xml ico.xml
    equisis vat file --period 2026-Q1
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from equisis.core.errors import EquisisError, ValidationErrors

_OUT = click.Path(dir_okay=False, path_type=Path)




def _fail(exc: EquisisError):
    problems = exc.problems if isinstance(exc, ValidationErrors) else [exc]
    for problem in problems:
        click.echo(f"Error: {problem.message()}", err=True)
    sys.exit(2)


def _write(path: Path, content: bytes) -> None:
    """Write the whole file under a temporary name, then rename it: never a half-written export."""
    temp = path.with_name(f".{path.name}.partial")
    temp.write_bytes(content)
    os.replace(temp, path)


def _company(option):
    return click.option("--company", "-c", "slug", default=None, help="Company slug (default: the only one).")(option)


@click.group("vat")
def vat():
    """The periodic VAT return and the listings (Intervat XML)."""


@vat.command("return")
@click.option("--period", required=True, help="2026-03 (monthly declarant) or 2026-Q1 (quarterly).")
@click.option("--xml", "xml_path", type=_OUT, required=True, help="The Intervat XML file to write.")
@click.option("--pdf", "pdf_path", type=_OUT, default=None, help="Also write the return as PDF.")
@click.option("--language", type=click.Choice(["fr", "nl", "de", "en"]), default=None,
              help="Language of the PDF (default: the company's).")
@_company
@click.pass_obj
def return_command(obj, period, xml_path, pdf_path, language, slug):
    """Export the return of PERIOD as the books give it now (nothing is filed)."""
    from equisis.company import service as company_service
    from equisis.documents.service import letterhead_from_profile
    from equisis.vat import pdf, service

    try:
        store = obj.reader.get(obj.company_slug(slug, read_only=True))
        with store.session():
            content = service.return_xml(period)
            view = service.compute_return(period)
            letterhead = letterhead_from_profile(store.folder)
            language = language or company_service.profile().language
        _write(xml_path, content)
        if pdf_path:
            _write(pdf_path, pdf.preview_pdf(view, letterhead, language=language))
    except EquisisError as exc:
        _fail(exc)
    grids = view.grids
    balance = (f"VAT due (71): {grids['71'] / 100:.2f}" if grids["72"] == 0
               else f"VAT to recover (72): {grids['72'] / 100:.2f}")
    click.echo(f"VAT return {view.period.code} written to {xml_path}; {balance} EUR.")


@vat.command("client-listing")
@click.option("--year", required=True, help="The calendar year, e.g. 2026.")
@click.option("--xml", "xml_path", type=_OUT, required=True, help="The Intervat XML file to write.")
@_company
@click.pass_obj
def client_listing_command(obj, year, xml_path, slug):
    """Export the annual listing of Belgian VAT-registered customers (NewLK)."""
    from equisis.vat import rules, service

    try:
        store = obj.reader.get(obj.company_slug(slug, read_only=True))
        with store.session():
            content = service.client_listing_xml(year)
            count = len(service.client_listing(rules.parse_year(year)))
        _write(xml_path, content)
    except EquisisError as exc:
        _fail(exc)
    click.echo(f"Client listing {year} written to {xml_path}: {count} customers" + (" (nil listing)." if not count
                                                                                   else "."))


@vat.command("intra-listing")
@click.option("--period", required=True, help="2026-03, 2026-Q1 or 2026.")
@click.option("--xml", "xml_path", type=_OUT, required=True, help="The Intervat XML file to write.")
@_company
@click.pass_obj
def intra_listing_command(obj, period, xml_path, slug):
    """Export the intra-Community listing of PERIOD (NewICO: codes L, T, S; credit notes included)."""
    from equisis.vat import service

    try:
        store = obj.reader.get(obj.company_slug(slug, read_only=True))
        with store.session():
            content = service.intra_listing_xml(period)
            _, lines = service.intra_lines(period)
        _write(xml_path, content)
    except EquisisError as exc:
        _fail(exc)
    click.echo(f"Intra-Community listing {period} written to {xml_path}: {len(lines)} lines.")


@vat.command("file")
@click.option("--period", required=True, help="2026-03 or 2026-Q1.")
@_company
@click.pass_obj
def file_command(obj, period, slug):
    """File the return of PERIOD: its amounts are frozen and its periods locked for good."""
    from equisis.store.audit import acting_as, cli_actor
    from equisis.vat import service

    try:
        store = obj.instance.get(obj.company_slug(slug))
        with store.session(), acting_as(cli_actor()):
            row = service.file_and_archive(store, period)
    except EquisisError as exc:
        _fail(exc)
    click.echo(f"VAT return {row.period} filed (#{row.id}); its periods are locked.")


COMMANDS = [vat]
