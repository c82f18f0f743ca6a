"""Every user-facing message is translated into French, Dutch and German (English is the source)."""
import importlib.util
from pathlib import Path

import pytest

from equisis.core import i18n

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("equisis_i18n_tool", ROOT / "packaging" / "i18n.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


@pytest.mark.parametrize("language", tool.LANGUAGES)
def test_catalog_translates_every_extracted_message(language):
    gaps = tool.missing()[language]
    assert not gaps, f"{len(gaps)} messages untranslated in {language}; run packaging/i18n.py: {gaps[:10]}"


@pytest.mark.parametrize("language", tool.LANGUAGES)
def test_compiled_catalog_is_used_at_run_time(language):
    """The install compiled the .po into .mo and gettext finds it."""
    mo = tool.CATALOGS / language / "LC_MESSAGES" / "messages.mo"
    assert mo.exists(), "catalogs are compiled at install (packaging/build_backend.py); reinstall"
    i18n.translations.cache_clear()
    assert i18n.gettext("Sign in", locale=language) != "Sign in"


def test_placeholders_survive_translation():
    """A translation keeps the {named} values of its msgid, or formatting would fail at run time."""
    import re

    from babel.messages.pofile import read_po

    for language in tool.LANGUAGES:
        with (tool.CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                expected = set(re.findall(r"{(\w+)}", ids[0]))
                for text in strings:
                    assert set(re.findall(r"{(\w+)}", text)) <= expected | {"n"}, (language, message.id, text)
                    assert expected - {"n"} <= set(re.findall(r"{(\w+)}", text)) | {"n"}, (language, message.id)
