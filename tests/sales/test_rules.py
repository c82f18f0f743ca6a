"""The pure rules of sales: typed numbers, line amounts and margins, OGM, the EPC QR payload, due dates."""
from __future__ import annotations

import datetime as dt

import pytest
from stdnum.be import ogm_vcs

from equisis.sales import rules
from equisis.sales.errors import (CreditExceedsInvoice, DescriptionRequired, IntraEuWithoutVatNumber,
                                  InvalidDiscount, InvalidLineVatRate, NegativePriceOnCreditNote,
                                  NegativePriceOnInvoice, NoLines, PriceRequired, PriceTooPrecise,
                                  QuantityTooPrecise, ZeroQuantity)
from equisis.sales.rules import CREDIT_NOTE, INVOICE, Line, LineInput


def a_line(**over):
    values = dict(description="Chaise", qty_milli=1000, unit_price_e4=500_000, discount_bp=0, vat_rate_bp=2100,
                  nature="goods", income_account="7000")
    values.update(over)
    return Line(**values)


@pytest.mark.parametrize("typed,e4", [("12,5", 125_000), ("12.50", 125_000), ("0,0001", 1), ("1.234,5678", 12_345_678),
                                      ("100", 1_000_000)])
def test_unit_prices_keep_four_decimals(typed, e4):
    assert rules.parse_unit_price(typed, 1) == e4


@pytest.mark.parametrize("typed", ["1,23456", "0.00001", "9,999999"])
def test_a_price_with_more_than_four_decimals_is_refused_naming_the_line(typed):
    with pytest.raises(PriceTooPrecise) as caught:
        rules.parse_unit_price(typed, 3)
    assert caught.value.field == "lines-3-unit_price"
    assert caught.value.message() == f"Line 3: the price “{typed}” has more than 4 decimals."


def test_quantities_have_three_decimals_at_most():
    assert rules.parse_quantity("2,5", 1) == 2500
    with pytest.raises(QuantityTooPrecise):
        rules.parse_quantity("1,2345", 1)


@pytest.mark.parametrize("typed,bp", [("", 0), (None, 0), ("10", 1000), ("12,5 %", 1250), ("100", 10_000)])
def test_discounts_are_percentages(typed, bp):
    assert rules.parse_discount(typed, 1) == bp


@pytest.mark.parametrize("typed", ["101", "-1", "abc", "1,234"])
def test_bad_discounts_are_refused(typed):
    with pytest.raises(InvalidDiscount):
        rules.parse_discount(typed, 1)


@pytest.mark.parametrize("typed,bp", [("21", 2100), ("6 %", 600), (1200, 1200), (12, 1200), ("0", 0)])
def test_vat_rates(typed, bp):
    assert rules.parse_vat_rate(typed, 1) == bp


@pytest.mark.parametrize("typed", ["19", "5,5", 1900])
def test_only_belgian_rates(typed):
    with pytest.raises(InvalidLineVatRate):
        rules.parse_vat_rate(typed, 2)


def test_line_amounts_follow_en16931_and_give_the_margin():
    amounts = rules.line_amounts(3_000, 199_900, 1000, cost_e4=120_000)
    assert (amounts.gross_cents, amounts.discount_cents, amounts.net_cents) == (5997, 600, 5397)
    assert amounts.cost_cents == 3600 and amounts.margin_cents == 1797


def test_document_without_lines_is_refused():
    assert [type(p) for p in rules.check_document(INVOICE, [])] == [NoLines]


def test_zero_quantity_is_refused_naming_the_line():
    problems = rules.check_document(INVOICE, [a_line(), a_line(qty_milli=0)])
    assert [type(p) for p in problems] == [ZeroQuantity]
    assert problems[0].message() == "Line 2: the quantity is zero; remove the line or type a quantity."


def test_negative_price_on_an_invoice_asks_for_a_credit_note():
    problems = rules.check_document(INVOICE, [a_line(unit_price_e4=-10_000)])
    assert [type(p) for p in problems] == [NegativePriceOnInvoice]
    assert "use a credit note" in problems[0].message()
    assert [type(p) for p in rules.check_document(CREDIT_NOTE, [a_line(unit_price_e4=-1)])] == \
        [NegativePriceOnCreditNote]


def test_a_free_line_needs_a_description_and_a_price():
    assert [type(p) for p in rules.check_free_line(LineInput(quantity="1"), 4)] == [DescriptionRequired,
                                                                                    PriceRequired]


@pytest.mark.parametrize("vat_number,valid", [("FR40303265045", True), ("DE136695976", True), ("BE0403170701", False),
                                              ("FR40303265046", False), (None, False), ("", False)])
def test_intra_eu_customers_need_a_valid_foreign_eu_vat_number(vat_number, valid):
    problems = rules.check_customer_regime("Client", "eu", vat_number)
    assert (problems == []) is valid
    if not valid:
        assert isinstance(problems[0], IntraEuWithoutVatNumber)
        assert "Client is invoiced as an EU business" in problems[0].message()


def test_other_regimes_do_not_need_a_vat_number():
    assert rules.check_customer_regime("Client", "be", None) == []


def test_totals_through_the_tax_engine():
    lines = [a_line(qty_milli=2000, cost_e4=300_000), a_line(vat_rate_bp=600, unit_price_e4=100_000)]
    totals = rules.totals(INVOICE, "be", lines)
    assert (totals.net_cents, totals.vat_cents, totals.total_cents) == (11_000, 2160, 13_160)
    assert (totals.cost_cents, totals.margin_cents) == (6000, 5000)
    assert rules.totals(INVOICE, "eu", lines).vat_cents == 0


@pytest.mark.parametrize("regime,nature,account", [("be", "goods", "7000"), ("be", "services", "7001"),
                                                   ("eu", "goods", "7006"), ("eu", "services", "70061"),
                                                   ("non_eu", "goods", "7007"), ("cocontractor", "services", "7005")])
def test_default_income_accounts(regime, nature, account):
    assert rules.default_income_account(regime, nature) == account


def test_numbers():
    assert rules.format_number(INVOICE, "2026", 7) == "F2026/00007"
    assert rules.format_number(CREDIT_NOTE, "2026", 12) == "NC2026/00012"


@pytest.mark.parametrize("sequence", [1, 2, 97, 12_345, 9_999_999])
def test_each_number_gets_a_valid_and_distinct_ogm(sequence):
    digits = rules.ogm_for("2026", sequence)
    assert ogm_vcs.is_valid(digits) and len(digits) == 12
    assert digits != rules.ogm_for("2026", sequence + 1)
    assert rules.format_ogm(digits) == f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def test_due_date_from_the_payment_terms():
    assert rules.due_date(dt.date(2026, 1, 31), 30) == dt.date(2026, 3, 2)
    assert rules.due_date(dt.date(2026, 1, 31), 0) == dt.date(2026, 1, 31)


def test_epc_qr_payload_per_epc069_12():
    payload = rules.epc_qr_payload(name="Déco Sophie SRL", iban="BE68 5390 0754 7034", bic="gkccbebb",
                                   amount_cents=123_456, ogm="261000000149")
    assert payload.split("\n") == ["BCD", "002", "1", "SCT", "GKCCBEBB", "Déco Sophie SRL", "BE68539007547034",
                                   "EUR1234.56", "", "261000000149"]
    assert len(payload.encode("utf-8")) <= 331  # the EPC limit


def test_epc_qr_without_reference_carries_the_text_and_refuses_zero():
    payload = rules.epc_qr_payload(name="X", iban="BE68539007547034", bic=None, amount_cents=5, text="F1")
    assert payload.split("\n")[4:] == ["", "X", "BE68539007547034", "EUR0.05", "", "", "F1"]
    with pytest.raises(ValueError):
        rules.epc_qr_payload(name="X", iban="BE68539007547034", bic=None, amount_cents=0)


def test_a_credit_note_larger_than_the_rest_of_its_invoice_is_a_warning():
    assert rules.credit_warnings(12_100, 12_100, "F2026/00001") == []
    warnings = rules.credit_warnings(15_000, 12_100, "F2026/00001")
    assert [type(w) for w in warnings] == [CreditExceedsInvoice]
    assert "F2026/00001" in warnings[0].message()
    assert rules.remaining_to_credit(12_100, [2_000, 100]) == 10_000
