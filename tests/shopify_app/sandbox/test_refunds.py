"""The sandbox's refunds: what Shopify stores and sends for a refund, and its GraphQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopify_app.refunds import refund_to_document
from tests.plugins.shopify import SHOP

D = Decimal
KAFFE, BOARD = 15730000000422, 15730000000423


@pytest.fixture
def paid_order(shopify_sandbox):
    order = shopify_sandbox.create_order(shop=SHOP, order="mixed_vat_25_12_6")
    shopify_sandbox.mark_paid(shop=SHOP, order_id=order["id"])
    return order


def _line(order, line_id):
    return next(item for item in order["line_items"] if item["id"] == line_id)


def test_two_partial_refunds_of_a_line_add_up_to_the_line(shopify_sandbox, paid_order):
    first = shopify_sandbox.refund(shop=SHOP, order_id=paid_order["id"], line_items={KAFFE: 1})
    second = shopify_sandbox.refund(shop=SHOP, order_id=paid_order["id"], line_items={KAFFE: 1})

    taxes = [
        D(r["refund_line_items"][0]["total_tax_set"]["shop_money"]["amount"])
        for r in (first, second)
    ]
    assert taxes == [D("9.63"), D("9.63")]  # 19.26 of tax, the second takes the rest
    assert first["transactions"][0]["amount"] == "89.90"
    order = shopify_sandbox.shop(SHOP).orders[paid_order["id"]]
    assert (_line(order, KAFFE)["current_quantity"], order["financial_status"]) == (
        0,
        "partially_refunded",
    )


def test_a_shipping_refund_is_reported_in_both_places(shopify_sandbox, paid_order):
    made = shopify_sandbox.refund(shop=SHOP, order_id=paid_order["id"], shipping=True)

    (line,) = made["refund_shipping_lines"]
    (adjustment,) = made["order_adjustments"]
    # Tax-inclusive shop: the shipping subtotal excludes its 25 % tax.
    assert line["subtotal_amount_set"]["shop_money"]["amount"] == "39.20"
    assert (adjustment["kind"], adjustment["amount"], adjustment["tax_amount"]) == (
        "shipping_refund",
        "-39.20",
        "-9.80",
    )
    assert made["transactions"][0]["amount"] == "49.00"


def test_refunding_everything_makes_the_order_refunded(shopify_sandbox, paid_order):
    everything = {item["id"]: item["quantity"] for item in paid_order["line_items"]}
    shopify_sandbox.refund(
        shop=SHOP, order_id=paid_order["id"], line_items=everything, shipping=True
    )

    order = shopify_sandbox.shop(SHOP).orders[paid_order["id"]]
    assert (order["financial_status"], order["total_refunded"]) == ("refunded", "666.80")


def test_a_refund_sends_refunds_create_with_the_refund(shopify_sandbox, paid_order):
    made = shopify_sandbox.refund(shop=SHOP, order_id=paid_order["id"], line_items={BOARD: 1})

    (delivery,) = shopify_sandbox.webhook_deliveries("refunds/create", paid_order["id"])
    assert delivery.headers["X-Shopify-Topic"] == "refunds/create"
    assert (
        b'"order_id": %d' % paid_order["id"] in delivery.body
        or str(made["id"]).encode() in delivery.body
    )


def test_more_than_is_left_cannot_be_refunded(shopify_sandbox, paid_order):
    shopify_sandbox.refund(shop=SHOP, order_id=paid_order["id"], line_items={BOARD: 1})
    with pytest.raises(ValueError, match="0 left to refund"):
        shopify_sandbox.refund(shop=SHOP, order_id=paid_order["id"], line_items={BOARD: 1})


def test_the_refund_read_over_graphql_maps_like_the_webhook_body(
    shopify_sandbox, shopify_client, paid_order
):
    made = shopify_sandbox.refund(
        shop=SHOP, order_id=paid_order["id"], line_items={KAFFE: 1}, shipping=True, extra="10.00"
    )

    refund = shopify_client.get_refund(refund_id=made["id"])
    order = shopify_client.get_order(order_id=paid_order["id"])

    assert refund["order_id"] == paid_order["id"]
    assert order["refunds"][0]["refund_line_items"][0]["quantity"] == 1
    read = refund_to_document(order, refund)
    sent = refund_to_document(order, made)
    assert (read.totals, read.lines) == (sent.totals, sent.lines)
    assert read.totals.total == D("148.90")  # 89.90 + 49.00 + 10.00


def test_an_unknown_refund_is_not_found(shopify_client):
    from integrations.errors import ConnectorError

    with pytest.raises(ConnectorError, match="no refund 42"):
        shopify_client.get_refund(refund_id=42)
