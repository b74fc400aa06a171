"""The measured cases; each returns a callable doing one unit of work."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from pathlib import Path

import responses
from django.conf import settings
from django.test import Client
from django.utils import timezone

SCENARIOS = Path(__file__).resolve().parent.parent / "shopify_app" / "sandbox" / "scenarios"


def _order() -> dict:
    return json.loads((SCENARIOS / "mixed_vat_25_12_6.json").read_text())


def webhook_receive():
    from shopify_app.signatures import webhook_hmac

    client = Client()
    body = json.dumps(_order()).encode()
    signature = webhook_hmac(body, settings.SHOPIFY_CLIENT_SECRET)
    counter = itertools.count()

    def receive():
        response = client.post(
            "/shopify/webhooks/",
            data=body,
            content_type="application/json",
            HTTP_X_SHOPIFY_TOPIC="orders/create",
            HTTP_X_SHOPIFY_HMAC_SHA256=signature,
            HTTP_X_SHOPIFY_SHOP_DOMAIN="bench.myshopify.com",
            HTTP_X_SHOPIFY_WEBHOOK_ID=f"bench-{next(counter)}",
        )
        assert response.status_code == 200, response.content

    return receive


def map_and_build():
    from fortnox.documents import DocumentOptions, build_document
    from shopify_app.mappers import order_to_document

    order = _order()

    def work():
        doc = order_to_document(order)
        build_document(doc, DocumentOptions(customer_number="1"))

    return work


def pipeline_warm():
    from fortnox.client import FortnoxClient
    from fortnox.sandbox import FortnoxSandbox
    from fortnox.sandbox.testing import install
    from integrations.models import Connection
    from shopify_app.mappers import order_to_document
    from syncs.models import Integration
    from syncs.pipeline import run_execute
    from syncs.runs import run_get_or_create

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.start()
    sandbox = FortnoxSandbox()
    sandbox.rate_limit = 10**9  # measure our cost, not Fortnox's limit
    sandbox.add_tenant(database_number="1234567", company_name="Bench AB")
    install(mock, sandbox, api_url=settings.FORTNOX_API_URL, auth_url=settings.FORTNOX_AUTH_URL)
    tokens = sandbox.issue_tokens(database_number="1234567")
    fortnox = Connection.objects.create(
        provider="fortnox", account_id="1234567", access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"], token_expires_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    shop = Connection.objects.create(provider="shopify", account_id="bench-2.myshopify.com")
    integration = Integration.objects.create(
        source=shop, fortnox=fortnox, missing_article="create", shipping_article="FRAKT"
    )
    FortnoxClient(connection=fortnox).create_article(
        article={"ArticleNumber": "FRAKT", "Description": "Frakt"}
    )
    template = _order()
    ids = itertools.count(1)

    class Source:
        def load_document(self, **kwargs):
            return order_to_document({**template, "id": int(kwargs["source_id"])})

        def report(self, **kwargs):
            pass

    import syncs.connectors as registry

    real = registry.get_source("shopify")
    source = Source()
    source.label, source.key = real.label, real.key

    def sync_one():
        registry._SOURCES["shopify"] = source
        try:
            run = run_get_or_create(
                integration=integration, operation="document", source_id=str(next(ids))
            )
            run_execute(run_id=run.pk)
        finally:
            registry._SOURCES["shopify"] = real

    return sync_one
