"""Loyalty cards, the points/stamps ledger and rewards, on a real company database."""
from __future__ import annotations

import threading
import uuid

import pytest

from equisis.catalog import service as catalog
from equisis.core.errors import ValidationErrors
from equisis.parties import service as parties
from equisis.pos import loyalty
from equisis.pos.loyalty import service
from equisis.pos.loyalty.errors import (CardInactive, CardNotFound, DuplicateCardCode, InvalidCardCode, InvalidKey,
                                        KeyReused, NotEnoughPoints, PartyHasCard, PartyNotFound, ProgrammeInactive,
                                        RewardInactive, RewardNotFound, StampRuleTarget)
from equisis.pos.loyalty.models import LoyaltyMove
from equisis.store.audit import acting_as
from equisis.store.database import write
from equisis.store.errors import PostedRowImmutable


def key() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def shop(company):
    with acting_as("test:loyalty"):
        drinks = catalog.save_family("DRINKS", name_en="Drinks")
        catalog.save_family("COFFEE", parent="DRINKS", name_en="Coffee")
        catalog.create_item("LATTE", name_en="Latte", sale_price="3,00", family="COFFEE")
        catalog.create_item("TEA", name_en="Tea", sale_price="2,00", family="DRINKS")
        catalog.create_item("CAKE", name_en="Cake", sale_price="4,00", barcodes=["4006381333931", "CAKE0001"])
        assert drinks.id
        yield company


@pytest.fixture
def dupont(shop):
    return parties.create_party("Dupont Marie", is_customer=True).id


@pytest.fixture
def card(dupont):
    return loyalty.create_card(dupont)


@pytest.fixture
def voucher(shop):
    return service.add_reward("5 € voucher", "voucher", cost_points=100, value_cents=500)


def test_a_card_gets_an_in_store_ean13_and_is_found_by_its_code_and_customer(card, dupont):
    assert card.kind == "ean13" and card.code.startswith("299") and len(card.code) == 13
    assert loyalty.find_card(f" {card.code} ").id == card.id
    assert loyalty.card_of_party(dupont).id == card.id
    second = loyalty.create_card(parties.create_party("Martin", is_customer=True).id, code="CLUB-0002")
    assert (second.kind, loyalty.find_card("CLUB-0002").id) == ("code128", second.id)
    assert second.code != card.code


def test_unknown_cards_and_bad_card_input(card, dupont, shop):
    assert loyalty.find_card("2990000009999") is None and loyalty.find_card("nonsense!") is None
    assert loyalty.find_card("") is None and loyalty.card_of_party(999) is None
    with pytest.raises(CardNotFound):
        loyalty.earn(9999, ticket_id=1, amount_cents=100, key=key())
    with pytest.raises(PartyNotFound):
        loyalty.create_card(4242)
    with pytest.raises(PartyHasCard):
        loyalty.create_card(dupont)
    other = parties.create_party("Other", is_customer=True).id
    with pytest.raises(DuplicateCardCode):
        loyalty.create_card(other, code=card.code)
    with pytest.raises(DuplicateCardCode):            # an item's barcode cannot become a card
        loyalty.create_card(other, code="CAKE0001")
    with pytest.raises(InvalidCardCode) as caught:
        loyalty.create_card(other, code="5410000000002")
    assert "20 to 29" in caught.value.message()
    with pytest.raises(InvalidCardCode):
        loyalty.create_card(other, code="2990000000018")


def test_a_blocked_card_neither_earns_nor_redeems_and_a_replacement_can_be_issued(card, dupont, voucher):
    service.set_card_active(card.id, False)
    with pytest.raises(CardInactive):
        loyalty.earn(card.id, ticket_id=1, amount_cents=1000, key=key())
    with pytest.raises(CardInactive):
        loyalty.redeem(card.id, voucher.id, ticket_id=1, key=key())
    assert loyalty.card_of_party(dupont) is None and loyalty.rewards_available(card.id) == []
    new = loyalty.create_card(dupont)
    assert loyalty.card_of_party(dupont).id == new.id
    with pytest.raises(PartyHasCard):
        service.set_card_active(card.id, True)


def test_points_per_euro_rounded_down_per_ticket_and_balance_is_the_sum(card):
    first = loyalty.earn(card.id, ticket_id=1, amount_cents=1999, key=key())
    assert (first.points, first.balance.points, first.created) == (19, 19, True)
    service.save_programme(active=True, points_per_euro_milli=service.parse_points_rate("0,1"))
    second = loyalty.earn(card.id, ticket_id=2, amount_cents=4999, key=key())
    assert (second.points, second.balance) == (4, service.Balance(23, 0))
    assert loyalty.balance(card.id) == service.Balance(23, 0)
    assert [m.kind for m in loyalty.history(card.id)] == ["earn", "earn"]


def test_earning_twice_with_the_same_key_or_for_the_same_ticket_counts_once(card):
    k = key()
    first = loyalty.earn(card.id, ticket_id=7, amount_cents=2000, key=k)
    again = loyalty.earn(card.id, ticket_id=7, amount_cents=2000, key=k)
    other_key = loyalty.earn(card.id, ticket_id=7, amount_cents=2000, key=key())
    assert first.created and not again.created and not other_key.created
    assert again.move_id == other_key.move_id == first.move_id
    assert loyalty.balance(card.id).points == 20 and LoyaltyMove.select().count() == 1
    with pytest.raises(KeyReused):
        loyalty.earn(card.id, ticket_id=8, amount_cents=2000, key=k)


def test_stamps_per_item_or_family_through_the_family_tree(card):
    service.add_stamp_rule(family="DRINKS", stamps=1)
    service.add_stamp_rule(item="LATTE", stamps=2)
    earned = loyalty.earn(card.id, ticket_id=1, amount_cents=1500,
                          item_codes=["LATTE", "TEA", "TEA", ("LATTE", 2000), "CAKE", "UNKNOWN"], key=key())
    assert earned.stamps == 3 * 2 + 2 * 1
    with pytest.raises(StampRuleTarget):
        service.add_stamp_rule(item="LATTE", family="DRINKS")


def test_redeeming_more_points_than_the_balance_is_refused_and_writes_nothing(card, voucher):
    loyalty.earn(card.id, ticket_id=1, amount_cents=9950, key=key())
    assert loyalty.rewards_available(card.id) == []
    with pytest.raises(NotEnoughPoints) as caught:
        loyalty.redeem(card.id, voucher.id, ticket_id=2, key=key())
    assert "99 points" in caught.value.message() and caught.value.status == 409
    assert LoyaltyMove.select().where(LoyaltyMove.kind == "redeem").count() == 0
    assert loyalty.balance(card.id).points == 99


def test_a_reward_redeemed_twice_with_the_same_key_is_redeemed_once(card, voucher):
    loyalty.earn(card.id, ticket_id=1, amount_cents=25000, key=key())
    assert [r.id for r in loyalty.rewards_available(card.id)] == [voucher.id]
    info = loyalty.summary(card)
    assert (info["code"], info["points"], [r["value_cents"] for r in info["rewards"]]) == (card.code, 250, [500])
    assert loyalty.footer_line(card.id) == f"Loyalty card {card.code}: 250 points, 0 stamps"
    k = key()
    first = loyalty.redeem(card.id, voucher.id, ticket_id=2, key=k)
    again = loyalty.redeem(card.id, voucher.id, ticket_id=2, key=k)
    assert first.created and not again.created and first.move_id == again.move_id
    assert (first.kind, first.voucher_value_cents, first.discount_cents, first.points_spent) == ("voucher", 500, 0, 100)
    assert loyalty.balance(card.id).points == 150
    other = service.add_reward("2 € off", "discount", cost_points=50, value_cents=200)
    with pytest.raises(KeyReused):
        loyalty.redeem(card.id, other.id, ticket_id=2, key=k)
    discount = loyalty.redeem(card.id, other.id, ticket_id=2, key=key())
    assert (discount.discount_cents, discount.balance.points) == (200, 100)


def test_free_item_for_stamps(card, shop):
    service.add_stamp_rule(family="COFFEE", stamps=1)
    free = service.add_reward("Free latte", "free_item", cost_stamps=10, item="LATTE")
    loyalty.earn(card.id, ticket_id=1, amount_cents=300, item_codes=["LATTE"] * 9, key=key())
    with pytest.raises(NotEnoughPoints):
        loyalty.redeem(card.id, free.id, ticket_id=2, key=key())
    loyalty.earn(card.id, ticket_id=2, amount_cents=300, item_codes=["LATTE"], key=key())
    got = loyalty.redeem(card.id, free.id, ticket_id=3, key=key())
    assert (got.kind, got.free_item_code, got.stamps_spent, got.balance.stamps) == ("free_item", "LATTE", 10, 0)


def test_rewards_checked_when_created_and_inactive_or_unknown_rewards_refused(card, voucher):
    with pytest.raises(ValidationErrors) as caught:
        service.add_reward("", "gift", cost_points=-1)
    assert {p.field for p in caught.value.problems} == {"name", "kind", "cost_points"}
    with pytest.raises(ValidationErrors) as caught:
        service.add_reward("Free", "free_item", cost_stamps=0, item="NOPE")
    assert {p.field for p in caught.value.problems} == {"cost_stamps", "item"}
    loyalty.earn(card.id, ticket_id=1, amount_cents=50000, key=key())
    service.set_reward_active(voucher.id, False)
    with pytest.raises(RewardInactive):
        loyalty.redeem(card.id, voucher.id, ticket_id=2, key=key())
    with pytest.raises(RewardNotFound):
        loyalty.redeem(card.id, 999, ticket_id=2, key=key())
    with pytest.raises(InvalidKey):
        loyalty.redeem(card.id, voucher.id, ticket_id=2, key="short")


def test_a_switched_off_programme_earns_nothing_and_redeems_nothing(card, voucher):
    loyalty.earn(card.id, ticket_id=1, amount_cents=50000, key=key())
    service.save_programme(active=False, points_per_euro_milli=1000)
    off = loyalty.earn(card.id, ticket_id=2, amount_cents=50000, key=key())
    assert (off.move_id, off.points, off.balance.points) == (None, 0, 500)
    with pytest.raises(ProgrammeInactive):
        loyalty.redeem(card.id, voucher.id, ticket_id=3, key=key())
    assert loyalty.rewards_available(card.id) == []


def test_a_refund_reverses_the_points_earned_and_gives_back_the_points_spent(card, voucher):
    loyalty.earn(card.id, ticket_id=1, amount_cents=30000, key=key())
    loyalty.earn(card.id, ticket_id=2, amount_cents=5000, key=key())
    loyalty.redeem(card.id, voucher.id, ticket_id=2, key=key())
    assert loyalty.balance(card.id).points == 250
    loyalty.reverse(2)
    assert loyalty.balance(card.id).points == 300      # -50 earned, +100 spent back
    loyalty.reverse(2)                                 # twice is once
    assert loyalty.balance(card.id).points == 300
    loyalty.reverse(1)
    assert loyalty.balance(card.id).points == 0
    assert [m.kind for m in loyalty.history(card.id)][:3] == ["reverse", "reverse", "reverse"]
    loyalty.reverse(12345)                              # a ticket without loyalty: nothing to do


def test_a_partial_refund_ticket_takes_back_points_and_stamps(card):
    service.add_stamp_rule(item="CAKE", stamps=1)
    loyalty.earn(card.id, ticket_id=1, amount_cents=1200, item_codes=["CAKE"] * 3, key=key())
    back = loyalty.earn(card.id, ticket_id=2, amount_cents=-400, item_codes=["CAKE"], key=key())
    assert (back.points, back.stamps, back.balance) == (-4, -1, service.Balance(8, 2))


def test_the_ledger_is_append_only(card):
    loyalty.earn(card.id, ticket_id=1, amount_cents=1000, key=key())
    with pytest.raises(PostedRowImmutable):
        with write():
            LoyaltyMove.update(points_count=1000).execute()
    with pytest.raises(PostedRowImmutable):
        with write():
            LoyaltyMove.delete().execute()
    assert loyalty.balance(card.id).points == 10


def test_earn_inside_the_callers_transaction_rolls_back_with_it(card):
    with pytest.raises(RuntimeError):
        with write():
            loyalty.earn(card.id, ticket_id=1, amount_cents=1000, key=key())
            raise RuntimeError("the ticket failed")
    assert loyalty.balance(card.id).points == 0


def test_two_tills_spending_the_same_points_at_once_only_one_succeeds(company, card, voucher):
    loyalty.earn(card.id, ticket_id=1, amount_cents=15000, key=key())      # 150 points: one voucher
    same = key()
    results, failures = [], []
    start = threading.Barrier(4)

    def till(k):
        try:
            with company.session(), acting_as("test:till"):
                start.wait()
                results.append(loyalty.redeem(card.id, voucher.id, ticket_id=2, key=k))
                company.database.close()
        except NotEnoughPoints as exc:
            failures.append(exc)

    threads = [threading.Thread(target=till, args=(k,)) for k in (same, same, key(), key())]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.move_id for r in results}) == 1 and sum(r.created for r in results) == 1
    assert len(results) + len(failures) == 4
    assert loyalty.balance(card.id).points == 50
    assert LoyaltyMove.select().where(LoyaltyMove.kind == "redeem").count() == 1
