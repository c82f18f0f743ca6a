"""Each report laid out as a :class:`Sheet`: the one shape the screen, the PDF and the spreadsheets show.

A sheet is a title, a few subtitle lines, typed columns and rows. Cells are
plain values: ``str``, :class:`Text` (a msgid translated when shown, so a PDF in
Dutch says "Totaal klasse 4"), ``int`` cents in money columns, ``dt.date``, or
``None``. A row may carry :class:`Link` s, drill-down targets the screen turns
into URLs (an account → its general ledger for the range; an entry → the entry
page; a partner → its ledger); the files ignore them.

Pure: no Flask, no database. One ``*_sheet`` function per report.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from equisis.core.i18n import N_, gettext
from equisis.reports import nbb, rules, values

COLUMN_KINDS = ("text", "money", "date", "number")
ROW_STYLES = ("", "heading", "subtotal", "total", "detail", "note")


@dataclass(frozen=True)
class Text:
    """A msgid and its values, translated in the language of whoever shows it."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()

    def render(self, locale: str | None = None) -> str:
        return gettext(self.msgid, locale=locale, **{k: _param(v, locale) for k, v in self.params})


def _param(value, locale):
    return value.render(locale) if isinstance(value, Text) else value


def text(msgid: str, **params) -> Text:
    return Text(msgid, tuple(sorted(params.items())))


def render(value, locale: str | None = None):
    """A cell or title as shown: Text translated, anything else unchanged."""
    return value.render(locale) if isinstance(value, Text) else value


@dataclass(frozen=True)
class SheetColumn:
    title: str          # msgid
    kind: str = "text"
    width: float = 1.0

    def __post_init__(self):
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column kind must be one of {COLUMN_KINDS}")


@dataclass(frozen=True)
class Link:
    """A drill-down target: ``kind`` is account, entry, partner or document; ``params`` its values."""

    kind: str
    params: tuple[tuple[str, object], ...]

    def get(self, name: str, default=None):
        return dict(self.params).get(name, default)


def link(target: str, /, **params) -> Link:
    return Link(target, tuple(sorted(params.items())))


@dataclass(frozen=True)
class Row:
    cells: tuple
    style: str = ""
    level: int = 0
    links: tuple[tuple[int, Link], ...] = ()   # (column index, target)

    def link_at(self, index: int) -> Link | None:
        return next((target for i, target in self.links if i == index), None)


@dataclass(frozen=True)
class Sheet:
    name: str                 # file name base: 'trial-balance'
    title: Text
    subtitle: tuple            # Text or str lines
    columns: tuple[SheetColumn, ...]
    rows: tuple[Row, ...]
    landscape: bool = False


# --------------------------------------------------------------------------- helpers

def range_text(period: rules.DateRange) -> Text:
    return text(N_("From {start} to {end}"), start=_day(period.start), end=_day(period.end))


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _subtitle(period: rules.DateRange, previous: rules.DateRange | None) -> tuple:
    lines = [range_text(period)]
    if previous is not None:
        lines.append(text(N_("Compared with {start} – {end}"), start=_day(previous.start),
                          end=_day(previous.end)))
    return tuple(lines)


def _gl_link(code: str, period: rules.DateRange) -> Link:
    return link("account", account=code, start=period.start, end=period.end)


def _entry_link(row: rules.LedgerLine, documents) -> Link:
    return link("entry", entry_id=row.entry_id, reference=row.reference,
                document_id=documents.get(row.entry_id))


# --------------------------------------------------------------------------- trial balance

def _balance_columns(key_title: str, compare: bool) -> tuple[SheetColumn, ...]:
    columns = [SheetColumn(key_title, "text", 0.9), SheetColumn(N_("Name"), "text", 3.2),
               SheetColumn(N_("Opening"), "money"), SheetColumn(N_("Debit"), "money"),
               SheetColumn(N_("Credit"), "money"), SheetColumn(N_("Closing"), "money")]
    if compare:
        columns.append(SheetColumn(N_("Previous year"), "money"))
    return tuple(columns)


def _amounts(item, compare: bool) -> tuple:
    cells = (item.opening_cents, item.debit_cents, item.credit_cents, item.closing_cents)
    return cells + ((item.previous_cents,) if compare else ())


def trial_balance_sheet(report: values.TrialBalance, *, title: str = N_("Trial balance"),
                        name: str = "trial-balance") -> Sheet:
    compare = report.previous_range is not None
    rows = []
    for cls, lines, total in report.groups:
        for x in lines:
            rows.append(Row((x.key, x.name) + _amounts(x, compare),
                            links=((0, _gl_link(x.key, report.range)),)))
        rows.append(Row(("", text(total.label, group=total.group)) + _amounts(total, compare), "subtotal"))
    if report.unallocated_cents or report.previous_unallocated_cents:
        u = report.unallocated_cents
        rows.append(Row(("", Text(N_("Result of earlier fiscal years not yet closed")), u, 0, 0, u)
                        + ((report.previous_unallocated_cents,) if compare else ()), "note"))
    rows.append(Row(("", Text(N_("Total"))) + _amounts(report.total, compare), "total"))
    return Sheet(name, Text(title), _subtitle(report.range, report.previous_range),
                 _balance_columns(N_("Account"), compare), tuple(rows), landscape=compare)


def partner_balance_sheet(report: values.PartnerBalance) -> Sheet:
    compare = report.previous_range is not None
    rows = [Row((int(x.key), x.name) + _amounts(x, compare),
                links=((1, link("partner", kind=report.kind, partner=int(x.key), start=report.range.start,
                                end=report.range.end)),))
            for x in report.lines]
    rows.append(Row(("", Text(N_("Total"))) + _amounts(report.total, compare), "total"))
    title = N_("Customers' balances") if report.kind == "customers" else N_("Suppliers' balances")
    columns = _balance_columns(N_("No."), compare)
    columns = (SheetColumn(N_("No."), "number", 0.6),) + columns[1:]
    return Sheet(f"{report.kind}-balances", Text(title), _subtitle(report.range, report.previous_range),
                 columns, tuple(rows), landscape=compare)


# --------------------------------------------------------------------------- ledgers

LEDGER_COLUMNS = (SheetColumn(N_("Date"), "date", 0.9), SheetColumn(N_("Journal"), "text", 0.6),
                  SheetColumn(N_("Entry"), "text", 1.3), SheetColumn(N_("Description"), "text", 2.6),
                  SheetColumn(N_("Partner / account"), "text", 1.6), SheetColumn(N_("Document"), "text", 0.9),
                  SheetColumn(N_("Debit"), "money"), SheetColumn(N_("Credit"), "money"),
                  SheetColumn(N_("Balance"), "money"))


def _ledger_rows(sections, period, documents, *, heading_link, other) -> list[Row]:
    rows = []
    for section in sections:
        rows.append(Row((None, None, section.key, section.name, None, None, None, None, None), "heading",
                        links=heading_link(section)))
        rows.append(Row((period.start, None, None, Text(N_("Opening balance")), None, None, None, None,
                         section.opening_cents), "note"))
        for x in section.lines:
            rows.append(Row((x.date, x.journal, x.reference, x.description, other(x), x.document_ref,
                             x.debit_cents or None, x.credit_cents or None, x.balance_cents),
                            links=((2, _entry_link(x, documents)),)))
        rows.append(Row((period.end, None, None, text(N_("Total {name}"), name=section.key), None, None,
                         section.debit_cents, section.credit_cents, section.closing_cents), "subtotal"))
    return rows


def general_ledger_sheet(report: values.GeneralLedger, *, title: str = N_("General ledger"),
                         name: str = "general-ledger") -> Sheet:
    rows = _ledger_rows(report.sections, report.range, report.documents,
                        heading_link=lambda s: ((2, _gl_link(s.key, report.range)),),
                        other=lambda x: x.partner_name)
    debit = sum(s.debit_cents for s in report.sections)
    credit = sum(s.credit_cents for s in report.sections)
    rows.append(Row((None, None, None, Text(N_("Total")), None, None, debit, credit, None), "total"))
    return Sheet(name, Text(title), _subtitle(report.range, None), LEDGER_COLUMNS, tuple(rows),
                 landscape=True)


def partner_ledger_sheet(report: values.PartnerLedger) -> Sheet:
    rows = _ledger_rows(report.sections, report.range, report.documents,
                        heading_link=lambda s: ((2, link("partner", kind=report.kind, partner=int(s.key),
                                                         start=report.range.start, end=report.range.end)),),
                        other=lambda x: x.account)
    title = N_("Customers' ledger") if report.kind == "customers" else N_("Suppliers' ledger")
    return Sheet(f"{report.kind}-ledger", Text(title), _subtitle(report.range, None), LEDGER_COLUMNS,
                 tuple(rows), landscape=True)


def journal_sheet(report: values.JournalReport) -> Sheet:
    columns = (SheetColumn(N_("Date"), "date", 0.9), SheetColumn(N_("Entry"), "text", 1.3),
               SheetColumn(N_("Account"), "text", 0.9), SheetColumn(N_("Description"), "text", 3.0),
               SheetColumn(N_("Partner"), "text", 1.6), SheetColumn(N_("Document"), "text", 0.9),
               SheetColumn(N_("Debit"), "money"), SheetColumn(N_("Credit"), "money"))
    rows = []
    for journal in report.journals:
        rows.append(Row((None, journal.code, None, journal.name, None, None, None, None), "heading"))
        for entry in journal.entries:
            target = link("entry", entry_id=entry.entry_id, reference=entry.reference,
                          document_id=report.documents.get(entry.entry_id))
            rows.append(Row((entry.date, entry.reference, None, entry.description, None, None, None, None),
                            "detail", links=((1, target),)))
            for x in entry.lines:
                rows.append(Row((None, None, x.account, x.description, x.partner_name, x.document_ref,
                                 x.debit_cents or None, x.credit_cents or None), level=1,
                                links=((2, _gl_link(x.account, report.range)),)))
        for period_code, amount in journal.periods:
            rows.append(Row((None, None, None, text(N_("Total of period {period}"), period=period_code), None,
                             None, amount, amount), "note"))
        rows.append(Row((None, None, None, text(N_("Total {name}"), name=journal.code), None, None,
                         journal.debit_cents, journal.credit_cents), "subtotal"))
    return Sheet("journals", Text(N_("Journals")), _subtitle(report.range, None), columns, tuple(rows),
                 landscape=True)


# --------------------------------------------------------------------------- aged balance

def aged_balance_sheet(report: values.AgedBalance, *, detail: bool = True,
                       since: dt.date | None = None) -> Sheet:
    """``since``: where a partner's ledger opened from a row starts (default: the report date)."""
    columns = ((SheetColumn(N_("Partner"), "text", 2.6), SheetColumn(N_("Due date"), "date", 0.9))
               + tuple(SheetColumn(b.label, "money") for b in rules.AGE_BUCKETS)
               + (SheetColumn(N_("Total"), "money"),))
    rows = []
    blank = (None,) * len(rules.AGE_BUCKETS)
    for row in report.rows:
        target = link("partner", kind=report.kind, partner=row.partner_id, start=since or report.at,
                      end=report.at)
        rows.append(Row((row.name, None) + row.buckets + (row.total_cents,), "heading" if detail else "",
                        links=((0, target),) if row.partner_id is not None else ()))
        if detail:
            keys = [b.key for b in rules.AGE_BUCKETS]
            for item in row.items:
                cells = list(blank)
                cells[keys.index(item.bucket)] = item.residual_cents
                label = f"{item.reference} {item.document_ref}".strip()
                rows.append(Row((label, item.due_date or item.date) + tuple(cells) + (item.residual_cents,),
                                "detail", level=1,
                                links=((0, link("entry", entry_id=item.entry_id, reference=item.reference,
                                                document_id=None)),)))
    rows.append(Row((Text(N_("Total")), None) + report.buckets + (report.total_cents,), "total"))
    title = N_("Aged receivables") if report.kind == "customers" else N_("Aged payables")
    return Sheet(f"aged-{report.kind}", Text(title),
                 (text(N_("Open items at {date}, by days past the due date"), date=_day(report.at)),),
                 columns, tuple(rows), landscape=True)


# --------------------------------------------------------------------------- chart, internal accounts

#: How the chart of accounts names each account kind (screen, files and the accountant pack).
ACCOUNT_KIND_LABELS = {
    "receivable": N_("Customers"), "payable": N_("Suppliers"), "bank": N_("Bank"), "cash": N_("Cash"),
    "vat": N_("VAT"), "income": N_("Income"), "expense": N_("Expense"), "equity": N_("Equity"),
    "asset": N_("Asset"), "liability": N_("Liability"), "other": N_("Other"),
}


def chart_sheet(lines, kinds: dict = ACCOUNT_KIND_LABELS) -> Sheet:
    columns = (SheetColumn(N_("Account"), "text", 0.9), SheetColumn(N_("Name"), "text", 4.0),
               SheetColumn(N_("Kind"), "text", 1.2), SheetColumn(N_("Reconcilable"), "text", 0.9),
               SheetColumn(N_("Blocked"), "text", 0.7))
    rows = []
    for x in lines:
        if x.is_group:
            rows.append(Row((x.code, x.name, None, None, None), "heading" if x.level == 0 else "subtotal",
                            level=x.level))
        else:
            rows.append(Row((x.code, x.name, Text(kinds.get(x.kind, x.kind)),
                             Text(N_("yes")) if x.reconcilable else None,
                             Text(N_("yes")) if x.blocked else None), level=2))
    return Sheet("chart-of-accounts", Text(N_("Chart of accounts")), (), columns, tuple(rows))


def internal_accounts_sheet(report: values.GeneralLedger) -> Sheet:
    """The general ledger of the internal accounts (58 transfers, 499 suspense): each should end at zero."""
    return general_ledger_sheet(report, title=N_("Internal accounts"), name="internal-accounts")


# --------------------------------------------------------------------------- NBB

def nbb_sheet(report: values.NbbReport, language: str, *, detail: bool = False) -> Sheet:
    """Both statements of an NBB model; ``detail`` lists the accounts under each line that reads them."""
    compare = report.previous_range is not None
    columns = (SheetColumn(N_("Code"), "text", 0.8), SheetColumn(N_("Rubric"), "text", 5.0),
               SheetColumn(N_("Current year"), "money", 1.2))
    if compare:
        columns += (SheetColumn(N_("Previous year"), "money", 1.2),)
    rows = []
    for statement, lines, span in (("bs", report.balance_sheet, report.range),
                                   ("pl", report.profit_and_loss, report.range)):
        rows.append(Row((None, Text(nbb.STATEMENT_LABELS[statement]), None) + ((None,) if compare else ()),
                        "heading"))
        for x in lines:
            rubric = x.rubric
            style = "total" if rubric.style == "1" else ("subtotal" if rubric.level <= 2 else "")
            rows.append(Row((rubric.code, rubric.label(language), x.amount_cents)
                            + ((x.previous_cents,) if compare else ()), style, rubric.level - 1))
            if detail:
                for code, name, amount, previous in x.accounts:
                    rows.append(Row((code, name, amount) + ((previous,) if compare else ()), "detail",
                                    rubric.level, links=((0, _gl_link(code, span)),)))
    for code, amount in report.unmapped:
        rows.append(Row((code, Text(N_("Account with a balance outside every rubric")), amount)
                        + ((None,) if compare else ()), "note"))
    title = text(N_("NBB schema — {model}"), model=Text(nbb.MODEL_LABELS[report.model]))
    return Sheet(f"nbb-{report.model}", title, _subtitle(report.range, report.previous_range), columns,
                 tuple(rows))
