"""Every Shopify customer and/or product of a shop into Fortnox, through a bulk operation."""

from __future__ import annotations

from functools import partial

from django.core.management.base import BaseCommand

from shopify_app.catalog import shopify_sync_catalog
from shopify_app.management.shops import shop_integration
from syncs.management.progress import run_catalog_sync


class Command(BaseCommand):
    help = (
        "Create or update the Fortnox customer and articles of every Shopify customer and"
        " product of a shop (both unless one is named), within Fortnox's rate limit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shop", required=True, help="name.myshopify.com")
        parser.add_argument("--customers", action="store_true", help="sync customers")
        parser.add_argument("--products", action="store_true", help="sync products")
        parser.add_argument("--dry-run", action="store_true", help="compare, write nothing")

    def handle(self, *args, shop, customers, products, dry_run, **options):
        integration = shop_integration(shop)
        both = not customers and not products
        run_catalog_sync(
            self,
            partial(
                shopify_sync_catalog,
                integration=integration,
                customers=customers or both,
                products=products or both,
                dry_run=dry_run,
            ),
        )
