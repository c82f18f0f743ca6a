"""User mistakes as data: message, field and status travel with the error."""
import pytest

from equisis.core.errors import EquisisError, Forbidden, InvalidAmount, NotFound, ValidationErrors
from equisis.core.i18n import current_language, language


def test_as_dict_names_error_message_and_field():
    error = InvalidAmount("12,5x", field="unit_price")
    assert error.as_dict("en") == {
        "error": "InvalidAmount", "message": "“12,5x” is not an amount; type it like 12,50.",
        "field": "unit_price"}


def test_as_dict_leaves_out_a_missing_field():
    assert NotFound(what="Invoice 42").as_dict("en") == {"error": "NotFound",
                                                         "message": "Invoice 42 was not found."}


def test_first_positional_argument_is_the_value():
    error = InvalidAmount("abc")
    assert error.params == {"value": "abc"}
    assert str(error) == "“abc” is not an amount; type it like 12,50."


def test_validation_errors_list_every_problem():
    problems = [InvalidAmount("x", field="price"), InvalidAmount("y", field="qty")]
    error = ValidationErrors(problems)
    data = error.as_dict("en")
    assert data["message"] == "2 problems were found; nothing was saved."
    assert [p["field"] for p in data["problems"]] == ["price", "qty"]
    assert error.status == 422


@pytest.mark.parametrize("error, status", [
    (EquisisError(), 400), (InvalidAmount("x"), 400), (NotFound(what="x"), 404), (Forbidden(), 403),
])
def test_status_codes(error, status):
    assert error.status == status


def test_equisis_error_is_an_exception_with_the_english_message():
    with pytest.raises(EquisisError, match="Your role does not allow this action."):
        raise Forbidden()


class _LanguageSpy:
    """A parameter that shows the language it was rendered in, like a LazyString would."""

    def __format__(self, spec):
        return current_language()


class _Described(EquisisError):
    template = "checked in {check}"


@pytest.mark.parametrize("locale", ["nl", "de", "en"])
def test_lazy_params_render_in_the_requested_language(locale):
    error = _Described(check=_LanguageSpy())
    assert error.message(locale) == f"checked in {locale}"
    assert error.as_dict(locale)["message"] == f"checked in {locale}"


def test_str_of_an_error_is_english_throughout():
    assert str(_Described(check=_LanguageSpy())) == "checked in en"


def test_message_without_locale_follows_the_current_language():
    with language("de"):
        assert _Described(check=_LanguageSpy()).message() == "checked in de"
