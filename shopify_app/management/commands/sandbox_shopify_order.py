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
from shopify_app.sandbox.control import ORDER_TOPICS
from shopify_app.sandbox.orders import available_scenarios
from shopify_app.sandbox.webhooks import Delivery, SendResult, WebhookSender

DEFAULT_SCENARIO = "single_vat_25"


class Command(BaseCommand):
    help = "Place a Shopify sandbox order (a scenario) and send its webhooks to the service."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scenario", default=DEFAULT_SCENARIO, help="scenario file name")
        parser.add_argument("--shop", default="demo-butik.myshopify.com")
        parser.add_argument("--topics", default="orders/create,orders/paid")
        parser.add_argument("--target", help="webhook URL (default: the service's own)")
        parser.add_argument("--duplicate", type=int, help="re-send each N more times")
        parser.add_argument("--reorder", action="store_true", help="send the last event first")
        parser.add_argument("--delay", type=float, default=0.0, help="seconds between sends")
        parser.add_argument("--sandbox-url", help="default: PUBLIC_BASE_URL/sandbox/shopify")

    def handle(self, *args, **options) -> None:
        _check(options)
        base = options["sandbox_url"] or f"{settings.PUBLIC_BASE_URL}/sandbox/shopify"
        target = options["target"] or f"{settings.PUBLIC_BASE_URL}/shopify/webhooks/"
        placed = self._place(base, options)
        deliveries = [
            Delivery(item["headers"], base64.b64decode(item["body_base64"]))
            for item in placed["deliveries"]
        ]
        results = WebhookSender().send(deliveries, target, delay=options["delay"])
        order = placed["order"]
        sent = ", ".join(_outcome(r) for r in results)
        self.stdout.write(
            f"Placed {order['name']} (id {order['id']}, {options['scenario']}) in"
            f" {options['shop']}; delivered {len(results)} webhooks to {target}: {sent}"
        )
        refused = [r for r in results if not 200 <= r.status < 300]
        if refused:
            raise CommandError(
                f"{target} did not accept {len(refused)} of {len(results)} webhooks: "
                + ", ".join(_outcome(r) for r in refused)
            )

    def _place(self, base: str, options: dict) -> dict:
        payload = {
            "shop": options["shop"],
            "scenario": options["scenario"],
            "topics": options["topics"],
            "duplicate": options["duplicate"] or 0,
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


def _check(options: dict) -> None:
    """Refuse bad options before anything is placed or sent."""
    if options["scenario"] not in available_scenarios():
        names = ", ".join(available_scenarios()) or "(none)"
        raise CommandError(f"Unknown scenario {options['scenario']!r}; available: {names}")
    if options["delay"] < 0:
        raise CommandError(f"--delay is seconds between sends, 0 or more, not {options['delay']}")
    if options["duplicate"] is not None and options["duplicate"] < 1:
        raise CommandError(
            f"--duplicate is how many more times to send each webhook, 1 or more,"
            f" not {options['duplicate']}"
        )
    topics = [topic.strip() for topic in options["topics"].split(",") if topic.strip()]
    unknown = [topic for topic in topics if topic not in ORDER_TOPICS]
    if unknown or not topics:
        raise CommandError(
            f"Unknown topic {', '.join(unknown) or '(none)'}; known: {', '.join(ORDER_TOPICS)}"
        )


def _outcome(result: SendResult) -> str:
    return f"{result.topic} {f'HTTP {result.status}' if result.status else 'unreachable'}"
