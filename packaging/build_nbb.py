"""Build Equisis' table of NBB annual-accounts rubrics (equisis/reports/data/nbb_rubrics.csv).

    python packaging/build_nbb.py            # reads ../shared/belgium/nbb (or EQUISIS_REFERENCE_DIR)
    python packaging/build_nbb.py --check    # exit 1 if the committed file differs from a rebuild

The reference (OCA ``l10n_be_mis_reports`` 16.0, AGPL-3, described in
``belgium/nbb/MAPPING.md``) is read here, at build time only: the product ships
the CSV this script writes, in columns of our own design, and never reads the
reference at run time. Two models of companies with capital are built:
``abbr`` (abridged, m01-f) and ``micro`` (m07-f), each with its balance sheet
(``bs``, after appropriation) and profit and loss account (``pl``).

``nbb_rubrics.csv`` — one row per line of a statement, in display order:

    model       abbr | micro (the ledger's chart-model names)
    statement   bs | pl
    sequence    display order (the reference's)
    key         our id of the line: the NBB code ("21/28", "76A"); "6/7" for the balance-sheet line of the
                result not yet appropriated, which has no NBB code
    code        the NBB code printed beside the label ("" for 6/7)
    style       indentation/emphasis: 1 (title) … 5 (detail); "2i" = level 2 in italics (P&L subtotals)
    sign        on lines that read accounts: "+" shows debit − credit, "-" shows credit − debit
    accounts    those lines' account-code prefixes, space-separated ("30 31 32 33 34 35 36")
    terms       on total lines: the lines they add or subtract, by key ("+21 +22/27 +28")
    label_en label_fr label_nl label_de
    notes       where we depart from the reference, and why (see CORRECTIONS and the label fill-ins)

How a reference expression becomes ours: ``bals[20%]`` (balance sheet: closing
balance) and ``balp[70%]`` (P&L: movements of the period) → sign "+", accounts
"20"; ``-bals[...]`` → sign "-"; ``+rub_21 +rub_22_27`` → terms "+21 +22/27". The
mode letter is implied by the statement, so it is not stored.

Labels: English from the reference's ``description`` without the bracketed code;
French and Dutch from its catalogues (``i18n/fr.po``, ``i18n/nl.po``), looked up by
the English description; where a catalogue has no translation (or a wrong one)
:data:`LABEL_FILL` gives ours and ``notes`` says so. German is ours throughout
(:data:`GERMAN`), in the vocabulary of the German version of the Belgian
annual-accounts models (Rücklagen, Gründungskosten, flüssige Mittel…).
"""
from __future__ import annotations

import csv
import io
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference_data  # noqa: E402  (packaging/ is not a package)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "equisis" / "reports" / "data"
RUBRICS_FILE = DATA / "nbb_rubrics.csv"
COLUMNS = ["model", "statement", "sequence", "key", "code", "style", "sign", "accounts", "terms",
           "label_en", "label_fr", "label_nl", "label_de", "notes"]

SOURCES = {  # (model, statement) -> reference file
    ("abbr", "bs"): "mis_report_bs_m01-f.xml",
    ("abbr", "pl"): "mis_report_pl_m01-f.xml",
    ("micro", "bs"): "mis_report_bs_m07-f.xml",
    ("micro", "pl"): "mis_report_pl_m07-f.xml",
}

#: Departures from the reference, by KPI name: (field, our value, why). Only these may differ (a test checks).
CORRECTIONS = {
    "rub_101": ("sign", "+", "uncalled capital (101) is a debit balance the NBB prints as a positive amount "
                             "subtracted from 100; the reference reads -bals[101%] and then subtracts it, "
                             "which adds it to the capital"),
    "rub_19": ("sign", "+", "the advance to shareholders (19) is a debit balance subtracted from equity; "
                            "the reference reads -bals[19%] and then subtracts it, which adds it to equity"),
}

#: Labels the catalogues lack or get wrong: (language, English label) -> ours.
LABEL_FILL = {
    ("fr", "Stocks"): "Stocks",
    ("fr", "Capital"): "Capital",
    ("nl", "Reserves"): "Reserves",
    # nl.po translates this line as "Overgedragen winst (verlies) [14]", the label of rubric 14.
    ("nl", "Unallocated FY Profits (Losses)"): "Te bestemmen winst (verlies) van het boekjaar",
}

#: Our German labels, by English label (without the NBB code).
GERMAN = {
    "FORMATION EXPENSES": "GRÜNDUNGSKOSTEN",
    "FIXED ASSETS": "ANLAGEVERMÖGEN",
    "Intangible fixed assets": "Immaterielle Anlagewerte",
    "Tangible fixed assets": "Sachanlagen",
    "Land and buildings": "Grundstücke und Bauten",
    "Plant, machinery and equipment": "Anlagen, Maschinen und Ausrüstung",
    "Furniture and vehicles": "Betriebsausstattung und Fuhrpark",
    "Leasing and other similar rights": "Leasing und ähnliche Rechte",
    "Other tangible fixed assets": "Sonstige Sachanlagen",
    "Assets under construction and advance payments": "Anlagen im Bau und geleistete Anzahlungen",
    "Financial fixed assets": "Finanzanlagen",
    "CURRENT ASSETS": "UMLAUFVERMÖGEN",
    "Amounts receivable after more than one year":
        "Forderungen mit einer Restlaufzeit von mehr als einem Jahr",
    "Trade debtors": "Forderungen aus Lieferungen und Leistungen",
    "Other amounts receivable": "Sonstige Forderungen",
    "Stocks and contracts in progress": "Vorräte und in Ausführung befindliche Bestellungen",
    "Stocks": "Vorräte",
    "Contracts in progress": "In Ausführung befindliche Bestellungen",
    "Amounts receivable within one year": "Forderungen mit einer Restlaufzeit bis zu einem Jahr",
    "Current investments": "Geldanlagen",
    "Cash at bank and in hand": "Flüssige Mittel",
    "Accruals and deferred income": "Rechnungsabgrenzungsposten",
    "TOTAL ASSETS": "SUMME DER AKTIVA",
    "EQUITY": "EIGENKAPITAL",
    "Contribution": "Einlage",
    "Capital": "Kapital",
    "Issued capital": "Gezeichnetes Kapital",
    "Uncalled capital": "Nicht eingefordertes Kapital",
    "Beyond capital": "Außerhalb des Kapitals",
    "Outside the capital": "Außerhalb des Kapitals",
    "Share premium account": "Emissionsagio",
    "Others": "Andere",
    "Revaluation surpluses": "Neubewertungsmehrwerte",
    "Reserves": "Rücklagen",
    "Reserves not available": "Nicht verfügbare Rücklagen",
    "Legal reserve": "Gesetzliche Rücklage",
    "Reserves not available statutorily": "Satzungsmäßig nicht verfügbare Rücklagen",
    "Reserves statutorily not available": "Satzungsmäßig nicht verfügbare Rücklagen",
    "Purchase of own shares": "Erwerb eigener Anteile",
    "Financial support": "Finanzielle Unterstützung",
    "Other": "Sonstige",
    "Untaxed reserves": "Steuerfreie Rücklagen",
    "Available reserves": "Verfügbare Rücklagen",
    "Accumulated profits (losses)": "Gewinnvortrag (Verlustvortrag)",
    "Unallocated FY Profits (Losses)": "Noch nicht zugewiesener Gewinn (Verlust) des Geschäftsjahres",
    "Capital subsidies": "Kapitalsubventionen",
    "Advance to shareholders on the distribution of net assets":
        "Vorschuss an die Gesellschafter auf die Verteilung des Nettoaktivvermögens",
    "PROVISIONS AND DEFERRED TAXES": "RÜCKSTELLUNGEN UND AUFGESCHOBENE STEUERN",
    "Provisions for liabilities and charges": "Rückstellungen für Risiken und Aufwendungen",
    "Pensions and similar obligations": "Pensionen und ähnliche Verpflichtungen",
    "Taxes": "Steuern",
    "Major repairs and maintenance": "Große Reparatur- und Instandhaltungsarbeiten",
    "Environmental obligations": "Umweltschutzverpflichtungen",
    "Other liabilities and charges": "Sonstige Risiken und Aufwendungen",
    "Deferred taxes": "Aufgeschobene Steuern",
    "AMOUNTS PAYABLE": "VERBINDLICHKEITEN",
    "Amounts payable after more than one year":
        "Verbindlichkeiten mit einer Restlaufzeit von mehr als einem Jahr",
    "Financial debts": "Finanzverbindlichkeiten",
    "Credit institutions, leasing and other similar obligations":
        "Kreditinstitute, Leasingverbindlichkeiten und ähnliche Verbindlichkeiten",
    "Other loans": "Sonstige Anleihen",
    "Trade debts": "Verbindlichkeiten aus Lieferungen und Leistungen",
    "Advance payments on contracts in progress": "Erhaltene Anzahlungen auf Bestellungen",
    "Advances received on contracts in progress": "Erhaltene Anzahlungen auf Bestellungen",
    "Other amounts payable": "Sonstige Verbindlichkeiten",
    "Amounts payable within one year": "Verbindlichkeiten mit einer Restlaufzeit bis zu einem Jahr",
    "Current portion of amounts payable after more than one year falling due within one year":
        "Innerhalb des Jahres fällige Verbindlichkeiten mit einer ursprünglichen Laufzeit von mehr als "
        "einem Jahr",
    "Credit institutions": "Kreditinstitute",
    "Suppliers": "Lieferanten",
    "Bills of exchange payable": "Wechselverbindlichkeiten",
    "Taxes, remuneration and social security": "Steuer-, Lohn- und Sozialverbindlichkeiten",
    "Remuneration and social security": "Löhne und Sozialabgaben",
    "TOTAL LIABILITIES": "SUMME DER PASSIVA",
    "Gross margin": "Bruttomarge",
    "Of which: non-recurring operating income": "Davon: nicht wiederkehrende betriebliche Erträge",
    "Turnover": "Umsatz",
    "Goods for resale, raw materials, consumables, services and other goods":
        "Waren, Roh-, Hilfs- und Betriebsstoffe, Dienstleistungen und verschiedene Güter",
    "Remuneration, social security and pensions": "Arbeitsentgelte, Soziallasten und Pensionen",
    "Remuneration, social security costs and pensions": "Arbeitsentgelte, Soziallasten und Pensionen",
    "Amortisations of and other amounts written down on formation expenses, intangible and tangible fixed "
    "assets": "Abschreibungen und Wertminderungen auf Gründungskosten, immaterielle Anlagewerte und "
              "Sachanlagen",
    "Amounts written down on stocks, contracts in progress and trade debtors: additions (write-backs)":
        "Wertminderungen auf Vorräte, in Ausführung befindliche Bestellungen und Forderungen aus "
        "Lieferungen und Leistungen: Zuführungen (Rücknahmen)",
    "Provisions for liabilities and charges: Appropriations (uses and write-backs)":
        "Rückstellungen für Risiken und Aufwendungen: Zuführungen (Verwendungen und Auflösungen)",
    "Other operating charges": "Sonstige betriebliche Aufwendungen",
    "Operating charges reported as assets under restructuring costs":
        "Als Restrukturierungskosten aktivierte betriebliche Aufwendungen",
    "Non-recurring operating charges": "Nicht wiederkehrende betriebliche Aufwendungen",
    "Operating profit (loss)": "Betriebsgewinn (Betriebsverlust)",
    "Financial income": "Finanzerträge",
    "Recurring financial income": "Wiederkehrende Finanzerträge",
    "Of which: capital and interest subsidies": "Davon: Kapital- und Zinssubventionen",
    "Non-recurring financial income": "Nicht wiederkehrende Finanzerträge",
    "Financial charges": "Finanzaufwendungen",
    "Recurring financial charges": "Wiederkehrende Finanzaufwendungen",
    "Non-recurring financial charges": "Nicht wiederkehrende Finanzaufwendungen",
    "Profit (Loss) for the period before taxes": "Gewinn (Verlust) des Geschäftsjahres vor Steuern",
    "Profit (loss) for the period before taxes": "Gewinn (Verlust) des Geschäftsjahres vor Steuern",
    "Transfer from deferred taxes": "Entnahme aus den aufgeschobenen Steuern",
    "Transfer to deferred taxes": "Zuführung zu den aufgeschobenen Steuern",
    "Income taxes on the result": "Steuern auf das Ergebnis",
    "Profit (Loss) of the period": "Gewinn (Verlust) des Geschäftsjahres",
    "Profit (loss) of the period": "Gewinn (Verlust) des Geschäftsjahres",
    "Transfer from untaxed reserves": "Entnahme aus den steuerfreien Rücklagen",
    "Transfer to untaxed reserves": "Einstellung in die steuerfreien Rücklagen",
    "Profit (Loss) of the period available for appropriation":
        "Zu verwendender Gewinn (Verlust) des Geschäftsjahres",
    "Profit (loss) of the period available for appropriation":
        "Zu verwendender Gewinn (Verlust) des Geschäftsjahres",
}

ACCOUNTS_EXPRESSION = re.compile(r"^([+-]?)bal([spei])\[([^\]]+)\]$")
TERM = re.compile(r"([+-])\s*rub_(\w+)")
CODE_SUFFIX = re.compile(r"\s*\[([^\]]+)\]$")


def reference_dir() -> Path:
    """EQUISIS_REFERENCE_DIR/nbb (default ../shared/belgium/nbb beside the checkout)."""
    return reference_data.reference_dir("nbb")


def key_of(kpi_name: str) -> str:
    """'rub_21_28' -> '21/28', 'rub_76A' -> '76A', 'rub_6_7' -> '6/7'."""
    return kpi_name.removeprefix("rub_").replace("_", "/")


def read_kpis(path: Path) -> list[dict]:
    """The reference's KPI records of one file, as plain dicts, in sequence order."""
    kpis = []
    for record in ET.parse(path).getroot().iter("record"):
        if record.get("model") != "mis.report.kpi":
            continue
        fields = {}
        for field in record.iter("field"):
            fields[field.get("name")] = (field.text or "").strip() if field.text else (
                field.get("ref") or field.get("eval") or "")
        kpis.append(fields)
    return sorted(kpis, key=lambda k: int(k["sequence"]))


def read_catalogue(path: Path) -> dict[str, str]:
    """{msgid: msgstr} of a reference .po file (empty translations left out)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string}


def split_expression(expression: str) -> tuple[str, str, str]:
    """(sign, accounts, terms) of a reference expression; exactly one of accounts/terms is set."""
    expression = " ".join(expression.split())
    found = ACCOUNTS_EXPRESSION.match(expression)
    if found:
        sign, _mode, items = found.groups()
        prefixes = []
        for item in items.split(","):
            item = item.strip()
            if not re.fullmatch(r"\d+%", item):
                raise ValueError(f"unsupported account selector {item!r} in {expression!r}")
            prefixes.append(item[:-1])
        return sign or "+", " ".join(prefixes), ""
    terms = TERM.findall(expression)
    if not terms or TERM.sub("", expression).strip():
        raise ValueError(f"unsupported expression {expression!r}")
    return "", "", " ".join(f"{sign}{key_of('rub_' + name)}" for sign, name in terms)


def style_of(style_ref: str) -> str:
    return style_ref.removeprefix("mis_report_style_l10n_be_")


def build_rows(ref: Path) -> list[dict]:
    fr, nl = read_catalogue(ref / "i18n" / "fr.po"), read_catalogue(ref / "i18n" / "nl.po")
    rows = []
    for (model, statement), file_name in SOURCES.items():
        for kpi in read_kpis(ref / file_name):
            description = kpi["description"]
            found = CODE_SUFFIX.search(description)
            code = found.group(1) if found else ""
            label_en = CODE_SUFFIX.sub("", description)
            key = key_of(kpi["name"])
            if code and code != key:
                raise ValueError(f"{file_name}: {kpi['name']} is labelled [{code}]")
            sign, accounts, terms = split_expression(kpi["expression"])
            notes = ["de:equisis"]
            labels = {}
            for lang, catalogue in (("fr", fr), ("nl", nl)):
                filled = LABEL_FILL.get((lang, label_en))
                if filled is not None:
                    labels[lang] = filled
                    notes.append(f"{lang}:equisis")
                else:
                    labels[lang] = CODE_SUFFIX.sub("", catalogue[description])
            correction = CORRECTIONS.get(kpi["name"])
            if correction is not None:
                field, value, _why = correction
                assert field == "sign" and sign != value, kpi["name"]
                sign = value
                notes.append("sign:corrected")
            rows.append({
                "model": model, "statement": statement, "sequence": kpi["sequence"], "key": key, "code": code,
                "style": style_of(kpi["style_id"]), "sign": sign, "accounts": accounts, "terms": terms,
                "label_en": label_en, "label_fr": labels["fr"], "label_nl": labels["nl"],
                "label_de": GERMAN[label_en], "notes": " ".join(notes),
            })
    return rows


def render(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def build(ref: Path | None = None) -> dict[Path, str]:
    return {RUBRICS_FILE: render(build_rows(ref or reference_dir()))}


def main(argv: list[str]) -> int:
    return reference_data.run(argv, reference_dir(), build, DATA)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
