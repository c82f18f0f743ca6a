"""Roles, credential policy and login throttling: pure rules with the clock passed in."""
import pytest

from equisis.users import rules
from equisis.users.errors import InvalidPinFormat, InvalidUsername, UnknownRole, WeakPassword

ROUTES = {
    "any signed-in": ("*",),
    "books": ("accountant",),
    "invoicing": ("sales", "accountant"),
    "stock": ("warehouse",),
    "till": ("cashier", "sales"),
    "admin only": (),
}
# role -> routes it may use
MATRIX = {
    "admin": {"any signed-in", "books", "invoicing", "stock", "till", "admin only"},
    "accountant": {"any signed-in", "books", "invoicing"},
    "sales": {"any signed-in", "invoicing", "till"},
    "warehouse": {"any signed-in", "stock"},
    "cashier": {"any signed-in", "till"},
}


@pytest.mark.parametrize("role", rules.ROLES)
@pytest.mark.parametrize("route", ROUTES)
def test_is_allowed_matrix(role, route):
    assert rules.is_allowed(role, ROUTES[route]) is (route in MATRIX[role])


def test_every_role_has_a_label():
    assert set(rules.ROLE_LABELS) == set(rules.ROLES)


@pytest.mark.parametrize("role", rules.ROLES)
def test_check_role_accepts_known_roles(role):
    assert rules.check_role(role) == role


@pytest.mark.parametrize("role", ["boss", "Admin", "", None])
def test_check_role_refuses_unknown_roles(role):
    with pytest.raises(UnknownRole) as caught:
        rules.check_role(role)
    assert caught.value.field == "role"


@pytest.mark.parametrize("name", ["sophie", "s.lambert", "jean-luc_2", "ab", "x" * 40])
def test_check_username_accepts(name):
    assert rules.check_username(name) == name


@pytest.mark.parametrize("name", ["", "a", "x" * 41, "has space", "élodie", "a/b", "sophie@deco", "sophie\n",
                                  None])
def test_check_username_refuses(name):
    with pytest.raises(InvalidUsername) as caught:
        rules.check_username(name)
    assert caught.value.field == "username"


@pytest.mark.parametrize("password, ok", [
    ("12345678", True), ("correct horse", True), ("1234567", False), ("", False), (None, False),
])
def test_check_password_needs_eight_characters(password, ok):
    if ok:
        assert rules.check_password(password) == password
    else:
        with pytest.raises(WeakPassword) as caught:
            rules.check_password(password)
        assert caught.value.field == "password"
        assert caught.value.params["min_length"] == 8


@pytest.mark.parametrize("pin, ok", [
    ("1234", True), ("123456", True), ("123", False), ("1234567", False), ("12a4", False), ("", False),
    (1234, False), ("1234\n", False),
    ("١٢٣٤", False),  # Arabic-Indic digits are digits to Python, not to a keypad
])
def test_check_pin_is_four_to_six_digits(pin, ok):
    if ok:
        assert rules.check_pin(pin) == pin
    else:
        with pytest.raises(InvalidPinFormat):
            rules.check_pin(pin)


def test_throttle_blocks_after_the_limit():
    throttle = rules.Throttle(limit=3, window_s=60)
    throttle.fail("k", now=0)
    throttle.fail("k", now=1)
    assert throttle.blocked_for("k", now=2) == 0
    throttle.fail("k", now=2)
    assert throttle.blocked_for("k", now=3) == 57.0  # the oldest of the last 3 failures expires at 60


def test_throttle_window_slides():
    throttle = rules.Throttle(limit=2, window_s=60)
    for now in (0, 30):
        throttle.fail("k", now=now)
    assert throttle.blocked_for("k", now=59.5) == 0.5
    assert throttle.blocked_for("k", now=60) == 0  # the failure at 0 left the window
    throttle.fail("k", now=61)
    assert throttle.blocked_for("k", now=62) == 28.0  # failures at 30 and 61: wait until 90


def test_throttle_doctest_example():
    throttle = rules.Throttle(limit=2, window_s=60)
    throttle.fail("k", now=0)
    throttle.fail("k", now=1)
    assert throttle.blocked_for("k", now=2) == 58.0


def test_throttle_keys_are_independent():
    throttle = rules.Throttle(limit=1, window_s=60)
    throttle.fail(("login", "deco", "sophie"), now=0)
    assert throttle.blocked_for(("login", "deco", "sophie"), now=1) == 59.0
    assert throttle.blocked_for(("login", "deco", "marc"), now=1) == 0
    assert throttle.blocked_for(("ip", "10.0.0.7"), now=1) == 0


def test_throttle_clear_forgets_failures():
    throttle = rules.Throttle(limit=1, window_s=60)
    throttle.fail("k", now=0)
    throttle.clear("k")
    assert throttle.blocked_for("k", now=1) == 0
    throttle.clear("never-seen")


def test_throttle_defaults_are_five_per_quarter_hour():
    throttle = rules.Throttle()
    for now in range(4):
        throttle.fail("k", now=now)
    assert throttle.blocked_for("k", now=4) == 0
    throttle.fail("k", now=4)
    assert throttle.blocked_for("k", now=5) == 15 * 60 - 5
