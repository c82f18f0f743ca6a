"""The ledger at 1,000,000 lines: posting rate, reports cold and warm, and ledger/hledger/beancount beside it.

Issue #3, "Measured". Generates three fiscal years (2026-2028) of a small Belgian
business through the real posting engine into a real company, then prints
figures (it asserts nothing):

* the books: a few hundred customers invoiced with 21 % and 6 % VAT (some
  credit notes), purchases from suppliers, bank receipts and payments matched
  with their invoices through ``reconcile`` (single payments, two
  instalments, one payment for three invoices; some invoices stay unpaid),
  cash sales and weekly deposits, salaries (OD) and their payments, monthly
  depreciation and bank fees, quarterly VAT settlements, and each year closed
  (``close_fiscal_year``: closing entry and the next year's opening entry);
  posted month by month with ``post_entries`` in batches of 1,000, except a
  sample posted with ``post_entry``, one transaction each;
* posting rate, measured again on every run on a copy of the full company
  (one entry per transaction; batches of 1,000);
* trial balance, general ledger of one account for a year, aged balance of the
  receivables at a date, NBB schema: warm (in this process, best of N) and
  cold (a new ``python -c`` process that opens the company and runs it: wall
  time from process start; the OS page cache stays warm);
* the same books written as journal files for ``ledger``, ``hledger`` and
  beancount (``bean-query``), their trial balance timed, ratios side by side,
  and a plain SQLite GROUP BY over the lines for reference.

The generated company (and journal files) is cached in ``bench/out/`` keyed by
size, so a second run skips the generation (``--regenerate`` forces it).

    .venv/bin/python bench/ledger.py [--lines 1000000] [--no-external] [--regenerate] [--only reports]

``--only reports`` runs the reports table alone (warm and cold), skipping the posting rate on a
copy and the side-by-side with the other tools (``--only posting`` / ``--only external`` likewise);
``--no-cold`` leaves out the new-process figures.

External tools: ``apt-get install ledger hledger``; beancount in its own venv
(``python3 -m venv /tmp/bcvenv && /tmp/bcvenv/bin/pip install beancount beanquery``),
found on PATH or with ``--bean-query PATH``.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import importlib
import importlib.util
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from equisis.demo.books import (BANK, BATCH, CAPITAL, CARS, CARS_DEPR, CASH, CUSTOMER,  # noqa: E402
                                DEPRECIATION, EQUIPMENT, EQUIPMENT_DEPR, GOODS, PURCHASE_GOODS, ROLE,
                                VAT_DUE, Planner, Poster, draft_of, vat)
from equisis.ledger import service as ledger  # noqa: E402
from equisis.ledger.models import Account, Entry, EntryLine  # noqa: E402
from equisis.parties import service as parties  # noqa: E402
from equisis.parties.models import Party  # noqa: E402
from equisis.schema import all_migrations  # noqa: E402
from equisis.store import Instance, write  # noqa: E402
from equisis.store.audit import acting_as  # noqa: E402
from tests.factories import make_company  # noqa: E402

SECTIONS = ("posting", "reports", "external")
GENERATOR_VERSION = 1  # bump when the generated books change: the cache is keyed by it
OUT = ROOT / "bench" / "out"
FIRST_DAY, LAST_DAY = dt.date(2026, 1, 1), dt.date(2028, 12, 31)
YEARS = (2026, 2027, 2028)
CUSTOMERS, SUPPLIERS, EMPLOYEES = 300, 60, 8
# per year at 1,000,000 lines; the cash sales fill what is left of the line budget
INVOICES_PER_YEAR, PURCHASES_PER_YEAR = 22_000, 9_000
CLOSING_LINES_GUESS = 1_200  # closing + opening entries of three year-ends (partner lines carried forward)
PURCHASE_SERVICES = ("6100", "6120", "6125", "61320", "6162", "612901", "611", "61652")


# =========================================================================== planning the books
#
# The Planner (sales and receipts, purchases and payments, payroll, bank fees, weekly cash deposits,
# quarterly VAT returns) and the Poster are the demo company's (equisis/demo/books.py, which documents
# the events); the bench adds its own fixed costs, random purchases and cash sales filling the budget.

class BenchPlanner(Planner):
    def __init__(self, scale: float, customers: list[int], suppliers: list[int], seed: int = 2026):
        super().__init__(FIRST_DAY, LAST_DAY, customers=customers, suppliers=suppliers, seed=seed)
        self.scale = scale

    def purchases(self) -> None:
        rnd = self.rnd
        days = list(self.business_days(5))
        count = round(PURCHASES_PER_YEAR * len(YEARS) * self.scale)
        for n, day in enumerate(sorted(rnd.choice(days) for _ in range(count)), start=1):
            supplier = rnd.choice(self.suppliers)
            ref = f"A{day.year}-{n:06d}"
            if rnd.random() < 0.6:
                bases = [(PURCHASE_GOODS, rnd.randint(5_000, 300_000), "81")]
                if rnd.random() < 0.3:
                    bases.append((rnd.choice(PURCHASE_SERVICES), rnd.randint(1_000, 30_000), "82"))
            else:
                bases = [(rnd.choice(PURCHASE_SERVICES), rnd.randint(1_000, 120_000), "82")]
            self.purchase(day, supplier, ref, bases, rnd.random() < 0.97)

    def fixed(self) -> None:
        rnd = self.rnd
        self.add(FIRST_DAY, "BNK1", "Capital paid in", [(BANK, 5_000_000, 0, None, None, None, ()),
                                                         (CAPITAL, 0, 5_000_000, None, None, None, ())])
        gross = [rnd.randint(280_000, 450_000) for _ in range(EMPLOYEES)]
        staff = [(f"employee {n}", amount) for n, amount in enumerate(gross, start=1)]
        monthly_depreciation = [0, 0]
        for year in YEARS:
            day = dt.date(year, 1, 15)
            equipment = rnd.randint(800_000, 1_500_000)
            bases = [(EQUIPMENT, equipment, "83")]
            monthly_depreciation[0] += equipment // 60
            if year == YEARS[0]:
                bases.append((CARS, 3_000_000, "83"))
                monthly_depreciation[1] += 3_000_000 // 60
            self.purchase(day, self.suppliers[0], f"INV{year}", bases)
            for month in range(1, 13):
                self.purchase(dt.date(year, month, 1), self.suppliers[1], f"RENT{year}{month:02d}",
                              [("6100", 250_000, "82")])
        for end in self.month_ends():
            self.add(end, "OD", f"Depreciation {end:%Y-%m}", [
                (DEPRECIATION, sum(monthly_depreciation), 0, None, None, None, ()),
                (EQUIPMENT_DEPR, 0, monthly_depreciation[0], None, None, None, ()),
                (CARS_DEPR, 0, monthly_depreciation[1], None, None, None, ())])
            self.bank_fees(end, 1_850)
            self.payroll(end, staff)

    def cash_sales(self, budget: int) -> None:
        rnd = self.rnd
        days = list(self.business_days(6))
        sales = []
        while budget > 0:
            base = rnd.randint(300, 8_000)
            lines = [(GOODS, 0, base, None, None, None, ("03",)), (VAT_DUE, 0, vat(base, 21), None, None, None,
                                                                 ("54",))]
            if rnd.random() < 0.1:
                low = rnd.randint(100, 3_000)
                lines += [(GOODS, 0, low, None, None, None, ("01",)),
                          (VAT_DUE, 0, vat(low, 6), None, None, None, ("54",))]
            total = sum(x[2] for x in lines)
            sales.append([(CASH, total, 0, None, None, None, ())] + lines)
            budget -= len(sales[-1])
        for day, lines in zip(sorted(rnd.choice(days) for _ in sales), sales):
            self.add(day, "CSH1", "Cash sales", lines)

    def plan(self, target_lines: int) -> list[tuple]:
        self.fixed()
        self.sales(round(INVOICES_PER_YEAR * len(YEARS) * self.scale))
        self.purchases()
        mondays = sum(1 for d in self.business_days(1))
        self.cash_sales(target_lines - CLOSING_LINES_GUESS - self.lines() - 2 * mondays - 5 * 12)
        self.deposits_and_vat()
        self.events.sort()
        return self.events


def generate(folder: Path, lines: int, single: int) -> dict:
    """Build the company in ``folder`` (an instance root); returns what the generation measured."""
    began = time.perf_counter()
    instance = Instance(folder, all_migrations())
    slug = make_company(instance)
    store = instance.get(slug)
    meta = {"slug": slug, "generator_version": GENERATOR_VERSION, "target_lines": lines,
            "generated_at": dt.datetime.now().isoformat(timespec="seconds")}
    with store.session(), acting_as("bench"):
        with write():
            customers = [parties.create_party(f"Customer {i:03d}", is_customer=True).id for i in range(CUSTOMERS)]
            suppliers = [parties.create_party(f"Supplier {i:02d}", is_supplier=True).id for i in range(SUPPLIERS)]
        started = time.perf_counter()
        events = BenchPlanner(lines / 1_000_000, customers, suppliers).plan(lines)
        meta["planning_s"] = time.perf_counter() - started
        poster = Poster()
        by_month = collections.defaultdict(list)
        for event in events:
            by_month[(event[0].year, event[0].month)].append(event)
        closings = {(2027, 4): "2026", (2028, 4): "2027"}
        sample_month = (2028, 6)  # a sample posted one entry per transaction, the books ~ 80 % full
        closing_s = 0.0
        last_report = time.perf_counter()
        for month in sorted(by_month):
            if month in closings:
                started = time.perf_counter()
                ledger.close_fiscal_year(closings[month], role=ROLE)
                closing_s += time.perf_counter() - started
            if ledger.fiscal_year_of(dt.date(*month, 1)) is None:
                ledger.create_next_fiscal_year()
            todo = by_month[month]
            if month == sample_month:
                poster.post(todo[:single], single=True)
                todo = todo[single:]
            for start in range(0, len(todo), BATCH):
                poster.post(todo[start:start + BATCH])
            if time.perf_counter() - last_report > 15:
                print(f"  … {month[0]}-{month[1]:02d}: {poster.stats['lines']:,} lines "
                      f"({time.perf_counter() - began:.0f} s)", flush=True)
                last_report = time.perf_counter()
        started = time.perf_counter()
        ledger.close_fiscal_year("2028", role=ROLE)
        closing_s += time.perf_counter() - started
        meta.update(
            lines=EntryLine.select().count(), entries=Entry.select().count(),
            batched_entries=poster.stats["batched_entries"], batched_s=poster.seconds["batched"],
            single_entries=poster.stats["single_entries"], single_s=poster.seconds["single"],
            reconciliations=poster.stats["reconciliations"], reconcile_s=poster.seconds["reconcile"],
            closing_s=closing_s, parties=Party.select().count())
    instance.close()
    meta["generation_s"] = time.perf_counter() - began
    return meta


# =========================================================================== journal files for other tools

def external_name(code: str) -> str:
    root = {"0": "Assets", "1": "Equity", "2": "Assets", "3": "Assets", "5": "Assets", "6": "Expenses",
            "7": "Income"}.get(code[0], "Liabilities")
    if code[:2] in ("16", "17"):
        root = "Liabilities"
    elif code[:2] in ("40", "41"):
        root = "Assets"
    return f"{root}:A{code}"


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def write_journals(db_path: Path, folder: Path) -> dict:
    """ledger/hledger and beancount files of every posted line, straight from company.db."""
    import apsw

    folder.mkdir(parents=True, exist_ok=True)
    connection = apsw.Connection(str(db_path), flags=apsw.SQLITE_OPEN_READONLY)
    codes = [c for (c,) in connection.execute(
        "SELECT DISTINCT a.code FROM account a WHERE a.id IN (SELECT DISTINCT account_id FROM entry_line)")]
    names = {c: external_name(c) for c in codes}
    rows = connection.execute(
        "SELECT e.id, e.date, e.reference, e.description, a.code, l.debit_cents, l.credit_cents "
        "FROM entry_line l JOIN entry e ON e.id = l.entry_id JOIN account a ON a.id = l.account_id "
        "ORDER BY l.entry_id, l.line_no")
    ledger_file = open(folder / "books.ledger", "w", encoding="utf-8")
    bean_file = open(folder / "books.beancount", "w", encoding="utf-8")
    bean_file.write('option "operating_currency" "EUR"\n\n')
    for code in sorted(codes):
        bean_file.write(f"{FIRST_DAY.isoformat()} open {names[code]} EUR\n")
    bean_file.write("\n")
    current, postings, entries = None, 0, 0
    for entry_id, day, reference, description, code, debit, credit in rows:
        if entry_id != current:
            current, entries = entry_id, entries + 1
            text = f"{reference} {description}".replace('"', "'")
            ledger_file.write(f"\n{day.replace('-', '/')} {text}\n")
            bean_file.write(f'\n{day} * "{text}"\n')
        amount = money(debit - credit)
        ledger_file.write(f"    {names[code]}    {amount} EUR\n")
        bean_file.write(f"  {names[code]}  {amount} EUR\n")
        postings += 1
    ledger_file.close()
    bean_file.close()
    connection.close()
    return {"entries": entries, "postings": postings}


# =========================================================================== measuring

def best_of(function, repeat: int) -> tuple[float, float, object]:
    """(best, median) seconds of ``repeat`` calls, and the last result."""
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return min(timings), statistics.median(timings), result


def cold(command: list[str], repeat: int) -> tuple[float, float, str]:
    """Wall time of a new process running ``command``, from spawn to exit: (best, median, its output)."""
    timings, output = [], ""
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        timings.append(time.perf_counter() - started)
        if done.returncode:
            return float("nan"), float("nan"), (done.stderr.strip().splitlines() or ["?"])[-1][:150]
        output = done.stdout.strip()
    return min(timings), statistics.median(timings), output


# A new process opens the company as a command line would: Instance.get (read-only), which inspects the
# file first (header and applied migrations; read-only opens skip PRAGMA quick_check). "direct" opens the
# same database without that inspection, to show what the query itself costs from a new process.
OPEN_BY_INSTANCE = """
from equisis.schema import all_migrations
from equisis.store import Instance
store = Instance(Path(sys.argv[1]), all_migrations(), read_only=True).get(sys.argv[2])
"""
OPEN_DIRECT = """
from equisis.store.company import CompanyStore
from equisis.store.database import CompanyDatabase
folder = Path(sys.argv[1]) / "companies" / sys.argv[2]
store = CompanyStore(folder, CompanyDatabase(folder / "company.db", read_only=True), None)
"""


def cold_code(body: str, *, direct: bool = False) -> str:
    prelude = "import sys, datetime as dt\nfrom pathlib import Path\nday = dt.date.fromisoformat\n"
    prelude += OPEN_DIRECT if direct else OPEN_BY_INSTANCE
    return prelude + "with store.session():\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())


def reports_service():
    """equisis.reports.service once the reports module exists, else None."""
    try:
        if importlib.util.find_spec("equisis.reports") and importlib.util.find_spec("equisis.reports.service"):
            return importlib.import_module("equisis.reports.service")
    except ImportError:
        return None
    return None


def general_ledger(code: str, start: dt.date, end: dt.date) -> list[tuple]:
    """The lines of one account over [start, end] with a running balance (index entry_line(account, date))."""
    account_id = Account.get(Account.code == code).id
    query = (EntryLine.select(Entry.reference, EntryLine.date, EntryLine.description, EntryLine.partner,
                              EntryLine.debit_cents, EntryLine.credit_cents)
             .join(Entry)
             .where((EntryLine.account == account_id) & (EntryLine.date >= start) & (EntryLine.date <= end))
             .order_by(EntryLine.date, EntryLine.id))
    balance, rows = 0, []
    for reference, day, description, partner, debit, credit in query.tuples():
        balance += debit - credit
        rows.append((reference, day, description, partner, debit, credit, balance))
    return rows


BUCKETS = ((0, "not due"), (30, "1-30"), (60, "31-60"), (90, "61-90"), (None, "> 90"))


def aged_balance(day: dt.date) -> tuple[int, dict[str, int]]:
    """Receivables open at ``day`` (open_items_at): (how many items, {bucket of days past due: cents})."""
    totals = collections.Counter()
    items = ledger.open_items_at(day, kinds=("receivable",))
    for item in items:
        late = (day - (item.due_date or item.date)).days
        label = next(label for limit, label in BUCKETS if limit is None or late <= limit)
        totals[label] += item.residual_cents
    return len(items), dict(totals)


# The same work for a new process (the body runs inside ``with store.session():``; argv[3:] are its arguments).
COLD_BODIES = {
    "tb": "from equisis.ledger.service import account_totals\n"
          "print(len(account_totals(day(sys.argv[3]), day(sys.argv[4]))))",
    "gl": "import bench_gl\nprint(len(bench_gl.general_ledger(sys.argv[3], day(sys.argv[4]), day(sys.argv[5]))))",
    "aged": "from equisis.ledger.service import open_items_at\n"
            "print(len(open_items_at(day(sys.argv[3]), kinds=('receivable',))))",
    "r_tb": "from equisis.reports.service import trial_balance\n"
            "print(len(trial_balance(day(sys.argv[3]), day(sys.argv[4])).groups))",
    "r_gl": "from equisis.reports.service import general_ledger\n"
            "print(sum(len(s.lines) for s in general_ledger(day(sys.argv[4]), day(sys.argv[5]), "
            "accounts=[sys.argv[3]]).sections))",
    "r_aged": "from equisis.reports.service import aged_balance\n"
              "print(len(aged_balance('customers', day(sys.argv[3])).rows))",
    "r_nbb": "from equisis.reports.service import nbb_schema\n"
             "print(len(nbb_schema('abbr', day(sys.argv[3]), day(sys.argv[4])).balance_sheet))",
}
# the bench's general-ledger query, importable by a new process (no bench machinery imported with it)
BENCH_GL_MODULE = '''
from equisis.ledger.models import Account, Entry, EntryLine


def general_ledger(code, start, end):
    account_id = Account.get(Account.code == code).id
    query = (EntryLine.select(Entry.reference, EntryLine.date, EntryLine.description, EntryLine.partner,
                              EntryLine.debit_cents, EntryLine.credit_cents).join(Entry)
             .where((EntryLine.account == account_id) & (EntryLine.date >= start) & (EntryLine.date <= end))
             .order_by(EntryLine.date, EntryLine.id))
    balance, rows = 0, []
    for reference, day, description, partner, debit, credit in query.tuples():
        balance += debit - credit
        rows.append((reference, day, description, partner, debit, credit, balance))
    return rows
'''

SQLITE_SCAN = "SELECT account_id, SUM(debit_cents), SUM(credit_cents) FROM entry_line GROUP BY account_id"


# =========================================================================== main

def folder_for(lines: int) -> Path:
    return OUT / f"ledger-{lines}-v{GENERATOR_VERSION}"


def posting_rates(instance_root: Path, slug: str, single: int, batched: int) -> tuple[float, float]:
    """Post into a copy of the full company (the open year after the last closing): entries/s."""
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        copy = Path(tmp) / "instance"
        shutil.copytree(instance_root, copy, ignore=shutil.ignore_patterns("company.lock", "backups"))
        instance = Instance(copy, all_migrations())
        store = instance.get(slug)
        with store.session(), acting_as("bench"):
            year = ledger.fiscal_years()[-1]
            customers = [p.id for p in Party.select(Party.id).where(Party.is_customer == True)]  # noqa: E712
            rnd = random.Random(7)

            def sale(n):
                day = year.start + dt.timedelta(days=rnd.randint(0, 360))
                base = rnd.randint(2_000, 150_000)
                return draft_of((day, 0, "VEN", f"Invoice P{n}", (
                    (CUSTOMER, base + vat(base, 21), 0, rnd.choice(customers), f"P{n}",
                     day + dt.timedelta(days=30), ()),
                    (GOODS, 0, base, None, None, None, ("03",)),
                    (VAT_DUE, 0, vat(base, 21), None, None, None, ("54",))), None, ()))

            drafts = [sale(n) for n in range(single)]
            started = time.perf_counter()
            for draft in drafts:
                ledger.post_entry(draft, role=ROLE)
            one = single / (time.perf_counter() - started)
            drafts = [sale(n) for n in range(single, single + batched)]
            started = time.perf_counter()
            for start in range(0, len(drafts), BATCH):
                ledger.post_entries(drafts[start:start + BATCH], role=ROLE)
            many = batched / (time.perf_counter() - started)
        instance.close()
    return one, many


def tool_version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "?"


def run_external(journals: Path, bean_query: str | None) -> list[tuple[str, float | None, str]]:
    """(tool and version, seconds or None, note) for ledger, hledger and bean-query."""
    results = []
    tools = [
        ("ledger", ["ledger", "-f", str(journals / "books.ledger"), "bal"], ["ledger", "--version"]),
        ("hledger", ["hledger", "-f", str(journals / "books.ledger"), "bal"], ["hledger", "--version"]),
        ("bean-query", [bean_query or "bean-query", str(journals / "books.beancount"),
                        "SELECT account, sum(position) GROUP BY account"], None),
    ]
    for name, command, version in tools:
        executable = shutil.which(command[0])
        if executable is None:
            hint = ("apt-get install ledger hledger" if name != "bean-query" else
                    "python3 -m venv /tmp/bcvenv && /tmp/bcvenv/bin/pip install beancount beanquery, "
                    "then --bean-query /tmp/bcvenv/bin/bean-query")
            results.append((name, None, f"not installed: {hint}"))
            continue
        if version is None:
            pip = Path(executable).parent / "pip"
            listed = subprocess.run([str(pip), "list"], capture_output=True, text=True).stdout if pip.exists() else ""
            found = [" ".join(line.split()[:2]) for line in listed.splitlines()
                     if line.split()[:1] and line.split()[0].lower() in ("beancount", "beanquery")]
            label = (" / ".join(found) or "beancount") + ": bean-query SELECT account, sum(position)"
        else:
            label = tool_version(version).split(",")[0] + " bal"
        print(f"  running {label} …", flush=True)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        note = f"{len(done.stdout.splitlines())} output lines"
        if done.returncode:
            note = f"exit {done.returncode}: {(done.stderr.strip().splitlines() or ['?'])[-1][:120]}"
        results.append((label, seconds, note))
    return results


def ms(seconds: float) -> str:
    if seconds != seconds:  # nan: failed
        return "failed"
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def verdict(value: float, limit: float, higher_is_better: bool = False) -> str:
    ok = value >= limit if higher_is_better else value < limit
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="posting lines to generate (default 1,000,000)")
    parser.add_argument("--no-external", action="store_true", help="skip ledger, hledger and beancount")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached company")
    parser.add_argument("--single", type=int, default=1000, help="entries posted one per transaction")
    parser.add_argument("--batched", type=int, default=20_000, help="entries posted in batches (rate on a copy)")
    parser.add_argument("--repeat", type=int, default=20, help="warm repetitions (best of)")
    parser.add_argument("--cold-runs", type=int, default=5, help="new processes per cold figure (best of)")
    parser.add_argument("--account", default=BANK, help="account of the general ledger (default the bank)")
    parser.add_argument("--bean-query", default=None, help="path of bean-query (default: PATH, /tmp/bcvenv)")
    parser.add_argument("--only", choices=SECTIONS, action="append", default=None,
                        help="run only this section (repeatable): " + ", ".join(SECTIONS) + "; default all")
    parser.add_argument("--no-cold", action="store_true", help="skip the new-process (cold) figures")
    args = parser.parse_args()
    sections = set(args.only or SECTIONS)
    if "external" in sections and "reports" not in sections:
        sections.add("reports")  # the side-by-side compares with the reports' trial balance figures
    run_started = time.perf_counter()

    folder = folder_for(args.lines)
    instance_root = folder / "instance"
    if args.regenerate and folder.exists():
        shutil.rmtree(folder)
    cached = (folder / "meta.json").exists()
    if not cached:
        print(f"generating {args.lines:,} lines into {folder.relative_to(ROOT)} …", flush=True)
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        meta = generate(partial / "instance", args.lines, args.single)
        (partial / "meta.json").write_text(json.dumps(meta, indent=2))
        partial.rename(folder)
    meta = json.loads((folder / "meta.json").read_text())
    slug = meta["slug"]
    # a company cached by an older schema gets its new migrations, as the application would on opening it
    upgrade = Instance(instance_root, all_migrations())
    upgrade.get(slug)
    upgrade.close()
    shutil.rmtree(instance_root / "companies" / slug / "backups", ignore_errors=True)
    db_path = instance_root / "companies" / slug / "company.db"
    (folder / "bench_gl.py").write_text(BENCH_GL_MODULE)

    print()
    print(f"== Equisis ledger bench: {meta['lines']:,} lines, {meta['entries']:,} entries, {meta['parties']} "
          f"parties, fiscal years 2026-2028 closed; company.db {db_path.stat().st_size / 1e6:,.0f} MB")
    print(f"   2 shared cores: figures are noisy. warm = best of {args.repeat} calls in this process (median);"
          f" cold = best of {args.cold_runs} new processes (median), OS page cache warm")
    origin = "cached, generated " + meta["generated_at"] if cached else "generated now"
    print(f"generation ({origin}): {meta['generation_s']:.0f} s; batched posting "
          f"{meta['batched_entries'] / meta['batched_s']:,.0f} entries/s; one per transaction "
          f"{meta['single_entries'] / max(meta['single_s'], 1e-9):,.0f} entries/s ({meta['single_entries']:,} "
          f"entries); {meta['reconciliations']:,} reconcile() calls at "
          f"{meta['reconciliations'] / max(meta['reconcile_s'], 1e-9):,.0f}/s; 3 year-end closings "
          f"{meta['closing_s']:.1f} s")

    # ---------------------------------------------------------------- posting rate on a copy
    many = None
    if "posting" in sections:
        one, many = posting_rates(instance_root, slug, args.single, args.batched)
        print(f"posting into a copy of the full books: one entry per transaction {one:,.0f} entries/s "
              f"({args.single:,} entries); batches of {BATCH:,} {many:,.0f} entries/s ({args.batched:,} entries)")
    if "reports" not in sections:
        print(f"bench run: {time.perf_counter() - run_started:.0f} s")
        return

    # ---------------------------------------------------------------- reports
    reports = reports_service()
    year_start, year_end = dt.date(YEARS[-1], 1, 1), dt.date(YEARS[-1], 12, 31)
    aged_day, aged_earlier = LAST_DAY, dt.date(YEARS[-2], 12, 31)
    few = max(3, args.repeat // 4)
    iso = dt.date.isoformat
    # key, label, warm function, repeats, cold body, cold arguments
    specs = [
        ("tb", "trial balance 2026-2028: ledger account_totals", lambda: ledger.account_totals(FIRST_DAY, LAST_DAY),
         args.repeat, "tb", [iso(FIRST_DAY), iso(LAST_DAY)]),
        ("tb_year", f"trial balance {YEARS[-1]}: ledger account_totals",
         lambda: ledger.account_totals(year_start, year_end), args.repeat, None, None),
        ("gl", f"general ledger {args.account} {YEARS[-1]}: bench query on entry_line(account, date)",
         lambda: general_ledger(args.account, year_start, year_end), few, "gl",
         [args.account, iso(year_start), iso(year_end)]),
        ("aged", f"aged receivables at {aged_day}: ledger open_items_at", lambda: aged_balance(aged_day), few,
         "aged", [iso(aged_day)]),
        ("aged_earlier", f"aged receivables at {aged_earlier}: ledger open_items_at",
         lambda: aged_balance(aged_earlier), few, None, None),
        ("open_today", "open receivables today: ledger open_items",
         lambda: ledger.open_items(kinds=("receivable",)), few, None, None),
    ]
    if reports is not None:
        specs += [
            ("r_tb", "trial balance 2026-2028: reports trial_balance",
             lambda: reports.trial_balance(FIRST_DAY, LAST_DAY), args.repeat, "r_tb", [iso(FIRST_DAY), iso(LAST_DAY)]),
            ("r_tb_year", f"trial balance {YEARS[-1]}: reports trial_balance",
             lambda: reports.trial_balance(year_start, year_end), args.repeat, "r_tb",
             [iso(year_start), iso(year_end)]),
            ("r_gl", f"general ledger {args.account} {YEARS[-1]}: reports general_ledger",
             lambda: reports.general_ledger(year_start, year_end, accounts=[args.account]), few, "r_gl",
             [args.account, iso(year_start), iso(year_end)]),
            ("r_aged", f"aged receivables at {aged_day}: reports aged_balance",
             lambda: reports.aged_balance("customers", aged_day), few, "r_aged", [iso(aged_day)]),
            ("r_aged_earlier", f"aged receivables at {aged_earlier}: reports aged_balance",
             lambda: reports.aged_balance("customers", aged_earlier), few, None, None),
            ("r_nbb", f"NBB schema (abbreviated) {YEARS[-1]} vs {YEARS[-2]}: reports nbb_schema",
             lambda: reports.nbb_schema("abbr", year_start, year_end), few, "r_nbb",
             [iso(year_start), iso(year_end)]),
        ]
    warm, sizes = {}, {}
    instance = Instance(instance_root, all_migrations(), read_only=True)
    store = instance.get(slug)
    with store.session():
        for key, _label, function, repeat, _body, _argv in specs:
            try:
                warm[key] = best_of(function, repeat)
            except Exception as exc:  # noqa: BLE001 - a report still being written must not stop the bench
                warm[key] = (float("nan"), float("nan"), f"{type(exc).__name__}: {exc}"[:150])
        cursor = store.database.connection().cursor()
        scan = best_of(lambda: cursor.execute(SQLITE_SCAN).fetchall(), 5)
    instance.close()
    result = {k: v[2] for k, v in warm.items()}
    sizes["tb"] = f"{len(result['tb'])} accounts"
    sizes["gl"] = f"{len(result['gl']):,} lines"
    sizes["aged"] = f"{result['aged'][0]:,} items"
    sizes["aged_earlier"] = f"{result['aged_earlier'][0]:,} items"
    sizes["open_today"] = f"{len(result['open_today']):,} items"

    python = [sys.executable, "-c"]
    base = [str(instance_root), slug]
    if args.no_cold:
        specs_cold = []
    else:
        specs_cold = specs
    nan = (float("nan"), float("nan"), "skipped: --no-cold")
    cold_runs = {} if args.no_cold else {
                 "python": cold(python + ["pass"], args.cold_runs),
                 "open": cold(python + [cold_code("pass"), *base], args.cold_runs),
                 "open_direct": cold(python + [cold_code("pass", direct=True), *base], args.cold_runs)}
    env_path = str(folder)  # bench_gl.py lives there
    for key, _label, _function, _repeat, body, argv in specs_cold:
        if body is None:
            continue
        code = f"import sys; sys.path.insert(0, {env_path!r})\n" + cold_code(COLD_BODIES[body])
        cold_runs[key] = cold(python + [code, *base, *argv], args.cold_runs)
        if key in ("tb", "r_tb"):
            direct = f"import sys; sys.path.insert(0, {env_path!r})\n" + cold_code(COLD_BODIES[body], direct=True)
            cold_runs[key + "_direct"] = cold(python + [direct, *base, *argv], args.cold_runs)
    equisis_cli = Path(sys.executable).parent / "equisis"
    if reports is not None and equisis_cli.exists() and not args.no_cold:
        with tempfile.TemporaryDirectory() as tmp:
            cold_runs["cli_tb"] = cold([str(equisis_cli), "--instance", str(instance_root), "report", "trial-balance",
                                        "--from", iso(FIRST_DAY), "--to", iso(LAST_DAY), "--company", slug,
                                        "--format", "csv", "--out", str(Path(tmp) / "tb.csv")], args.cold_runs)

    print()
    print(f"{'report':<84}{'warm best':>11}{'(median)':>12}{'cold best':>11}{'(median)':>12}")

    def row(label, warm_pair, cold_pair=None):
        warm_text = (ms(warm_pair[0]), f"({ms(warm_pair[1])})") if warm_pair else ("", "")
        cold_text = (ms(cold_pair[0]), f"({ms(cold_pair[1])})") if cold_pair else ("", "")
        print(f"{label[:84]:<84}{warm_text[0]:>11}{warm_text[1]:>12}{cold_text[0]:>11}{cold_text[1]:>12}")

    for key, label, _function, _repeat, _body, _argv in specs:
        if key in sizes:
            label += f" ({sizes[key]})"
        if warm[key][0] != warm[key][0]:
            print(f"{label}: failed: {warm[key][2]}")
            continue
        row(label, warm[key], cold_runs.get(key))
        if key + "_direct" in cold_runs:
            row("   the same, new process opening company.db directly (no Instance.get)", None,
                cold_runs[key + "_direct"])
    if "cli_tb" in cold_runs:
        row("trial balance 2026-2028: `equisis report trial-balance --format csv` (CLI, new process)", None,
            cold_runs["cli_tb"])
    if reports is None:
        print("NBB schema: not available yet (no equisis.reports.service)")
    if not args.no_cold:
        row("new process floor: python -c pass", None, cold_runs["python"])
        row("new process floor: + imports + Instance.get (read-only)", None, cold_runs["open"])
        row("new process floor: + imports + opening company.db directly (CompanyDatabase)", None,
            cold_runs["open_direct"])
    aged_buckets = result["aged"][1]
    print(f"aged receivables at {aged_day}, days past due: " + ", ".join(
        f"{label} {aged_buckets.get(label, 0) / 100:,.2f}" for _limit, label in BUCKETS) + " EUR")

    # ---------------------------------------------------------------- other tools
    print()
    print(f"trial balance over all {meta['lines']:,} lines, side by side (ratio = time / Equisis)")
    tb_warm, tb_cold = warm["tb"][0], cold_runs.get("tb", nan)[0]
    table = [("Equisis warm: account_totals from the maintained balances, in process", tb_warm),
             ("Equisis cold: new process (python, imports, Instance.get, query)", tb_cold),
             ("SQLite GROUP BY over entry_line (warm, in process, for reference)", scan[0])]
    if args.no_cold:
        del table[1]
    if args.no_external or "external" not in sections:
        print("  (ledger, hledger and beancount skipped: " + ("--no-external)" if args.no_external else "--only)"))
    else:
        journals = folder / "journals"
        if not (journals / "books.beancount").exists():
            started = time.perf_counter()
            written = write_journals(db_path, journals)
            print(f"  journal files written in {time.perf_counter() - started:.0f} s: {written['entries']:,} "
                  f"transactions, {written['postings']:,} postings ({journals.relative_to(ROOT)})")
        bean_query = args.bean_query or shutil.which("bean-query") or (
            "/tmp/bcvenv/bin/bean-query" if Path("/tmp/bcvenv/bin/bean-query").exists() else None)
        for label, seconds, note in run_external(journals, bean_query):
            if seconds is None:
                print(f"  {label}: {note}")
            else:
                table.append((f"{label} ({note})", seconds))
    print(f"  {'':<74}{'time':>10}{'x warm':>10}{'x cold':>9}")
    for label, seconds in table:
        cold_ratio = f"{seconds / tb_cold:>9,.1f}" if tb_cold == tb_cold else f"{'':>9}"  # nan: --no-cold
        print(f"  {label[:74]:<74}{ms(seconds):>10}{seconds / tb_warm:>10,.0f}{cold_ratio}")

    print()
    print("goals (issue #3):")
    print(f"  trial balance < 10 ms warm: account_totals {ms(tb_warm)} — {verdict(tb_warm, 0.010)}"
          + (f"; reports trial_balance {ms(warm['r_tb'][0])} (2026-2028), {ms(warm['r_tb_year'][0])} "
             f"({YEARS[-1]}) — {verdict(warm['r_tb'][0], 0.010)}" if "r_tb" in warm else ""))
    cli = f"; `equisis report trial-balance` {ms(cold_runs['cli_tb'][0])} — {verdict(cold_runs['cli_tb'][0], 0.3)}" \
        if "cli_tb" in cold_runs else ""
    if not args.no_cold:
        print(f"  trial balance < 300 ms from a new process: {ms(tb_cold)} — {verdict(tb_cold, 0.300)} "
              f"(opening company.db directly: {ms(cold_runs['tb_direct'][0])}){cli}")
    aged_text = (f"open_items_at {ms(warm['aged'][0])} at {aged_day} — {verdict(warm['aged'][0], 0.050)}, "
                 f"{ms(warm['aged_earlier'][0])} at {aged_earlier}")
    if "r_aged" in warm:
        aged_text += (f"; reports aged_balance {ms(warm['r_aged'][0])} at {aged_day} — "
                      f"{verdict(warm['r_aged'][0], 0.050)}, {ms(warm['r_aged_earlier'][0])} at {aged_earlier}")
    print(f"  aged balance < 50 ms warm: {aged_text}")
    if many is not None:
        print(f"  posting >= 2,000 entries/s in batches: {many:,.0f} — {verdict(many, 2000, True)}")
    print(f"bench run: {time.perf_counter() - run_started:.0f} s")


if __name__ == "__main__":
    main()
