"""What the shop commands share: the shop's integration from ``--shop``, and dates."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError

from integrations.models import ConnectionStatus
from shopify_app.oauth import PROVIDER
from shopify_app.signatures import normalise_shop
from syncs.models import Integration


def shop_integration(shop: str, *, needs_fortnox: bool = True) -> Integration:
    """The integration of ``shop``; a ``CommandError`` saying what is missing otherwise."""
    domain = normalise_shop(shop or "")
    if not domain:
        raise CommandError(f"{shop!r} is not a Shopify store address (name.myshopify.com).")
    integration = (
        Integration.objects.select_related("source", "fortnox")
        .filter(source__provider=PROVIDER, source__account_id=domain)
        .first()
    )
    if integration is None:
        raise CommandError(f"{domain} has not installed the app; install it first.")
    if integration.source.status != ConnectionStatus.ACTIVE:
        status = integration.source.get_status_display().lower()
        raise CommandError(f"{domain} is {status}; reinstall the app first.")
    fortnox = integration.fortnox
    if needs_fortnox and (fortnox is None or fortnox.status != ConnectionStatus.ACTIVE):
        raise CommandError(f"Fortnox is not connected for {domain}; connect it first.")
    return integration


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}.") from None
