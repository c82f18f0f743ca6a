"""Company settings: audited profile changes, masked mail password, read-only copies, a full disk."""
from __future__ import annotations

import json

import pytest

from equisis.company import service as company_service
from equisis.schema import all_migrations
from equisis.store import Instance
from equisis.store.models import AuditEvent, Setting
from tests.factories import make_company
from tests.web.conftest import csrf_in, english_client, sign_in, text_of

PROFILE_FORM = {"section": "company", "name": "Déco Sophie SRL", "vat_number": "BE0403170701",
                "street": "Rue de Fer 12", "postcode": "5000", "city": "Namur", "email": "sophie@deco.example",
                "phone": "", "iban": "BE68 5390 0754 7034", "language": "en", "vat_filing": "quarterly"}
MAIL_FORM = {"section": "mail", "mail.host": "smtp.example.be", "mail.port": "587", "mail.security": "starttls",
             "mail.username": "sophie", "mail.password": "s3cret-smtp-pass", "mail.sender": "shop@deco.example"}


def _keys(client, slug):
    html = client.get(f"/c/{slug}/settings").get_data(as_text=True)
    return {"_csrf": csrf_in(html)}


def _save(client, slug, form, **changes):
    return client.post(f"/c/{slug}/settings", data={**_keys(client, slug), **form, **changes})


def _profile(store):
    with store.session():
        return company_service.profile()


def _events(store, action="setting"):
    with store.session():
        return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


def test_settings_page_shows_the_profile(admin, slug):
    page = text_of(admin.get(f"/c/{slug}/settings"))
    assert 'value="Déco Sophie SRL"' in page
    assert "0403.170.701" in page


def test_profile_change_is_saved_and_audited(admin, slug, store):
    response = _save(admin, slug, PROFILE_FORM, name="Déco Sophie & Fils SRL", city="Jambes", postcode="5100",
                     vat_filing="monthly")
    assert response.status_code == 303
    assert "Settings saved." in text_of(admin.get(response.headers["Location"]))
    profile = _profile(store)
    assert (profile.name, profile.city, profile.postcode, profile.vat_filing) == \
        ("Déco Sophie & Fils SRL", "Jambes", "5100", "monthly")
    assert profile.enterprise_number == "0403170701"  # never changed from this screen
    [event] = _events(store)
    assert (event.object_type, event.actor) == ("company", "user:sophie")
    before, after = json.loads(event.before_json), json.loads(event.after_json)
    assert (before["name"], after["name"]) == ("Déco Sophie SRL", "Déco Sophie & Fils SRL")
    assert (before["city"], after["city"]) == ("Namur", "Jambes")


def test_enterprise_number_cannot_be_changed_from_the_form(admin, slug, store):
    response = _save(admin, slug, PROFILE_FORM, enterprise_number="0766.555.267", vat_number="")
    assert response.status_code == 303
    assert _profile(store).enterprise_number == "0403170701"


@pytest.mark.parametrize("field,value,words", [
    ("vat_number", "BE0403170799", "check digits"),
    ("iban", "BE69 5390 0754 7034", "check digits"),
    ("postcode", "50", "Belgian postcode"),
    ("name", "", "is required"),
])
def test_invalid_profile_is_refused_and_kept_for_correction(admin, slug, store, field, value, words):
    response = _save(admin, slug, PROFILE_FORM, city="Typed City", **{field: value})
    assert response.status_code == 422
    page = text_of(response)
    assert words in page.split(f'id="{field}-error">', 1)[1].split("</span>", 1)[0]
    assert 'value="Typed City"' in page  # what was typed is shown again, not the stored profile
    assert _profile(store).city == "Namur"
    assert _events(store) == []


def test_mail_settings_are_saved_with_the_password_masked_in_the_audit_log(admin, slug, store):
    response = _save(admin, slug, MAIL_FORM)
    assert response.status_code == 303
    with store.session():
        assert company_service.get_settings("mail.") == {
            "mail.host": "smtp.example.be", "mail.port": 587, "mail.security": "starttls",
            "mail.username": "sophie", "mail.password": "s3cret-smtp-pass", "mail.sender": "shop@deco.example"}
    [event] = _events(store)
    assert event.object_type == "settings"
    after = json.loads(event.after_json)
    assert after["mail.password"] == "•••"
    assert after["mail.host"] == "smtp.example.be"
    with store.session():
        everything = " ".join(f"{e.before_json} {e.after_json}" for e in AuditEvent.select())
    assert "s3cret-smtp-pass" not in everything
    page = text_of(admin.get(f"/c/{slug}/settings"))
    assert "s3cret-smtp-pass" not in page  # never shown again either


def test_empty_mail_password_keeps_the_current_one(admin, slug, store):
    _save(admin, slug, MAIL_FORM)
    response = _save(admin, slug, MAIL_FORM, **{"mail.password": "", "mail.host": "mail.example.be"})
    assert response.status_code == 303
    with store.session():
        assert company_service.get_setting("mail.password") == "s3cret-smtp-pass"
        assert company_service.get_setting("mail.host") == "mail.example.be"
    second = _events(store)[-1]
    assert "mail.password" not in json.loads(second.after_json)


def test_password_change_is_audited_masked_on_both_sides(admin, slug, store):
    _save(admin, slug, MAIL_FORM)
    _save(admin, slug, MAIL_FORM, **{"mail.password": "another-pass"})
    last = _events(store)[-1]
    assert json.loads(last.before_json) == {"mail.password": "•••"}
    assert json.loads(last.after_json) == {"mail.password": "•••"}


@pytest.mark.parametrize("field,value", [("mail.port", "abc"), ("mail.port", "²"), ("mail.port", "70000"),
                                         ("mail.port", "0"), pytest.param("mail.port", "9" * 5000, id="huge-port"),
                                         ("mail.security", "bogus")])
def test_invalid_mail_settings_are_refused(admin, slug, store, field, value):
    response = _save(admin, slug, MAIL_FORM, **{field: value})
    assert response.status_code == 422  # all problems of the form at once, like every form
    assert f'id="{field}-error"' in text_of(response)
    with store.session():
        assert Setting.select().count() == 0


# ---------------------------------------------------------------- read-only copy


def test_read_only_company_refuses_writes(instance_path, make_app):
    builder = Instance(instance_path, all_migrations())
    slug = make_company(builder, language="en")
    builder.close()

    app = make_app(READ_ONLY=True)
    client = english_client(app)
    assert sign_in(client, slug).status_code == 303
    page = client.get(f"/c/{slug}/settings")
    assert page.status_code == 200
    assert "Read-only copy" in text_of(page)
    response = client.post(f"/c/{slug}/settings", data={"_csrf": csrf_in(page.get_data(as_text=True)),
                                                         **PROFILE_FORM, "name": "Changed SRL"})
    assert response.status_code == 403
    assert "This company is open read-only: nothing can be changed." in text_of(response)
    store = app.extensions["equisis.instance"].get(slug)
    assert store.read_only
    assert _profile(store).name == "Déco Sophie SRL"
    with store.session():
        assert AuditEvent.select().where(AuditEvent.action == "setting").count() == 0


# ---------------------------------------------------------------- a full disk


def test_full_disk_is_a_clear_507_and_nothing_changes(admin, slug, store):
    database = store.database  # the connection of this thread: the test client serves in this thread
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql("PRAGMA max_page_count = 1")  # SQLite keeps it at the current size: no growth
    try:
        response = _save(admin, slug, PROFILE_FORM, street="Rue de Fer " + "12 " * 40_000)
    finally:
        database.execute_sql("PRAGMA max_page_count = 1073741823")
    assert response.status_code == 507
    assert "The disk is full: nothing was saved." in text_of(response)
    assert database.execute_sql("PRAGMA page_count").fetchone()[0] == pages
    assert _profile(store).street == "Rue de Fer 12"
    assert _events(store) == []
    # Space again: the same change goes through.
    assert _save(admin, slug, PROFILE_FORM, street="Rue de Fer 14").status_code == 303
    assert _profile(store).street == "Rue de Fer 14"
