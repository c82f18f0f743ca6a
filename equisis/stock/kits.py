"""Composite items (kits) and the stock.

Two ways a kit meets the stock (documented in docs and tested in tests/stock/test_kits.py):

* **Moved or sold as a kit** (the usual case, :func:`equisis.stock.service.post_moves`): a receipt, delivery,
  return, transfer or correction of a kit moves its *components* - each line carries the kit it came from
  (``Move.kit_item``) - and the kit itself never has stock. Selling 2 gift boxes of 2 candles + 1 holder
  takes 4 candles and 2 holders out of the shop. The components keep their own valuation; a purchase cost given
  on a kit line is not spread (the components come in at their current cost).
* **Held in stock as a kit**: a kit that has stock of its own (stock received before the item was made a
  kit, or counted in an inventory as assembled boxes) is turned into its components by :func:`explode`: one
  ``kit_explosion`` move takes the kits out of a location and one ``kit_explosion`` move per component brings
  the components into that same location, all in one transaction. The value leaving with the kits enters with
  the components (spread by each component's current unit cost × quantity, else by its purchase price, else by
  quantity), so the stock value does not change.
"""
from __future__ import annotations

import datetime as dt
import uuid
from fractions import Fraction

from equisis.catalog import service as catalog
from equisis.stock import places, rules, service
from equisis.stock.errors import InvalidQuantity, NotAKit, QuantityNotExact
from equisis.stock.models import ItemValue, Layer, Move, MoveValue
from equisis.store.database import write

KIND = "kit_explosion"


def _unit_cost_e4(component) -> int:
    state = ItemValue.get_or_none(ItemValue.item == component.id)
    layers = [rules.Layer(*r) for r in Layer.select(Layer.ref, Layer.qty_milli, Layer.value_cents)
              .where(Layer.item == component.id).order_by(Layer.id).tuples()]
    cost = rules.current_unit_cost(layers, state.last_cost_e4 if state else 0)
    return cost or component.purchase_price_e4


def explode(kit_code: str, quantity_milli: int, *, location: str, day: dt.date | None = None, reason: str = "",
            key: str | None = None) -> list[int]:
    """Turn ``quantity`` kits held in ``location`` (a location or warehouse code) into their components there;
    the move ids (the kits' first). Idempotent with ``key``; all or nothing."""
    if quantity_milli is None or quantity_milli <= 0:
        raise InvalidQuantity(rules.format_quantity(quantity_milli or 0), field="quantity")
    kit = places.item_of(kit_code)
    components = catalog.kit_components(kit)
    if not components:
        raise NotAKit(item=kit.code, field="item")
    plan = []
    for component, per_kit_milli in components:
        entered = Fraction(quantity_milli * per_kit_milli, rules.ONE)
        if entered.denominator != 1:
            raise QuantityNotExact(quantity=rules.format_quantity(quantity_milli), unit=kit.stock_unit_id,
                                   item=kit.code, stock_unit=kit.stock_unit_id, field="quantity")
        plan.append((component, int(entered)))
    source_key = f"{KIND}:{key or uuid.uuid4().hex}"
    with write():
        out = service.post_moves([service.MoveRequest(KIND, kit, quantity_milli, from_location=location, day=day,
                                                      reason=reason, key=source_key)])[0]
        if not out.created:
            first = Move.get_by_id(out.move_ids[0])
            return out.move_ids + [m for (m,) in Move.select(Move.id).where(
                (Move.doc_type == KIND) & (Move.doc_id == str(first.id))).order_by(Move.id).tuples()]
        first = Move.get_by_id(out.move_ids[0])
        value = -sum(v for (v,) in MoveValue.select(MoveValue.value_cents)
                     .where(MoveValue.move.in_(out.move_ids)).tuples())
        weights = {n: rules.value_at_cost(qty, _unit_cost_e4(c)) for n, (c, qty) in enumerate(plan)}
        if not any(w > 0 for w in weights.values()):
            weights = {n: qty for n, (_c, qty) in enumerate(plan)}
        shares = rules.allocate_by_quantity(value, weights)
        place = first.from_location
        requests = [service.MoveRequest(KIND, component, qty, unit=component.sale_unit_id, to_location=place,
                                        cost_cents=shares.get(n, 0), day=first.day, reason=reason,
                                        source=service.Source(KIND, str(first.id), n + 1))
                    for n, (component, qty) in enumerate(plan)]
        results = service.post_moves(requests)
    return out.move_ids + [i for r in results for i in r.move_ids]
