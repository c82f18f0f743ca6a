"""Build Equisis' chart of accounts (equisis/ledger/data/*.csv) from the Belgian PCMN reference.

    python packaging/build_pcmn.py                 # reads ../shared/belgium/pcmn (or EQUISIS_REFERENCE_DIR)
    python packaging/build_pcmn.py --check         # exit 1 if the committed files differ from a rebuild

The reference (Odoo's public ``l10n_be`` chart templates, LGPL-3, described in
``belgium/pcmn/README.md``) is read here, at build time only: the product ships
the two files this script writes, in columns of our own design, and never reads
the reference at run time.

``pcmn_accounts.csv`` — one row per account and chart family:

    code          PCMN code, 2 to 6 digits (text: "400" sorts before "4001")
    kind          receivable payable bank cash vat income expense equity asset liability other
    reconcilable  1 when lines on it are matched (lettrage) and tracked as open items
    postable      1 when entries may use it (every PCMN account is; groups are not accounts)
    models        which company models include it, space-separated: ``full abbr micro`` (companies with
                  capital, the three NBB models) and/or ``asso`` (associations and foundations)
    name_fr name_nl name_de name_en

The common accounts (reference ``account.account-be``) carry every model; the
legal-form files add theirs: ``-be_comp`` → ``full abbr micro``, ``-be_asso`` →
``asso``. (``-be_comp_abbr_con`` has the same codes and names as ``-be_comp``.)

``pcmn_groups.csv`` — the class / sub-class hierarchy, by code prefix:

    code_start code_end  a prefix, or a range of prefixes of the same length ("550".."559")
    models               as above
    name_fr name_nl name_de name_en
    fallback             where the reference had no name in a language, which name stands in for it:
                         "de:account" = the account with that very code, "de:equisis" = our own
                         translation (the classes), "de:fr" = the French name

The stored ``account.group-be.csv`` is older than the legal-form group files: its
``name`` is French, its German and English names are missing. A group id found in
``-be_comp`` or ``-be_asso`` replaces the common row for those models (their names
come in four languages); a common group keeps the models nobody replaced. The
missing German and English names are taken from the account of the same code
when it belongs to the same chart (group 300 "Valeur d'acquisition" ↔ account
300 "Raw Materials - Acquisition Value": a little more specific, the same
concept), or, for a group shared by companies and associations, from the
account with the same French name in the models that have it (group 100
"Capital souscrit" ↔ the companies' account 100 "Issued Capital" /
"Gezeichnetes Kapital"); the eight classes have names of our own
(:data:`CLASS_NAMES`); else the French name stands in. ``fallback`` says which. (The
common group file names some groups as for companies, e.g. 100 "Capital
souscrit" also for associations: the reference has nothing better.)

Account kinds come from Odoo's ``account_type`` refined by the PCMN code (see
:func:`account_kind`).
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference_data  # noqa: E402  (packaging/ is not a package)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "equisis" / "ledger" / "data"
ACCOUNTS_FILE = DATA / "pcmn_accounts.csv"
GROUPS_FILE = DATA / "pcmn_groups.csv"

COMPANY_MODELS = ("full", "abbr", "micro")
ALL_MODELS = COMPANY_MODELS + ("asso",)
ACCOUNT_COLUMNS = ["code", "kind", "reconcilable", "postable", "models",
                   "name_fr", "name_nl", "name_de", "name_en"]
GROUP_COLUMNS = ["code_start", "code_end", "models", "name_fr", "name_nl", "name_de", "name_en", "fallback"]

#: Our own German and English names of the eight PCMN classes, which the reference lacks ("de:equisis").
CLASS_NAMES = {
    "0": ("Nicht in der Bilanz ausgewiesene Rechte und Verpflichtungen",
          "Off-balance-sheet rights and commitments"),
    "1": ("Eigenkapital, Rückstellungen für Risiken und Aufwendungen und Verbindlichkeiten mit einer "
          "Restlaufzeit von mehr als einem Jahr",
          "Equity, provisions for liabilities and charges, and amounts payable after more than one year"),
    "2": ("Gründungskosten, Anlagevermögen und Forderungen mit einer Restlaufzeit von mehr als einem Jahr",
          "Formation expenses, fixed assets and amounts receivable after more than one year"),
    "3": ("Vorräte und in Ausführung befindliche Bestellungen", "Stocks and contracts in progress"),
    "4": ("Forderungen und Verbindlichkeiten mit einer Restlaufzeit bis zu einem Jahr",
          "Amounts receivable and payable within one year"),
    "5": ("Geldanlagen und flüssige Mittel", "Current investments, cash at bank and in hand"),
    "6": ("Aufwendungen", "Charges"),
    "7": ("Erträge", "Income"),
}

SOURCES = {  # reference file -> models it serves
    "odoo-account.account-be.csv": ALL_MODELS,
    "odoo-account.account-be_comp.csv": COMPANY_MODELS,
    "odoo-account.account-be_asso.csv": ("asso",),
}
GROUP_SOURCES = {
    "odoo-account.group-be_comp.csv": COMPANY_MODELS,
    "odoo-account.group-be_asso.csv": ("asso",),
}


def reference_dir() -> Path:
    """EQUISIS_REFERENCE_DIR/pcmn (default ../shared/belgium/pcmn beside the checkout)."""
    return reference_data.reference_dir("pcmn")


def read_reference(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


def account_kind(code: str, account_type: str) -> str:
    """Our kind of an account from Odoo's ``account_type`` and the PCMN code.

    ============================================  ===========
    reference                                      kind
    ============================================  ===========
    40x receivable (400 customers, 404, 406, 407)  receivable
    44x payable (440 suppliers)                    payable
    411x / 451x (VAT recoverable / payable)        vat
    55x cash-type                                  bank
    57x cash-type                                  cash
    income, income_other                           income
    expense, expense_other, expense_depreciation   expense
    equity, equity_unaffected (incl. 69x/79x)      equity
    other assets / liabilities                     asset / liability
    ============================================  ===========

    Odoo marks some tax current accounts (4112, 4512, 4121, 4521) receivable or
    payable: they are not partner accounts, so only the 40 and 44 families
    become ``receivable``/``payable`` (lines there must carry a partner).
    """
    if code.startswith(("411", "451")):
        return "vat"
    if account_type == "asset_receivable":
        return "receivable" if code.startswith("40") else "asset"
    if account_type == "liability_payable":
        return "payable" if code.startswith("44") else "liability"
    if account_type == "asset_cash":
        return "cash" if code.startswith("57") else "bank"
    if account_type in ("income", "income_other"):
        return "income"
    if account_type in ("expense", "expense_other", "expense_depreciation"):
        return "expense"
    if account_type in ("equity", "equity_unaffected"):
        return "equity"
    if account_type.startswith("asset"):
        return "asset"
    if account_type.startswith("liability"):
        return "liability"
    return "other"


def build_accounts(ref: Path) -> list[dict]:
    rows = []
    for file_name, models in SOURCES.items():
        for src in read_reference(ref / file_name):
            kind = account_kind(src["code"], src["account_type"])
            reconcilable = src["reconcile"] == "True" or kind in ("receivable", "payable")
            rows.append({
                "code": src["code"], "kind": kind, "reconcilable": "1" if reconcilable else "0",
                "postable": "1",
                "models": " ".join(models), "name_fr": src["name@fr"], "name_nl": src["name@nl"],
                "name_de": src["name@de"], "name_en": src["name"],
            })
    rows.sort(key=lambda r: (r["code"], r["models"]))
    return rows


def build_groups(ref: Path, accounts: list[dict]) -> list[dict]:
    """Merge the common group file with the legal-form ones (see the module docstring)."""
    groups: dict[tuple[str, str], dict] = {}
    common = read_reference(ref / "odoo-account.group-be.csv")
    remaining = {g["id"]: set(ALL_MODELS) for g in common}
    for file_name, models in GROUP_SOURCES.items():
        for src in read_reference(ref / file_name):
            if src["id"] in remaining:
                remaining[src["id"]] -= set(models)
            groups[(src["id"], " ".join(models))] = {
                "code_start": src["code_prefix_start"], "code_end": src["code_prefix_end"],
                "models": " ".join(models), "name_fr": src["name@fr"], "name_nl": src["name@nl"],
                "name_de": src["name@de"], "name_en": src["name"], "fallback": "",
            }
    for src in common:
        models = [m for m in ALL_MODELS if m in remaining[src["id"]]]
        name_fr = src["name@fr"] or src["name"]
        same_code = [a for a in accounts
                     if a["code"] == src["code_prefix_start"] and not src["code_prefix_end"]
                     and (set(models) <= set(a["models"].split()) or _same_name(a["name_fr"], name_fr))]
        parts, left = [], models
        for account in same_code:  # the models where an account of that code says the same in French
            subset = [m for m in left if m in account["models"].split()]
            if subset:
                parts.append((subset, account))
                left = [m for m in left if m not in subset]
        if left:
            parts.append((left, None))
        for subset, account in parts:
            row = {"code_start": src["code_prefix_start"], "code_end": src["code_prefix_end"],
                   "models": " ".join(subset), "name_fr": name_fr, "name_nl": src["name@nl"],
                   "name_de": src["name@de"], "name_en": "", "fallback": ""}
            notes = []
            if row["code_start"] in CLASS_NAMES and not row["name_de"]:
                row["name_de"], row["name_en"] = CLASS_NAMES[row["code_start"]]
                notes += ["de:equisis", "en:equisis"]
            for lang in ("nl", "de", "en"):
                if row[f"name_{lang}"]:
                    continue
                source = "account" if account is not None else "fr"
                row[f"name_{lang}"] = account[f"name_{lang}"] if account is not None else name_fr
                notes.append(f"{lang}:{source}")
            row["fallback"] = " ".join(notes)
            groups[(src["id"], row["models"])] = row
    return sorted(groups.values(), key=lambda g: (g["code_start"], g["code_end"], g["models"]))


def _same_name(a: str, b: str) -> bool:
    """Two French names for one concept, whatever the dashes and spaces ('(–)' and '(-)')."""
    def norm(text):
        return " ".join(text.replace("\u2013", "-").replace("\u2019", "'").lower().split())
    return norm(a) == norm(b)


def render(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def build(ref: Path | None = None) -> dict[Path, str]:
    ref = ref or reference_dir()
    accounts = build_accounts(ref)
    return {ACCOUNTS_FILE: render(accounts, ACCOUNT_COLUMNS),
            GROUPS_FILE: render(build_groups(ref, accounts), GROUP_COLUMNS)}


def main(argv: list[str]) -> int:
    return reference_data.run(argv, reference_dir(), build, DATA)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
