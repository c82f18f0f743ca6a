"""The variants section of the item page: make size × colour variants, see them listed, refusals shown."""
from __future__ import annotations

from equisis.catalog import service as catalog
from equisis.store.audit import acting_as
from tests.web.conftest import (admin, app, client, csrf_in, instance_path, make_app, slug, store,  # noqa: F401
                                text_of)


def test_variants_are_made_from_the_item_page(admin, slug, store):  # noqa: F811
    with store.session(), acting_as("test:setup"):
        catalog.set_axis(1, "Size")
        catalog.set_axis(2, "Colour")
        catalog.create_item("TSHIRT", name_en="T-shirt", sale_price="19,99")
    url = f"/c/{slug}/catalog/items/TSHIRT"
    page = text_of(admin.get(url))
    assert 'name="values_1"' in page and "Size" in page
    response = admin.post(f"{url}/variants", data={"_csrf": csrf_in(page), "values_1": "S, M", "values_2": "red"})
    assert response.status_code == 303
    page = text_of(admin.get(url))
    assert "TSHIRT-S-RED" in page and "TSHIRT-M-RED" in page
    assert "Variant of" in text_of(admin.get(f"/c/{slug}/catalog/items/TSHIRT-S-RED"))
    response = admin.post(f"{url}/variants", data={"_csrf": csrf_in(page), "values_1": "S, s", "values_2": "red"})
    assert response.status_code == 422 or response.status_code == 400
    assert "the value “s” is given twice" in text_of(response)
    response = admin.post(f"{url}/variants", data={"_csrf": csrf_in(page)})
    assert response.status_code == 400 and "one, two or three axes" in text_of(response)
