"""Loyalty cards (points, stamps, rewards) and sales periods (soldes) of the point of sale.

The POS core calls these (the contract of issue #6):

    from equisis.pos import loyalty
    loyalty.find_card(code), loyalty.card_of_party(party_id)
    loyalty.earn(card_id, ticket_id=…, amount_cents=…, item_codes=[…], key=…)
    loyalty.rewards_available(card_id), loyalty.redeem(card_id, reward_id, ticket_id=…, key=…)
    loyalty.reverse(ticket_id), loyalty.balance(card_id)
    loyalty.active_sale_price(item, day)          # also equisis.pos.loyalty.promotions

Modules: rules.py (pure), models.py, migrations.py (package "pos_loyalty"), service.py (cards and
ledger), promotions.py (sales periods), views.py (back-office screens).
"""
from equisis.pos.loyalty.promotions import active_sale_price, create_period, periods
from equisis.pos.loyalty.service import (Balance, Earned, Redemption, Reward, balance, card_of_party, create_card,
                                         earn, find_card, footer_line, history, redeem, reverse,
                                         rewards_available, summary)
from equisis.pos.loyalty.models import LoyaltyCard

__all__ = ["Balance", "Earned", "LoyaltyCard", "Redemption", "Reward", "active_sale_price", "balance",
           "card_of_party", "create_card", "create_period", "earn", "find_card", "footer_line", "history",
           "periods", "redeem", "reverse", "rewards_available", "summary"]
