"""A HubSpot portal connected to a Fortnox tenant, both answered by their sandboxes, and
helpers that deliver the portal's signed webhooks through the whole pipeline.

Tasks run inline (``Q_CLUSTER["sync"]`` in tests/settings.py); deliveries are posted inside
``django_capture_on_commit_callbacks(execute=True)`` so event -> run -> write-back all run.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from hubspot_app.sandbox.testing import post_to_client
from integrations.models import Connection, Provider
from syncs.models import Integration
from syncs.outbox import outbox_relay
from tests.factories import ConnectionFactory, HubSpotSettingsFactory, IntegrationFactory
from tests.plugins.fortnox import TENANT
from tests.plugins.hubspot import PORTAL_ID

FIXTURES = Path(__file__).parent / "fixtures"
WEBHOOK_PATH = "/hubspot/webhooks/"
WEBHOOK_URL = f"{settings.PUBLIC_BASE_URL}{WEBHOOK_PATH}"
WON = {"pipeline": "default", "stage": "closedwon", "document_type": "invoice"}
# hs_tax_rate is read-only in HubSpot, filled from the tax rate group (the sandbox's ids).
TAX_GROUPS = {"25": "1001", "12": "1002", "6": "1003", "0": "1004"}
READ_ONLY = {"hs_object_id", "createdate", "hs_lastmodifieddate", "lastmodifieddate", "amount",
             "hs_tax_rate", "hs_is_closed", "hs_is_closed_won", "hs_total_discount",
             "amount_in_home_currency", "hs_product_id"}  # fmt: skip


def load_bundle(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def bundle_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def scenario_of(bundle: dict) -> dict:
    """A bundle (API shape) as the sandbox's ``create_deal`` takes it: writable property
    values, the tax rate as its tax rate group, the deal first in contractsent."""

    def writable(props: dict, *, keep_amount: bool = False) -> dict:
        return {
            k: v
            for k, v in props.items()
            if v is not None and (k not in READ_ONLY or (keep_amount and k == "amount"))
        }

    lines = []
    for item in bundle["line_items"]:
        values = writable(item["properties"])
        rate = item["properties"].get("hs_tax_rate")
        if rate is not None:
            values["hs_tax_rate_group_id"] = TAX_GROUPS[str(Decimal(rate).normalize())]
        lines.append(values)
    deal = writable(bundle["deal"]["properties"], keep_amount=True)
    deal["dealstage"], deal["pipeline"] = "contractsent", "default"
    return {
        "company": writable(bundle["companies"][0]["properties"]) if bundle["companies"] else None,
        "contact": writable(bundle["contacts"][0]["properties"]) if bundle["contacts"] else None,
        "deal": deal,
        "line_items": lines,
    }


@pytest.fixture
def hubspot_connection(db, hubspot_sandbox, hubspot_tokens) -> Connection:
    """Portal 24680001 installed, holding the tokens the sandbox issued."""
    return ConnectionFactory(
        provider=Provider.HUBSPOT,
        account_id=str(PORTAL_ID),
        display_name=f"HubSpot portal {PORTAL_ID}",
        access_token=hubspot_tokens["access_token"],
        refresh_token=hubspot_tokens["refresh_token"],
        token_expires_at=timezone.now() + timedelta(seconds=hubspot_tokens["expires_in"]),
        scopes=hubspot_tokens["scopes"],
    )


@pytest.fixture
def portal_integration(hubspot_connection, fortnox_connection) -> Integration:
    """The portal booking deals won in the default pipeline into tenant 1234567 as draft
    invoices; missing articles are created."""
    integration = IntegrationFactory(
        name=f"HubSpot portal {PORTAL_ID}",
        source=hubspot_connection,
        fortnox=fortnox_connection,
        missing_article=Integration.MissingArticle.CREATE,
    )
    HubSpotSettingsFactory(integration=integration, stage_rules=[WON])
    return integration


@pytest.fixture
def deliver(client, hubspot_sandbox, django_capture_on_commit_callbacks):
    """``deliver(**options)``: POST the sandbox's queued events, signed, to the receiver and
    run every task they cause to the end; returns the responses."""

    def send(**options) -> list:
        deliveries = hubspot_sandbox.webhook_deliveries(WEBHOOK_URL, **options)
        with django_capture_on_commit_callbacks(execute=True):
            responses = [post_to_client(client, delivery) for delivery in deliveries]
            outbox_relay()  # the relay's pass: it hands the stored events to the queue
        return responses

    return send


@pytest.fixture
def won_deal(hubspot_sandbox):
    """``won_deal(bundle_or_scenario)``: the deal made in the portal and moved to closedwon."""

    def make(data) -> dict:
        made = hubspot_sandbox.create_deal(scenario_of(data) if "companies" in data else data)
        hubspot_sandbox.move_deal(made["deal"]["id"], "closedwon")
        return made

    return make


def fortnox_invoices(fortnox_sandbox) -> dict[str, dict]:
    return fortnox_sandbox.tenant(TENANT).invoices


def fortnox_customers(fortnox_sandbox) -> dict[str, dict]:
    return fortnox_sandbox.tenant(TENANT).customers
