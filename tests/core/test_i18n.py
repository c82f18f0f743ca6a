"""Languages: normalising codes, gettext with values, the per-context current language."""
import contextvars
import threading

import pytest

from equisis.core.i18n import (DEFAULT_LANGUAGE, current_language, gettext, language, lazy_gettext, ngettext,
                               normalise_language)


@pytest.mark.parametrize("code, expected", [
    ("nl-BE", "nl"), ("NL", "nl"), ("nl_be", "nl"), ("fr", "fr"), ("de-DE", "de"), ("EN-gb", "en"),
    ("es", DEFAULT_LANGUAGE), ("", DEFAULT_LANGUAGE), (None, DEFAULT_LANGUAGE), ("xx-YY", DEFAULT_LANGUAGE),
])
def test_normalise_language(code, expected):
    assert normalise_language(code) == expected


def test_default_language_is_french():
    assert DEFAULT_LANGUAGE == "fr"
    assert contextvars.Context().run(current_language) == "fr"  # a fresh context, as a new request has


def test_gettext_fills_named_values():
    assert gettext("{count} problems were found; nothing was saved.", locale="en", count=3) == \
        "3 problems were found; nothing was saved."


def test_gettext_without_values_leaves_braces_alone():
    assert gettext("{not a placeholder}", locale="en") == "{not a placeholder}"


def test_ngettext_picks_the_plural_and_passes_n():
    assert ngettext("{n} line", "{n} lines", 1, locale="en") == "1 line"
    assert ngettext("{n} line", "{n} lines", 3, locale="en") == "3 lines"


def test_language_context_sets_and_restores():
    before = current_language()
    with language("nl-BE"):
        assert current_language() == "nl"
        with language("de"):
            assert current_language() == "de"
        assert current_language() == "nl"
    assert current_language() == before


def test_language_context_restores_after_an_error():
    before = current_language()
    with pytest.raises(RuntimeError):
        with language("de"):
            raise RuntimeError("boom")
    assert current_language() == before


def test_language_of_one_thread_does_not_leak_into_another():
    seen = []
    inside = threading.Event()
    done = threading.Event()

    def other():
        inside.wait()
        seen.append(current_language())
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with language("nl"):
        inside.set()
        done.wait()
    thread.join()
    assert seen == ["fr"]


def test_lazy_string_renders_when_shown():
    lazy = lazy_gettext("Hello {name}", name="Sophie")
    assert str(lazy) == "Hello Sophie"
    assert lazy == "Hello Sophie"
    assert lazy.__html__() == "Hello Sophie"


def test_lazy_string_escapes_html():
    assert lazy_gettext("<b>{x}</b>", x="&").__html__() == "&lt;b&gt;&amp;&lt;/b&gt;"
