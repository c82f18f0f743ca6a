"""The import direction of DESIGN.md §2, enforced on the source tree.

core ← store ← users ← company ← documents ← parties, catalog ← ledger ← vat ← stock ← sales, purchases
← pos ← bank, peppol ← reports; the shell (web, cli, demo, doctor, schema) sits on top and nobody
below imports it or any views module; a package's front ends, views.py and cli.py (thin, part of the shell),
may use web, onboarding, the doctor and the schema list.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "equisis"
LAYERS = [
    {"version", "config"}, {"core"}, {"store"}, {"users"}, {"company"}, {"documents"}, {"lan", "backup"},
    {"parties", "catalog"}, {"ledger"}, {"vat"}, {"stock"}, {"sales", "purchases"}, {"pos"},
    {"bank", "peppol"}, {"reports"},
]
SHELL = {"web", "cli", "demo", "doctor", "schema", "onboarding", "__init__"}
LEVEL = {name: i for i, names in enumerate(LAYERS) for name in names}
PURE_FORBIDDEN = ("flask", "peewee", "playhouse", "apsw", "werkzeug")
# A package's front ends are thin parts of the shell: views.py (a blueprint) and cli.py (commands in
# COMMAND_MODULES) may use the web layer, onboarding, the doctor's checks and the schema list; nothing
# below imports them (registries load them by name).
FRONT_ENDS = ("views.py", "cli.py")
FRONT_END_MAY_USE = ("web", "onboarding", "doctor", "schema")


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        top = rel.parts[0].removesuffix(".py")
        yield path, top, rel


def imports_of(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"


def test_every_package_is_placed_in_a_layer():
    unknown = {top for _, top, _ in modules() if top not in LEVEL and top not in SHELL}
    assert not unknown, f"add {unknown} to LAYERS or SHELL in this test and to DESIGN.md"


@pytest.mark.parametrize("path,top,rel", [m for m in modules() if m[1] not in SHELL],
                         ids=lambda v: str(v) if isinstance(v, Path) else None)
def test_lower_layers_never_import_higher_ones_or_the_shell(path, top, rel):
    problems = []
    for name in imports_of(path):
        parts = name.split(".")
        if parts[0] != "equisis" or len(parts) < 2:
            continue
        target = parts[1]
        if target in SHELL and not (rel.name in FRONT_ENDS and target in FRONT_END_MAY_USE):
            problems.append(f"imports the shell: {name}")
        elif LEVEL.get(target, -1) > LEVEL[top]:
            problems.append(f"imports a higher layer: {name}")
        elif target != top and LEVEL.get(target) == LEVEL[top] and "models" in parts[2:3]:
            problems.append(f"reaches into a same-level package's models: {name}")
        if "views" in parts[2:] and rel.name != "views.py":
            problems.append(f"imports views: {name}")
    assert not problems, f"{rel}: {problems}"


@pytest.mark.parametrize("path,top,rel", [m for m in modules() if m[2].name == "rules.py" or m[1] == "core"],
                         ids=lambda v: str(v) if isinstance(v, Path) else None)
def test_rules_and_core_are_pure(path, top, rel):
    """rules.py and core/ hold business rules: no web framework, no database."""
    bad = [n for n in imports_of(path) if n.split(".")[0] in PURE_FORBIDDEN]
    assert not bad, f"{rel} imports {bad}"


def test_no_view_module_is_imported_outside_the_app_factory():
    for path, top, rel in modules():
        if rel == Path("web/app.py"):
            continue
        for name in imports_of(path):
            if name.endswith(".views") or ".views." in name:
                pytest.fail(f"{rel} imports {name}")


def test_money_is_never_stored_as_float_or_decimal_columns():
    offenders = []
    for path, _top, rel in modules():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\b(FloatField|DecimalField|DoubleField)\s*\(", text):
            offenders.append(f"{rel}: {match.group(1)}")
    assert not offenders, offenders


def test_integer_money_columns_carry_their_unit():
    """A column holding money or quantities says its unit: *_cents, *_e4, *_milli, *_bp."""
    suspicious = ("amount", "price", "total", "balance", "qty", "quantity", "rate")
    problems = []
    for path, _top, rel in modules():
        if rel.name != "models.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                func = node.value.func
                field_type = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                for target in node.targets:
                    name = getattr(target, "id", "")
                    if field_type == "IntegerField" and any(w in name for w in suspicious) \
                            and not name.endswith(("_cents", "_e4", "_milli", "_bp", "_count")):
                        problems.append(f"{rel}: {name}")
    assert not problems, problems
