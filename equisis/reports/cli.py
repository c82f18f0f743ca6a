"""``equisis report …``: the accounting reports as CSV, Excel or PDF files, from the command line.

A front end like views.py: it parses options, calls one service function, lays
the report out and writes the file. It opens the company read-only, so it runs
beside a running server.

    equisis report trial-balance --from 2026-01-01 --to 2026-12-31 --format xlsx --out tb.xlsx
    equisis report general-ledger --account 400 --account 440 --format pdf --out gl.pdf
    equisis report journal --journal VEN --format csv --out sales.csv
    equisis report aged-balance --to 2026-06-30 [--kind suppliers] --format pdf --out aged.pdf
    equisis report nbb --model abbreviated --from 2026-01-01 --to 2026-12-31 --format pdf --out nbb.pdf
    equisis accountant-pack --from 2026-01-01 --to 2026-12-31 --out pack-2026.zip [--language nl]
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from equisis.company import service as company_service
from equisis.core.dates import parse_date
from equisis.core.errors import EquisisError
from equisis.core.i18n import LANGUAGES, current_language, gettext
from equisis.reports import layout, nbb, service


def _date(_ctx, _param, value):
    if value is None:
        return None
    try:
        return parse_date(value)
    except EquisisError as exc:
        raise click.BadParameter(exc.message()) from exc


def _common(command):
    """The options every report command shares."""
    options = [
        click.option("--from", "start", callback=_date,
                     help="First day (2026-01-01 or 01/01/2026); "
                          "default: the start of the current fiscal year."),
        click.option("--to", "end", callback=_date,
                     help="Last day; default: the end of the current fiscal year."),
        click.option("--company", "-c", "slug", default=None, help="Company slug (default: the only one)."),
        click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), required=True),
        click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                     help="The file to write."),
        click.option("--language", type=click.Choice(LANGUAGES), default=None,
                     help="Language of the file (default: LANG, else English)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command



def _run(obj, slug, fmt, out: Path, language, build) -> None:
    """Open the company read-only, build the sheet, write the file (the PDF after the data is read)."""
    language = language or current_language()
    try:
        store = obj.reader.get(obj.company_slug(slug, read_only=True))
        with store.session():
            sheet = build(language)
            # The writers load only when asked for: a CSV from a new process skips fpdf2 and openpyxl.
            if fmt == "pdf":
                from equisis.documents.service import letterhead_from_profile
                from equisis.reports import pdf

                content = pdf.render_pdf(sheet, letterhead_from_profile(store.folder), language=language)
            else:
                from equisis.reports import excel

                company = company_service.profile().name
                content = excel.to_bytes(sheet, fmt, language=language, company=company)
    except EquisisError as exc:
        click.echo(f"Error: {exc.message()}", err=True)
        sys.exit(2)
    out.write_bytes(content)
    click.echo(f"{out} written ({len(content)} bytes).")


def _range(start, end):
    span = service.default_range(dt.date.today())
    return start or span.start, end or span.end


@click.group("report")
def report():
    """Accounting reports as CSV, Excel or PDF files."""


@report.command("trial-balance")
@_common
@click.option("--compare", is_flag=True, help="Add the closing balances of the same days a year earlier.")
@click.option("--account", "prefixes", multiple=True,
              help="Only accounts starting with this code (repeatable).")
@click.pass_obj
def trial_balance_command(obj, start, end, slug, fmt, out, language, compare, prefixes):
    """The general trial balance: opening, debit, credit, closing per account, totals per class."""
    def build(lang):
        first, last = _range(start, end)
        return layout.trial_balance_sheet(service.trial_balance(first, last, compare=compare, language=lang,
                                                                prefixes=tuple(prefixes) or None))
    _run(obj, slug, fmt, out, language, build)


@report.command("general-ledger")
@_common
@click.option("--account", "accounts", multiple=True,
              help="Account code (repeatable); default: every account.")
@click.pass_obj
def general_ledger_command(obj, start, end, slug, fmt, out, language, accounts):
    """The general ledger: each account's lines with the running balance."""
    def build(lang):
        first, last = _range(start, end)
        report_ = service.general_ledger(first, last, accounts=list(accounts) or None, language=lang)
        return layout.general_ledger_sheet(report_)
    _run(obj, slug, fmt, out, language, build)


@report.command("journal")
@_common
@click.option("--journal", default=None, help="Journal code (VEN, ACH, BNK1…); default: every journal.")
@click.pass_obj
def journal_command(obj, start, end, slug, fmt, out, language, journal):
    """The journals: their entries with lines, and the totals per period."""
    def build(_lang):
        first, last = _range(start, end)
        return layout.journal_sheet(service.journal_report(first, last, journal=journal))
    _run(obj, slug, fmt, out, language, build)


@report.command("aged-balance")
@_common
@click.option("--kind", type=click.Choice(["customers", "suppliers"]), default="customers", show_default=True)
@click.option("--summary", is_flag=True, help="One line per partner, without the items.")
@click.pass_obj
def aged_balance_command(obj, start, end, slug, fmt, out, language, kind, summary):
    """Receivables (or payables) open at --to (default today) by days past due: not due, 1–30, 31–60,
    61–90, over 90."""
    def build(_lang):
        report_ = service.aged_balance(kind, end or dt.date.today())
        return layout.aged_balance_sheet(report_, detail=not summary)
    _run(obj, slug, fmt, out, language, build)


@report.command("nbb")
@_common
@click.option("--model", type=click.Choice(sorted(nbb.MODEL_NAMES)), default="abbreviated", show_default=True)
@click.option("--no-compare", is_flag=True, help="Leave out the previous year.")
@click.option("--detail", is_flag=True, help="List the accounts under each rubric.")
@click.pass_obj
def nbb_command(obj, start, end, slug, fmt, out, language, model, no_compare, detail):
    """The NBB schema (abbreviated or micro): balance sheet and profit and loss by rubric."""
    def build(lang):
        first, last = _range(start, end)
        report_ = service.nbb_schema(nbb.MODEL_NAMES[model], first, last, compare=not no_compare,
                                     language=lang)
        return layout.nbb_sheet(report_, lang, detail=detail)
    _run(obj, slug, fmt, out, language, build)


@click.command("accountant-pack")
@click.option("--from", "start", callback=_date, required=True, help="First day (2026-01-01 or 01/01/2026).")
@click.option("--to", "end", callback=_date, required=True, help="Last day.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The zip file to write (replaced if it exists).")
@click.option("--company", "-c", "slug", default=None, help="Company slug (default: the only one).")
@click.option("--language", type=click.Choice(LANGUAGES), default=None,
              help="Language of the folders, files and README (default: LANG, else English).")
@click.pass_obj
def accountant_pack_command(obj, start, end, out, slug, language):
    """The accountant pack: journals, trial balance, ledgers, partner balances, NBB schema, chart of
    accounts, archived documents, attachments and audit log of a period, in one zip with a manifest."""
    language = language or current_language()
    try:
        service.check_range(start, end)
        store = obj.reader.get(obj.company_slug(slug, read_only=True))
        from equisis.reports import pack

        with store.session():
            manifest = pack.build_pack(store, start, end, language=language, out_path=out)
    except EquisisError as exc:
        click.echo(f"Error: {exc.message()}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(gettext("Error: cannot write {path}: {reason}", path=out, reason=exc.strerror or exc),
                   err=True)
        sys.exit(2)
    click.echo(gettext("{path} written ({files} files, {size} bytes).", path=out,
                       files=len(manifest["files"]), size=out.stat().st_size))
    for problem in manifest["problems"]:
        click.echo(gettext("Left out: {path}: {reason}", path=problem["path"], reason=problem["message"]),
                   err=True)
    if manifest["problems"]:
        click.echo(gettext("{count} file(s) failed their checksum check and are not in the pack; its "
                           "README.txt lists them.", count=len(manifest["problems"])), err=True)
        sys.exit(1)


COMMANDS = [report, accountant_pack_command]
