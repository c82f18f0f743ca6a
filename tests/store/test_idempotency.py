"""Idempotent submits: the same key twice yields one document."""
import itertools

import pytest

from equisis.store import idempotency
from equisis.store.errors import IdempotencyConflict
from equisis.store.models import IdempotencyKey, Setting

KEY = "3f2b6c1e-9a4d-4b7e-8c21-5d0f7a9e1b24"


class Maker:
    """A use case that creates one Setting row per call and returns its key as the reference."""

    def __init__(self):
        self.calls = 0
        self.numbers = itertools.count(1)

    def __call__(self):
        self.calls += 1
        return Setting.create(key=f"doc-{next(self.numbers)}", value_json="1").key


def test_same_key_twice_creates_once_and_returns_the_same_ref(store):
    make = Maker()
    first = idempotency.once(KEY, "invoice", make)
    second = idempotency.once(KEY, "invoice", make)
    assert first == ("doc-1", True)
    assert second == ("doc-1", False)
    assert make.calls == 1
    assert Setting.select().count() == 1


def test_same_key_for_another_scope_is_a_conflict(store):
    make = Maker()
    idempotency.once(KEY, "invoice", make)
    with pytest.raises(IdempotencyConflict):
        idempotency.once(KEY, "pos_ticket", make)
    assert make.calls == 1


def test_different_keys_create_twice(store):
    make = Maker()
    assert idempotency.once(KEY, "invoice", make) == ("doc-1", True)
    assert idempotency.once(KEY[::-1], "invoice", make) == ("doc-2", True)


def test_without_key_it_simply_runs(store):
    make = Maker()
    assert idempotency.once(None, "invoice", make) == ("doc-1", True)
    assert idempotency.once(None, "invoice", make) == ("doc-2", True)
    assert IdempotencyKey.select().count() == 0


def test_a_failed_create_does_not_burn_the_key(store):
    def fail():
        Setting.create(key="half-done", value_json="1")
        raise RuntimeError("failed halfway")

    with pytest.raises(RuntimeError):
        idempotency.once(KEY, "invoice", fail)
    assert Setting.select().count() == 0
    assert idempotency.once(KEY, "invoice", Maker()) == ("doc-1", True)


@pytest.mark.parametrize("key", [
    "", "short", "a" * 15, "a" * 81, "has spaces in it here", "semi;colon;not;allowed",
    "ключ-ключ-ключ-ключ",
    "../../etc/passwd-and-more", KEY + "\n",
])
def test_invalid_key_is_refused(store, key):
    make = Maker()
    with pytest.raises(IdempotencyConflict):
        idempotency.once(key, "invoice", make)
    assert make.calls == 0


@pytest.mark.parametrize("key, valid", [
    (KEY, True), ("a" * 16, True), ("a" * 80, True), ("pos:till-1:2026.000042", True),
    (None, False), ("", False),
])
def test_is_valid_key(key, valid):
    assert idempotency.is_valid_key(key) is valid
