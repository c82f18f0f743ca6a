"""Signing in and out, CSRF, the session cookie, idle expiry, login throttling, the PIN switch, roles."""
from __future__ import annotations

import re
import time

import pytest

from equisis.company import service as company_service
from equisis.users.models import User
from tests.factories import ADMIN_PASSWORD, make_company
from tests.web.conftest import USER_PASSWORD, add_user, csrf_in, english_client, form_token, sign_in, text_of

CREDENTIALS_MESSAGE = "Unknown user name or wrong password."
CSRF_MESSAGE = "This form has expired or did not come from Equisis. Reload the page and try again."


# ---------------------------------------------------------------- sign in, sign out


def test_login_page_is_public(client, slug):
    response = client.get(f"/c/{slug}/login")
    assert response.status_code == 200
    assert 'name="password"' in response.get_data(as_text=True)


def test_login_success_leads_to_the_dashboard(client, slug):
    response = sign_in(client, slug)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/c/{slug}/"
    dashboard = client.get(f"/c/{slug}/")
    assert dashboard.status_code == 200
    assert "Déco Sophie SRL" in text_of(dashboard)
    assert "Sophie Lambert" in text_of(dashboard)


def test_login_follows_a_local_next(client, slug):
    response = sign_in(client, slug, next=f"/c/{slug}/settings")
    assert response.headers["Location"] == f"/c/{slug}/settings"


def _stays_on_site(location: str) -> bool:
    """A browser resolves it on this host: a path, not '//host', with no backslash or control character
    (browsers read '\\' as '/' and drop tabs and newlines)."""
    return (location.startswith("/") and not location.startswith("//") and "\\" not in location
            and not any(ord(ch) < 0x20 for ch in location))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                    "\\\\evil.example/", "/\t/evil.example/", "/\n/evil.example",
                                    "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, slug, target):
    response = sign_in(client, slug, next=target)
    assert response.status_code == 303
    assert _stays_on_site(response.headers["Location"]), response.headers["Location"]


def _alerts(response) -> list[str]:
    return [m.strip() for m in re.findall(r'role="alert">(.*?)</', text_of(response), re.S)]


def test_wrong_password_and_unknown_user_look_the_same(client, slug):
    wrong_password = sign_in(client, slug, password="not the password")
    unknown_user = sign_in(client, slug, username="nobody", password=ADMIN_PASSWORD)
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert CREDENTIALS_MESSAGE in text_of(wrong_password)
    assert CREDENTIALS_MESSAGE in text_of(unknown_user)
    # No other hint: the same alerts on both pages.
    assert _alerts(wrong_password) == _alerts(unknown_user) == [CREDENTIALS_MESSAGE]
    assert client.get(f"/c/{slug}/").status_code == 302  # still signed out


def test_inactive_user_cannot_sign_in(client, slug, store):
    user = add_user(store, "gone", "sales")
    with store.session():
        User.update(active=False).where(User.id == user.id).execute()
    response = sign_in(client, slug, username="gone", password=USER_PASSWORD)
    assert response.status_code == 401
    assert CREDENTIALS_MESSAGE in text_of(response)


def test_session_cookie_is_httponly_and_samesite_lax(client, slug):
    response = sign_in(client, slug)
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("equisis_session=")]
    assert cookies
    flags = [part.strip().lower() for part in cookies[-1].split(";")]
    assert "httponly" in flags
    assert "samesite=lax" in flags


def test_logout_requires_post(admin, slug):
    assert admin.get(f"/c/{slug}/logout").status_code == 405
    assert admin.get(f"/c/{slug}/").status_code == 200


def test_logout_requires_the_csrf_token(admin, slug):
    response = admin.post(f"/c/{slug}/logout")
    assert response.status_code == 400
    assert CSRF_MESSAGE in text_of(response)
    assert admin.get(f"/c/{slug}/").status_code == 200  # still signed in


def test_logout(admin, slug):
    token = form_token(admin, f"/c/{slug}/")
    response = admin.post(f"/c/{slug}/logout", data={"_csrf": token})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/c/{slug}/login"
    login = admin.get(response.headers["Location"])
    assert "You are signed out." in text_of(login)
    assert admin.get(f"/c/{slug}/").status_code == 302


def test_csrf_token_changes_at_sign_in(client, slug):
    before = form_token(client, f"/c/{slug}/login")
    sign_in(client, slug)
    after = form_token(client, f"/c/{slug}/users/new")
    assert before != after
    # The token learnt before signing in no longer passes.
    response = client.post(f"/c/{slug}/users/new", data={
        "_csrf": before, "username": "mallory", "password": USER_PASSWORD, "role": "admin"})
    assert response.status_code == 400


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_post_without_a_valid_csrf_token_changes_nothing(admin, slug, store, token):
    data = {"username": "mallory", "password": USER_PASSWORD, "role": "admin", "language": "en"}
    if token is not None:
        data["_csrf"] = token
    response = admin.post(f"/c/{slug}/users/new", data=data)
    assert response.status_code == 400
    assert CSRF_MESSAGE in text_of(response)
    with store.session():
        assert not User.select().where(User.username == "mallory").exists()


def test_csrf_token_in_the_htmx_header_is_accepted(admin, slug, store):
    token = form_token(admin, f"/c/{slug}/users/new")
    response = admin.post(f"/c/{slug}/users/new", headers={"X-CSRF-Token": token},
                          data={"username": "viaheader", "password": USER_PASSWORD, "role": "sales"})
    assert response.status_code == 303
    with store.session():
        assert User.select().where(User.username == "viaheader").exists()


def test_login_form_needs_csrf_too(client, slug):
    response = client.post(f"/c/{slug}/login", data={"username": "sophie", "password": ADMIN_PASSWORD})
    assert response.status_code == 400
    assert client.get(f"/c/{slug}/").status_code == 302


def test_language_switch_needs_csrf_and_stays_on_site(client, slug):
    assert client.post("/language", data={"language": "nl"}).status_code == 400
    token = form_token(client, f"/c/{slug}/login")
    response = client.post("/language", data={"_csrf": token, "language": "nl", "next": f"/c/{slug}/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/c/{slug}/login"
    for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/", "/\t/evil.example/"):
        response = client.post("/language", data={"_csrf": token, "language": "nl", "next": target})
        assert response.status_code == 302
        assert _stays_on_site(response.headers["Location"]), response.headers["Location"]
    with client.session_transaction() as session:
        assert session["lang"] == "nl"


# ---------------------------------------------------------------- idle sessions


def _age_session(client, slug, seconds):
    with client.session_transaction() as session:
        users = dict(session["users"])
        users[slug] = {**users[slug], "seen": users[slug]["seen"] - seconds}
        session["users"] = users


@pytest.mark.app_config(SESSION_IDLE_MINUTES=5)
def test_idle_session_expires(client, slug):
    assert sign_in(client, slug).status_code == 303
    _age_session(client, slug, 4 * 60)
    assert client.get(f"/c/{slug}/").status_code == 200  # 4 minutes idle: still signed in

    _age_session(client, slug, 6 * 60)
    response = client.get(f"/c/{slug}/settings?x=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/c/{slug}/login?next=")
    login = client.get(response.headers["Location"])
    assert "Your session has expired; please sign in again." in text_of(login)
    # Signed out for good: the next request is a plain redirect to the login page.
    again = client.get(f"/c/{slug}/")
    assert again.status_code == 302
    assert "expired" not in text_of(client.get(again.headers["Location"]))


@pytest.mark.app_config(SESSION_IDLE_MINUTES=5)
def test_activity_keeps_the_session_alive(client, slug):
    sign_in(client, slug)
    for _ in range(3):
        _age_session(client, slug, 4 * 60)  # 12 minutes in all, never 5 idle
        assert client.get(f"/c/{slug}/").status_code == 200


# ---------------------------------------------------------------- throttling


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_login_is_throttled_after_too_many_failures(client, slug):
    for _ in range(3):
        assert sign_in(client, slug, password="guess-guess").status_code == 401
    response = sign_in(client, slug)  # the right password, too late
    assert response.status_code == 429
    assert "Too many failed attempts" in text_of(response)
    assert client.get(f"/c/{slug}/").status_code == 302


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_login_throttle_counts_per_address_too(app, slug, store):
    add_user(store, "julie", "sales")
    client = english_client(app)
    for name in ("anna", "bert", "carl"):  # spraying several accounts from one address
        assert sign_in(client, slug, username=name, password="guess-guess").status_code == 401
    assert sign_in(client, slug, username="julie", password=USER_PASSWORD).status_code == 429
    other_address = english_client(app)
    other_address.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert sign_in(other_address, slug, username="julie", password=USER_PASSWORD).status_code == 303


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_success_clears_the_account_failures(app, slug):
    client = english_client(app)
    for _ in range(2):
        sign_in(client, slug, password="guess-guess")
    assert sign_in(client, slug).status_code == 303
    other = english_client(app)
    other.environ_base["REMOTE_ADDR"] = "192.0.2.8"
    for _ in range(2):
        assert sign_in(other, slug, password="guess-guess").status_code == 401
    assert sign_in(other, slug).status_code == 303


# ---------------------------------------------------------------- PIN switch


@pytest.fixture
def karim(store):
    return add_user(store, "karim", "cashier", pin="1234", display_name="Karim Benali")


def _pin(client, slug, user_id, pin):
    token = form_token(client, f"/c/{slug}/pin")
    return client.post(f"/c/{slug}/pin", data={"_csrf": token, "user_id": str(user_id), "pin": pin})


def test_pin_switch(client, slug, karim):
    page = client.get(f"/c/{slug}/pin")
    assert "Karim Benali" in text_of(page)
    assert "Sophie Lambert" not in text_of(page)  # no PIN, not offered
    response = _pin(client, slug, karim.id, "1234")
    assert response.status_code == 303
    dashboard = client.get(f"/c/{slug}/")
    assert dashboard.status_code == 200
    assert "Hello, Karim Benali" in text_of(dashboard)


def test_pin_switch_replaces_the_previous_user(admin, slug, karim):
    assert admin.get(f"/c/{slug}/users/").status_code == 200
    assert _pin(admin, slug, karim.id, "1234").status_code == 303
    assert admin.get(f"/c/{slug}/users/").status_code == 403  # the till is Karim's now


def test_wrong_pin(client, slug, karim):
    response = _pin(client, slug, karim.id, "9999")
    assert response.status_code == 401
    assert "Wrong PIN." in text_of(response)
    assert client.get(f"/c/{slug}/").status_code == 302


@pytest.mark.parametrize("user_id", ["0", "999", "abc"])
def test_pin_for_an_unknown_user(client, slug, karim, user_id):
    token = form_token(client, f"/c/{slug}/pin")
    response = client.post(f"/c/{slug}/pin", data={"_csrf": token, "user_id": user_id, "pin": "1234"})
    assert response.status_code == 401
    assert "Wrong PIN." in text_of(response)


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_pin_switch_is_throttled(client, slug, karim):
    for pin in ("1111", "2222", "3333"):
        assert _pin(client, slug, karim.id, pin).status_code == 401
    response = _pin(client, slug, karim.id, "1234")
    assert response.status_code == 429
    assert "Too many failed attempts" in text_of(response)
    assert client.get(f"/c/{slug}/").status_code == 302


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_mistyped_pins_do_not_lock_password_sign_in_from_the_same_till(client, slug, karim):
    for pin in ("1111", "2222", "3333"):
        _pin(client, slug, karim.id, pin)
    assert sign_in(client, slug).status_code == 303


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_current_password_guesses_on_preferences_are_throttled(client, slug):
    sign_in(client, slug)
    page = client.get(f"/c/{slug}/me").get_data(as_text=True)
    token = csrf_in(page)
    for guess in ("guess one", "guess two", "guess three"):
        client.post(f"/c/{slug}/me", data={"_csrf": token, "current_password": guess, "password": "new password"})
    response = client.post(f"/c/{slug}/me", data={"_csrf": token, "current_password": ADMIN_PASSWORD,
                                                  "password": "new password"})
    assert response.status_code == 429


# ---------------------------------------------------------------- roles


PROTECTED = ["/", "/users/", "/users/new", "/settings", "/audit/", "/me"]


@pytest.mark.parametrize("path", PROTECTED)
def test_anonymous_is_sent_to_the_login_page(client, slug, path):
    response = client.get(f"/c/{slug}{path}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/c/{slug}/login?next=")


def test_anonymous_post_is_sent_to_the_login_page(client, slug, store):
    response = client.post(f"/c/{slug}/users/new", data={"username": "x1", "password": USER_PASSWORD,
                                                          "role": "admin"})
    assert response.status_code == 302
    with store.session():
        assert not User.select().where(User.username == "x1").exists()


def _signed_in_as(client, slug, store, username, role):
    add_user(store, username, role)
    assert sign_in(client, slug, username=username, password=USER_PASSWORD).status_code == 303
    return client


@pytest.mark.parametrize("path,cashier,accountant,admin_status", [
    ("/", 200, 200, 200),
    ("/me", 200, 200, 200),
    ("/users/", 403, 403, 200),
    ("/users/new", 403, 403, 200),
    ("/users/1", 403, 403, 200),
    ("/settings", 403, 403, 200),
    ("/audit/", 403, 200, 200),
])
def test_role_matrix(app, slug, store, path, cashier, accountant, admin_status):
    clients = {"cashier": english_client(app), "accountant": english_client(app), "admin": english_client(app)}
    _signed_in_as(clients["cashier"], slug, store, "karim", "cashier")
    _signed_in_as(clients["accountant"], slug, store, "dubois", "accountant")
    assert sign_in(clients["admin"], slug).status_code == 303
    for role, expected in (("cashier", cashier), ("accountant", accountant), ("admin", admin_status)):
        response = clients[role].get(f"/c/{slug}{path}")
        assert response.status_code == expected, (role, path)
        if expected == 403:
            assert "Your role does not allow this action." in text_of(response)


def test_menu_shows_only_what_the_role_may_open(client, slug, store):
    _signed_in_as(client, slug, store, "dubois", "accountant")
    page = text_of(client.get(f"/c/{slug}/"))
    assert f'href="/c/{slug}/audit/"' in page
    assert f'href="/c/{slug}/users/"' not in page
    assert f'href="/c/{slug}/settings"' not in page


def test_cashier_cannot_post_settings(client, slug, store):
    _signed_in_as(client, slug, store, "karim", "cashier")
    token = form_token(client, f"/c/{slug}/")
    response = client.post(f"/c/{slug}/settings", data={"_csrf": token, "section": "company", "name": "Hijacked"})
    assert response.status_code == 403
    with store.session():
        assert company_service.profile().name == "Déco Sophie SRL"


def test_a_session_for_one_company_does_not_open_another(app, client, slug):
    other = make_company(app.extensions["equisis.instance"], slug="other-co", name="Other Co SA",
                         language="en")
    sign_in(client, slug)
    response = client.get(f"/c/{other}/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/c/{other}/login")


def test_deactivated_user_loses_the_session(client, slug, store):
    user = _signed_in_as(client, slug, store, "julie", "sales")
    assert user.get(f"/c/{slug}/").status_code == 200
    with store.session():
        User.update(active=False).where(User.username == "julie").execute()
    assert client.get(f"/c/{slug}/").status_code == 302


def test_unknown_company(client):
    assert client.get("/c/no-such-company/login").status_code == 404
    assert client.get("/c/NOT_A_SLUG/login").status_code in (400, 404)


def test_start_page(client, app, slug):
    assert client.get("/").headers["Location"] == f"/c/{slug}/"
    make_company(app.extensions["equisis.instance"], slug="second-co", language="en")
    page = client.get("/")
    assert page.status_code == 200
    assert f"/c/{slug}/" in text_of(page) and "/c/second-co/" in text_of(page)


@pytest.mark.app_config(LOGIN_MAX_FAILURES=2, LOGIN_WINDOW_SECONDS=60)
def test_throttle_window_is_the_configured_one(app):
    throttle = app.extensions["equisis.throttle"]
    now = time.monotonic()
    throttle.fail("k", now)
    throttle.fail("k", now)
    assert 0 < throttle.blocked_for("k", now) <= 60
