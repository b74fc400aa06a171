"""Signed webhook deliveries: headers, HMAC, duplicates, reordering, and the sender."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from shopify_app.sandbox import WebhookSender
from shopify_app.sandbox.webhooks import sign
from tests.plugins.shopify import SHOP

TARGET = "https://app.example.se/shopify/webhooks/"


def verify(body: bytes, signature: str, secret: str = "sandbox-secret") -> bool:
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected.decode(), signature)


def test_webhook_hmac_reference_vector():
    body = b'{"id":450789469,"name":"#1001"}'
    assert sign(body, "hush") == "Y3S0OcgdRab3yE7clVq/m9rzY5a6y13OKkjMFe0FjeI="


def test_delivery_headers_and_unwrapped_body(shopify_sandbox):
    order = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    [delivery] = shopify_sandbox.webhook_deliveries("orders/create", order["id"])
    headers = delivery.headers
    assert headers["X-Shopify-Topic"] == "orders/create"
    assert headers["X-Shopify-Shop-Domain"] == SHOP
    assert headers["X-Shopify-API-Version"] == "2026-07"
    assert headers["X-Shopify-Triggered-At"].endswith("Z")
    assert len(headers["X-Shopify-Triggered-At"].split(".")[1]) == 10  # nanoseconds + Z
    assert verify(delivery.body, headers["X-Shopify-Hmac-Sha256"])
    body = json.loads(delivery.body)
    assert body["id"] == order["id"] and "order" not in body


def test_duplicates_keep_the_webhook_id_and_reorder_sends_paid_first(shopify_sandbox):
    order = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    deliveries = shopify_sandbox.webhook_deliveries(
        "orders/create,orders/paid", order["id"], duplicate=1, reorder=True
    )
    assert [d.topic for d in deliveries] == [
        "orders/paid",
        "orders/create",
        "orders/paid",
        "orders/create",
    ]
    assert deliveries[0].webhook_id == deliveries[2].webhook_id
    assert deliveries[0].webhook_id != deliveries[1].webhook_id
    assert deliveries[0].body == deliveries[2].body


def test_a_delivery_signed_with_another_secret_does_not_verify(shopify_sandbox):
    order = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    [delivery] = shopify_sandbox.webhook_deliveries("orders/paid", order["id"], secret="old")
    assert not verify(delivery.body, delivery.headers["X-Shopify-Hmac-Sha256"])


def test_status_changes_show_in_later_deliveries(shopify_sandbox):
    order = shopify_sandbox.create_order(shop=SHOP, order="tax_exclusive_prices")
    assert order["financial_status"] == "pending"
    paid = shopify_sandbox.mark_paid(shop=SHOP, order_id=order["id"])
    [delivery] = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    assert json.loads(delivery.body)["financial_status"] == "paid"
    assert paid["updated_at"] >= order["created_at"]
    topics = [event["topic"] for event in shopify_sandbox.events]
    assert topics == ["orders/create", "orders/paid", "orders/updated"]


def test_sender_posts_signed_deliveries(shopify_sandbox):
    order = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    shopify_sandbox.rsps.post(TARGET, status=200)
    pauses = []
    results = shopify_sandbox.deliver(
        ["orders/create", "orders/paid"],
        order["id"],
        url=TARGET,
        duplicate=1,
        delay=0.5,
        sender=WebhookSender(sleep=pauses.append),
    )
    assert [r.status for r in results] == [200, 200, 200, 200]
    assert pauses == [0.5, 0.5, 0.5]
    sent = [call.request for call in shopify_sandbox.rsps.calls if call.request.url == TARGET]
    assert len(sent) == 4
    for request in sent:
        assert verify(request.body, request.headers["X-Shopify-Hmac-Sha256"])


def test_sender_reports_an_unreachable_target_as_status_0(shopify_sandbox):
    order = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    results = shopify_sandbox.deliver("orders/create", order["id"], url="http://unreachable/")
    assert results[0].status == 0
