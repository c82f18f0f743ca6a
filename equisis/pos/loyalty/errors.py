"""Errors of loyalty cards and sales periods, each naming what is wrong and where."""
from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class CardNotFound(EquisisError):
    template = N_("There is no loyalty card “{code}”.")
    status = 404


class CardInactive(EquisisError):
    template = N_("Loyalty card {code} is blocked.")
    status = 409


class InvalidCardCode(EquisisError):
    template = N_("“{value}” cannot be a loyalty card number: {check}.")


class DuplicateCardCode(EquisisError):
    template = N_("The number “{value}” is already used by another loyalty card or by an item.")


class PartyNotFound(EquisisError):
    template = N_("There is no customer number {party_id}.")
    status = 404


class PartyHasCard(EquisisError):
    template = N_("Customer {party_id} already has the loyalty card {code}.")
    status = 409


class RewardNotFound(EquisisError):
    template = N_("Reward {reward_id} does not exist.")
    status = 404


class RewardInactive(EquisisError):
    template = N_("The reward “{name}” is no longer offered.")
    status = 409


class NotEnoughPoints(EquisisError):
    template = N_("Card {code} holds {points} points and {stamps} stamps; “{name}” needs {cost_points} points "
                  "and {cost_stamps} stamps.")
    status = 409


class ProgrammeInactive(EquisisError):
    template = N_("The loyalty programme is switched off.")
    status = 409


class InvalidRewardKind(EquisisError):
    template = N_("“{value}” is not a kind of reward (discount, voucher or free item).")


class RewardNameRequired(EquisisError):
    template = N_("A reward needs a name.")


class RewardCostRequired(EquisisError):
    template = N_("A discount or a voucher costs points; a free item costs stamps (more than zero).")


class RewardValueRequired(EquisisError):
    template = N_("A discount or a voucher needs a value above zero.")


class RewardItemRequired(EquisisError):
    template = N_("A free-item reward needs the item it gives.")


class InvalidCount(EquisisError):
    template = N_("“{value}” is not a whole number of zero or more.")


class InvalidPointsRate(EquisisError):
    template = N_("“{value}” is not a number of points per euro (for example 1 or 0,1).")


class StampRuleTarget(EquisisError):
    template = N_("A rule applies to an item or to a family: give exactly one of them.")


class InvalidKey(EquisisError):
    template = N_("This request needs an idempotency key of 16 to 80 letters, digits or - _ . : characters.")


class KeyReused(EquisisError):
    template = N_("This idempotency key was already used for another loyalty operation.")
    status = 409


class PeriodNotFound(EquisisError):
    template = N_("Sales period {period_id} does not exist.")
    status = 404


class PeriodNameRequired(EquisisError):
    template = N_("A sales period needs a name.")


class PeriodDates(EquisisError):
    template = N_("The sales period ends ({end}) before it starts ({start}).")


class PeriodRuleIncomplete(EquisisError):
    template = N_("A sales rule needs either a discount % (above 0, at most 100) or a sale price.")


class PeriodRuleNotFound(EquisisError):
    template = N_("Rule {rule_id} is not a rule of this sales period.")
    status = 404
