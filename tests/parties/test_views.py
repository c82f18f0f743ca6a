"""The parties screens through the Flask client: list, form, duplicates, detail, VIES, attachments, roles."""
from __future__ import annotations

import io
import secrets

import pytest

from equisis.parties import service
from equisis.parties.models import Party
from equisis.store.audit import acting_as
from tests.parties.vies_standin import unreachable_url, vies_server
from tests.web.conftest import (add_user, admin, app, client, csrf_in, form_token, instance_path,  # noqa: F401
                                make_app, sign_in, slug, store, text_of, USER_PASSWORD)


@pytest.fixture
def books(store):
    def enter():
        import contextlib

        stack = contextlib.ExitStack()
        stack.enter_context(store.session())
        stack.enter_context(acting_as("test:setup"))
        return stack
    return enter


def url(slug, path=""):
    return f"/c/{slug}/parties/{path}"


def post_form(client, slug, path="new", **fields):
    data = {"_csrf": form_token(client, url(slug, path)), "_idem": secrets.token_urlsafe(18), "language": "fr",
            "country": "BE", **fields}
    return client.post(url(slug, path), data=data)


def parties_in(books):
    with books():
        return [(p.name, p.vat_number) for p in Party.select().order_by(Party.id)]


def test_create_with_addresses_and_contacts_then_see_it(admin, slug, books):
    response = post_form(admin, slug, name="Maison Dupont SRL", vat_number="BE 0403.170.701", is_customer="on",
                         iban="BE68 5390 0754 7034", email="compta@dupont.example", invoice_by_email="on",
                         credit_limit="5.000,00", payment_terms_days="45", categories="Wholesale, Horeca",
                         **{"addresses-1-kind": "invoicing", "addresses-1-street": "Rue de Fer 12",
                            "addresses-1-postcode": "5000", "addresses-1-city": "Namur", "addresses-1-country": "BE",
                            "addresses-2-kind": "delivery", "addresses-2-street": "", "addresses-2-postcode": "",
                            "addresses-2-city": "", "contacts-1-name": "Marie Dupont",
                            "contacts-1-function": "Accounting", "contacts-1-email": "marie@dupont.example"})
    assert response.status_code == 303, text_of(response)
    with books():
        party = Party.get()
        assert (party.vat_number, party.credit_limit_cents, party.payment_terms_days, party.peppol_id) == (
            "BE0403170701", 500_000, 45, "0208:0403170701")
        assert service.categories_of(party) == ["Horeca", "Wholesale"]
    page = text_of(admin.get(response.headers["Location"]))
    for expected in ("Maison Dupont SRL", "BE0403170701", "0208:0403170701", "Rue de Fer 12", "5000 Namur",
                     "Marie Dupont", "Horeca, Wholesale", "Not checked yet.", "Check now", "Attachments"):
        assert expected in page, expected
    listing = text_of(admin.get(url(slug)))
    assert "Maison Dupont SRL" in listing and "Customers & suppliers" in listing


def test_a_double_submit_creates_one_party(admin, slug, books):
    data = {"_csrf": form_token(admin, url(slug, "new")), "_idem": secrets.token_urlsafe(18), "name": "Jan Peeters",
            "language": "nl", "country": "BE"}
    first = admin.post(url(slug, "new"), data=data)
    second = admin.post(url(slug, "new"), data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert parties_in(books) == [("Jan Peeters", None)]


@pytest.mark.parametrize("fields, field, message", [
    ({"vat_number": "0403170701"}, "vat_number",
     "VAT number “0403170701”: it must start with the country code (BE, FR, NL…). Did you mean BE0403170701?"),
    ({"vat_number": "BE0403170702"}, "vat_number", "VAT number “BE0403170702”: the check digits do not match"),
    ({"enterprise_number": "0403.170.702"}, "enterprise_number",
     "Enterprise number “0403.170.702”: the check digits do not match (a typo?)."),
    ({"iban": "BE68 5390 0754 7035"}, "iban", "IBAN “BE68 5390 0754 7035”: the check digits do not match"),
    ({"vat_regime": "eu"}, "vat_regime", "The EU regime (intra-community, VAT reverse-charged) needs a valid VAT "
                                         "number of another EU member state."),
    ({"vat_regime": "cocontractor", "vat_number": "FR40303265045"}, "vat_regime",
     "The co-contractor regime (Belgian reverse charge) needs a Belgian VAT number."),
    ({"credit_limit": "lots"}, "credit_limit_cents", "Credit limit “lots”"),
    ({"payment_terms_days": "thirty"}, "payment_terms_days", "Payment terms “thirty”"),
    ({"peppol_id": "0208:0403170702"}, "peppol_id", "scheme 0208 needs a Belgian enterprise number"),
])
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(admin, slug, books, fields, field, message):
    response = post_form(admin, slug, name="Maison Dupont SRL", **fields)
    assert response.status_code == 422
    page = text_of(response)
    assert message in page
    assert f'id="{field}-error"' in page
    assert 'value="Maison Dupont SRL"' in page  # what was typed stays
    assert parties_in(books) == []


def test_text_problems_and_check_problems_come_together(admin, slug, books):
    response = post_form(admin, slug, name="", credit_limit="lots", vat_number="BE0403170702")
    page = text_of(response)
    assert response.status_code == 422
    assert "A party needs a name." in page and "Credit limit “lots”" in page and "BE0403170702" in page


def test_a_possible_duplicate_is_a_warning_the_user_can_override(admin, slug, books):
    with books():
        first = service.create_party("Maison Dupont SRL", vat_number="BE0403170701")
    response = post_form(admin, slug, name="MAISON DUPONT sprl",
                         **{"addresses-1-kind": "invoicing", "addresses-1-street": "Rue de Fer 12",
                            "addresses-1-postcode": "5000", "addresses-1-city": "Namur"})
    assert response.status_code == 409
    page = text_of(response)
    assert "This party may already exist:" in page and f"(#{first.id})" in page and "a very similar name" in page
    assert 'name="confirm_duplicate"' in page and 'value="Rue de Fer 12"' in page
    assert len(parties_in(books)) == 1
    response = post_form(admin, slug, name="MAISON DUPONT sprl", confirm_duplicate="1")
    assert response.status_code == 303
    assert len(parties_in(books)) == 2
    page = text_of(admin.get(response.headers["Location"]))
    assert "Possible duplicates:" in page


def test_edit(admin, slug, books):
    with books():
        party = service.create_party("Maison Dupont SRL", vat_number="BE0403170701", is_customer=True,
                                     addresses=[{"street": "Rue de Fer 12", "postcode": "5000", "city": "Namur"}])
    page = text_of(admin.get(url(slug, f"{party.id}/edit")))
    assert 'value="Rue de Fer 12"' in page and 'value="BE0403170701"' in page
    response = post_form(admin, slug, f"{party.id}/edit", name="Maison Dupont SRL", vat_number="BE0403170701",
                         is_customer="on", is_supplier="on", notes="Closed on Monday",
                         **{"addresses-1-kind": "invoicing", "addresses-1-street": "Rue de Bruxelles 1",
                            "addresses-1-postcode": "5000", "addresses-1-city": "Namur"})
    assert response.status_code == 303, text_of(response)
    with books():
        party = service.find_party(party.id)
        assert (party.is_supplier, party.notes, service.invoicing_address(party).street) == (
            True, "Closed on Monday", "Rue de Bruxelles 1")
    response = post_form(admin, slug, f"{party.id}/edit", name="Maison Dupont SRL", vat_number="BE0403170702")
    assert response.status_code == 422
    assert admin.get(url(slug, "999/edit")).status_code == 404


def test_list_filters_search_and_export(admin, slug, books):
    with books():
        service.create_party("Maison Dupont SRL", vat_number="BE0403170701", is_customer=True, categories=["Horeca"])
        service.create_party("Textiles Janssens BV", is_supplier=True, language="nl")
        service.create_party("Dupont SARL", vat_number="FR40303265045", country="FR", is_customer=True)
        horeca = service.all_categories()[0].id

    def names(**args):
        page = text_of(admin.get(url(slug), query_string=args))
        return [n for n in ("Maison Dupont SRL", "Textiles Janssens BV", "Dupont SARL") if n in page]

    assert names() == ["Maison Dupont SRL", "Textiles Janssens BV", "Dupont SARL"]
    assert names(customer="1") == ["Maison Dupont SRL", "Dupont SARL"]
    assert names(supplier="1") == ["Textiles Janssens BV"]
    assert names(customer="0") == ["Textiles Janssens BV"]
    assert names(vat_regime="eu") == ["Dupont SARL"]
    assert names(category=str(horeca)) == ["Maison Dupont SRL"]
    assert names(q="dupont") == ["Maison Dupont SRL", "Dupont SARL"]
    export = admin.get(url(slug), query_string={"export": "csv", "customer": "1"})
    text = export.get_data().decode("utf-8-sig")
    assert export.status_code == 200 and "Dupont SARL" in text and "Janssens" not in text
    assert admin.get(url(slug), query_string={"export": "xlsx"}).status_code == 200


def test_vies_check_now(app, admin, slug, books):
    with books():
        party = service.create_party("Maison Dupont SRL", vat_number="BE0403170701")
    with vies_server() as (base, seen):
        app.config["VIES_URL"] = base
        token = csrf_in(admin.get(url(slug, str(party.id))).get_data(as_text=True))
        response = admin.post(url(slug, f"{party.id}/vies"), data={"_csrf": token})
    assert response.status_code == 303 and len(seen) == 1
    page = text_of(admin.get(url(slug, str(party.id))))
    assert "VIES confirms this VAT number." in page and "SRL MAISON DUPONT" in page and "checked on" in page
    app.config.update(VIES_URL=unreachable_url(), VIES_TIMEOUT_SECONDS=2)
    response = admin.post(url(slug, f"{party.id}/vies"), data={"_csrf": token})
    page = text_of(admin.get(response.headers["Location"]))
    assert "VIES could not be reached" in page and "VIES unavailable" in page
    with books():
        assert service.find_party(party.id).vies_status == "unavailable"


def test_attachments_on_the_party(admin, slug, books):
    with books():
        party = service.create_party("Maison Dupont SRL")
    token = csrf_in(admin.get(url(slug, str(party.id))).get_data(as_text=True))
    response = admin.post(f"/c/{slug}/attachments/party/{party.id}",
                          data={"_csrf": token, "next": url(slug, str(party.id)),
                                "file": (io.BytesIO(b"%PDF-1.4 contract"), "contract.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 303
    assert "contract.pdf" in text_of(admin.get(url(slug, str(party.id))))


@pytest.mark.parametrize("role, read, write", [("accountant", 200, 200), ("sales", 200, 200),
                                               ("warehouse", 200, 403), ("cashier", 403, 403)])
def test_roles(app, store, slug, books, role, read, write):
    with books():
        party = service.create_party("Maison Dupont SRL")
    add_user(store, "someone", role)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(client, slug, "someone", USER_PASSWORD).status_code == 303
    assert client.get(url(slug)).status_code == read
    assert client.get(url(slug, str(party.id))).status_code == read
    assert client.get(url(slug, "new")).status_code == write
    assert client.get(url(slug, f"{party.id}/edit")).status_code == write
    menu = client.get(f"/c/{slug}/").get_data(as_text=True)
    assert ("Customers &amp; suppliers" in menu) is (role in ("accountant", "sales"))
    if read == 200:
        page = client.get(url(slug, str(party.id))).get_data(as_text=True)
        assert ("Check now" in page or "Edit" in page) is (write == 200)
