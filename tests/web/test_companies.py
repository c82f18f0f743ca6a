"""One process, several companies: requests for A and B, interleaved from threads, never see each other's data."""
from __future__ import annotations

import threading

from equisis.users import service as user_service
from tests.factories import make_company
from tests.web.conftest import english_client, sign_in, text_of

NAMES = {"alpha-co": "Alpha Decor SRL", "beta-co": "Beta Meubles SA"}


def _companies(app):
    instance = app.extensions["equisis.instance"]
    for slug, name in NAMES.items():
        make_company(instance, slug=slug, name=name, language="en")
    return instance


def test_interleaved_requests_for_two_companies_stay_apart(app):
    instance = _companies(app)
    cookies, tokens = {}, {}
    for slug in NAMES:
        client = english_client(app)
        assert sign_in(client, slug).status_code == 303
        cookies[slug] = client.get_cookie("equisis_session").value
        with instance.get(slug).session():
            tokens[slug] = user_service.issue_token(slug, "sophie")

    rounds = 25
    start = threading.Barrier(2 * len(NAMES))
    problems: list[str] = []

    def browse(slug: str):
        other = next(s for s in NAMES if s != slug)
        client = english_client(app)  # its own client (and thread), signed in to one company
        client.set_cookie("equisis_session", cookies[slug])
        start.wait()
        for n in range(rounds):
            page = text_of(client.get(f"/c/{slug}/"))
            if NAMES[slug] not in page or NAMES[other] in page:
                problems.append(f"{slug} dashboard, round {n}")
            audit = text_of(client.get(f"/c/{slug}/audit/?q={slug}"))
            if "setup:sophie" not in audit or other in audit:
                problems.append(f"{slug} audit log, round {n}")

    def call_api(slug: str):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {tokens[slug]}"}
        start.wait()
        for n in range(rounds):
            body = client.get("/api/v1/company", headers=headers).get_json()
            if body.get("name") != NAMES[slug]:
                problems.append(f"{slug} API, round {n}: {body}")

    threads = [threading.Thread(target=work, args=(slug,)) for slug in NAMES for work in (browse, call_api)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert problems == []


def test_each_company_has_its_own_database_file(app):
    instance = _companies(app)
    alpha, beta = english_client(app), english_client(app)
    sign_in(alpha, "alpha-co")
    sign_in(beta, "beta-co")
    for slug in NAMES:
        assert instance.get(slug).database.connection_filename().endswith(f"/companies/{slug}/company.db")
    assert "Alpha Decor SRL" in text_of(alpha.get("/c/alpha-co/"))
    assert "Beta Meubles SA" in text_of(beta.get("/c/beta-co/"))
    assert alpha.get("/c/beta-co/").status_code == 302  # a session for A is no session for B
