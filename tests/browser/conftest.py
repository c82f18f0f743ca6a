"""Browser tests: a real Waitress server on 127.0.0.1 and Debian's Chromium driven by Playwright.

Chromium comes from the distribution (``apt-get install chromium``), never from
``playwright install``. Without /usr/bin/chromium the browser tests are skipped
with a visible reason, except under CI=true, where .ci/run installs it and a
missing browser is a failure.
"""
from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from waitress import create_server

import equisis
from equisis.config import PROJECT_ROOT
from equisis.demo import COMPANY, DEMO_PASSWORD, STAFF, build_demo
from equisis.store.audit import acting_as
from equisis.users import service as user_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
SLUG = "demo"
COMPANY_NAME = COMPANY["name"]
PASSWORD = DEMO_PASSWORD                                   # sophie (admin) and her staff
CASHIER = next((name, pin) for username, name, role, _, pin in STAFF if username == "karim")
PAGE_SIZE = 5
CLERKS = [f"clerk{n:02d}" for n in range(1, 13)]          # 12 more users: three pages of five
USER_COUNT = 1 + len(STAFF) + len(CLERKS)


@dataclass
class LiveServer:
    app: object
    url: str
    instance: object

    def company_url(self, path: str = "") -> str:
        return f"{self.url}/c/{SLUG}/{path}"


@contextlib.contextmanager
def live_server(instance_path: Path, **config):
    """Serve a fresh app on 127.0.0.1 and a free port from a background thread."""
    app = equisis.create_app({"INSTANCE_PATH": str(instance_path), "SECRET_KEY": "test", **config})
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="Equisis-test")
    stopping = threading.Event()

    def run():
        try:
            server.run()
        except (OSError, ValueError):  # the socket map closed under the loop at teardown
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, name="waitress-test", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.effective_port}", app.extensions["equisis.instance"])
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=10)
        app.extensions["equisis.instance"].close()


def seed(instance) -> None:
    """The demo company (the README's screenshot) with twelve clerks for the lists; sophie and karim in English."""
    build_demo(instance, slug=SLUG)
    with instance.get(SLUG).session(), acting_as("test:seed"):
        for username in ("sophie", "karim"):
            user_service.update_user(user_service.find_user(username).id, language="en")
        for username in CLERKS:
            user_service.add_user(username, "clerk password", "sales", display_name=f"Clerk {username[-2:]}",
                                  language="en")


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    """The shared server: one seeded company, a list page of five rows."""
    folder = tmp_path_factory.mktemp("browser-instance")
    with live_server(folder, LIST_PAGE_SIZE=PAGE_SIZE) as server:
        seed(server.instance)
        yield server


@pytest.fixture
def empty_live(tmp_path):
    """A server on an empty instance, for the setup wizard."""
    with live_server(tmp_path / "instance") as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's browser with 'apt-get install chromium'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason} (.ci/run installs it)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """Open pages in fresh contexts (own cookies): new_page(width=800, height=1280, has_touch=True)."""
    contexts = []

    def open_page(width=1280, height=800, **options):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-US",
                                       timezone_id="Europe/Brussels", accept_downloads=True, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, live, username="sophie", password=PASSWORD):
    page.goto(live.company_url("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live.company_url())


@pytest.fixture
def admin_page(page, live):
    sign_in(page, live)
    return page


def screenshot(page, name: str) -> None:
    """Write docs/screenshots/<name> when EQUISIS_SCREENSHOTS=1 (the README shows them)."""
    if os.environ.get("EQUISIS_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
