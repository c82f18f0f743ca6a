"""Creating a company and keeping its profile and settings, in a real company folder."""
import json

import pytest

from equisis.company import service
from equisis.company.errors import SetupAlreadyDone
from equisis.company.models import CompanyProfile
from equisis.store import audit
from equisis.store.models import AuditEvent
from equisis.users import service as users
from equisis.users.models import User
from tests.factories import ADMIN_PASSWORD, make_company


def events(object_type=None):
    query = AuditEvent.select().order_by(AuditEvent.id)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    return list(query)


def test_create_company_makes_profile_admin_and_audit_events(instance):
    slug = make_company(instance)
    assert slug == "deco-sophie-srl"
    with instance.get(slug).session():
        profile = service.profile()
        assert (profile.name, profile.enterprise_number, profile.vat_number, profile.iban) == \
            ("Déco Sophie SRL", "0403170701", "BE0403170701", "BE68539007547034")
        assert profile.first_fiscal_year_start.isoformat() == "2026-01-01"
        admin = User.get()
        assert (admin.username, admin.role, admin.display_name, admin.language) == \
            ("sophie", "admin", "Sophie Lambert", "fr")
        assert users.authenticate("sophie", ADMIN_PASSWORD).id == admin.id
        logged = [(e.action, e.object_type, e.object_id, e.actor) for e in events()]
        assert logged[:2] == [("create", "company", slug, "setup:sophie"),
                              ("create", "user", str(admin.id), "setup:sophie")]  # then each module's setup
        assert json.loads(events("company")[0].after_json)["enterprise_number"] == "0403170701"
        assert audit.verify_chain() == []


def test_the_profile_keeps_the_companys_language(instance):
    slug = make_company(instance, language="nl", admin_username="els")
    with instance.get(slug).session():
        assert service.profile().language == "nl"
        assert User.get().language == "nl"


def test_a_second_company_with_the_same_name_gets_its_own_slug(instance):
    assert make_company(instance) == "deco-sophie-srl"
    assert make_company(instance) == "deco-sophie-srl-2"
    assert make_company(instance) == "deco-sophie-srl-3"
    assert instance.slugs() == ["deco-sophie-srl", "deco-sophie-srl-2", "deco-sophie-srl-3"]


def test_an_explicit_slug_is_used(instance):
    assert make_company(instance, slug="deco") == "deco"


def test_update_profile_is_audited(company):
    service.update_profile(city="Liège", postcode="4000")
    event = events("company")[-1]
    assert event.action == "setting"
    assert json.loads(event.before_json)["city"] == "Namur"
    assert json.loads(event.after_json)["city"] == "Liège"
    assert CompanyProfile.get_by_id(1).postcode == "4000"


def test_update_profile_refuses_unknown_fields(company):
    with pytest.raises(TypeError):
        service.update_profile(colour="pink")
    assert service.profile().name == "Déco Sophie SRL"


def test_settings_have_defaults(company):
    assert service.get_setting("mail.port") == 587
    assert service.get_setting("no.such.key") is None
    assert service.get_settings("mail.")["mail.security"] == "starttls"


def test_set_settings_stores_values(company):
    service.set_settings({"mail.host": "smtp.deco.example", "attachments.max_bytes": 1024})
    assert service.get_setting("mail.host") == "smtp.deco.example"
    assert service.get_setting("attachments.max_bytes") == 1024
    assert service.get_settings("mail.")["mail.host"] == "smtp.deco.example"


def test_set_settings_audits_only_the_changed_keys(company):
    service.set_settings({"mail.host": "smtp.deco.example", "mail.port": 587, "mail.security": "starttls"})
    event = events("settings")[-1]
    assert (event.action, event.object_id) == ("setting", "mail.host")
    assert json.loads(event.before_json) == {"mail.host": ""}
    assert json.loads(event.after_json) == {"mail.host": "smtp.deco.example"}


def test_set_settings_without_change_records_nothing(company):
    service.set_settings({"mail.host": "smtp.deco.example"})
    count = len(events())
    service.set_settings({"mail.host": "smtp.deco.example", "mail.port": 587})
    assert len(events()) == count


def test_set_settings_masks_the_mail_password(company):
    service.set_settings({"mail.password": "s3cret-one", "mail.username": "sophie"})
    service.set_settings({"mail.password": "s3cret-two"})
    first, second = events("settings")
    assert first.object_id == "mail.password,mail.username"
    assert json.loads(first.before_json) == {"mail.password": "", "mail.username": ""}
    assert json.loads(first.after_json) == {"mail.password": "•••", "mail.username": "sophie"}
    assert json.loads(second.before_json) == {"mail.password": "•••"}
    assert json.loads(second.after_json) == {"mail.password": "•••"}
    for event in (first, second):
        assert "s3cret" not in event.before_json + event.after_json
    assert service.get_setting("mail.password") == "s3cret-two"


def test_clearing_the_mail_password_shows_it_was_cleared(company):
    service.set_settings({"mail.password": "s3cret"})
    service.set_settings({"mail.password": ""})
    event = events("settings")[-1]
    assert (json.loads(event.before_json), json.loads(event.after_json)) == \
        ({"mail.password": "•••"}, {"mail.password": ""})
