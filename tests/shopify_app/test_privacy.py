"""Shopify's mandatory privacy webhooks and the uninstall: customers/redact scrubs one
customer's personal data from what we stored, shop/redact deletes the shop's data, and
app/uninstalled disconnects the shop so nothing more is synced."""

from __future__ import annotations

import contextlib
import json
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from integrations.models import Connection, ConnectionStatus
from shopify_app.sandbox.webhooks import build_delivery, triggered_at
from syncs.models import ExternalLink, InboundEvent, Integration, SyncRun, SyncRunLog
from tests.factories import ExternalLinkFactory
from tests.plugins.shopify import SHOP
from tests.shopify_app.conftest import fortnox_invoices

pytestmark = pytest.mark.django_db
SHOP_ID = 60830031936
# What single_vat_25's buyer left with the shop (order, customer, billing and shipping).
ANNA = ("anna.lindqvist@example.se", "Anna", "Lindqvist", "Sveavägen 44", "+46701234567")
# mixed_vat_25_12_6's buyer, who asked for nothing.
JOHAN = ("johan.ek@example.se", "Johan Ek", "Kungsgatan 12")


def _delivery(topic: str, body: dict):
    return build_delivery(
        topic=topic,
        shop=SHOP,
        resource=body,
        secret=settings.SHOPIFY_CLIENT_SECRET,
        api_version=settings.SHOPIFY_API_VERSION,
        event_id=str(uuid.uuid4()),
        triggered=triggered_at(0),
    )


def _customer_redact(order: dict, *, orders_to_redact: list | None = None):
    customer = order["customer"]
    body = {
        "shop_id": SHOP_ID,
        "shop_domain": SHOP,
        "customer": {"id": customer["id"], "email": customer["email"], "phone": customer["phone"]},
        "orders_to_redact": [order["id"]] if orders_to_redact is None else orders_to_redact,
    }
    return _delivery("customers/redact", body)


def _stored_texts() -> list[str]:
    """Every stored event and log text, raw and with JSON escapes decoded (a re-serialised
    body writes "ä" as "\\u00e4")."""
    texts = []
    for event in InboundEvent.objects.all():
        texts += [event.body, json.dumps(event.headers), event.error]
    for log in SyncRunLog.objects.all():
        texts += [log.message, log.excerpt]
    for text in list(texts):
        with contextlib.suppress(ValueError):
            texts.append(json.dumps(json.loads(text), ensure_ascii=False))
    return texts


def _found(values, texts) -> set[str]:
    return {value for value in values for text in texts if value in text}


@pytest.fixture
def two_customers_synced(shop_integration, shopify_sandbox, place_paid_order, post_webhooks):
    """Anna's and Johan's paid orders, each delivered as orders/create and orders/paid and
    synced (so their bodies and the run logs' excerpts hold their personal data)."""
    anna = place_paid_order("single_vat_25")
    johan = place_paid_order("mixed_vat_25_12_6")
    for order in (anna, johan):
        deliveries = shopify_sandbox.webhook_deliveries("orders/create,orders/paid", order["id"])
        post_webhooks(deliveries)
    assert SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).count() == 2
    assert _found(ANNA, _stored_texts()) == set(ANNA)
    assert _found(JOHAN, _stored_texts()) == set(JOHAN)
    return anna, johan


def _johans_rows(johan) -> tuple[list, list]:
    events = sorted(
        (e.delivery_id, e.body) for e in InboundEvent.objects.filter(body__contains=JOHAN[0])
    )
    logs = sorted(
        (log.pk, log.message, log.excerpt)
        for log in SyncRunLog.objects.filter(run__source_id=str(johan["id"]))
    )
    return events, logs


def test_customers_redact_removes_the_customers_data_from_events_and_run_logs(
    two_customers_synced, post_webhooks
):
    anna, johan = two_customers_synced
    johan_before = _johans_rows(johan)
    assert len(johan_before[0]) == 2

    [response] = post_webhooks([_customer_redact(anna)])

    assert response.status_code == 200
    redact = InboundEvent.objects.get(topic="customers/redact")
    assert (redact.state, redact.error) == (InboundEvent.State.IGNORED, "")
    assert _found(ANNA, _stored_texts()) == set()
    assert _johans_rows(johan) == johan_before
    # Anna's order events are kept for the audit trail, without her data.
    anna_events = InboundEvent.objects.filter(topic__startswith="orders/").exclude(
        body__contains=JOHAN[0]
    )
    assert anna_events.count() == 2
    for event in anna_events:
        body = json.loads(event.body)
        assert body["id"] == anna["id"]
        assert body["email"] == body["customer"] == body["billing_address"] == "[redacted]"
        assert body["total_price"] == "1356.00"


def test_customers_redact_without_order_ids_still_scrubs_the_customers_events_and_logs(
    two_customers_synced, post_webhooks
):
    anna, johan = two_customers_synced
    johan_before = _johans_rows(johan)

    post_webhooks([_customer_redact(anna, orders_to_redact=[])])

    assert _found(ANNA, _stored_texts()) == set()
    assert _johans_rows(johan) == johan_before


def test_customers_redact_with_a_bad_signature_is_refused_and_changes_nothing(
    two_customers_synced, post_webhooks
):
    anna, _ = two_customers_synced
    signed = _customer_redact(anna)
    forged = signed._replace(headers={**signed.headers, "X-Shopify-Hmac-Sha256": "AAAA"})

    [response] = post_webhooks([forged])

    assert response.status_code == 401
    assert _found(ANNA, _stored_texts()) == set(ANNA)


def test_shop_redact_deletes_everything_kept_for_the_shop(
    two_customers_synced, fortnox_connection, post_webhooks
):
    other = Connection.objects.create(provider="shopify", account_id="annan-butik.myshopify.com")
    InboundEvent.objects.create(
        provider="shopify",
        delivery_id="other-shop-delivery",
        topic="orders/paid",
        account_id=other.account_id,
        body="{}",
        queued_at=timezone.now(),  # on its way to a worker; redact must leave it alone
    )

    [response] = post_webhooks(
        [_delivery("shop/redact", {"shop_id": SHOP_ID, "shop_domain": SHOP})]
    )

    assert response.status_code == 200
    assert not Connection.objects.filter(provider="shopify", account_id=SHOP).exists()
    assert not Integration.objects.filter(source__account_id=SHOP).exists()
    assert SyncRun.objects.count() == SyncRunLog.objects.count() == 0
    assert ExternalLink.objects.count() == 0
    assert sorted(InboundEvent.objects.values_list("account_id", "topic", "state")) == [
        (other.account_id, "orders/paid", InboundEvent.State.RECEIVED),
        (SHOP, "shop/redact", InboundEvent.State.IGNORED),  # the request itself, handled
    ]
    assert json.loads(InboundEvent.objects.get(topic="shop/redact").body) == {
        "shop_id": SHOP_ID,
        "shop_domain": SHOP,
    }
    assert Connection.objects.filter(pk=fortnox_connection.pk).exists()  # not the shop's


def test_app_uninstalled_disconnects_the_shop_and_stops_syncing(
    shop_integration,
    shopify_sandbox,
    fortnox_sandbox,
    place_paid_order,
    post_webhooks,
):
    uninstalled = shopify_sandbox.webhook_deliveries("app/uninstalled", shop=SHOP)
    shopify_sandbox.uninstall(shop=SHOP)

    [response] = post_webhooks(uninstalled)

    assert response.status_code == 200
    connection = Connection.objects.get(provider="shopify", account_id=SHOP)
    assert (connection.status, connection.access_token, connection.refresh_token) == (
        ConnectionStatus.DISCONNECTED,
        "",
        "",
    )
    assert connection.last_error == "The app was uninstalled from the shop."
    assert Integration.objects.get(pk=shop_integration.pk).enabled is False

    order = place_paid_order("single_vat_25")
    [paid] = post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    assert paid.status_code == 200
    assert fortnox_invoices(fortnox_sandbox) == {}
    run = SyncRun.objects.get(source_id=str(order["id"]))
    assert (run.status, run.error_message) == (
        SyncRun.Status.SKIPPED,
        "The integration is switched off.",
    )
    assert shopify_sandbox.shop(SHOP).orders[order["id"]]["note"] is None


def test_customers_redact_also_scrubs_events_that_name_only_her_order(
    two_customers_synced, post_webhooks
):
    anna, _ = two_customers_synced
    refund = {"id": 509562969, "order_id": anna["id"], "note": "Anna Lindqvist returned it"}
    post_webhooks([_delivery("refunds/create", refund)])
    assert "Anna Lindqvist" in InboundEvent.objects.get(topic="refunds/create").body

    post_webhooks([_customer_redact(anna, orders_to_redact=[])])

    stored = json.loads(InboundEvent.objects.get(topic="refunds/create").body)
    assert stored == {"id": 509562969, "order_id": anna["id"], "note": "[redacted]"}


def test_customers_redact_removes_the_customers_keys_from_the_link_table(
    two_customers_synced, shop_integration, post_webhooks
):
    anna, johan = two_customers_synced
    customers = ExternalLink.objects.filter(kind=ExternalLink.Kind.CUSTOMER)
    assert set(customers.values_list("source_id", flat=True)) == {
        str(anna["customer"]["id"]),
        str(johan["customer"]["id"]),
    }
    # Anna matched by e-mail, a guest's own customer per sale, and Anna's key in
    # another shop (not this shop's to delete).
    ExternalLinkFactory(integration=shop_integration, source_id=f"email:{ANNA[0]}")
    ExternalLinkFactory(integration=shop_integration, source_id=f"guest:shopify:sale:{anna['id']}")
    ExternalLinkFactory(integration=shop_integration, source_id=f"guest:shopify:sale:{johan['id']}")
    elsewhere = ExternalLinkFactory(source_id=f"email:{ANNA[0]}")
    kept = {
        *ExternalLink.objects.exclude(kind=ExternalLink.Kind.CUSTOMER).values_list("pk", flat=True)
    }

    [response] = post_webhooks([_customer_redact(anna)])

    assert response.status_code == 200
    assert set(
        customers.filter(integration=shop_integration).values_list("source_id", flat=True)
    ) == {str(johan["customer"]["id"]), f"guest:shopify:sale:{johan['id']}"}
    assert ExternalLink.objects.filter(pk=elsewhere.pk).exists()
    assert kept <= set(ExternalLink.objects.values_list("pk", flat=True))
