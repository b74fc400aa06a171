"""The webhook receiver: signature and header checks, and exactly one Fortnox invoice per
order however often and in whatever order Shopify delivers its events."""

from __future__ import annotations

import json
import uuid

import pytest

from shopify_app.sandbox.orders import load_scenario
from shopify_app.sandbox.webhooks import Delivery, sign
from syncs.models import InboundEvent, SyncRun
from tests.plugins.shopify import SHOP
from tests.shopify_app.conftest import WEBHOOK_PATH, fortnox_invoices, shop_order

pytestmark = pytest.mark.django_db
REQUIRED_HEADERS = (
    "X-Shopify-Topic",
    "X-Shopify-Hmac-Sha256",
    "X-Shopify-Shop-Domain",
    "X-Shopify-Webhook-Id",
)


def _invoice_posts(fortnox_sandbox) -> int:
    return sum(
        1 for e in fortnox_sandbox.request_log if (e.method, e.path) == ("POST", "/3/invoices")
    )


def _place_unpaid(shopify_sandbox, name: str = "single_vat_25") -> dict:
    """A scenario's order placed as new, before payment (orders/create fires then)."""
    unpaid = {**load_scenario(name), "financial_status": "pending"}
    return shopify_sandbox.create_order(shop=SHOP, order=unpaid, fresh=True)


def _redelivered(delivery: Delivery) -> Delivery:
    """The same event delivered again as another delivery (a new X-Shopify-Webhook-Id)."""
    return Delivery({**delivery.headers, "X-Shopify-Webhook-Id": str(uuid.uuid4())}, delivery.body)


def test_wrong_hmac_is_refused_with_401_and_nothing_is_stored(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")
    deliveries = shopify_sandbox.webhook_deliveries("orders/paid", order["id"], secret="not-it")

    [response] = post_webhooks(deliveries)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid HMAC signature"}
    assert InboundEvent.objects.count() == 0
    assert SyncRun.objects.count() == 0
    assert fortnox_invoices(fortnox_sandbox) == {}


def test_body_changed_after_signing_is_refused_with_401(
    shop_integration, shopify_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")
    [signed] = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    tampered = Delivery(signed.headers, signed.body.replace(b'"1356.00"', b'"1.00"'))
    assert tampered.body != signed.body

    [response] = post_webhooks([tampered])

    assert response.status_code == 401
    assert InboundEvent.objects.count() == 0


def test_delivery_signed_with_the_previous_secret_is_accepted_during_rotation(
    shop_integration, shopify_sandbox, place_paid_order, post_webhooks, settings
):
    settings.SHOPIFY_PREVIOUS_CLIENT_SECRET = "the-old-secret"
    order = place_paid_order("single_vat_25")
    [delivery] = shopify_sandbox.webhook_deliveries(
        "orders/paid", order["id"], secret="the-old-secret"
    )

    [response] = post_webhooks([delivery])

    assert response.status_code == 200
    assert InboundEvent.objects.get().delivery_id == delivery.webhook_id


@pytest.mark.parametrize("header", REQUIRED_HEADERS)
def test_missing_header_is_refused_with_400_and_nothing_is_stored(
    header, shop_integration, shopify_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")
    [delivery] = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    headers = {name: value for name, value in delivery.headers.items() if name != header}

    [response] = post_webhooks([Delivery(headers, delivery.body)])

    assert response.status_code == 400
    assert response.json() == {"error": f"missing header(s): {header}"}
    assert InboundEvent.objects.count() == 0
    assert SyncRun.objects.count() == 0


def test_get_is_not_allowed(client):
    assert client.get(WEBHOOK_PATH).status_code == 405


def test_signed_body_that_is_not_json_is_answered_400_and_nothing_is_stored(
    shop_integration, post_webhooks
):
    body = b"<order>1</order>"
    headers = {
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Hmac-Sha256": sign(body, "sandbox-secret"),
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    }

    [response] = post_webhooks([Delivery(headers, body)])

    assert response.status_code == 400
    assert response.json() == {"error": "The body is not valid JSON."}
    assert InboundEvent.objects.count() == 0
    assert SyncRun.objects.count() == 0


def test_delivery_is_recorded_with_its_headers_and_raw_body(
    shop_integration, shopify_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")
    [delivery] = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])

    post_webhooks([delivery])

    event = InboundEvent.objects.get()
    assert (event.provider, event.topic, event.account_id, event.delivery_id) == (
        "shopify",
        "orders/paid",
        SHOP,
        delivery.webhook_id,
    )
    assert event.body == delivery.body.decode()
    assert event.headers == {
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": delivery.webhook_id,
        "X-Shopify-API-Version": delivery.headers["X-Shopify-API-Version"],
        "X-Shopify-Event-Id": delivery.headers["X-Shopify-Event-Id"],
        "X-Shopify-Triggered-At": delivery.headers["X-Shopify-Triggered-At"],
    }
    assert event.state == InboundEvent.State.PROCESSED


def test_duplicate_delivery_creates_one_invoice(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")
    deliveries = shopify_sandbox.webhook_deliveries("orders/paid", order["id"], duplicate=4)
    assert len(deliveries) == 5
    assert len({d.webhook_id for d in deliveries}) == 1

    responses = post_webhooks(deliveries)

    assert [r.status_code for r in responses] == [200] * 5
    event = InboundEvent.objects.get()
    assert event.state == InboundEvent.State.PROCESSED
    run = SyncRun.objects.get()
    assert (run.status, run.source_id, run.attempts) == ("succeeded", str(order["id"]), 1)
    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]
    assert _invoice_posts(fortnox_sandbox) == 1
    assert shop_order(shopify_sandbox, order["id"])["note"].count("Fortnox") == 1


@pytest.mark.parametrize(
    "arrangement",
    [
        pytest.param("P C P C P", id="paid-before-create"),
        pytest.param("C P C P P", id="create-first"),
        pytest.param("P P P C C", id="paid-repeated-then-create"),
    ],
)
def test_five_different_deliveries_for_one_order_create_one_invoice(
    arrangement, shop_integration, shopify_sandbox, fortnox_sandbox, post_webhooks
):
    """orders/create (its body unpaid) and orders/paid (paid), each body as the order was
    at that event, each event delivered several times as separate deliveries."""
    order = _place_unpaid(shopify_sandbox)
    [created] = shopify_sandbox.webhook_deliveries("orders/create", order["id"])
    shopify_sandbox.mark_paid(shop=SHOP, order_id=order["id"])
    [paid] = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    events = {"P": paid, "C": created}
    seen: set[str] = set()
    deliveries = []
    for letter in arrangement.split():
        first = letter not in seen
        seen.add(letter)
        deliveries.append(events[letter] if first else _redelivered(events[letter]))
    assert len({d.webhook_id for d in deliveries}) == 5
    assert json.loads(created.body)["financial_status"] == "pending"

    responses = post_webhooks(deliveries)

    assert [r.status_code for r in responses] == [200] * 5
    assert InboundEvent.objects.count() == 5
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]
    assert _invoice_posts(fortnox_sandbox) == 1
    invoice = fortnox_invoices(fortnox_sandbox)[run.document_number]
    assert invoice["ExternalInvoiceReference1"] == f"shopify:sale:{order['id']}"
    assert shop_order(shopify_sandbox, order["id"])["note"].count("Fortnox") == 1


def test_orders_create_for_an_unpaid_order_is_ignored_until_it_is_paid(
    shop_integration, shopify_sandbox, fortnox_sandbox, post_webhooks
):
    order = _place_unpaid(shopify_sandbox)

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/create", order["id"]))

    assert InboundEvent.objects.get().state == InboundEvent.State.IGNORED
    assert SyncRun.objects.count() == 0
    assert fortnox_invoices(fortnox_sandbox) == {}

    shopify_sandbox.mark_paid(shop=SHOP, order_id=order["id"])
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]


def test_paid_webhook_for_an_order_shopify_no_longer_shows_paid_is_skipped(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    """The engine re-reads the order: a stale paid body for a cancelled order makes nothing."""
    order = place_paid_order("single_vat_25")
    deliveries = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    shopify_sandbox.cancel(shop=SHOP, order_id=order["id"])

    post_webhooks(deliveries)

    run = SyncRun.objects.get()
    assert (run.status, run.error_message) == (
        SyncRun.Status.SKIPPED,
        "The order was cancelled before it was synced.",
    )
    assert fortnox_invoices(fortnox_sandbox) == {}


def test_orders_updated_echo_of_our_own_write_back_is_recorded_and_ignored(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))
    posts = _invoice_posts(fortnox_sandbox)

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/updated", order["id"]))

    updated = InboundEvent.objects.get(topic="orders/updated")
    assert updated.state == InboundEvent.State.IGNORED
    assert _invoice_posts(fortnox_sandbox) == posts
    assert SyncRun.objects.count() == 1


def test_order_webhook_from_a_shop_without_an_integration_is_ignored(
    shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")

    [response] = post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    assert response.status_code == 200
    event = InboundEvent.objects.get()
    assert (event.state, json.loads(event.body)["id"]) == (InboundEvent.State.IGNORED, order["id"])
    assert SyncRun.objects.count() == 0


@pytest.mark.parametrize(
    ("trigger", "invoicing_topic"),
    [("created", "orders/create"), ("fulfilled", "orders/fulfilled")],
)
def test_the_integrations_trigger_decides_which_event_makes_the_invoice(
    trigger, invoicing_topic, shop_integration, shopify_sandbox, fortnox_sandbox, post_webhooks
):
    shop_integration.shopify_settings.trigger = trigger
    shop_integration.shopify_settings.save()
    shop_integration.save()
    order = _place_unpaid(shopify_sandbox)
    deliveries = shopify_sandbox.webhook_deliveries("orders/create", order["id"])
    shopify_sandbox.mark_paid(shop=SHOP, order_id=order["id"])
    deliveries += shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    shopify_sandbox.fulfil(shop=SHOP, order_id=order["id"])
    deliveries += shopify_sandbox.webhook_deliveries("orders/fulfilled", order["id"])

    post_webhooks(deliveries)

    states = dict(InboundEvent.objects.values_list("topic", "state"))
    assert states[invoicing_topic] == InboundEvent.State.PROCESSED
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]


def test_order_skipped_while_the_integration_was_off_is_synced_on_its_next_event(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    shop_integration.enabled = False
    shop_integration.save()
    order = place_paid_order("single_vat_25")
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/create", order["id"]))
    assert SyncRun.objects.get().status == SyncRun.Status.SKIPPED

    shop_integration.enabled = True
    shop_integration.save()
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    run = SyncRun.objects.get()
    assert (run.status, run.attempts) == (SyncRun.Status.SUCCEEDED, 2)
    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]


# --- a delivery must be about the shop its headers name ---------------------------------
OTHER_SHOP = "annan-butik.myshopify.com"


def _with_headers_of(delivery: Delivery, shop: str) -> Delivery:
    """A genuine delivery re-sent with another shop's headers: the HMAC covers the body
    only, so the signature still holds."""
    return Delivery({**delivery.headers, "X-Shopify-Shop-Domain": shop}, delivery.body)


def _signed_delivery(body: bytes, **headers: str) -> Delivery:
    return Delivery(
        {
            "X-Shopify-Topic": "orders/paid",
            "X-Shopify-Hmac-Sha256": sign(body, "sandbox-secret"),
            "X-Shopify-Shop-Domain": SHOP,
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            **headers,
        },
        body,
    )


@pytest.mark.parametrize(
    ("topic", "body"),
    [
        ("app/uninstalled", {"id": 1, "domain": OTHER_SHOP, "myshopify_domain": OTHER_SHOP}),
        ("app/uninstalled", {"id": 1, "domain": "www.annan.se", "myshopify_domain": OTHER_SHOP}),
        ("app/uninstalled", {"id": 1, "domain": OTHER_SHOP}),
        ("shop/redact", {"shop_id": 1, "shop_domain": OTHER_SHOP}),
        ("shop/redact", {"shop_id": 1, "shop_domain": None}),
        ("customers/redact", {"shop_domain": f"HTTPS://{OTHER_SHOP.upper()}/", "customer": {}}),
        ("customers/data_request", {"shop_domain": OTHER_SHOP, "customer": {"id": 1}}),
        ("orders/paid", {"id": 1, "shop_domain": OTHER_SHOP}),
    ],
)
def test_body_naming_another_shop_than_the_header_is_refused_with_401_and_nothing_changes(
    topic, body, shop_integration, post_webhooks
):
    delivery = _signed_delivery(json.dumps(body).encode(), **{"X-Shopify-Topic": topic})

    [response] = post_webhooks([delivery])

    assert response.status_code == 401
    assert response.json() == {
        "error": "The body is about another shop than X-Shopify-Shop-Domain."
    }
    assert InboundEvent.objects.count() == 0
    shop_integration.refresh_from_db()
    assert shop_integration.enabled is True
    assert shop_integration.source.status == "active"


def test_uninstall_of_shop_a_resent_with_shop_cs_headers_does_not_uninstall_c(
    shop_integration, shopify_sandbox, post_webhooks
):
    shopify_sandbox.add_shop(domain=OTHER_SHOP)
    [genuine] = shopify_sandbox.webhook_deliveries("app/uninstalled", shop=OTHER_SHOP)

    [response] = post_webhooks([_with_headers_of(genuine, SHOP)])

    assert response.status_code == 401
    assert InboundEvent.objects.count() == 0
    shop_integration.source.refresh_from_db()
    assert shop_integration.source.status == "active"


@pytest.mark.parametrize(
    "body",
    [
        {"id": 1, "domain": SHOP, "myshopify_domain": SHOP},
        {"id": 1, "domain": "www.demo-butik.se", "myshopify_domain": SHOP},
        {"shop_id": 1, "shop_domain": f"https://{SHOP.upper()}"},
    ],
)
def test_body_naming_the_headers_shop_is_accepted(body, post_webhooks):
    topic = "shop/redact" if "shop_domain" in body else "app/uninstalled"

    [response] = post_webhooks(
        [_signed_delivery(json.dumps(body).encode(), **{"X-Shopify-Topic": topic})]
    )

    assert response.status_code == 200
    assert InboundEvent.objects.get().account_id == SHOP


def test_order_of_shop_a_resent_with_shop_cs_headers_makes_no_document_in_c(
    shop_integration, shopify_sandbox, fortnox_sandbox, post_webhooks
):
    """Order events are acted on only after re-reading the order from the header's shop,
    where shop A's order does not exist."""
    shopify_sandbox.add_shop(domain=OTHER_SHOP, currency="SEK")
    order = shopify_sandbox.create_order(
        shop=OTHER_SHOP, order=load_scenario("single_vat_25"), fresh=True
    )
    shopify_sandbox.mark_paid(shop=OTHER_SHOP, order_id=order["id"])
    [genuine] = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    assert genuine.headers["X-Shopify-Shop-Domain"] == OTHER_SHOP

    [response] = post_webhooks([_with_headers_of(genuine, SHOP)])

    assert response.status_code == 200  # signed by Shopify; the re-read decides
    run = SyncRun.objects.get()
    assert run.integration == shop_integration
    assert run.status in (SyncRun.Status.FAILED, SyncRun.Status.SKIPPED)
    assert str(order["id"]) in run.error_message
    assert run.error_message.endswith(".")
    assert fortnox_invoices(fortnox_sandbox) == {}
    assert shopify_sandbox.shop(OTHER_SHOP).orders[order["id"]]["note"] is None


# --- malformed deliveries: a 4xx with a sentence, never a 5xx, nothing stored ------------
@pytest.mark.parametrize(
    "signature",
    ["ÅÄÖ-not-ascii", "not base64 at all", "A" * 44, "=" * 44, "", " ", "Y3S0Ocgd\x00"],
)
def test_signature_header_that_is_not_a_base64_digest_is_refused_with_401(signature, post_webhooks):
    delivery = _signed_delivery(b'{"id": 1}')
    delivery.headers["X-Shopify-Hmac-Sha256"] = signature

    [response] = post_webhooks([delivery])

    assert response.status_code in (400, 401)  # 400 when the header is missing (blank)
    assert InboundEvent.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"id": 1, "note": "a\x00b"}', id="raw-nul"),
        pytest.param(b'{"id": 1, "note": "a\\u0000b"}', id="escaped-nul"),
        pytest.param(b'{"id": 1, "note": "\\ud800"}', id="lone-surrogate"),
        pytest.param(b'{"id": 1, "note": "\xff\xfe"}', id="invalid-utf8"),
        pytest.param('{"id": 1}'.encode("utf-16"), id="utf16"),
        pytest.param(b"[" * 50_000 + b"]" * 50_000, id="nested-50000"),
        pytest.param(b'{"a":' * 100 + b"1" + b"}" * 100, id="nested-100"),
        pytest.param(b"", id="empty"),
    ],
)
def test_signed_body_that_is_not_storable_json_is_refused_with_400(body, post_webhooks):
    [response] = post_webhooks([_signed_delivery(body)])

    assert response.status_code == 400
    assert response.json() == {"error": "The body is not valid JSON."}
    assert InboundEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("header", "value", "error"),
    [
        ("X-Shopify-Topic", "orders/" + "x" * 100, "X-Shopify-Topic is too long."),
        ("X-Shopify-Webhook-Id", "d" * 256, "X-Shopify-Webhook-Id is too long."),
        ("X-Shopify-Event-Id", "e" * 256, "X-Shopify-Event-Id is too long."),
        (
            "X-Shopify-Shop-Domain",
            "a" * 250 + ".myshopify.com",
            "X-Shopify-Shop-Domain is too long.",
        ),
        (
            "X-Shopify-Shop-Domain",
            "evil.example.com",
            "X-Shopify-Shop-Domain is not a myshopify.com store address.",
        ),
        (
            "X-Shopify-Topic",
            "orders/paid\x00",
            "X-Shopify-Topic holds characters a header cannot have.",
        ),
        (
            "X-Shopify-Webhook-Id",
            "lév",
            "X-Shopify-Webhook-Id holds characters a header cannot have.",
        ),
    ],
)
def test_header_that_does_not_fit_its_column_is_refused_with_400(
    header, value, error, post_webhooks
):
    delivery = _signed_delivery(b'{"id": 1}')
    delivery.headers[header] = value

    [response] = post_webhooks([delivery])

    assert (response.status_code, response.json()) == (400, {"error": error})
    assert InboundEvent.objects.count() == 0


def test_body_over_the_size_limit_is_refused_with_413_before_it_is_read(
    client, settings, monkeypatch
):
    settings.WEBHOOK_MAX_BYTES = 1000
    body = json.dumps({"id": 1, "note": "x" * 2000}).encode()
    read = []
    monkeypatch.setattr(
        "django.core.handlers.wsgi.LimitedStream.read",
        lambda self, *args: read.append(args) or b"",
    )

    response = client.post(
        WEBHOOK_PATH,
        data=body,
        content_type="application/json",
        headers=_signed_delivery(body).headers,
    )

    assert response.status_code == 413
    assert response.json() == {"error": "The body is too large."}
    assert read == []
    assert InboundEvent.objects.count() == 0


def test_body_longer_than_the_limit_is_refused_even_when_content_length_says_less(client, settings):
    settings.WEBHOOK_MAX_BYTES = 1000
    body = json.dumps({"id": 1, "note": "x" * 2000}).encode()

    response = client.post(
        WEBHOOK_PATH,
        data=body,
        content_type="application/json",
        headers=_signed_delivery(body).headers,
        CONTENT_LENGTH="999",
    )

    # Django reads no more than Content-Length, so the signature no longer matches.
    assert response.status_code in (401, 413)
    assert InboundEvent.objects.count() == 0


@pytest.mark.parametrize("length", ["abc", "-5", "1e3"])
def test_content_length_that_is_not_a_number_is_refused_with_400(length, client):
    body = b'{"id": 1}'

    response = client.post(
        WEBHOOK_PATH,
        data=body,
        content_type="application/json",
        headers=_signed_delivery(body).headers,
        CONTENT_LENGTH=length,
    )

    assert response.status_code == 400
    assert InboundEvent.objects.count() == 0


def test_webhook_max_bytes_default_is_one_mebibyte():
    from django.conf import settings

    assert settings.WEBHOOK_MAX_BYTES == 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= settings.WEBHOOK_MAX_BYTES


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"1", b"null"])
def test_signed_json_that_is_not_an_object_is_refused_with_400(body, post_webhooks):
    [response] = post_webhooks([_signed_delivery(body)])

    assert (response.status_code, response.json()) == (
        400,
        {"error": "The body is not a JSON object."},
    )
    assert InboundEvent.objects.count() == 0
