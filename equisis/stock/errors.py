"""Errors of the stock, each carrying the data its message needs (item codes, locations, quantities as text)."""
from __future__ import annotations

from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class WarehouseNotFound(EquisisError):
    template = N_("There is no warehouse {code}.")
    status = 404


class LocationNotFound(EquisisError):
    template = N_("There is no location {code}.")
    status = 404


class DuplicateWarehouse(EquisisError):
    template = N_("A warehouse with code {code} already exists.")


class DuplicateLocation(EquisisError):
    template = N_("A location with code {code} already exists.")


class InvalidCode(EquisisError):
    template = N_("“{value}” is not a valid code: letters, digits, - _ . / only, 1 to 40 characters.")


class InvalidQuantity(EquisisError):
    template = N_("“{value}” is not a quantity greater than zero.")


class QuantityNotExact(EquisisError):
    template = N_("{quantity} {unit} of item {item} is not a whole number of thousandths of {stock_unit}.")


class InvalidMoveKind(EquisisError):
    template = N_("“{value}” is not a kind of stock move.")


class LocationRequired(EquisisError):
    template = N_("A stock move “{kind}” needs a location to take from and/or to put into.")


class SameLocation(EquisisError):
    template = N_("A transfer needs two different locations ({code}).")


class NotStocked(EquisisError):
    template = N_("Item {item} is a service: it has no stock.")


class NegativeStock(EquisisError):
    """The "block" policy: a move would take more than a location holds."""

    template = N_("Not enough {item} in {location}: {available} available, {wanted} requested.")
    status = 409


class ReasonRequired(EquisisError):
    template = N_("Give the reason for this correction.")


class LotRequired(EquisisError):
    template = N_("Item {item} is tracked by lot: give the lot number.")


class ExpiryRequired(EquisisError):
    template = N_("Item {item} needs an expiry date for lot {lot}.")


class LotExpiryMismatch(EquisisError):
    template = N_("Lot {lot} of item {item} already expires on {expiry}, not on {given}.")


class LotNotTracked(EquisisError):
    template = N_("Item {item} is not tracked by lot or serial number.")


class LotNotFound(EquisisError):
    template = N_("Item {item} has no lot or serial number {lot}.")
    status = 404


class SerialRequired(EquisisError):
    template = N_("Item {item} is tracked by serial number: give one serial number per unit ({count} needed).")


class SerialCountMismatch(EquisisError):
    template = N_("Item {item}: {count} serial numbers given for a quantity of {quantity}.")


class SerialAlreadyInStock(EquisisError):
    template = N_("Serial number {serial} of item {item} is already in stock (in {location}).")
    status = 409


class SerialNotInStock(EquisisError):
    template = N_("Serial number {serial} of item {item} is not in {location}: it cannot leave it.")
    status = 409


class DuplicateSerial(EquisisError):
    template = N_("Serial number {serial} is given twice.")


class InvalidTracking(EquisisError):
    template = N_("“{value}” is not a way to track an item: none, lot or serial.")


class TrackingInUse(EquisisError):
    template = N_("Item {item} already has stock moves: its lot or serial tracking cannot change.")


class InvalidValuationMethod(EquisisError):
    template = N_("“{value}” is not a valuation method: fifo, lifo or average.")


class InvalidPolicy(EquisisError):
    template = N_("“{value}” is not a negative stock policy: allow, warn or block.")


class BackdatedMoveRefused(EquisisError):
    template = N_("Stock is closed until {closed_until}: a move dated {day} is refused.")
    status = 409


class InvalidCost(EquisisError):
    template = N_("“{value}” is not a cost: type it like 12,50.")


class NothingToRevalue(EquisisError):
    template = N_("Item {item} has no stock on {day} to revalue.")


class InventoryNotFound(EquisisError):
    template = N_("There is no inventory {code}.")
    status = 404


class InventoryAlreadyValidated(EquisisError):
    template = N_("Inventory {code} is already validated: its adjustments were made once.")
    status = 409


class InventoryClosed(EquisisError):
    template = N_("Inventory {code} is {state}: counts can no longer change.")
    status = 409


class InventoryEmpty(EquisisError):
    template = N_("Inventory {code} has nothing counted yet.")


class OpenInventoryExists(EquisisError):
    template = N_("Inventory {code} is still open on this warehouse; validate or cancel it first.")
    status = 409


class UnknownBarcode(EquisisError):
    template = N_("Row {row}: no item has the barcode or code “{code}”.")


class UnknownCountLocation(EquisisError):
    template = N_("Row {row}: there is no location “{code}” in this warehouse.")


class BadCountRow(EquisisError):
    template = N_("Row {row}: “{value}” is not a quantity.")


class CountFileUnreadable(EquisisError):
    template = N_("This file cannot be read as an Excel workbook (.xlsx).")


class CountFileEmpty(EquisisError):
    template = N_("The file has no count rows: give a code (or barcode) and a quantity column.")


class LocationOutsideInventory(EquisisError):
    template = N_("Location {code} is not part of inventory {inventory}.")


class NothingToPost(EquisisError):
    template = N_("The stock value did not change in {year}: there is no variation entry to post.")


class InvalidLimits(EquisisError):
    template = N_("Item {item}: the maximum must be at least the minimum.")


class NotAKit(EquisisError):
    template = N_("Item {item} is not a kit: it has no components to explode into.")


class KitExplosionElsewhere(EquisisError):
    template = N_("Kits are exploded from the kit's stock page (Explode kits), not with a manual move.")
