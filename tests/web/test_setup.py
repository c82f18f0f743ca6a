"""The first-run wizard: creates the company and its administrator, checks every number, runs only once."""
from __future__ import annotations

import pytest

from equisis.company import service as company_service
from equisis.users.models import User
from tests.factories import ADMIN_FORM, COMPANY_FORM, make_company
from tests.web.conftest import csrf_in, text_of

VALID = {**{k: v for k, v in COMPANY_FORM.items()}, **ADMIN_FORM, "language": "en"}


def _setup_form(client):
    page = client.get("/setup")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    idem = html.split('name="_idem" value="', 1)[1].split('"', 1)[0]
    return {"_csrf": csrf_in(html), "_idem": idem}


def _post(client, **changes):
    data = {**_setup_form(client), **VALID, **changes}
    return client.post("/setup", data=data)


def test_empty_instance_starts_with_the_wizard(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/setup"
    page = client.get("/setup")
    assert page.status_code == 200
    assert 'name="enterprise_number"' in text_of(page)


def test_valid_setup_creates_the_company_and_signs_in(app, client):
    response = _post(client)
    assert response.status_code == 303
    instance = app.extensions["equisis.instance"]
    assert instance.slugs() == ["deco-sophie-srl"]
    assert response.headers["Location"] == "/c/deco-sophie-srl/"
    dashboard = client.get(response.headers["Location"])
    assert dashboard.status_code == 200
    assert "Déco Sophie SRL" in text_of(dashboard)
    assert "Sophie Lambert" in text_of(dashboard)
    with instance.get("deco-sophie-srl").session():
        profile = company_service.profile()
        assert (profile.enterprise_number, profile.vat_number, profile.iban) == \
            ("0403170701", "BE0403170701", "BE68539007547034")
        admin = User.get(User.username == "sophie")
        assert admin.role == "admin"
    assert client.get("/c/deco-sophie-srl/users/").status_code == 200  # an administrator indeed


@pytest.mark.parametrize("field,value,words", [
    ("enterprise_number", "0403.170.702", "check digits"),
    ("enterprise_number", "123", "wrong number of digits"),
    ("vat_number", "BE 0403.170.799", "check digits"),
    ("vat_number", "BE0766555267", "differs from the enterprise number"),
    ("vat_number", "FR0403170701", "starts with BE"),
    ("iban", "BE69 5390 0754 7034", "check digits"),
    ("iban", "BE68 5390 0754", "wrong number of digits"),
    ("iban", "XX68 5390 0754 7034", "country code"),
    ("postcode", "999", "Belgian postcode"),
    ("name", "", "Company name is required"),
    ("admin_password", "short", "at least 8 characters"),
    ("admin_username", "a b", "cannot be a user name"),
    ("admin_password_confirm", "something else", "The two passwords differ"),
])
def test_invalid_setup_names_the_failed_check_next_to_the_field(app, client, field, value, words):
    response = _post(client, **{field: value})
    assert response.status_code == 422
    page = text_of(response)
    # The message sits in the field's own error slot (aria-describedby points at it).
    slot = page.split(f'id="{field}-error">', 1)
    assert len(slot) == 2, f"no error next to {field}"
    assert words in slot[1].split("</span>", 1)[0]
    assert f'name="{field}"' in page
    assert app.extensions["equisis.instance"].slugs() == []  # nothing created
    if field not in ("admin_password", "admin_password_confirm"):
        assert f'value="{value}"' in page  # what was typed comes back for correction


def test_all_problems_are_reported_at_once(client, app):
    response = _post(client, enterprise_number="0403.170.702", iban="BE69 5390 0754 7034", postcode="12")
    assert response.status_code == 422
    page = text_of(response)
    for field in ("enterprise_number", "iban", "postcode"):
        assert f'id="{field}-error"' in page
    assert app.extensions["equisis.instance"].slugs() == []


def test_passwords_are_not_sent_back(client):
    response = _post(client, enterprise_number="0403.170.702")
    assert "correct horse" not in text_of(response)


def test_setup_is_refused_once_a_company_exists(app, client):
    make_company(app.extensions["equisis.instance"])
    assert client.get("/setup").headers["Location"].endswith("/c/deco-sophie-srl/login")
    token = csrf_in(client.get("/c/deco-sophie-srl/login").get_data(as_text=True))
    response = client.post("/setup", data={**VALID, "name": "Second Shop SRL", "_csrf": token})
    assert response.status_code == 303
    assert "already has a company" in text_of(client.get(response.headers["Location"]))
    assert app.extensions["equisis.instance"].slugs() == ["deco-sophie-srl"]


def test_setup_needs_csrf(app, client):
    response = client.post("/setup", data=VALID)
    assert response.status_code == 400
    assert app.extensions["equisis.instance"].slugs() == []


def test_resubmitted_wizard_is_refused_as_an_expired_form_and_creates_nothing(app, client):
    """Sign-in renews the CSRF token (no token learnt before sign-in stays valid), so the old form is stale."""
    form = {**_setup_form(client), **VALID}
    first = client.post("/setup", data=form)
    assert first.status_code == 303
    second = client.post("/setup", data=form)
    assert second.status_code == 400
    assert "expired" in second.text
    assert app.extensions["equisis.instance"].slugs() == ["deco-sophie-srl"]


def test_double_clicked_wizard_sends_the_second_request_to_sign_in(app, client):
    form = {**_setup_form(client), **VALID}
    cookie_before = client.get_cookie("equisis_session").value
    first = client.post("/setup", data=form)
    assert first.status_code == 303
    client.set_cookie("equisis_session", cookie_before)  # both requests left before the first answer came
    second = client.post("/setup", data=form)
    assert app.extensions["equisis.instance"].slugs() == ["deco-sophie-srl"]
    assert second.status_code == 303
    assert second.headers["Location"].endswith("/c/deco-sophie-srl/login")
    assert "already has a company" in client.get(second.headers["Location"]).text
