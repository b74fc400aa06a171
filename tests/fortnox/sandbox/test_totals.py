from __future__ import annotations

from decimal import Decimal as D

from fortnox.sandbox.totals import RowInput, document_totals, row_totals


def test_row_excluding_vat_adds_vat_on_top():
    result = row_totals(RowInput(D("2"), D("100"), D("25")), vat_included=False, zero_vat=False)
    assert (result.total, result.net, result.vat) == (D("200.00"), D("200.00"), D("50.00"))


def test_row_including_vat_extracts_vat():
    result = row_totals(RowInput(D("1"), D("125"), D("25")), vat_included=True, zero_vat=False)
    assert (result.total, result.net, result.vat) == (D("125.00"), D("100.00"), D("25.00"))
    assert result.price_excluding_vat == D("100.00")


def test_percent_discount_applies_to_row_amount():
    row = RowInput(D("3"), D("99.90"), D("12"), discount=D("10"), discount_type="PERCENT")
    result = row_totals(row, vat_included=False, zero_vat=False)
    assert result.total == D("269.73")  # 299.70 * 0.9
    assert result.vat == D("32.37")  # 269.73 * 0.12 = 32.3676


def test_amount_discount_is_for_the_whole_row():
    row = RowInput(D("4"), D("50"), D("25"), discount=D("30"), discount_type="AMOUNT")
    assert row_totals(row, vat_included=False, zero_vat=False).total == D("170.00")


def test_export_customer_pays_no_vat_even_with_vat_included_prices():
    row = RowInput(D("1"), D("125"), D("25"))
    result = row_totals(row, vat_included=True, zero_vat=True)
    assert (result.net, result.vat) == (D("125"), D("0.00"))


def test_freight_and_fee_are_taxed_at_25_percent():
    totals = document_totals(
        [RowInput(D("1"), D("100"), D("6"))],
        vat_included=False,
        zero_vat=False,
        freight=D("49"),
        administration_fee=D("10"),
    )
    assert totals.net == D("100.00")
    assert totals.gross == D("159.00")
    assert totals.freight_vat == D("12.25")
    assert totals.administration_fee_vat == D("2.50")
    assert totals.total_vat == D("20.75")  # 6 + 12.25 + 2.50
    assert totals.total == D("179.75")
    assert totals.round_off == D("0.00")


def test_round_off_to_whole_kronor_when_enabled():
    totals = document_totals(
        [RowInput(D("1"), D("99.90"), D("25"))], vat_included=False, zero_vat=False, round_off=True
    )
    assert totals.total_vat == D("24.98")
    assert totals.round_off == D("0.12")
    assert totals.total == D("125.00")


def test_half_up_rounding_of_row_vat():
    row = RowInput(D("1"), D("0.10"), D("25"))  # VAT 0.025 -> 0.03
    assert row_totals(row, vat_included=False, zero_vat=False).vat == D("0.03")
