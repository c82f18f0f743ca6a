"""A plain wheel install carries everything: code, templates, static files, fonts, compiled catalogs."""
from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_python_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "equisis").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml [tool.setuptools] packages: {sorted(found - listed)}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    return next(out.glob("equisis-*.whl"))


@pytest.mark.slow
def test_wheel_contains_templates_static_fonts_and_compiled_catalogs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("equisis/templates/base.html", "equisis/static/css/equisis.css",
                     "equisis/static/vendor/htmx-2.0.11.min.js", "equisis/documents/fonts/DejaVuSans.ttf",
                     "equisis/translations/nl/LC_MESSAGES/messages.mo"):
        assert expected in names, expected
    templates = {p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*.html")}
    assert {f"equisis/templates/{t}" for t in templates} <= names


@pytest.mark.slow
def test_installed_wheel_serves_pages_from_its_own_files(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    script = f"""
import equisis, pathlib
assert pathlib.Path(equisis.__file__).is_relative_to({str(target)!r}), equisis.__file__
app = equisis.create_app({{"INSTANCE_PATH": {str(tmp_path / 'instance')!r}, "SECRET_KEY": "t"}})
assert app.template_folder.startswith({str(target)!r}), app.template_folder
client = app.test_client()
page = client.get("/setup", headers={{"Accept-Language": "nl"}})
assert page.status_code == 200, page.status_code
assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
print(page.text)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert 'lang="nl"' in result.stdout
