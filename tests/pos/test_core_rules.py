"""The pure rules of the till: VAT-inclusive prices through the one tax engine, the €0.05 cash rounding,
payments, counts, variable-measure barcodes, rights."""
from __future__ import annotations

import pytest

from equisis.pos import rules
from equisis.vat import tax


@pytest.mark.parametrize("cents,rounded", [(1000, 1000), (1001, 1000), (1002, 1000), (1003, 1005), (1004, 1005),
                                           (1005, 1005), (1006, 1005), (1007, 1005), (1008, 1010), (1009, 1010),
                                           (-1003, -1005), (-1008, -1010)])
def test_cash_rounding_follows_the_belgian_table(cents, rounded):
    assert rules.cash_rounded(cents) == rounded


@pytest.mark.parametrize("rate", [2100, 1200, 600, 0])
def test_every_inclusive_sum_reconciles_to_the_cent(rate):
    """EN 16931: VAT = round(base × rate) on the group's net; the ticket still adds up to the shelf prices."""
    for gross in range(0, 5001):
        totals = rules.ticket_totals([rules.TillLine(1000, gross * 100, rate)])
        result = totals.tax
        assert result.vat_cents == tax.vat_of(result.net_cents, rate)
        assert result.net_cents + result.vat_cents + totals.price_rounding_cents == gross
        assert totals.price_rounding_cents in (0, -1)  # never in the State's disfavour


def test_vat_is_computed_once_per_rate_on_the_sum_of_line_nets():
    lines = [rules.TillLine(1000, 19900, 2100), rules.TillLine(3000, 3300, 2100), rules.TillLine(1000, 53000, 600)]
    totals = rules.ticket_totals(lines)
    assert totals.amounts == (199, 99, 530)
    groups = {g.rate_bp: g for g in totals.tax.groups}
    assert groups[2100].base_cents == rules.net_of_inclusive(298, 2100) == 246
    assert groups[2100].vat_cents == tax.vat_of(246, 2100) == 52
    assert groups[600].base_cents == 500 and groups[600].vat_cents == 30
    assert sum(totals.nets) == totals.tax.net_cents
    assert totals.total_cents == 828


def test_a_ticket_discount_lowers_each_rates_base():
    lines = [rules.TillLine(1000, 121000, 2100), rules.TillLine(1000, 106000, 600)]
    totals = rules.ticket_totals(lines, ticket_discount_cents=227)
    assert totals.allowances == (121, 106)
    assert totals.total_cents == 2270 - 227
    assert totals.tax.total_cents + totals.price_rounding_cents == totals.total_cents


def test_a_refund_is_a_credit_note_with_negative_figures():
    totals = rules.ticket_totals([rules.TillLine(-2000, 121000, 2100)], refund=True)
    assert totals.total_cents == -2420 and totals.nets == (-2000,)
    assert totals.tax.groups[0].base_grids == ("49",) and totals.tax.groups[0].vat_grids == ("64",)


def test_gift_vouchers_sold_carry_no_vat():
    totals = rules.ticket_totals([rules.TillLine(1000, 500000, 0, taxable=False), rules.TillLine(1000, 121000, 2100)])
    assert totals.untaxed_cents == 5000 and totals.tax.vat_cents == 210 and totals.total_cents == 6210


@pytest.mark.parametrize("total,payments,applied,rounding,change,short", [
    (1003, [("cash", 2000)], [("cash", 1005)], 2, 995, 0),
    (1003, [("card", 1003)], [("card", 1003)], 0, 0, 0),
    (1003, [("card", 500), ("cash", 505)], [("card", 500), ("cash", 505)], 2, 0, 0),
    (1003, [("voucher", 2000)], [("voucher", 1003)], 0, 0, 0),
    (1003, [("card", 500)], [("card", 500)], 0, 0, 503),
    (1003, [("cash", 1000)], [("cash", 1000)], 2, 0, 5),
    (1001, [("cash", 1000)], [("cash", 1000)], -1, 0, 0),
    (-1003, [("cash", 1005)], [("cash", -1005)], -2, 0, 0),
])
def test_payments_cash_rounding_only_on_the_cash_part(total, payments, applied, rounding, change, short):
    s = rules.settle(total, [rules.PaymentInput(m, a) for m, a in payments])
    assert [(m, a) for m, a, _v, _t in s.applied] == applied
    assert (s.rounding_cents, s.change_cents, s.short_cents) == (rounding, change, short)


def test_counts_take_euro_denominations_only():
    assert rules.count_total({"5000": 2, "200": 3, "5": 1}) == 10605
    with pytest.raises(ValueError):
        rules.count_total({"300": 1})


def test_variable_measure_barcodes():
    weight = rules.parse_embedded("2512345007500")
    assert (weight.kind, weight.value, weight.plu) == ("weight", 750, "12345")
    assert rules.parse_embedded("2012345012509").kind == "price"
    assert rules.parse_embedded("2512345007501") is None  # wrong check digit


def test_rights_per_role():
    assert rules.missing_rights(rules.rights_of("cashier"), rules.Needs(discount_bp=1000)) == []
    assert rules.missing_rights(rules.rights_of("cashier"), rules.Needs(discount_bp=1500, refund=True)) == \
        ["discount", "refund"]
    assert rules.missing_rights(rules.rights_of("sales"), rules.Needs(discount_bp=1500, refund=True)) == []
    assert rules.rights_of("cashier", {"cashier": {"discount_bp": 2000}})["discount_bp"] == 2000
