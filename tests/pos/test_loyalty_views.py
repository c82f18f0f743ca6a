"""The loyalty and sales period screens through the Flask client, on a real company."""
from __future__ import annotations

import contextlib
import re
import datetime as dt
import secrets
import uuid

import pytest

from equisis.catalog import service as catalog
from equisis.parties import service as parties
from equisis.pos import loyalty
from equisis.pos.loyalty import promotions, service
from equisis.pos.loyalty.models import LoyaltyCard, PromotionPeriod
from equisis.store.audit import acting_as
from tests.web.conftest import (add_user, admin, app, client, form_token, instance_path,  # noqa: F401
                                make_app, sign_in, slug, store, text_of)

BASE = "/c/{slug}/pos/loyalty/"


@pytest.fixture
def books(store):
    @contextlib.contextmanager
    def enter():
        with store.session(), acting_as("test:setup"):
            yield
    return enter


@pytest.fixture
def dupont(books):
    with books():
        catalog.save_family("COFFEE", name_en="Coffee")
        catalog.create_item("LATTE", name_en="Latte", sale_price="3,00", family="COFFEE")
        return parties.create_party("Dupont Marie", is_customer=True).id


def post(client, slug, path, data, *, page=""):
    token = form_token(client, BASE.format(slug=slug) + page)
    return client.post(BASE.format(slug=slug) + path,
                       data={"_csrf": token, "_idem": secrets.token_urlsafe(18), **data})


def test_issue_a_card_once_and_see_it_listed_with_its_balance_and_history(admin, slug, books, dupont):
    home = admin.get(f"/c/{slug}/").get_data(as_text=True)
    assert BASE.format(slug=slug) in home
    key = secrets.token_urlsafe(18)
    data = {"_csrf": form_token(admin, BASE.format(slug=slug)), "_idem": key, "party_id": str(dupont)}
    first = admin.post(BASE.format(slug=slug), data=data)
    again = admin.post(BASE.format(slug=slug), data=data)
    assert first.status_code == again.status_code == 303 and first.headers["Location"] == again.headers["Location"]
    with books():
        card = LoyaltyCard.get()
        assert LoyaltyCard.select().count() == 1
        loyalty.earn(card.id, ticket_id=4, amount_cents=4250, key=str(uuid.uuid4()))
    listing = text_of(admin.get(BASE.format(slug=slug) + "?q=Dupont"))
    assert card.code in listing and "Dupont Marie" in listing and re.search(r">\s*42\s*<", listing)
    assert card.code not in text_of(admin.get(BASE.format(slug=slug) + "?active=no"))
    export = admin.get(BASE.format(slug=slug) + "?export=csv&sort=points&desc=1")
    assert export.status_code == 200 and card.code in export.get_data(as_text=True)
    assert admin.get(BASE.format(slug=slug) + "?export=xlsx").status_code == 200
    detail = text_of(admin.get(first.headers["Location"]))
    assert "Dupont Marie" in detail and "Earned" in detail and "42,50" in detail


def test_bad_card_input_comes_back_next_to_the_field(admin, slug, dupont):
    assert post(admin, slug, "", {"party_id": "abc"}).status_code == 400
    unknown = post(admin, slug, "", {"party_id": "9999"})
    assert unknown.status_code == 404 and "There is no customer number 9999" in text_of(unknown)
    bad = post(admin, slug, "", {"party_id": str(dupont), "code": "5410000000002"})
    assert bad.status_code == 400 and "20 to 29" in text_of(bad)
    assert admin.get(BASE.format(slug=slug) + "cards/999").status_code == 404


def test_block_and_unblock_a_card(admin, slug, books, dupont):
    with books():
        card = loyalty.create_card(dupont)
    url = f"cards/{card.id}/active"
    assert post(admin, slug, url, {}, page=f"cards/{card.id}").status_code == 303
    with books():
        assert not LoyaltyCard.get_by_id(card.id).active
        loyalty.create_card(dupont)
    refused = post(admin, slug, url, {"active": "on"}, page=f"cards/{card.id}")
    assert refused.status_code == 409 and "already has the loyalty card" in text_of(refused)


def test_programme_settings_stamp_rules_and_rewards(admin, slug, books, dupont):
    assert post(admin, slug, "settings", {"points_per_euro": "0,5", "active": "on"}, page="settings").status_code == 303
    bad = post(admin, slug, "settings", {"points_per_euro": "-1", "active": "on"}, page="settings")
    assert bad.status_code == 400 and "points per euro" in text_of(bad)
    assert post(admin, slug, "settings/stamps", {"family": "COFFEE", "stamps": "1"}, page="settings").status_code == 303
    assert post(admin, slug, "settings/stamps", {"stamps": "1"}, page="settings").status_code == 400
    assert post(admin, slug, "settings/rewards", {"name": "5 € voucher", "kind": "voucher", "cost_points": "100",
                                                 "value": "5,00"}, page="settings").status_code == 303
    refused = post(admin, slug, "settings/rewards", {"name": "", "kind": "free_item", "cost_stamps": "0"},
                   page="settings")
    assert refused.status_code == 422
    page = text_of(admin.get(BASE.format(slug=slug) + "settings"))
    assert "5 € voucher" in page and "COFFEE" in page and 'value="0.5"' in page
    with books():
        settings = service.programme()
        assert settings.points_per_euro_milli == 500 and settings.active
        reward = service.rewards()[0]
        assert (reward.kind, reward.cost_points_count, reward.value_cents) == ("voucher", 100, 500)
    assert post(admin, slug, f"settings/rewards/{reward.id}/active", {}, page="settings").status_code == 303
    with books():
        assert not service.find_reward(reward.id).active


def test_sales_periods_list_create_edit_and_rules(admin, slug, books, dupont):
    created = post(admin, slug, "periods/", {"name": "Winter sales", "start": "07/01/2026", "end": "31/01/2026",
                                             "active": "on"}, page="periods/")
    assert created.status_code == 303
    with books():
        period = PromotionPeriod.get()
    path = f"periods/{period.id}"
    assert post(admin, slug, path + "/rules", {"family": "COFFEE", "discount": "30"}, page=path).status_code == 303
    assert post(admin, slug, path + "/rules", {"item": "LATTE"}, page=path).status_code == 422
    bad = post(admin, slug, path, {"name": "Winter sales", "start": "31/01/2026", "end": "07/01/2026",
                                   "active": "on"}, page=path)
    assert bad.status_code == 422 and "ends (2026-01-07) before it starts" in text_of(bad)
    assert post(admin, slug, path, {"name": "Soldes", "start": "07/01/2026", "end": "15/01/2026", "active": "on"},
                page=path).status_code == 303
    with books():
        assert promotions.active_sale_price("LATTE", dt.date(2026, 1, 15)) == (21000, "Soldes")
        assert promotions.active_sale_price("LATTE", dt.date(2026, 1, 16)) is None
        rule = promotions.rules_of(period)[0]
    listing = text_of(admin.get(BASE.format(slug=slug) + "periods/?q=sold"))
    assert "Soldes" in listing and "07/01/2026" in listing
    assert admin.get(BASE.format(slug=slug) + "periods/?export=csv").status_code == 200
    assert "30.0 %" in text_of(admin.get(BASE.format(slug=slug) + path))
    assert post(admin, slug, f"{path}/rules/{rule.id}/remove", {}, page=path).status_code == 303
    with books():
        assert promotions.rules_of(period) == []
    missing = post(admin, slug, "periods/", {"name": "", "start": "x", "end": ""}, page="periods/")
    assert missing.status_code == 422


def test_a_cashier_or_warehouse_user_cannot_open_the_back_office_screens(app, client, slug, store):
    add_user(store, "wally", "warehouse")
    assert sign_in(client, slug, "wally", "password-xxxx").status_code == 303
    for page in ("", "settings", "periods/"):
        assert client.get(BASE.format(slug=slug) + page).status_code == 403
