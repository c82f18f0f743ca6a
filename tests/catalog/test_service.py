"""Catalog use cases on a real company database: items, units, barcodes, fees, links, kits, lookups."""
from __future__ import annotations

from fractions import Fraction

import pytest

from equisis.catalog import service as catalog
from equisis.catalog.errors import (BarcodeCheckDigit, DuplicateBarcode, DuplicateItemCode, EcoFeeWithoutAmount,
                                    FeeItemNotEcoFee, ItemNotFound, KitCycle, PriceTooPrecise,
                                    UnitConversionMissing)
from equisis.catalog.models import Barcode
from equisis.core.errors import ValidationErrors
from equisis.store.models import AuditEvent


def problems_of(exc_info) -> list:
    exc = exc_info.value
    return exc.problems if isinstance(exc, ValidationErrors) else [exc]


def test_an_item_is_created_with_its_fields_and_audited(lamp):
    item = catalog.find_item("lamp")
    assert (item.code, item.nature, item.vat_rate_bp, item.sale_price_e4, item.purchase_price_e4) == \
        ("LAMP", "goods", 2100, 300000, 180000)
    assert (item.stock_unit_id, item.sale_unit_id, item.purchase_unit_id) == ("pce", "pce", "pce")
    assert item.active and item.income_account is None
    event = AuditEvent.select().where(AuditEvent.object_type == "item").order_by(AuditEvent.id.desc()).first()
    assert event.action == "create" and event.object_id == "LAMP"


def test_find_item_names_the_missing_code(books):
    with pytest.raises(ItemNotFound, match="NOPE"):
        catalog.find_item("NOPE")


def test_a_duplicate_code_is_refused(lamp):
    with pytest.raises(ValidationErrors) as caught:
        catalog.create_item("lamp", name_fr="Autre")
    assert isinstance(problems_of(caught)[0], DuplicateItemCode)


def test_label_falls_back_to_the_company_language_then_any(lamp, books):
    assert catalog.label(lamp, "nl") == "Bureaulamp"
    assert catalog.label(lamp, "de") == "Lampe de bureau"     # the company writes French
    only_en = catalog.create_item("CABLE", name_en="USB cable")
    assert catalog.label(only_en, "de") == "USB cable"


def test_margin_is_amount_and_share_of_the_sale_price(lamp):
    margin = catalog.margin_of(lamp)
    assert str(margin.amount) == "12.0000" and str(margin.percent) == "40.00"


def test_bad_input_price_with_more_than_four_decimals_is_refused(books):
    with pytest.raises(ValidationErrors) as caught:
        catalog.create_item("SCREW", name_fr="Vis", sale_price="0,12345")
    problem = problems_of(caught)[0]
    assert isinstance(problem, PriceTooPrecise) and problem.field == "sale_price"
    assert "0,12345" in problem.message() and "4 decimals" in problem.message() and "0.1235" in problem.message()
    with pytest.raises(ItemNotFound):
        catalog.find_item("SCREW")


def test_units_box_of_twelve_converts_to_pieces_and_back(books):
    item = catalog.create_item("GLASS", name_fr="Verre", stock_unit="pce", sale_unit="pce", purchase_unit="box",
                               conversions={"box": "12"}, sale_price="3,00", purchase_price="24,00")
    assert catalog.convert(item, 2000, "box", "pce") == 24000
    assert catalog.convert(item, 6000, "pce", "box") == 500
    assert catalog.conversions(item) == {"pce": Fraction(1), "box": Fraction(12)}
    margin = catalog.margin_of(item)          # 3.00 a glass, 24.00 / 12 = 2.00 cost
    assert str(margin.amount) == "1.0000" and str(margin.percent) == "33.33"


def test_bad_input_a_unit_without_conversion_names_the_item_and_units(books):
    with pytest.raises(ValidationErrors) as caught:
        catalog.create_item("PAINT", name_fr="Peinture", stock_unit="l", purchase_unit="box")
    problem = problems_of(caught)[0]
    assert isinstance(problem, UnitConversionMissing)
    assert problem.message() == "Item PAINT has no conversion between box and l."
    item = catalog.create_item("PAINT", name_fr="Peinture", stock_unit="l")
    with pytest.raises(UnitConversionMissing, match="Item PAINT has no conversion between kg and l"):
        catalog.convert(item, 1000, "kg", "l")


def test_barcodes_are_checked_unique_and_found(lamp):
    catalog.add_barcode("LAMP", "4006381333931")
    catalog.add_barcode("LAMP", "96385074")
    catalog.add_barcode("LAMP", "LAMP/BLUE-01")
    assert [(b.code, b.kind) for b in catalog.barcodes_of(lamp)] == [
        ("4006381333931", "ean13"), ("96385074", "ean8"), ("LAMP/BLUE-01", "code128")]
    assert catalog.find_by_barcode(" 4 006381 333931 ").code == "LAMP"
    assert catalog.find_by_barcode("0000000000000") is None


def test_bad_input_an_ean_with_a_wrong_check_digit_names_the_expected_digit(lamp):
    with pytest.raises(BarcodeCheckDigit) as caught:
        catalog.add_barcode("LAMP", "4006381333932")
    assert caught.value.message() == \
        "Barcode “4006381333932”: the check digit is 2, it should be 1 (a typo?)."
    assert not catalog.barcodes_of(lamp)


def test_bad_input_a_barcode_of_another_item_is_refused(lamp):
    catalog.add_barcode("LAMP", "4006381333931")
    other = catalog.create_item("DESK", name_fr="Bureau")
    with pytest.raises(DuplicateBarcode, match="already used by item LAMP"):
        catalog.add_barcode("DESK", "4006381333931")
    with pytest.raises(ValidationErrors):
        catalog.create_item("CHAIR", name_fr="Chaise", barcodes=["4006381333931"])
    assert not catalog.barcodes_of(other)


def test_generated_internal_ean13_starts_with_20_and_is_unique(lamp, books):
    first = catalog.generate_barcode("LAMP")
    assert first.code.startswith("20") and len(first.code) == 13 and first.generated
    assert catalog.generate_barcode("LAMP").code == first.code      # an item keeps its EAN-13
    catalog.create_item("DESK", name_fr="Bureau")
    catalog.create_item("CHAIR", name_fr="Chaise", barcodes=["4006381333931"])
    assert catalog.generate_missing_barcodes() == 1                 # DESK only
    codes = [b.code for b in Barcode.select()]
    assert len(codes) == len(set(codes)) == 3


def test_a_manually_taken_internal_code_is_skipped(lamp, books):
    from equisis.catalog import rules

    catalog.create_item("DESK", name_fr="Bureau", barcodes=[rules.internal_ean13(1)])
    assert catalog.generate_barcode("LAMP").code == rules.internal_ean13(2)


def test_fee_lines_scale_with_the_quantity(lamp, recupel):
    catalog.set_fees("LAMP", [("RECUPEL-S", "1")])
    lines = catalog.fee_lines(lamp, 3000)
    assert [(line.item.code, line.quantity_milli) for line in lines] == [("RECUPEL-S", 3000)]
    assert catalog.fee_lines(recupel, 1000) == []


def test_bad_input_an_eco_fee_item_without_its_fee_amount(books):
    with pytest.raises(ValidationErrors) as caught:
        catalog.create_item("BEBAT", name_fr="Cotisation Bebat", is_eco_fee=True)
    problem = problems_of(caught)[0]
    assert isinstance(problem, EcoFeeWithoutAmount) and problem.field == "sale_price"
    assert "BEBAT is an eco-fee" in problem.message()


def test_only_eco_fee_items_can_be_required_as_fees(lamp, recupel):
    catalog.create_item("DESK", name_fr="Bureau", sale_price="100")
    with pytest.raises(ValidationErrors) as caught:
        catalog.set_fees("LAMP", [("DESK", "1")])
    assert isinstance(problems_of(caught)[0], FeeItemNotEcoFee)
    catalog.set_fees("LAMP", [("RECUPEL-S", "1")])
    with pytest.raises(ValidationErrors):
        catalog.update_item("RECUPEL-S", is_eco_fee=False)
    with pytest.raises(ValidationErrors) as caught:
        catalog.update_item("RECUPEL-S", sale_price="0")
    assert isinstance(problems_of(caught)[0], EcoFeeWithoutAmount)


def test_kits_accessories_and_substitutes(lamp, books):
    catalog.create_item("BULB", name_fr="Ampoule", sale_price="4")
    catalog.create_item("LAMP-XL", name_fr="Grande lampe", sale_price="45")
    kit = catalog.create_item("KIT", name_fr="Kit bureau", sale_price="40")
    catalog.set_components("KIT", [("LAMP", "1"), ("BULB", "2")])
    assert [(c.code, q) for c, q in catalog.kit_components(kit)] == [("LAMP", 1000), ("BULB", 2000)]
    catalog.set_links("LAMP", "accessory", ["BULB"])
    catalog.set_links("LAMP", "substitute", ["LAMP-XL"])
    assert [link.other.code for link in catalog.links(lamp, "accessory")] == ["BULB"]
    assert [link.other.code for link in catalog.links(lamp, "substitute")] == ["LAMP-XL"]
    catalog.create_item("BIGKIT", name_fr="Grand kit")
    catalog.set_components("BIGKIT", [("KIT", "1")])
    with pytest.raises(ValidationErrors) as caught:
        catalog.set_components("KIT", [("BIGKIT", "1")])
    assert isinstance(problems_of(caught)[0], KitCycle)


def test_lookup_exact_code_then_barcode_then_names(lamp, books):
    catalog.create_item("LAMPSHADE", name_fr="Abat-jour")
    desk = catalog.create_item("DESK", name_fr="Bureau avec lampe")
    catalog.add_barcode("DESK", "4006381333931")
    assert [i.code for i in catalog.lookup("lamp")] == ["LAMP", "DESK", "LAMPSHADE"]
    assert [i.code for i in catalog.lookup("4006381333931")] == ["DESK"]
    catalog.update_item("DESK", active=False)
    assert [i.code for i in catalog.lookup("lampe")] == ["LAMP"]
    assert desk.id


def test_families_tree_and_cycle(books):
    catalog.save_family("LIGHT", name_fr="Éclairage")
    catalog.save_family("DESKL", parent="LIGHT", name_fr="Lampes de bureau")
    catalog.save_family("FURN", name_fr="Mobilier")
    assert [(f.code, depth) for f, depth in catalog.families_tree()] == [("FURN", 0), ("LIGHT", 0), ("DESKL", 1)]
    with pytest.raises(ValidationErrors):
        catalog.save_family("LIGHT", existing="LIGHT", parent="DESKL")


def test_axes_values_are_stored_per_item(books):
    catalog.set_axis(1, "Colour")
    catalog.set_axis(2, "Brand")
    item = catalog.create_item("MUG", name_fr="Tasse", axes={1: "blue", 2: "Villeroy"})
    assert {v.axis.number: v.value for v in item.axis_values} == {1: "blue", 2: "Villeroy"}
    with pytest.raises(ValidationErrors):
        catalog.update_item("MUG", axes={7: "x"})
