"""Web fixtures: a real instance folder, the Flask app and its test client, signing in through the login form."""
from __future__ import annotations

import html
import re

import pytest

from equisis import create_app
from equisis.users import service as user_service
from tests.factories import ADMIN_PASSWORD, make_company

CSRF_INPUT = re.compile(r'name="_csrf" value="([^"]+)"')
TEST_CONFIG = {"SECRET_KEY": "test", "TESTING": True}


def csrf_in(html: str) -> str:
    """The CSRF token a rendered form carries."""
    found = CSRF_INPUT.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def form_token(client, url: str) -> str:
    """Open ``url`` like a browser and return the CSRF token of its form."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return csrf_in(response.get_data(as_text=True))


def sign_in(client, slug: str, username: str = "sophie", password: str = ADMIN_PASSWORD, **extra):
    """Sign in through the login page (its CSRF token included); returns the POST's response."""
    token = form_token(client, f"/c/{slug}/login")
    return client.post(f"/c/{slug}/login", data={"_csrf": token, "username": username, "password": password,
                                                 **extra})


USER_PASSWORD = "password-xxxx"


def add_user(store, username: str, role: str, *, password: str = USER_PASSWORD, pin=None, display_name=None,
             language: str = "en"):
    """Add a user through the users service, on ``store``'s database."""
    with store.session():
        return user_service.add_user(username, password, role, pin=pin, display_name=display_name,
                                     language=language)


def text_of(response) -> str:
    """The response body with HTML entities resolved (messages are compared as the user reads them)."""
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def instance_path(tmp_path):
    return tmp_path / "instance"


@pytest.fixture
def make_app(instance_path):
    """Build apps on the test's instance folder (extra config as keywords); all are closed afterwards."""
    apps = []

    def build(**config):
        app = create_app({"INSTANCE_PATH": str(instance_path), **TEST_CONFIG, **config})
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["equisis.instance"].close()


def pytest_configure(config):
    config.addinivalue_line("markers", "app_config(**settings): extra create_app() settings for the `app` fixture")


@pytest.fixture
def app(make_app, request):
    """The app; ``@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)`` adds settings."""
    marker = request.node.get_closest_marker("app_config")
    return make_app(**(marker.kwargs if marker else {}))


def english_client(app):
    """A browser asking for English (messages compared below are the English msgids)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app):
    return english_client(app)


@pytest.fixture
def slug(app):
    """A company (admin 'sophie', English-speaking) created on the app's own instance."""
    return make_company(app.extensions["equisis.instance"], language="en")


@pytest.fixture
def store(app, slug):
    return app.extensions["equisis.instance"].get(slug)


@pytest.fixture
def admin(client, slug):
    """The client, signed in as the administrator."""
    response = sign_in(client, slug)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client
