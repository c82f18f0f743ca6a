"""Our PCMN tables: their content, per legal form, and checked against the public reference when present."""
from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from equisis.ledger import chart, rules

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("equisis_build_pcmn", ROOT / "packaging" / "build_pcmn.py")
build_pcmn = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_pcmn)
REFERENCE = build_pcmn.reference_dir()
needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"PCMN reference not found at {REFERENCE} (set EQUISIS_REFERENCE_DIR)")


def by_code(model):
    return {a.code: a for a in chart.accounts_for(model)}


@pytest.mark.parametrize("model", chart.MODELS)
def test_every_account_has_a_kind_and_four_names(model):
    for account in chart.accounts_for(model):
        assert account.kind in rules.ACCOUNT_KINDS
        assert all((account.name_fr, account.name_nl, account.name_de, account.name_en)), account.code
        rules.check_account_code(account.code)


@pytest.mark.parametrize("model", chart.MODELS)
def test_every_group_has_four_names(model):
    for group in chart.groups_for(model):
        assert all((group.name_fr, group.name_nl, group.name_de, group.name_en)), group.code_start


def test_companies_and_associations_get_their_own_accounts():
    company, association = by_code("micro"), by_code("asso")
    assert company["100"].name_fr == "Capital souscrit" and company["100"].name_nl == "Geplaatst kapitaal"
    assert association["100"].name_fr == "Fonds de l'association ou de la fondation"
    assert {"693", "793", "6920"} <= set(company) and not {"693", "793"} & set(association)
    assert {"692", "792", "730"} <= set(association)
    assert by_code("full").keys() == by_code("abbr").keys() == company.keys()


@pytest.mark.parametrize("code, kind, reconcilable", [
    ("400", "receivable", True), ("440", "payable", True), ("411", "vat", False), ("451", "vat", False),
    ("4512", "vat", True), ("550", "bank", False), ("570", "cash", False), ("7000", "income", False),
    ("604", "expense", False), ("6302", "expense", False), ("140", "equity", False), ("693", "equity", False),
    ("240000", "asset", False), ("4525", "liability", False),
])
def test_kinds_of_well_known_accounts(code, kind, reconcilable):
    account = by_code("micro")[code]
    assert (account.kind, account.reconcilable) == (kind, reconcilable)


def test_closing_accounts_exist_in_each_chart():
    for model in chart.MODELS:
        accounts = by_code(model)
        assert set(chart.closing_scheme(model).accounts()) <= set(accounts), model


def test_legal_forms_choose_their_model():
    assert chart.model_for_legal_form("asbl") == "asso"
    assert chart.model_for_legal_form("srl") == chart.model_for_legal_form("sa") == "micro"


def test_group_names_filled_by_fallback_say_so():
    fallbacks = [g for g in chart.all_groups() if g.fallback]
    sources = {f"{lang}:{source}" for lang in ("nl", "de", "en") for source in ("account", "equisis", "fr")}
    assert fallbacks and all(set(g.fallback.split()) <= sources for g in fallbacks)
    group_100 = next(g for g in chart.groups_for("micro") if g.code_start == "100")
    assert (group_100.name_de, group_100.name_en) == ("Gezeichnetes Kapital", "Issued Capital")


# --------------------------------------------------------------------------- against the reference

def _reference(name):
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@needs_reference
def test_data_files_are_what_the_generator_makes_from_the_reference():
    for path, text in build_pcmn.build(REFERENCE).items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run packaging/build_pcmn.py"


@needs_reference
@pytest.mark.parametrize("model, files", [
    ("micro", ["odoo-account.account-be.csv", "odoo-account.account-be_comp.csv"]),
    ("asso", ["odoo-account.account-be.csv", "odoo-account.account-be_asso.csv"]),
])
def test_each_reference_account_is_in_our_chart_with_its_names(model, files):
    ours = by_code(model)
    expected = {row["code"]: row for name in files for row in _reference(name)}
    assert set(ours) == set(expected)
    for code, row in expected.items():
        account = ours[code]
        assert (account.name_en, account.name_fr, account.name_nl, account.name_de) == (
            row["name"].strip(), row["name@fr"].strip(), row["name@nl"].strip(), row["name@de"].strip()), code
        reconcilable = row["reconcile"] == "True" or account.kind in rules.PARTNER_KINDS
        assert account.reconcilable == reconcilable, code


@needs_reference
def test_company_accounts_abbreviated_file_has_the_same_codes():
    assert {r["code"] for r in _reference("odoo-account.account-be_comp_abbr_con.csv")} == \
        {r["code"] for r in _reference("odoo-account.account-be_comp.csv")}


@needs_reference
def test_every_reference_group_prefix_is_a_group_of_ours():
    ours = {(g.code_start, g.code_end or "") for g in chart.all_groups()}
    for name in ("odoo-account.group-be.csv", "odoo-account.group-be_comp.csv",
                 "odoo-account.group-be_asso.csv"):
        for row in _reference(name):
            assert (row["code_prefix_start"], row["code_prefix_end"]) in ours, (name, row["id"])
