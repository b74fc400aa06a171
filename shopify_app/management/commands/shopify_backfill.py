"""Sync a shop's historical orders through the same engine runs as webhooks."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from integrations.errors import ConnectorError
from shopify_app.backfill import shopify_backfill
from shopify_app.management.shops import parse_date, shop_integration
from syncs.management.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Sync a shop's orders created in a date range by the integration's trigger, each"
        " exactly once (a second run over the same range creates nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shop", required=True, help="name.myshopify.com")
        parser.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="count, create nothing")

    def handle(self, *args, shop, since, until, dry_run, **options):
        first, last = parse_date(since, "--since"), parse_date(until, "--until")
        if last is not None and last < first:
            raise CommandError(f"--until {last} is before --since {first}.")
        integration = shop_integration(shop, needs_fortnox=not dry_run)
        bar = ProgressBar(self.stderr)
        try:
            summary = shopify_backfill(
                integration=integration, since=first, until=last, dry_run=dry_run, progress=bar
            )
        except ConnectorError as error:
            raise CommandError(f"Shopify: {error.message}") from None
        finally:
            bar.close()
        self.stdout.write(summary.line())
