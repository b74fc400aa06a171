"""Place an order in the running Shopify sandbox and deliver its webhooks to the service.

The sandbox lives in the web process (``make run``), so this command asks it over HTTP
(``/sandbox/shopify/_control/orders``) to place the order, then posts the signed deliveries
it gets back to ``--target``.
"""

from __future__ import annotations

import base64

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from integrations.http import build_session
from shopify_app.sandbox.orders import available_scenarios
from shopify_app.sandbox.webhooks import Delivery, WebhookSender

DEFAULT_SCENARIO = "single_vat_25"


class Command(BaseCommand):
    help = "Place a Shopify sandbox order (a scenario) and send its webhooks to the service."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scenario", default=DEFAULT_SCENARIO, help="scenario file name")
        parser.add_argument("--shop", default="demo-butik.myshopify.com")
        parser.add_argument("--topics", default="orders/create,orders/paid")
        parser.add_argument("--target", help="webhook URL (default: the service's own)")
        parser.add_argument("--duplicate", type=int, default=0, help="re-send each N times")
        parser.add_argument("--reorder", action="store_true", help="send the last event first")
        parser.add_argument("--delay", type=float, default=0.0, help="seconds between sends")
        parser.add_argument("--sandbox-url", help="default: PUBLIC_BASE_URL/sandbox/shopify")

    def handle(self, *args, **options) -> None:
        if options["scenario"] not in available_scenarios():
            names = ", ".join(available_scenarios()) or "(none)"
            raise CommandError(f"Unknown scenario {options['scenario']!r}; available: {names}")
        base = options["sandbox_url"] or f"{settings.PUBLIC_BASE_URL}/sandbox/shopify"
        target = options["target"] or f"{settings.PUBLIC_BASE_URL}/shopify/webhooks/"
        placed = self._place(base, options)
        deliveries = [
            Delivery(item["headers"], base64.b64decode(item["body_base64"]))
            for item in placed["deliveries"]
        ]
        results = WebhookSender().send(deliveries, target, delay=options["delay"])
        order = placed["order"]
        sent = ", ".join(f"{r.topic} {r.status or 'unreachable'}" for r in results)
        self.stdout.write(
            f"Placed {order['name']} (id {order['id']}, {options['scenario']}) in"
            f" {options['shop']}; delivered {len(results)} webhooks to {target}: {sent}"
        )

    def _place(self, base: str, options: dict) -> dict:
        payload = {
            "shop": options["shop"],
            "scenario": options["scenario"],
            "topics": options["topics"],
            "duplicate": options["duplicate"],
            "reorder": options["reorder"],
        }
        try:
            response = build_session().post(f"{base}/_control/orders", json=payload)
        except requests.RequestException as exc:
            raise CommandError(
                f"The Shopify sandbox at {base} did not answer ({exc}); is the service running"
                " (make run) with SANDBOX_ENABLED?"
            ) from exc
        if response.status_code != 201:
            raise CommandError(f"The sandbox refused: HTTP {response.status_code} {response.text}")
        return response.json()
