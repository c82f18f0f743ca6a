"""Variants by size, colour or dimension: generated items, their values, prices, EAN-13; bad input; the screen."""
from __future__ import annotations

import pytest

from equisis.catalog import rules, service as catalog, variants
from equisis.catalog.errors import (DuplicateVariantValue, InvalidAxis, TooManyVariants, VariantAxesCount,
                                    VariantCodeTaken, VariantOfVariant, VariantValuesRequired)
from equisis.catalog.models import Item
from equisis.core.errors import ValidationErrors


@pytest.fixture
def tshirt(books):
    catalog.set_axis(1, "Size")
    catalog.set_axis(2, "Colour")
    catalog.set_axis(3, "Brand")
    catalog.save_family("CLOTHES", name_fr="Vêtements")
    return catalog.create_item("TSHIRT", name_fr="T-shirt", name_nl="T-shirt", sale_price="19,99",
                               purchase_price="7,50", vat_rate=2100, family="CLOTHES", axes={3: "Ecowear"})


def problems_of(exc) -> list:
    return [type(p) for p in exc.value.problems]


def test_size_by_colour_makes_one_item_per_combination(tshirt):
    made = variants.generate("TSHIRT", {1: ["S", "M", "L"], 2: ["red", "blue"]})
    assert [i.code for i in made] == ["TSHIRT-S-RED", "TSHIRT-S-BLUE", "TSHIRT-M-RED", "TSHIRT-M-BLUE",
                                      "TSHIRT-L-RED", "TSHIRT-L-BLUE"]
    item = catalog.find_item("TSHIRT-M-BLUE")
    assert (item.name_fr, item.name_nl, item.name_en) == ("T-shirt M blue", "T-shirt M blue", "")
    assert (item.sale_price_e4, item.purchase_price_e4, item.vat_rate_bp, item.family.code) == (
        199_900, 75_000, 2100, "CLOTHES")
    assert {v.axis.number: v.value for v in item.axis_values} == {1: "M", 2: "blue", 3: "Ecowear"}
    barcode = catalog.primary_barcode(item)
    assert barcode.kind == "ean13" and barcode.code.startswith("20") and barcode.generated
    assert rules.check_barcode(barcode.code) == (barcode.code, "ean13")
    assert catalog.find_by_barcode(barcode.code).code == "TSHIRT-M-BLUE"
    assert variants.parent_of(item).code == "TSHIRT"
    assert [(a.name, a.values) for a in variants.variant_axes(tshirt)] == [
        ("Size", ("S", "M", "L")), ("Colour", ("red", "blue"))]


def test_generating_again_adds_only_the_missing_variants(tshirt):
    variants.generate("TSHIRT", {1: ["S", "M"], 2: ["red"]})
    made = variants.generate("TSHIRT", {1: ["S", "M", "XL"], 2: ["red"]})
    assert [i.code for i in made] == ["TSHIRT-XL-RED"]
    assert len(variants.variants_of(tshirt)) == 3


def test_three_axes_and_dimension_values(books):
    catalog.set_axis(1, "Width")
    catalog.set_axis(2, "Length")
    catalog.set_axis(4, "Finish")
    catalog.create_item("PLANK", name_fr="Planche")
    made = variants.generate("PLANK", {1: ["20 cm", "30 cm"], 2: ["1,5 m"], 4: ["raw", "oiled"]})
    assert [i.code for i in made][:2] == ["PLANK-20-CM-1-5-M-RAW", "PLANK-20-CM-1-5-M-OILED"]
    assert len(made) == 4


def test_bad_input_is_refused_and_makes_nothing(tshirt):
    with pytest.raises(VariantAxesCount):
        variants.generate("TSHIRT", {})
    with pytest.raises(VariantAxesCount):
        variants.generate("TSHIRT", {1: ["S"], 2: ["red"], 3: ["x"], 4: ["y"]})
    with pytest.raises(ValidationErrors) as caught:
        variants.generate("TSHIRT", {1: ["S", "s"], 2: [], 9: ["x"]})
    assert sorted(t.__name__ for t in problems_of(caught)) == sorted(
        ["DuplicateVariantValue", "VariantValuesRequired", "InvalidAxis"])
    assert {DuplicateVariantValue, VariantValuesRequired, InvalidAxis} == set(problems_of(caught))
    with pytest.raises(TooManyVariants):
        variants.generate("TSHIRT", {1: [str(n) for n in range(30)], 2: [str(n) for n in range(30)]})
    catalog.create_item("TSHIRT-S-RED", name_fr="Someone else's item")
    with pytest.raises(ValidationErrors) as caught:
        variants.generate("TSHIRT", {1: ["S", "M"], 2: ["red"]})
    assert problems_of(caught) == [VariantCodeTaken]
    assert Item.select().where(Item.code.startswith("TSHIRT-")).count() == 1      # nothing made
    catalog.create_item("POLO", name_fr="Polo")
    variants.generate("POLO", {1: ["S"], 2: ["red"]})
    with pytest.raises(VariantOfVariant):
        variants.generate("POLO-S-RED", {1: ["M"]})
    with pytest.raises(ValidationErrors):                                       # a code longer than 40
        variants.generate("TSHIRT", {1: ["extra-extra-extra-extra-large-size"], 2: ["red"]})


def test_variant_codes_are_pure_rules():
    assert rules.variant_code("jean", ["32/34", "Stone wash"]) == "JEAN-32-34-STONE-WASH"
    assert rules.variant_values("S,,M, L") == ["S", "M", "L"]
