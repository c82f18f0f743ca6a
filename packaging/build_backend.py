"""PEP 517 build backend: setuptools, after compiling Equisis' Babel catalogs.

Every build (wheel, sdist, editable) first turns each
``equisis/translations/<lang>/LC_MESSAGES/messages.po`` into its ``.mo`` so an
installed Equisis speaks French, Dutch, German and English without a
separate step. The ``.mo`` files are build products and are not committed.
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (the PEP 517 hooks)

ROOT = Path(__file__).resolve().parent.parent


def compile_catalogs(root=ROOT):
    """Compile every messages.po under equisis/translations; return the .mo paths."""
    written = []
    for po_path in sorted((root / "equisis" / "translations").glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    compile_catalogs()
    return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    compile_catalogs()
    return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    compile_catalogs()
    return _setuptools.build_sdist(sdist_directory, config_settings)
