"""Create a company (the setup wizard, the CLI, the demo) and keep its profile and settings."""
from __future__ import annotations

import json

from equisis.company.models import CompanyProfile
from equisis.company.rules import CompanyIdentity, FirstAdmin
from equisis.store import Instance, audit, slugify, write
from equisis.store.models import Setting
from equisis.users import service as users

SETTINGS_DEFAULTS = {
    "mail.host": "", "mail.port": 587, "mail.security": "starttls", "mail.username": "", "mail.password": "",
    "mail.sender": "", "attachments.max_bytes": 10 * 1024 * 1024,
}


def unique_slug(instance: Instance, name: str) -> str:
    base = slugify(name)
    slug, n = base, 2
    while instance.exists(slug):
        slug = f"{base[:36]}-{n}"
        n += 1
    return slug


def create_company(instance: Instance, identity: CompanyIdentity, admin: FirstAdmin, *,
                   slug: str | None = None) -> str:
    """Create the folder, the profile and the first administrator; return the slug (see equisis.onboarding)."""
    slug = slug or unique_slug(instance, identity.name)
    store = instance.create(slug)
    with store.session(), audit.acting_as(f"setup:{admin.username}"):
        with write():
            profile = CompanyProfile.create(
                id=1, name=identity.name, legal_form=identity.legal_form,
                enterprise_number=identity.enterprise_number, vat_number=identity.vat_number,
                street=identity.street, postcode=identity.postcode, city=identity.city, country=identity.country,
                iban=identity.iban, bic=identity.bic, email=identity.email, phone=identity.phone,
                language=identity.language, vat_filing=identity.vat_filing,
                first_fiscal_year_start=identity.fiscal_year.start, first_fiscal_year_end=identity.fiscal_year.end)
            audit.record("create", "company", slug, after=profile.snapshot())
            users.add_user(admin.username, admin.password, "admin", display_name=admin.display_name,
                           language=identity.language)
    return slug


def profile() -> CompanyProfile:
    return CompanyProfile.get_by_id(1)


def update_profile(**changes) -> CompanyProfile:
    with write():
        row = CompanyProfile.get_by_id(1)
        before = row.snapshot()
        for name, value in changes.items():
            if name not in before:
                raise TypeError(f"unknown profile field {name}")
            setattr(row, name, value)
        row.save()
        audit.record("setting", "company", 1, before=before, after=row.snapshot())
    return row


def get_setting(key: str):
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return SETTINGS_DEFAULTS.get(key)
    return json.loads(row.value_json)


def get_settings(prefix: str) -> dict:
    values = {k: v for k, v in SETTINGS_DEFAULTS.items() if k.startswith(prefix)}
    for row in Setting.select().where(Setting.key.startswith(prefix)):
        values[row.key] = json.loads(row.value_json)
    return values


def set_settings(values: dict, *, secret_keys: frozenset = frozenset({"mail.password"})) -> None:
    """Change several settings in one transaction, audited with before/after (secrets masked)."""
    with write():
        before = {k: get_setting(k) for k in values}
        changed = {k: v for k, v in values.items() if before[k] != v}
        for key, value in changed.items():
            Setting.insert(key=key, value_json=json.dumps(value)).on_conflict_replace().execute()
        if changed:
            mask = lambda d: {k: ("•••" if k in secret_keys and d[k] else d[k]) for k in changed}  # noqa: E731
            audit.record("setting", "settings", ",".join(sorted(changed)), before=mask(before), after=mask(changed))
