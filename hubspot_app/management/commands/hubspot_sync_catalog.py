"""Every HubSpot company, contact and/or product of a portal into Fortnox."""

from __future__ import annotations

from functools import partial

from django.core.management.base import BaseCommand, CommandError

from hubspot_app.catalog import hubspot_sync_catalog
from hubspot_app.client import PROVIDER
from syncs.management.progress import run_catalog_sync
from syncs.models import Integration


class Command(BaseCommand):
    help = (
        "Create or update the Fortnox customers and articles of a HubSpot portal's companies,"
        " contacts and products (all three unless some are named), within Fortnox's rate"
        " limit; ends with a one-line summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("--portal", required=True, help="the HubSpot portal (hub) id")
        parser.add_argument("--companies", action="store_true", help="sync companies")
        parser.add_argument("--contacts", action="store_true", help="sync contacts")
        parser.add_argument("--products", action="store_true", help="sync products")
        parser.add_argument("--dry-run", action="store_true", help="compare, write nothing")

    def handle(self, *args, portal, companies, contacts, products, dry_run, **options):
        integration = portal_integration(portal)
        every = not (companies or contacts or products)
        run_catalog_sync(
            self,
            partial(
                hubspot_sync_catalog,
                integration=integration,
                companies=companies or every,
                contacts=contacts or every,
                products=products or every,
                dry_run=dry_run,
            ),
        )


def portal_integration(portal: str) -> Integration:
    if not str(portal).isdigit():
        raise CommandError(f"--portal takes a HubSpot portal id (digits), not {portal!r}.")
    integration = (
        Integration.objects.filter(source__provider=PROVIDER, source__account_id=str(portal))
        .select_related("source", "fortnox")
        .first()
    )
    if integration is None:
        raise CommandError(f"No integration for HubSpot portal {portal}.")
    return integration
