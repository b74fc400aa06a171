"""The merchant's next-deal sentence reads as one sentence for HubSpot's stage rules."""

from __future__ import annotations

import pytest

from hubspot_app.connector import HubSpotConnector
from syncs.sentences import next_sale_sentence
from tests.factories import ConnectionFactory, IntegrationFactory

pytestmark = pytest.mark.django_db


def _integration(rules):
    from hubspot_app.models import HubSpotSettings

    source = ConnectionFactory(provider="hubspot", account_id="24680001")
    integration = IntegrationFactory(source=source, fortnox__display_name="Sandbox AB")
    HubSpotSettings.objects.create(integration=integration, stage_rules=rules)
    return integration


def test_one_invoice_rule_makes_one_plain_sentence():
    rule = {"pipeline": "default", "stage": "closedwon", "document_type": "invoice"}
    sentence = next_sale_sentence(_integration([rule]), HubSpotConnector())

    assert sentence.startswith(
        "When a deal reaches stage closedwon (pipeline default), it becomes a draft invoice"
        " in Sandbox AB's Fortnox;"
    )
    assert "., " not in sentence


def test_rules_of_both_kinds_say_both():
    rules = [
        {"pipeline": "default", "stage": "closedwon", "document_type": "invoice"},
        {"pipeline": "default", "stage": "contractsent", "document_type": "order"},
    ]
    sentence = next_sale_sentence(_integration(rules), HubSpotConnector())

    assert sentence.startswith(
        "When a deal reaches stage closedwon (pipeline default) or contractsent (pipeline"
        " default), it becomes a draft invoice or draft order"
    )
