"""Factories with sensible Belgian defaults: one line at the call site, override what matters."""
from __future__ import annotations

from equisis.company import rules as company_rules
from equisis import onboarding

# Real-looking, check-digit-valid Belgian numbers (enterprise numbers pass mod 97).
COMPANY_FORM = {
    "name": "Déco Sophie SRL", "legal_form": "srl", "enterprise_number": "0403.170.701",
    "vat_number": "BE 0403.170.701", "street": "Rue de Fer 12", "postcode": "5000", "city": "Namur",
    "country": "BE", "iban": "BE68 5390 0754 7034", "language": "fr", "vat_filing": "quarterly",
    "fiscal_year_start": "2026-01-01", "fiscal_year_end": "2026-12-31", "email": "sophie@deco.example",
}
ADMIN_FORM = {"admin_username": "sophie", "admin_display_name": "Sophie Lambert",
              "admin_password": "correct horse", "admin_password_confirm": "correct horse"}
ADMIN_PASSWORD = ADMIN_FORM["admin_password"]


def make_company(instance, slug: str | None = None, **over) -> str:
    """Create a company (profile + admin 'sophie') in ``instance``; return its slug."""
    form = {**COMPANY_FORM, **{k: v for k, v in over.items() if not k.startswith("admin_")}}
    admin = {**ADMIN_FORM, **{k: v for k, v in over.items() if k.startswith("admin_")}}
    return onboarding.create_company(instance, company_rules.parse_company(form),
                                          company_rules.parse_first_admin(admin), slug=slug)
