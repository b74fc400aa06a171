"""The refund mapper: a Shopify refund becomes exactly the credit of what was refunded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.documents import LineKind
from shopify_app.refunds import parse_refund_payload, refund_to_document
from shopify_app.sandbox.orders import load_scenario

D = Decimal
KAFFE, TSHIRT, SHIPPING = 15730000000422, 15730000000423, 4980000000042


def _money(amount: str) -> dict:
    bag = {"amount": amount, "currency_code": "SEK"}
    return {"shop_money": bag, "presentment_money": bag}


def _order() -> dict:
    return {**load_scenario("mixed_vat_25_12_6"), "id": 7001, "name": "#1001"}


def _refund(refund_id: int, *, items=(), shipping=None, adjustments=(), paid: str) -> dict:
    refund = {
        "id": refund_id,
        "order_id": 7001,
        "created_at": "2024-05-06T10:00:00+02:00",
        "restock": True,
        "refund_line_items": [
            {
                "line_item_id": line_id,
                "quantity": quantity,
                "restock_type": "return",
                "subtotal": float(subtotal),
                "subtotal_set": _money(subtotal),
                "total_tax": float(tax),
                "total_tax_set": _money(tax),
            }
            for line_id, quantity, subtotal, tax in items
        ],
        "refund_shipping_lines": [],
        "order_adjustments": list(adjustments),
        "duties": [],
        "transactions": [
            {"kind": "refund", "status": "success", "amount": paid, "currency": "SEK"},
            {"kind": "refund", "status": "failure", "amount": paid, "currency": "SEK"},
        ],
    }
    if shipping:
        amount, tax = shipping
        refund["refund_shipping_lines"] = [
            {
                "shipping_line_id": SHIPPING,
                "subtotal_amount_set": _money(amount),
                "tax_amount_set": _money(tax),
            }
        ]
        refund["order_adjustments"].append(
            {"kind": "shipping_refund", "amount": f"-{amount}", "tax_amount": f"-{tax}",
             "amount_set": _money(f"-{amount}"), "tax_amount_set": _money(f"-{tax}")}
        )  # fmt: skip
    return refund


def test_a_partial_refund_credits_the_refunded_quantity_at_its_rate():
    doc = refund_to_document(
        _order(), _refund(1, items=[(KAFFE, 1, "89.90", "9.63")], paid="89.90")
    )

    assert (doc.is_credit, doc.source_key, doc.credit_for, doc.number) == (
        True,
        "shopify:credit:1",
        "7001",
        "#1001",
    )
    (line,) = doc.lines
    assert (line.kind, line.quantity, line.unit_price, line.discount) == (
        LineKind.PRODUCT,
        1,
        D("89.90"),
        0,
    )
    assert (line.vat_rate, line.vat_amount, line.sku) == (12, D("9.63"), "KAF-MR-500")
    assert (doc.totals.total, doc.totals.vat) == (D("89.90"), D("9.63"))


def test_shipping_refunded_in_both_places_is_credited_once():
    refund = _refund(2, items=[(TSHIRT, 1, "249.00", "49.80")], shipping=("39.20", "9.80"),
                     paid="298.00")  # fmt: skip

    doc = refund_to_document(_order(), refund)

    shipping = doc.lines_of(LineKind.SHIPPING)
    assert [(s.unit_price, s.vat_rate, s.vat_amount) for s in shipping] == [
        (D("49.00"), 25, D("9.80"))
    ]
    assert not doc.lines_of(LineKind.ADJUSTMENT)
    assert (doc.totals.total, doc.totals.vat) == (D("298.00"), D("59.60"))


def test_the_shipping_adjustment_alone_is_credited_when_the_lines_carry_no_amounts():
    refund = _refund(3, shipping=("39.20", "9.80"), paid="49.00")
    del refund["refund_shipping_lines"][0]["subtotal_amount_set"]

    doc = refund_to_document(_order(), refund)

    (line,) = doc.lines
    assert (line.kind, line.amount, line.vat_amount) == (LineKind.SHIPPING, D("49.00"), D("9.80"))


def test_an_amount_only_refund_is_spread_over_the_orders_vat_rates_in_proportion():
    goodwill = {"kind": "refund_discrepancy", "amount": "-100.00", "tax_amount": "0.00"}
    doc = refund_to_document(_order(), _refund(4, adjustments=[goodwill], paid="100.00"))

    rows = [(line.vat_rate, line.amount, line.vat_amount) for line in doc.lines]
    assert rows == [
        (25, D("44.69"), D("8.94")),
        (12, D("26.96"), D("2.89")),
        (6, D("28.35"), D("1.60")),
    ]
    assert sum(line.amount for line in doc.lines) == doc.totals.total == D("100.00")
    assert doc.totals.vat == D("13.43")


def test_two_partial_refunds_sum_to_what_was_refunded():
    order = _order()
    first = refund_to_document(order, _refund(5, items=[(KAFFE, 2, "179.80", "19.26")],
                                              paid="179.80"))  # fmt: skip
    second = refund_to_document(order, _refund(6, items=[(TSHIRT, 1, "249.00", "49.80")],
                                               paid="249.00"))  # fmt: skip

    assert first.totals.total + second.totals.total == D("428.80")
    assert first.source_key != second.source_key


def test_restocking_changes_nothing():
    restocked = _refund(7, items=[(KAFFE, 1, "89.90", "9.63")], paid="89.90")
    kept = {**restocked, "restock": False}
    kept["refund_line_items"] = [
        {**restocked["refund_line_items"][0], "restock_type": "no_restock"}
    ]

    assert refund_to_document(_order(), restocked).lines == refund_to_document(_order(), kept).lines


@pytest.mark.parametrize("payload", ["not json", [], {"id": 1}, {"refund": {"order_id": 2}}])
def test_a_body_that_is_not_a_refund_is_refused(payload):
    with pytest.raises(ValueError, match="refund"):
        parse_refund_payload(payload)
