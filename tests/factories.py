"""One factory per model. Defaults are a working Swedish setup; tests override what
their behaviour depends on."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from hubspot_app.models import HubSpotSettings
from integrations.models import Connection, ConnectionStatus, Provider
from shopify_app.models import ShopifySettings
from syncs.models import (
    ExternalLink,
    FieldMapping,
    InboundEvent,
    Integration,
    SyncRun,
    SyncRunLog,
    UsageMonth,
)


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    provider = Provider.FORTNOX
    account_id = factory.Sequence(lambda n: f"{100000 + n}")
    display_name = factory.Sequence(lambda n: f"Bolaget {n} AB")
    status = ConnectionStatus.ACTIVE
    access_token = factory.Sequence(lambda n: f"access-token-{n}")
    refresh_token = factory.Sequence(lambda n: f"refresh-token-{n}")
    token_expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))


class ShopConnectionFactory(ConnectionFactory):
    provider = Provider.SHOPIFY
    account_id = factory.Sequence(lambda n: f"butik-{n}.myshopify.com")
    display_name = factory.SelfAttribute("account_id")


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Integration

    name = factory.SelfAttribute("source.account_id")
    source = factory.SubFactory(ShopConnectionFactory)
    fortnox = factory.SubFactory(ConnectionFactory)


class ShopifySettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopifySettings

    integration = factory.SubFactory(IntegrationFactory)
    trigger = ShopifySettings.Trigger.PAID


class FieldMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldMapping

    integration = factory.SubFactory(IntegrationFactory)
    target = "document.YourReference"
    kind = FieldMapping.Kind.PATH
    expression = "order.name"


class ExternalLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalLink

    integration = factory.SubFactory(IntegrationFactory)
    kind = ExternalLink.Kind.CUSTOMER
    source_id = factory.Sequence(lambda n: f"email:kund{n}@example.se")
    fortnox_number = factory.Sequence(lambda n: str(1000 + n))


class InboundEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboundEvent

    provider = Provider.SHOPIFY
    delivery_id = factory.Sequence(lambda n: f"delivery-{n}")
    topic = "orders/paid"
    account_id = "demo-butik.myshopify.com"
    body = "{}"


class SyncRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyncRun

    integration = factory.SubFactory(IntegrationFactory)
    provider = factory.SelfAttribute("integration.source.provider")
    operation = "document"
    source_id = factory.Sequence(lambda n: str(5000 + n))
    source_label = factory.LazyAttribute(lambda run: f"#{run.source_id}")


class SyncRunLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyncRunLog

    run = factory.SubFactory(SyncRunFactory)
    step = "document"
    message = "Fortnox invoice 1 created"


class UsageMonthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageMonth

    integration = factory.SubFactory(IntegrationFactory)
    month = factory.LazyFunction(lambda: date.today().replace(day=1))
    documents = 1


class PortalConnectionFactory(ConnectionFactory):
    provider = Provider.HUBSPOT
    account_id = factory.Sequence(lambda n: f"{24_690_000 + n}")
    display_name = factory.LazyAttribute(lambda c: f"HubSpot portal {c.account_id}")


class HubSpotSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HubSpotSettings

    integration = factory.SubFactory(
        IntegrationFactory, source=factory.SubFactory(PortalConnectionFactory)
    )
