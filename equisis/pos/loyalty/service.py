"""Loyalty cards: programme settings, cards, the points/stamps ledger, rewards.

A card's points and stamps are the sum of its moves (append-only). Every move is written inside
``write()`` (``BEGIN IMMEDIATE``; a savepoint when the POS core calls from its ticket transaction),
so the balance read before a redemption cannot change before the redemption is written: two tills
spending the same points cannot both succeed. Earning and redeeming take an idempotency key: the same
key again returns the first result and writes nothing. A ticket earns once per card whatever the key.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable, Sequence

from peewee import fn

from equisis.catalog import service as catalog
from equisis.catalog.errors import FamilyNotFound, ItemNotFound
from equisis.catalog.models import Item
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.parties import service as parties
from equisis.pos.loyalty import rules
from equisis.pos.loyalty.errors import (CardInactive, CardNotFound, DuplicateCardCode, InvalidCardCode,
                                        InvalidCount, InvalidKey, InvalidPointsRate, InvalidRewardKind, KeyReused,
                                        NotEnoughPoints, PartyHasCard, PartyNotFound, ProgrammeInactive,
                                        RewardCostRequired, RewardInactive, RewardItemRequired, RewardNameRequired,
                                        RewardNotFound, RewardValueRequired, StampRuleTarget)
from equisis.pos.loyalty.models import (LoyaltyCard, LoyaltyMove, LoyaltyProgramme, LoyaltyReward,
                                        LoyaltyStampRule)
from equisis.core.i18n import N_, gettext, lazy_gettext
from equisis.store import audit, idempotency
from equisis.store.database import write
from equisis.store.numbering import take_next_number

CARD_SERIES = ("LOYALTY-CARD", "ALL")       # numbering of generated card numbers (journal, "year")
CHECKS = {"check": N_("the EAN-13 check digit is wrong"),
          "range": N_("an EAN-13 card number starts with 20 to 29 (in-store numbers)"),
          "text": N_("use 4 to 48 printable characters without spaces or accents")}


# ----------------------------------------------------------------------------- value types

@dataclass(frozen=True)
class Balance:
    points: int
    stamps: int


@dataclass(frozen=True)
class Earned:
    card_id: int
    move_id: int | None        # None when the programme is switched off (nothing recorded)
    points: int                # earned by this ticket (negative for a refund ticket)
    stamps: int
    balance: Balance           # after this ticket
    created: bool              # False: the same key or ticket had already earned


@dataclass(frozen=True)
class Reward:
    id: int
    name: str
    kind: str                  # discount | voucher | free_item
    cost_points: int
    cost_stamps: int
    value_cents: int           # the discount or the voucher's value (0 for a free item)
    item_code: str | None      # the free item


@dataclass(frozen=True)
class Redemption:
    move_id: int
    card_id: int
    reward_id: int
    name: str
    kind: str                  # discount | voucher | free_item
    discount_cents: int        # kind "discount": take this off the ticket
    voucher_value_cents: int   # kind "voucher": the POS core issues a voucher of this value
    free_item_code: str | None  # kind "free_item": this item at price 0 on the ticket
    points_spent: int
    stamps_spent: int
    balance: Balance
    created: bool


# ----------------------------------------------------------------------------- catalog references

def find_item(code: str, *, field: str = "item") -> Item:
    """The catalog item, its absence reported on the form's ``field``."""
    try:
        return catalog.find_item(code)
    except ItemNotFound:
        raise ItemNotFound(code=code, field=field) from None


def find_family(code: str, *, field: str = "family"):
    try:
        return catalog.find_family(code)
    except FamilyNotFound:
        raise FamilyNotFound(code=code, field=field) from None


# ----------------------------------------------------------------------------- programme

def programme() -> LoyaltyProgramme:
    return LoyaltyProgramme.get_by_id(1)


def parse_points_rate(text) -> int:
    """'1' -> 1000, '0,1' -> 100 (thousandths of a point per euro)."""
    raw = str(text if text is not None else "").strip().replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidPointsRate(str(text), field="points_per_euro") from None
    milli = value * 1000
    if not value.is_finite() or value < 0 or milli != milli.to_integral_value() \
            or milli > rules.MAX_POINTS_PER_EURO_MILLI:
        raise InvalidPointsRate(str(text), field="points_per_euro")
    return int(milli)


def save_programme(*, active: bool, points_per_euro_milli: int) -> LoyaltyProgramme:
    if not isinstance(points_per_euro_milli, int) or not 0 <= points_per_euro_milli <= rules.MAX_POINTS_PER_EURO_MILLI:
        raise InvalidPointsRate(str(points_per_euro_milli), field="points_per_euro")
    with write():
        row = programme()
        before = row.snapshot()
        row.active, row.points_per_euro_milli, row.updated_at = bool(active), points_per_euro_milli, audit.now_iso()
        row.save()
        audit.record("setting", "pos_loyalty_programme", 1, before=before, after=row.snapshot())
    return row


def _count(value, field: str, *, minimum: int = 0) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or len(text) > 9 or int(text) < minimum:
        raise InvalidCount(text, field=field)
    return int(text)


def stamp_rules() -> list[LoyaltyStampRule]:
    return list(LoyaltyStampRule.select().order_by(LoyaltyStampRule.id))


def add_stamp_rule(*, item: str | None = None, family: str | None = None, stamps=1) -> LoyaltyStampRule:
    """``stamps`` stamps per unit sold of the item (code) or of the family (code, sub-families included)."""
    if bool((item or "").strip()) == bool((family or "").strip()):
        raise StampRuleTarget(field="item")
    count = _count(stamps, "stamps", minimum=1)
    item_row = find_item(item) if (item or "").strip() else None
    family_row = find_family(family) if (family or "").strip() else None
    with write():
        row = LoyaltyStampRule.create(item=item_row, family=family_row, stamps_count=count)
        audit.record("setting", "pos_loyalty_stamp_rule", row.id, after={
            "item": item_row.code if item_row else None, "family": family_row.code if family_row else None,
            "stamps_count": count})
    return row


def remove_stamp_rule(rule_id: int) -> None:
    with write():
        row = LoyaltyStampRule.get_or_none(LoyaltyStampRule.id == rule_id)
        if row is not None:
            row.delete_instance()
            audit.record("delete", "pos_loyalty_stamp_rule", rule_id)


# ----------------------------------------------------------------------------- rewards

def _reward_values(name, kind, cost_points, cost_stamps, value_cents, item) -> dict:
    problems: list[EquisisError] = []

    def attempt(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EquisisError as exc:
            problems.append(exc)
            return None

    name = (name or "").strip()[:120]
    if not name:
        problems.append(RewardNameRequired(field="name"))
    if kind not in rules.REWARD_KINDS:
        problems.append(InvalidRewardKind(str(kind), field="kind"))
    points = attempt(_count, cost_points or 0, "cost_points") or 0
    stamps = attempt(_count, cost_stamps or 0, "cost_stamps") or 0
    value = attempt(_count, value_cents or 0, "value") or 0
    item_row = attempt(find_item, item) if (item or "").strip() else None
    if kind in ("discount", "voucher"):
        if points <= 0:
            problems.append(RewardCostRequired(field="cost_points"))
        if value <= 0:
            problems.append(RewardValueRequired(field="value"))
        stamps, item_row = 0, None
    elif kind == "free_item":
        if stamps <= 0:
            problems.append(RewardCostRequired(field="cost_stamps"))
        if item_row is None and not (item or "").strip():
            problems.append(RewardItemRequired(field="item"))
        points, value = 0, 0
    if problems:
        raise ValidationErrors(problems)
    return dict(name=name, kind=kind, cost_points_count=points, cost_stamps_count=stamps, value_cents=value,
                item=item_row)


def add_reward(name: str, kind: str, *, cost_points: int = 0, cost_stamps: int = 0, value_cents: int = 0,
               item: str | None = None) -> LoyaltyReward:
    """discount/voucher: ``cost_points`` -> ``value_cents``; free_item: ``cost_stamps`` -> ``item`` (code)."""
    values = _reward_values(name, kind, cost_points, cost_stamps, value_cents, item)
    with write():
        row = LoyaltyReward.create(**values)
        audit.record("create", "pos_loyalty_reward", row.id, after=row.snapshot())
    return row


def set_reward_active(reward_id: int, active: bool) -> LoyaltyReward:
    with write():
        row = find_reward(reward_id)
        before = row.snapshot()
        row.active = bool(active)
        row.save()
        audit.record("update", "pos_loyalty_reward", row.id, before=before, after=row.snapshot())
    return row


def find_reward(reward_id: int) -> LoyaltyReward:
    row = LoyaltyReward.get_or_none(LoyaltyReward.id == reward_id)
    if row is None:
        raise RewardNotFound(reward_id=reward_id)
    return row


def rewards(*, active_only: bool = False) -> list[LoyaltyReward]:
    query = LoyaltyReward.select().order_by(LoyaltyReward.kind, LoyaltyReward.name, LoyaltyReward.id)
    if active_only:
        query = query.where(LoyaltyReward.active == True)  # noqa: E712 - peewee expression
    return list(query)


def _reward_value(row: LoyaltyReward) -> Reward:
    return Reward(row.id, row.name, row.kind, row.cost_points_count, row.cost_stamps_count, row.value_cents,
                  row.item.code if row.item_id else None)


# ----------------------------------------------------------------------------- cards

def _check_code(text: str) -> tuple[str, str]:
    try:
        return rules.check_card_code(text)
    except rules.CardCodeError as exc:
        raise InvalidCardCode(text, check=lazy_gettext(CHECKS[exc.reason]), field="code") from None


def find_card(code: str) -> LoyaltyCard | None:
    """The card with this barcode (typed or scanned), or None; blocked cards too (check ``active``)."""
    try:
        normal, _kind = rules.check_card_code(code)
    except rules.CardCodeError:
        return None
    return LoyaltyCard.get_or_none(LoyaltyCard.code == normal)


def get_card(card_id: int) -> LoyaltyCard:
    row = LoyaltyCard.get_or_none(LoyaltyCard.id == card_id)
    if row is None:
        raise CardNotFound(code=str(card_id))
    return row


def card_of_party(party_id: int) -> LoyaltyCard | None:
    """The customer's active card, or None."""
    return (LoyaltyCard.select().where((LoyaltyCard.party_id == int(party_id)) & (LoyaltyCard.active == True))  # noqa: E712
            .order_by(LoyaltyCard.id.desc()).first())


def _next_card_code() -> str:
    while True:
        code = rules.card_ean13(take_next_number(*CARD_SERIES))
        if LoyaltyCard.get_or_none(LoyaltyCard.code == code) is None and catalog.find_by_barcode(code) is None:
            return code


def create_card(party_id: int, *, code: str | None = None) -> LoyaltyCard:
    """A card for the customer: the number given (EAN-13 20–29 or Code 128) or a new '299…' EAN-13.

    A customer holds one active card at a time (block the old one before issuing a replacement).
    """
    given = _check_code(code) if (code or "").strip() else None
    if not isinstance(party_id, int) or isinstance(party_id, bool) or party_id not in parties.existing_ids([party_id]):
        raise PartyNotFound(party_id=party_id, field="party_id")
    with write():
        current = card_of_party(party_id)
        if current is not None:
            raise PartyHasCard(party_id=party_id, code=current.code, field="party_id")
        if given is not None:
            if LoyaltyCard.get_or_none(LoyaltyCard.code == given[0]) or catalog.find_by_barcode(given[0]):
                raise DuplicateCardCode(given[0], field="code")
            number, kind = given
        else:
            number, kind = _next_card_code(), "ean13"
        row = LoyaltyCard.create(code=number, kind=kind, party_id=party_id, active=True, created_at=audit.now_iso())
        audit.record("create", "pos_loyalty_card", row.id, after=row.snapshot())
    return row


def set_card_active(card_id: int, active: bool) -> LoyaltyCard:
    """Block a card (lost, stolen) or unblock it; unblocking refuses when the customer has another card."""
    with write():
        row = get_card(card_id)
        before = row.snapshot()
        if active and not row.active:
            current = card_of_party(row.party_id)
            if current is not None:
                raise PartyHasCard(party_id=row.party_id, code=current.code, field="party_id")
        row.active = bool(active)
        row.save()
        audit.record("update", "pos_loyalty_card", row.id, before=before, after=row.snapshot())
    return row


def balance(card_id: int) -> Balance:
    points, stamps = (LoyaltyMove.select(fn.COALESCE(fn.SUM(LoyaltyMove.points_count), 0),
                                         fn.COALESCE(fn.SUM(LoyaltyMove.stamps_count), 0))
                      .where(LoyaltyMove.card == card_id).tuples().get())
    return Balance(int(points), int(stamps))


def history(card_id: int) -> list[LoyaltyMove]:
    """The card's moves, newest first."""
    return list(LoyaltyMove.select().where(LoyaltyMove.card == card_id).order_by(LoyaltyMove.id.desc()))


# ----------------------------------------------------------------------------- earn, redeem, reverse

def _check_key(key: str) -> None:
    if not idempotency.is_valid_key(key):
        raise InvalidKey(field="key")


def _active_card(card_id: int) -> LoyaltyCard:
    card = get_card(card_id)
    if not card.active:
        raise CardInactive(code=card.code)
    return card


def _sold_units(item_codes: Iterable) -> list[rules.SoldUnit]:
    """'LAMP' counts one unit; ('COFFEE', 2500) counts the whole units of 2.5 (weighed items: 2)."""
    units: dict[str, int] = {}
    for entry in item_codes:
        if isinstance(entry, str):
            code, count = entry, 1
        else:
            code, quantity_milli = entry
            count = int(quantity_milli) // 1000 if int(quantity_milli) >= 0 else -(-int(quantity_milli) // 1000)
        code = (code or "").strip().upper()
        if code:
            units[code] = units.get(code, 0) + count
    if not units:
        return []
    items = {i.code: i for i in Item.select(Item.id, Item.code, Item.family).where(Item.code.in_(list(units)))}
    return [rules.SoldUnit(code, abs(count), tuple(catalog.family_ancestors(items[code].family_id)))
            for code, count in sorted(units.items()) if code in items and count]


def _stamp_views() -> list[rules.StampRuleView]:
    return [rules.StampRuleView(r.id, r.item.code if r.item_id else None, r.family_id, r.stamps_count)
            for r in LoyaltyStampRule.select().order_by(LoyaltyStampRule.id)]


def _earned(move: LoyaltyMove, *, created: bool) -> Earned:
    return Earned(move.card_id, move.id, move.points_count, move.stamps_count, balance(move.card_id), created)


def earn(card_id: int, *, ticket_id: int, amount_cents: int, item_codes: Sequence = (), key: str) -> Earned:
    """Points (rounded down per ticket) and stamps for a ticket; a refund ticket (negative amount) takes
    points and its items' stamps back. ``item_codes``: one code per unit sold, or (code, quantity_milli)."""
    _check_key(key)
    with write():
        seen = LoyaltyMove.get_or_none(LoyaltyMove.key == key)
        if seen is not None:
            if seen.kind != "earn" or seen.card_id != card_id or seen.ticket_id != ticket_id:
                raise KeyReused(field="key")
            return _earned(seen, created=False)
        done = LoyaltyMove.get_or_none((LoyaltyMove.card == card_id) & (LoyaltyMove.ticket_id == ticket_id)
                                       & (LoyaltyMove.kind == "earn"))
        if done is not None:
            return _earned(done, created=False)
        card = _active_card(card_id)
        settings = programme()
        if not settings.active:
            return Earned(card.id, None, 0, 0, balance(card.id), False)
        points = rules.points_for(int(amount_cents), settings.points_per_euro_milli)
        stamps = rules.stamps_for(_sold_units(item_codes), _stamp_views())
        if amount_cents < 0:
            stamps = -stamps
        move = LoyaltyMove.create(card=card, kind="earn", points_count=points, stamps_count=stamps,
                                  ticket_id=ticket_id, amount_cents=int(amount_cents), key=key, at=audit.now_iso(),
                                  actor=audit.current_actor())
        return _earned(move, created=True)


def rewards_available(card_id: int) -> list[Reward]:
    """The active rewards the card can afford now (none when the programme is off or the card blocked)."""
    card = get_card(card_id)
    if not card.active or not programme().active:
        return []
    held = balance(card.id)
    return [_reward_value(r) for r in rewards(active_only=True)
            if rules.affordable(rules.RewardView(r.id, r.kind, r.cost_points_count, r.cost_stamps_count),
                                held.points, held.stamps)]


def _redemption(move: LoyaltyMove, *, created: bool) -> Redemption:
    value = move.value_cents or 0
    return Redemption(move.id, move.card_id, move.reward_id, move.reward.name, move.reward_kind,
                      value if move.reward_kind == "discount" else 0,
                      value if move.reward_kind == "voucher" else 0, move.free_item_code,
                      -move.points_count, -move.stamps_count, balance(move.card_id), created)


def redeem(card_id: int, reward_id: int, *, ticket_id: int | None, key: str) -> Redemption:
    """Spend the reward's points or stamps; the same key again returns the first redemption."""
    _check_key(key)
    with write():
        seen = LoyaltyMove.get_or_none(LoyaltyMove.key == key)
        if seen is not None:
            if seen.kind != "redeem" or seen.card_id != card_id or seen.reward_id != reward_id:
                raise KeyReused(field="key")
            return _redemption(seen, created=False)
        card = _active_card(card_id)
        if not programme().active:
            raise ProgrammeInactive()
        reward = find_reward(reward_id)
        if not reward.active:
            raise RewardInactive(name=reward.name)
        held = balance(card.id)
        view = rules.RewardView(reward.id, reward.kind, reward.cost_points_count, reward.cost_stamps_count)
        if not rules.affordable(view, held.points, held.stamps):
            raise NotEnoughPoints(code=card.code, points=held.points, stamps=held.stamps, name=reward.name,
                                  cost_points=reward.cost_points_count, cost_stamps=reward.cost_stamps_count)
        move = LoyaltyMove.create(card=card, kind="redeem", points_count=-reward.cost_points_count,
                                  stamps_count=-reward.cost_stamps_count, ticket_id=ticket_id, reward=reward,
                                  reward_kind=reward.kind, value_cents=reward.value_cents,
                                  free_item_code=reward.item.code if reward.item_id else None, key=key,
                                  at=audit.now_iso(), actor=audit.current_actor())
        return _redemption(move, created=True)


def reverse(ticket_id: int) -> None:
    """A refunded ticket gives back what it changed: its points and stamps earned are taken back and the
    rewards it redeemed are credited again. Twice is once (each move is reversed at most once). The
    balance may go below zero when the points were spent meanwhile."""
    with write():
        reversed_ids = LoyaltyMove.select(LoyaltyMove.reverses).where(LoyaltyMove.reverses.is_null(False))
        moves = (LoyaltyMove.select()
                 .where((LoyaltyMove.ticket_id == ticket_id) & (LoyaltyMove.kind.in_(("earn", "redeem")))
                        & (LoyaltyMove.id.not_in(reversed_ids)))
                 .order_by(LoyaltyMove.id))
        for move in list(moves):
            if move.points_count == 0 and move.stamps_count == 0:
                continue
            LoyaltyMove.create(card=move.card_id, kind="reverse", points_count=-move.points_count,
                               stamps_count=-move.stamps_count, ticket_id=ticket_id, reverses=move,
                               at=audit.now_iso(), actor=audit.current_actor())


# ----------------------------------------------------------------------------- for the till and the receipt

def summary(card: LoyaltyCard) -> dict:
    """What ``GET /pos/cards/<code>`` answers: the card, its balance and the rewards it can take now."""
    held = balance(card.id)
    return {"id": card.id, "code": card.code, "party_id": card.party_id, "active": bool(card.active),
            "points": held.points, "stamps": held.stamps,
            "rewards": [{"id": r.id, "name": r.name, "kind": r.kind, "cost_points": r.cost_points,
                         "cost_stamps": r.cost_stamps, "value_cents": r.value_cents, "item_code": r.item_code}
                        for r in rewards_available(card.id)]}


def footer_line(card_id: int) -> str:
    """The receipt's loyalty line, in the current language (wrap the call in ``i18n.language(...)``)."""
    card = get_card(card_id)
    held = balance(card.id)
    return gettext(N_("Loyalty card {code}: {points} points, {stamps} stamps"), code=card.code,
                   points=held.points, stamps=held.stamps)
