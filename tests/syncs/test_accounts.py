"""The account lifecycle: linking Fortnox (one account per source) and disconnecting.
Runs on PostgreSQL in CI, where the row lock is real."""

from __future__ import annotations

import pytest

from integrations.models import ConnectionStatus
from syncs.accounts import FortnoxAlreadyLinked, integration_link_fortnox, source_disconnect
from tests.factories import ConnectionFactory, IntegrationFactory

pytestmark = pytest.mark.django_db


def test_linking_fortnox_to_a_new_integration_sets_it_once():
    integration = IntegrationFactory(fortnox=None)
    tenant = ConnectionFactory()

    assert integration_link_fortnox(integration=integration, fortnox=tenant) is True
    assert integration_link_fortnox(integration=integration, fortnox=tenant) is False
    integration.refresh_from_db()
    assert integration.fortnox_id == tenant.pk


def test_switching_to_another_active_fortnox_account_needs_a_disconnect_first():
    integration = IntegrationFactory()
    first = integration.fortnox

    with pytest.raises(FortnoxAlreadyLinked, match="Disconnect it first"):
        integration_link_fortnox(integration=integration, fortnox=ConnectionFactory())

    integration.refresh_from_db()
    assert integration.fortnox_id == first.pk


def test_after_a_disconnect_another_fortnox_account_can_be_linked():
    integration = IntegrationFactory()
    integration.fortnox.status = ConnectionStatus.DISCONNECTED
    integration.fortnox.save()
    other = ConnectionFactory()

    assert integration_link_fortnox(integration=integration, fortnox=other) is True


def test_uninstall_forgets_the_sources_tokens_and_switches_the_integration_off():
    integration = IntegrationFactory()
    source = integration.source

    source_disconnect(provider=source.provider, account_id=source.account_id, reason="Gone.")

    source.refresh_from_db()
    integration.refresh_from_db()
    assert (source.status, source.access_token, source.last_error) == (
        ConnectionStatus.DISCONNECTED,
        "",
        "Gone.",
    )
    assert integration.enabled is False
