"""Posted rows are immutable in SQLite itself, not only in Python."""
import peewee as pw
import pytest

from equisis.store import BaseModel, current_database, guards, write
from equisis.store.errors import PostedRowImmutable


class Voucher(BaseModel):
    """A small test document: a draft may change, a posted one may not."""

    state = pw.CharField(default="draft")
    total_cents = pw.IntegerField(default=0)

    class Meta:
        table_name = "test_voucher"


@pytest.fixture
def vouchers(store):
    current_database().create_tables([Voucher])
    guards.install(guards.posted_immutable_sql("test_voucher", frozen_states=("posted", "cancelled")))
    with write():
        for state in ("draft", "posted", "cancelled"):
            Voucher.create(state=state, total_cents=100)
    return {v.state: v.id for v in Voucher.select()}


def update(voucher_id, **values):
    Voucher.update(**values).where(Voucher.id == voucher_id).execute()


def delete(voucher_id):
    Voucher.delete().where(Voucher.id == voucher_id).execute()


@pytest.mark.parametrize("state, change", [
    ("draft", lambda i: update(i, total_cents=250)),
    ("draft", lambda i: update(i, state="posted")),  # the posting transition itself
    ("draft", delete),
])
def test_a_draft_may_change(vouchers, state, change):
    with write():
        change(vouchers[state])


@pytest.mark.parametrize("state, change", [
    ("posted", lambda i: update(i, total_cents=250)),
    ("posted", lambda i: update(i, state="draft")),
    ("posted", delete),
    ("cancelled", lambda i: update(i, state="draft")),
    ("cancelled", delete),
])
def test_a_frozen_row_may_not_change(vouchers, state, change):
    with pytest.raises(PostedRowImmutable) as caught:
        with write():
            change(vouchers[state])
    assert caught.value.params == {"what": "test_voucher"}
    row = Voucher.get_by_id(vouchers[state])
    assert (row.state, row.total_cents) == (state, 100)


def test_a_refusal_rolls_back_the_whole_transaction(vouchers):
    with pytest.raises(PostedRowImmutable):
        with write():
            update(vouchers["draft"], total_cents=999)
            delete(vouchers["posted"])
    assert Voucher.get_by_id(vouchers["draft"]).total_cents == 100


def test_a_posted_draft_is_frozen_from_then_on(vouchers):
    with write():
        update(vouchers["draft"], state="posted")
    with pytest.raises(PostedRowImmutable), write():
        update(vouchers["draft"], total_cents=1)


def test_the_default_frozen_state_is_posted():
    sql = " ".join(guards.posted_immutable_sql("invoice"))
    assert "OLD.\"state\" IN ('posted')" in sql
