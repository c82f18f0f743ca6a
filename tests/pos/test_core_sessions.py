"""Cash sessions: float, movements, the count, the difference, double control, the posted entry, closing once."""
from __future__ import annotations

import threading

import pytest

from equisis.ledger import service as ledger
from equisis.pos import accounting, reports, sessions
from equisis.pos.errors import (InvalidCount, ReasonRequired, SameController, SessionAlreadyOpen, SessionClosed)
from equisis.pos.models import CashSession
from equisis.store.database import use_database
from equisis.store.errors import PostedRowImmutable
from tests.pos.core_fixtures import DAY, shop  # noqa: F401


def lines_of(entry_id):
    return sorted((x.account.code, x.debit_cents, x.credit_cents, x.vat_grids, x.partner_id)
                  for x in ledger.entry_lines(entry_id))


def test_open_movements_count_and_the_entry(shop):
    with pytest.raises(SessionAlreadyOpen):
        sessions.open_session(shop.terminal, shop.alice, float_cents=0)
    sessions.add_movement(shop.session.id, shop.alice, direction="in", amount_cents=2000, reason="Change from the safe")
    sessions.add_movement(shop.session.id, shop.alice, direction="out", amount_cents=5000, reason="To the bank")
    with pytest.raises(ReasonRequired):
        sessions.add_movement(shop.session.id, shop.alice, direction="out", amount_cents=100, reason=" ")
    shop.sell([{"item_code": "VASE"}, {"item_code": "PLANT"}], [{"method": "cash", "amount_cents": 2000}])  # 17,40
    shop.sell([{"item_code": "VASE", "quantity_milli": 2000}], [{"method": "card", "amount_cents": 2420}])
    shop.sell([{"item_code": "CARD"}], [{"method": "credit", "amount_cents": 299}], customer_id=shop.customer.id)
    shop.sell([{"item_code": "CARD"}], [{"method": "cash", "amount_cents": 300}])  # 2,99 -> 3,00
    with pytest.raises(InvalidCount):
        sessions.close_session(shop.session.id, shop.alice, counts={"300": 1}, day=DAY)
    # expected: float 100 + cash 17,40 + 3,00 + in 20 - out 50 = 90,40 ; counted 90,00 -> -0,40
    result = sessions.close_session(shop.session.id, shop.alice, counts={"5000": 1, "2000": 2}, day=DAY,
                                    confirmed_by=shop.marc)
    assert (result.expected_cents, result.counted_cents, result.difference_cents) == (9040, 9000, -40)
    session = sessions.find_session(shop.session.id)
    assert session.state == "closed" and session.confirmed_by == shop.marc.id
    entry = ledger.find_entry(result.entry_id)
    assert entry.journal.code == "CSH1" and entry.source_type == "pos_session"
    got = lines_of(result.entry_id)
    assert ("451", 0, 210 * 3 + 52 * 2 + 30, "54", None) in got or sum(
        x[2] - x[1] for x in got if x[0] == "451") == 210 * 3 + 30 + 2 * 52
    assert ("58", 2420, 0, "", None) in got
    assert ("400", 299, 0, "", shop.customer.id) in got
    cash = sum(x[1] - x[2] for x in got if x[0] == "570001")
    assert cash == 1740 + 300 + 2000 - 5000 - 40
    assert ("657100", 40, 0, "", None) in got  # the cash short at the count
    assert ("757100", 0, 1, "", None) in got   # the rounding 2,99 -> 3,00
    assert sum(x[1] for x in got) == sum(x[2] for x in got)
    assert accounting.entry_matches_tickets(session)


def test_turnover_per_rate_goes_on_its_grid(shop):
    shop.sell([{"item_code": "VASE"}, {"item_code": "PLANT"}], [{"method": "card", "amount_cents": 1740}])
    result = sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, day=DAY)
    got = lines_of(result.entry_id)
    assert ("7000", 0, 1000, "03", None) in got and ("7000", 0, 500, "01", None) in got
    assert ("451", 0, 240, "54", None) in got


def test_closing_twice_is_refused_and_a_closed_session_is_frozen(shop):
    sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, day=DAY)
    with pytest.raises(SessionClosed) as caught:
        sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, day=DAY)
    assert caught.value.status == 409
    with pytest.raises(PostedRowImmutable):
        from equisis.store.database import write
        with write():
            CashSession.update(counted_cents=1).where(CashSession.id == shop.session.id).execute()


def test_the_same_close_key_twice_returns_the_first_result(shop):
    key = "close-key-0123456789abcdef"
    first = sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, day=DAY, key=key)
    again = sessions.close_session(shop.session.id, shop.alice, counts={"5000": 3}, day=DAY, key=key)
    assert first == again


def test_two_terminals_closing_the_same_session_close_it_once(shop, company):
    shop.sell([{"item_code": "VASE"}], [{"method": "cash", "amount_cents": 1210}])
    outcomes, barrier = [], threading.Barrier(2)

    def close(user):
        try:
            with use_database(company.database):
                barrier.wait()
                outcomes.append(sessions.close_session(shop.session.id, user, counts={"5000": 2, "1000": 1}, day=DAY))
        except SessionClosed as exc:
            outcomes.append(exc)
        finally:
            company.database.close()

    threads = [threading.Thread(target=close, args=(u,)) for u in (shop.alice, shop.marc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(x).__name__ for x in outcomes) == ["CloseResult", "SessionClosed"]
    assert len(ledger.entries_of_source("pos_session", shop.session.id)) == 1


def test_the_second_count_needs_another_person(shop):
    with pytest.raises(SameController):
        sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2}, confirmed_by=shop.alice, day=DAY)


def test_x_and_z_reports(shop):
    shop.sell([{"item_code": "VASE"}], [{"method": "cash", "amount_cents": 1500}])
    x = reports.session_pdf(shop.session.id, language="fr")
    assert x.startswith(b"%PDF")
    title, rows = reports.paper_rows(shop.session.id)
    assert title.startswith("X") and ("Expected cash", "112.10") in rows
    sessions.close_session(shop.session.id, shop.alice, counts={"5000": 2, "1000": 1, "200": 1}, day=DAY)
    z = reports.session_pdf(shop.session.id, language="nl")
    assert z.startswith(b"%PDF")
    title, rows = reports.paper_rows(shop.session.id)
    assert title.startswith("Z") and ("Difference", "-0.10") in rows


def test_turnover_of_a_period(shop):
    import datetime as dt
    shop.sell([{"item_code": "VASE"}], [{"method": "cash", "amount_cents": 1210}])
    shop.sell([{"item_code": "PLANT"}], [{"method": "card", "amount_cents": 530}], day=dt.date(2026, 3, 11))
    found = reports.turnover(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert found["tickets"] == 2 and found["total_cents"] == 1740 and found["vat_cents"] == 240
    assert [d["day"].day for d in found["days"]] == [10, 11]
    assert {m["method"]: m["amount_cents"] for m in found["methods"]} == {"card": 530, "cash": 1210}
    assert reports.turnover(dt.date(2026, 3, 11), dt.date(2026, 3, 11))["total_cents"] == 530
