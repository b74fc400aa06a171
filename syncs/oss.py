"""The readiness check's OSS part: the foreign VAT rates recent sales need, and whether the
Fortnox company takes them.

An EU consumer charged their own country's VAT (OSS) gets rows at that country's rate,
which Fortnox refuses unless the company is set up for OSS. The rates come from the sales
recorded for each integration in the last weeks; each is probed with a draft order for a
customer of that country (cancelled at once), as the VAT probe does for Swedish rates.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fortnox.client import FortnoxClient
from fortnox.readiness import Check, rate_probe
from integrations.models import Connection
from syncs.connectors import get_source
from syncs.customers import customer_link_key
from syncs.links import link_get
from syncs.models import ExternalLink, InboundEvent, Integration
from syncs.vat import OSS_FIX, country_name, foreign_rates, vat_type_for

RECENT = timedelta(days=60)
MAX_EVENTS = 500


def oss_needs(integration: Integration) -> dict[tuple[str, Decimal], str]:
    """(country, rate) -> a linked Fortnox customer there ("" if none) for every foreign
    rate a recent sale of this integration charged an EU consumer."""
    try:
        connector = get_source(integration.source.provider)
    except LookupError:
        return {}
    events = InboundEvent.objects.filter(
        provider=integration.source.provider,
        account_id=integration.source.account_id,
        received_at__gte=timezone.now() - RECENT,
    ).order_by("-received_at")[:MAX_EVENTS]
    needs: dict[tuple[str, Decimal], str] = {}
    for event in events:
        try:
            doc = connector.preview_document(
                payload=json.loads(event.body), integration=integration
            )
        except (ValueError, KeyError, TypeError, LookupError):
            continue  # not a sale (another topic), or not one the source can map
        if vat_type_for(doc.customer, overrides=integration.vat_type_overrides) != "EUVAT":
            continue
        key = customer_link_key(integration, doc)
        customer = link_get(integration, ExternalLink.Kind.CUSTOMER, key) if key else ""
        for rate in foreign_rates(doc):
            place = (doc.customer.country_code, rate)
            needs[place] = needs.get(place) or customer
    return needs


def oss_readiness(*, connection: Connection, client: FortnoxClient) -> list[Check]:
    """One check per foreign rate recent sales need: accepted, refused (with the fix), or
    not probed yet (no customer of that country in Fortnox to probe with)."""
    needs: dict[tuple[str, Decimal], str] = {}
    for integration in connection.fortnox_integrations.select_related("source"):
        for place, customer in oss_needs(integration).items():
            needs[place] = needs.get(place) or customer
    return [
        _probe(client, country, rate, customer)
        for (country, rate), customer in sorted(needs.items())
    ]


def _probe(client: FortnoxClient, country: str, rate: Decimal, customer: str) -> Check:
    name = f"OSS: {rate} % VAT for consumers in {country_name(country)} ({country})"
    if not customer:
        return Check(name, True, "needed by recent orders; not probed: no customer there yet",
                     warning=True)  # fmt: skip
    refusal = rate_probe(client, customer_number=customer, rate=rate)
    if refusal is None:
        return Check(name, True, f"needed by recent orders; accepted (customer {customer})")
    return Check(
        name,
        False,
        f"needed by recent orders; Fortnox refuses it: {refusal.message}",
        OSS_FIX.format(country=country_name(country)),
    )
