"""Errors of the catalog, each naming what is wrong and where."""
from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class ItemNotFound(EquisisError):
    template = N_("There is no item with code “{code}”.")
    status = 404


class FamilyNotFound(EquisisError):
    template = N_("There is no family with code “{code}”.")
    status = 404


class PriceListNotFound(EquisisError):
    template = N_("Price list {price_list_id} does not exist.")
    status = 404


class UnknownUnit(EquisisError):
    template = N_("“{value}” is not a unit of the catalog.")


class ItemCodeRequired(EquisisError):
    template = N_("An item needs a code.")


class InvalidItemCode(EquisisError):
    template = N_("Item code “{value}”: use letters, digits and - _ . only (at most 40 characters).")


class DuplicateItemCode(EquisisError):
    template = N_("The code “{value}” is already used by another item.")


class DuplicateFamilyCode(EquisisError):
    template = N_("The code “{value}” is already used by another family.")


class ItemLabelRequired(EquisisError):
    template = N_("An item needs a label in at least one language.")


class InvalidNature(EquisisError):
    template = N_("“{value}” is not a nature of item (goods or services).")


class InvalidVatRate(EquisisError):
    template = N_("{value} is not a Belgian VAT rate (21, 12, 6 or 0 %).")


class InvalidPrice(EquisisError):
    template = N_("“{value}” is not a price; type it like 12,50.")


class NegativePrice(EquisisError):
    template = N_("The price “{value}” is negative.")


class PriceTooPrecise(EquisisError):
    template = N_("The price “{value}” has more than {decimals} decimals; round it to {rounded}.")


class InvalidQuantity(EquisisError):
    template = N_("“{value}” is not a quantity greater than zero.")


class InvalidDiscount(EquisisError):
    template = N_("The discount “{value}” must lie between 0 and 100 %.")


class InvalidBarcode(EquisisError):
    template = N_("Barcode “{value}”: {check}.")


class BarcodeCheckDigit(EquisisError):
    template = N_("Barcode “{value}”: the check digit is {given}, it should be {expected} (a typo?).")


class DuplicateBarcode(EquisisError):
    template = N_("The barcode “{value}” is already used by item {item}.")


class UnitConversionMissing(EquisisError):
    template = N_("Item {item} has no conversion between {from_unit} and {to_unit}.")


class InvalidConversion(EquisisError):
    template = N_("Item {item}: the conversion factor of {unit} must be a number greater than zero.")


class EcoFeeWithoutAmount(EquisisError):
    template = N_("Item {item} is an eco-fee: it needs its fee amount (a sale price above zero).")


class FeeItemNotEcoFee(EquisisError):
    template = N_("Item {fee} is not flagged as an eco-fee and cannot be required as one by {item}.")


class SelfReference(EquisisError):
    template = N_("Item {item} cannot refer to itself.")


class KitCycle(EquisisError):
    template = N_("Item {component} already contains kit {item}: a kit cannot contain itself.")


class FamilyCycle(EquisisError):
    template = N_("Family {family} cannot be placed under its own sub-family {parent}.")


class InvalidAxis(EquisisError):
    template = N_("Classification axis {value} does not exist (axes are numbered 1 to 10).")


class InvalidValidity(EquisisError):
    template = N_("The price list ends ({valid_to}) before it starts ({valid_from}).")


class PriceRuleIncomplete(EquisisError):
    template = N_("A price rule needs either a net price or a discount.")


class InvalidLanguage(EquisisError):
    template = N_("“{value}” is not a language of the catalog (fr, nl, de or en).")


class InvalidAccountCode(EquisisError):
    template = N_("“{value}” is not an account code of the chart (digits only, at most 10).")


class PriceListNameRequired(EquisisError):
    template = N_("A price list needs a name.")


class InvalidPartyReference(EquisisError):
    template = N_("“{value}” is not a customer number.")


class InvalidJsonBody(EquisisError):
    template = N_("The request body must be a JSON object.")


class VariantAxesCount(EquisisError):
    template = N_("Variants vary along one, two or three axes (given: {count}).")


class VariantValuesRequired(EquisisError):
    template = N_("Axis {axis}: give at least one value (separated by commas).")


class DuplicateVariantValue(EquisisError):
    template = N_("Axis {axis}: the value “{value}” is given twice.")


class TooManyVariants(EquisisError):
    template = N_("{count} variants is too many at once (at most {limit}).")


class VariantOfVariant(EquisisError):
    template = N_("Item {item} is itself a variant of {parent}: make the variants from {parent}.")


class VariantCodeTaken(EquisisError):
    template = N_("The code {code} of a variant is already used by an item that is not a variant of {parent}.")
