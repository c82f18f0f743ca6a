"""Our NBB rubric table against the public reference (OCA l10n_be_mis_reports), when it is present."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from equisis.reports import nbb

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("equisis_build_nbb", ROOT / "packaging" / "build_nbb.py")
build_nbb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_nbb)
REFERENCE = build_nbb.reference_dir()
pytestmark = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"NBB reference not found at {REFERENCE} (set EQUISIS_REFERENCE_DIR)")


def test_data_file_is_what_the_generator_makes_from_the_reference():
    for path, text in build_nbb.build(REFERENCE).items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run packaging/build_nbb.py"


def _expression(rubric) -> str:
    """Our line written back in the reference's notation."""
    if rubric.prefixes:
        mode = "s" if rubric.statement == "bs" else "p"
        sign = "-" if rubric.sign == "-" else ""
        return f"{sign}bal{mode}[{','.join(p + '%' for p in rubric.prefixes)}]"
    return " ".join(f"{'+' if s > 0 else '-'}rub_{k.replace('/', '_')}" for s, k in rubric.terms)


@pytest.mark.parametrize("model, statement", sorted(build_nbb.SOURCES))
def test_each_reference_line_is_ours_with_its_expression_code_and_labels(model, statement):
    kpis = build_nbb.read_kpis(REFERENCE / build_nbb.SOURCES[(model, statement)])
    fr = build_nbb.read_catalogue(REFERENCE / "i18n" / "fr.po")
    nl = build_nbb.read_catalogue(REFERENCE / "i18n" / "nl.po")
    ours = {r.key: r for r in nbb.rubrics(model, statement)}
    assert len(ours) == len(kpis)
    for kpi in kpis:
        rubric = ours[build_nbb.key_of(kpi["name"])]
        expected = " ".join(kpi["expression"].split())
        if kpi["name"] in build_nbb.CORRECTIONS:
            assert _expression(rubric) != expected  # the documented sign correction
            assert _expression(rubric).lstrip("-") == expected.lstrip("-"), kpi["name"]
        else:
            assert _expression(rubric) == expected, kpi["name"]
        assert rubric.sequence == int(kpi["sequence"])
        description = kpi["description"]
        assert description in (f"{rubric.labels['en']} [{rubric.code}]", rubric.labels["en"])
        for lang, catalogue in (("fr", fr), ("nl", nl)):
            filled = build_nbb.LABEL_FILL.get((lang, rubric.labels["en"]))
            if filled is None:
                assert f"{rubric.labels[lang]} [{rubric.code}]" == catalogue[description] or \
                    rubric.labels[lang] == catalogue[description], (kpi["name"], lang)
            else:
                assert rubric.labels[lang] == filled


def test_the_corrections_are_the_two_double_negations_of_the_reference():
    """101 and 19 are debit balances the NBB subtracts: read with −, then subtracted, they would add."""
    assert set(build_nbb.CORRECTIONS) == {"rub_101", "rub_19"}
    for model in nbb.MODELS:
        sheet = {r.key: r for r in nbb.rubrics(model, "bs")}
        assert (-1, "101") in sheet["10"].terms and sheet["101"].sign == "+"
        assert (-1, "19") in sheet["10/15"].terms and sheet["19"].sign == "+"
