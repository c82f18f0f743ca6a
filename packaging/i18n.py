"""Extract Equisis' messages and update the FR/NL/DE catalogs.

    python packaging/i18n.py            # extract, then merge into each messages.po
    python packaging/i18n.py --check    # exit 1 if a catalog lacks a translation

English is the source language (msgids). New msgids arrive untranslated in
each catalog; a test (tests/test_i18n_catalogs.py) fails until every one of
them is translated, so no screen ships half in English.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "equisis" / "translations"
LANGUAGES = ("fr", "nl", "de")
KEYWORDS = {"_": None, "gettext": None, "N_": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _keyword_label_columns():
    """Column and filter labels of the list component are msgids too: Column("name", "Label", ...)."""
    return {"Column": (2,), "Filter": (2,)}


def extract() -> Catalog:
    catalog = Catalog(project="Equisis", msgid_bugs_address="", charset="utf-8")
    keywords = {**KEYWORDS, **_keyword_label_columns()}
    sources = [
        (ROOT / "equisis", [("**.py", "python")]),
        (ROOT / "templates", [("**.html", "jinja2.ext:babel_extract")]),
    ]
    for folder, method_map in sources:
        options = {"**.html": {"extensions": "jinja2.ext.do", "trimmed": "false"}}
        for filename, lineno, message, comments, context in extract_from_dir(
                str(folder), method_map, options_map=options, keywords=keywords, strip_comment_tags=True):
            if not message or (isinstance(message, str) and not message.strip()):
                continue
            if isinstance(message, tuple) and not message[0]:
                continue
            location = (str(Path(folder.name) / filename), lineno)
            catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def update(template: Catalog) -> dict:
    counts = {}
    for lang in LANGUAGES:
        po_path = CATALOGS / lang / "LC_MESSAGES" / "messages.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        if po_path.exists():
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="Equisis", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=False, include_previous=False, omit_header=False)
        counts[lang] = sum(1 for m in catalog if m.id and not _complete(m.string))
    return counts


def _complete(translation) -> bool:
    """A translation with text in every form (a plural message has one string per plural form)."""
    if isinstance(translation, (tuple, list)):
        return bool(translation) and all(translation)
    return bool(translation)


def missing() -> dict:
    """{language: [msgids without translation]} against a fresh extraction."""
    template = extract()
    result = {}
    for lang in LANGUAGES:
        po_path = CATALOGS / lang / "LC_MESSAGES" / "messages.po"
        translated = {}
        if po_path.exists():
            with po_path.open("rb") as handle:
                translated = {m.id: m.string for m in read_po(handle, locale=lang) if m.id}
        result[lang] = [m.id for m in template if m.id and not _complete(translated.get(m.id))]
    return result


def main(argv) -> int:
    if "--check" in argv:
        gaps = missing()
        for lang, ids in gaps.items():
            print(f"{lang}: {len(ids)} untranslated")
        return 1 if any(gaps.values()) else 0
    template = extract()
    print(f"{len(template)} messages extracted")
    for lang, untranslated in update(template).items():
        print(f"{lang}: {untranslated} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
