"""A Shopify shop connected to a Fortnox tenant, both answered by their sandboxes, and a
helper that POSTs signed webhook deliveries through the whole pipeline.

Tasks run inline (``Q_CLUSTER["sync"]`` in tests/settings.py). The receiver only stores
an event; the relay (``outbox_relay``, a process of its own outside tests) and the engine
enqueue with ``transaction.on_commit``, so deliveries are posted, then relayed, inside
``django_capture_on_commit_callbacks(execute=True)``, which also runs the callbacks that
those callbacks register (event -> run -> report).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fortnox.client import FortnoxClient
from integrations.models import Connection, Provider
from shopify_app.models import ShopifySettings
from shopify_app.sandbox.testing import post_deliveries
from syncs.models import Integration
from syncs.outbox import outbox_relay
from tests.factories import ConnectionFactory, IntegrationFactory, ShopifySettingsFactory
from tests.plugins.fortnox import TENANT
from tests.plugins.shopify import SHOP

WEBHOOK_PATH = "/shopify/webhooks/"
SHIPPING_ARTICLE = "FRAKT"


@pytest.fixture
def shopify_connection(db, shopify_sandbox, shopify_tokens) -> Connection:
    """demo-butik installed, holding the expiring offline token the sandbox issued."""
    return ConnectionFactory(
        provider=Provider.SHOPIFY,
        account_id=SHOP,
        display_name=SHOP,
        access_token=shopify_tokens["access_token"],
        refresh_token=shopify_tokens["refresh_token"],
        token_expires_at=timezone.now() + timedelta(seconds=shopify_tokens["expires_in"]),
        scopes=shopify_tokens["scope"].split(","),
    )


@pytest.fixture
def shop_integration(shopify_connection, fortnox_connection) -> Integration:
    """demo-butik booking paid orders into tenant 1234567 as draft invoices; missing
    articles are created; the shipping article is already in Fortnox's register."""
    FortnoxClient(connection=fortnox_connection).create_article(
        article={"ArticleNumber": SHIPPING_ARTICLE, "Description": "Frakt"}
    )
    integration = IntegrationFactory(
        name=SHOP,
        source=shopify_connection,
        fortnox=fortnox_connection,
        shipping_article=SHIPPING_ARTICLE,
        missing_article=Integration.MissingArticle.CREATE,
    )
    ShopifySettingsFactory(integration=integration, trigger=ShopifySettings.Trigger.PAID)
    return integration


@pytest.fixture
def post_webhooks(client, django_capture_on_commit_callbacks):
    """``post_webhooks(deliveries)``: POST each delivery to the receiver and run every task
    it enqueues to the end; returns the responses."""

    def post(deliveries) -> list:
        with django_capture_on_commit_callbacks(execute=True):
            responses = post_deliveries(client, WEBHOOK_PATH, deliveries)
            outbox_relay()
        return responses

    return post


@pytest.fixture
def place_paid_order(shopify_sandbox):
    """``place_paid_order(scenario_or_order)``: place the order in demo-butik as a new one
    (new id, name and timestamps) and mark it paid; returns the stored order."""

    def place(order, *, paid: bool = True) -> dict:
        record = shopify_sandbox.create_order(shop=SHOP, order=order, fresh=True)
        if paid:
            shopify_sandbox.mark_paid(shop=SHOP, order_id=record["id"])
        return record

    return place


def fortnox_invoices(fortnox_sandbox) -> dict[str, dict]:
    return fortnox_sandbox.tenant(TENANT).invoices


def fortnox_customers(fortnox_sandbox) -> dict[str, dict]:
    return fortnox_sandbox.tenant(TENANT).customers


def shop_order(shopify_sandbox, order_id) -> dict:
    """The order as stored in the Shopify sandbox now (note, tags, metafields)."""
    return shopify_sandbox.shop(SHOP).orders[int(order_id)]
