"""The pure rules of purchases: default categories, numbers, typed numbers, the printed-VAT check, duplicates,
and the entry form read into an input."""
from __future__ import annotations

import datetime as dt
import doctest

import pytest
from werkzeug.datastructures import MultiDict

from equisis.purchases import invoice_form, rules
from equisis.purchases.errors import NotANumber, TooManyDecimals, VatMismatch, VatRounding

D = dt.date


def test_doctests():
    for module in (rules, invoice_form):
        assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize("account,nature,category", [
    ("604", None, "resale"), ("600", None, "resale"), ("6040", "goods", "resale"), ("604", "services", "services"),
    ("61329", None, "services"), ("6120", "goods", "misc_goods"), ("6162", "services", "services"),
    ("640", None, "misc_goods"), ("241000", None, "investment"), ("230000", "goods", "investment"),
])
def test_default_category_from_the_account(account, nature, category):
    assert rules.default_category(account, nature=nature) == category


def test_accounts_allowed_and_due_dates():
    assert [rules.account_allowed(c) for c in ("604", "241000", "440", "7000", "")] == [True, True, False, False,
                                                                                      False]
    assert rules.due_date(D(2026, 1, 31), 30) == D(2026, 3, 2)
    assert rules.due_date(D(2026, 1, 31), None) == D(2026, 1, 31)


@pytest.mark.parametrize("text,decimals,expected", [("12,5", 4, 125_000), ("1.234,5678", 4, 12_345_678),
                                                    ("0,001", 3, 1), ("21", 2, 2100), ("", 4, None)])
def test_scaled(text, decimals, expected):
    assert rules.scaled(text, decimals, line=1, column="x") == expected


def test_scaled_refuses_what_it_cannot_keep():
    with pytest.raises(TooManyDecimals):
        rules.scaled("0,0005", 3, line=1, column="qty")
    with pytest.raises(NotANumber):
        rules.scaled("1O,00", 4, line=1, column="unit_price")


def _result(*nets_and_rates, regime="be"):
    lines = [rules.Line("604", "", 1000, net * 10_000, 0, rate, "resale", rules.FULL) for net, rate in nets_and_rates]
    return rules.compute(lines, regime, rules.INVOICE)


def test_printed_vat_tolerance_is_a_cent_per_rate():
    one_rate = _result((100, 2100))                 # 21,00
    two_rates = _result((100, 2100), (100, 600))    # 21,00 + 6,00
    money = str
    assert rules.check_printed_vat(None, one_rate, money) is None
    assert rules.check_printed_vat(2100, one_rate, money) is None
    assert isinstance(rules.check_printed_vat(2101, one_rate, money), VatRounding)
    assert isinstance(rules.check_printed_vat(2102, one_rate, money), VatMismatch)
    assert isinstance(rules.check_printed_vat(2698, two_rates, money), VatRounding)
    assert isinstance(rules.check_printed_vat(2697, two_rates, money), VatMismatch)


def test_duplicate_warnings():
    others = [rules.Candidate(1, "A2026/00001", "invoice", "FA-1", D(2026, 3, 1), 12_100),
              rules.Candidate(2, "A2026/00002", "invoice", "FA-2", D(2026, 3, 5), 5_000),
              rules.Candidate(3, "AC2026/00001", "credit_note", "fa1", D(2026, 3, 1), 12_100)]
    found = rules.duplicate_warnings("invoice", "fa.1", D(2026, 3, 5), 5_000, others, str, str)
    assert [w.params["other"] for w in found] == ["A2026/00001", "A2026/00002"]
    assert rules.duplicate_warnings("invoice", "X", D(2026, 3, 6), 5_000, others, str, str) == []


def test_credit_warning():
    assert rules.credit_warning("A1", 10_000, 4_000, 6_000, str) is None
    assert rules.credit_warning("A1", 10_000, 4_000, 6_001, str).params["credited"] == "10001"


def test_the_form_read_into_an_input():
    form = MultiDict({"supplier": "7", "supplier_ref": " FA-9 ", "invoice_date": "10/03/2026",
                      "booking_date": "2026-03-12", "printed_vat": "21,00", "kind": "invoice",
                      "lines-1-account": "604", "lines-1-qty": "2,5", "lines-1-unit_price": "10",
                      "lines-1-vat_rate": "21 %", "lines-1-deductible": "50", "lines-1-discount": "10",
                      "lines-2-account": "", "lines-3-item": "PAPER", "lines-3-category": "misc_goods"})
    state, data, problems = invoice_form.read(form)
    assert problems == []
    assert (data.supplier_id, data.supplier_ref, data.invoice_date, data.booking_date, data.printed_vat_cents) == (
        7, "FA-9", D(2026, 3, 10), D(2026, 3, 12), 2100)
    assert data.lines == (
        rules.LineInput(account="604", qty_milli=2500, unit_price_e4=100_000, discount_bp=1000, vat_rate_bp=2100,
                        deductible_bp=5000),
        rules.LineInput(item_code="PAPER", purchase_category="misc_goods"))
    assert len(state.lines) == 2  # the blank line is gone
    again = invoice_form.state_of(data)
    assert again.lines[0]["qty"] == "2,5" and again.lines[0]["unit_price"] == "10,00"


def test_the_form_reports_every_unreadable_cell():
    form = MultiDict({"invoice_date": "31/02/2026", "printed_vat": "abc", "lines-1-account": "604",
                      "lines-1-unit_price": "1,00001", "lines-1-qty": "x"})
    _state, _data, problems = invoice_form.read(form)
    assert {p.field for p in problems} == {"invoice_date", "printed_vat", "lines-1-unit_price", "lines-1-qty"}
