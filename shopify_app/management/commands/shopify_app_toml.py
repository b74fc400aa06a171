"""Print shopify.app.toml for a public base URL."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shopify_app.appconfig import app_toml, base_url_problem


class Command(BaseCommand):
    help = (
        "Print shopify.app.toml (scopes, redirect URLs, webhook subscriptions with the"
        " compliance topics, API version) for PUBLIC_BASE_URL or --base-url."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", help="default: PUBLIC_BASE_URL")

    def handle(self, *args, base_url, **options):
        base = base_url or settings.PUBLIC_BASE_URL
        if not base:
            raise CommandError("Set PUBLIC_BASE_URL or give --base-url https://your.host.")
        if problem := base_url_problem(base):
            raise CommandError(problem)
        if not settings.SHOPIFY_CLIENT_ID:
            raise CommandError("SHOPIFY_CLIENT_ID is not set; it is the app's client id.")
        self.stdout.write(
            app_toml(
                base_url=base,
                client_id=settings.SHOPIFY_CLIENT_ID,
                scopes=list(settings.SHOPIFY_SCOPES),
                api_version=settings.SHOPIFY_API_VERSION,
            ),
            ending="",
        )
