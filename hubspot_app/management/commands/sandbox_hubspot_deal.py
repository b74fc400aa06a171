"""Make a deal in the running HubSpot sandbox, move it to a stage, and deliver its webhooks
to the service.

The sandbox lives in the web process (``make run``), so this command asks it over HTTP
(``/sandbox/hubspot/_control/...``) to create the deal (a scenario: company, contact, line
items) and move it, then posts the signed deliveries it gets back to ``--target``.
"""

from __future__ import annotations

import base64

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hubspot_app.sandbox.bundles import available_scenarios
from hubspot_app.sandbox.pipelines import CUSTOM_STAGES, DEFAULT_STAGES
from hubspot_app.sandbox.webhooks import Delivery, WebhookSender
from integrations.http import build_session

DEFAULT_SCENARIO = "mixed_vat_12_6"
STAGES = [stage for stage, _, _ in DEFAULT_STAGES + CUSTOM_STAGES]


class Command(BaseCommand):
    help = "Make a HubSpot sandbox deal (a scenario), move it to a stage, send its webhooks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scenario", default=DEFAULT_SCENARIO, help="scenario file name")
        parser.add_argument("--stage", default="closedwon", help="the stage to move it to")
        parser.add_argument("--target", help="webhook URL (default: the service's own)")
        parser.add_argument("--duplicate", type=int, help="re-send each delivery N more times")
        parser.add_argument("--reorder", action="store_true", help="send the newest first")
        parser.add_argument("--sandbox-url", help="default: PUBLIC_BASE_URL/sandbox/hubspot")

    def handle(self, *args, **options) -> None:
        _check(options)
        base = options["sandbox_url"] or f"{settings.PUBLIC_BASE_URL}/sandbox/hubspot"
        target = options["target"] or f"{settings.PUBLIC_BASE_URL}/hubspot/webhooks/"
        made = _control(base, "deals", {"scenario": options["scenario"]}, expect=201)
        deal = made["deal"]
        _control(base, f"deals/{deal['id']}/stage", {"stage": options["stage"]})
        wanted = {"url": target, "duplicate": options["duplicate"] or 0}
        wanted["reorder"] = options["reorder"]
        answer = _control(base, "deliveries", wanted)
        deliveries = [
            Delivery(d["method"], d["url"], d["headers"], base64.b64decode(d["body_base64"]))
            for d in answer["deliveries"]
        ]
        statuses = WebhookSender().send(deliveries)
        events = sum(len(d.events) for d in deliveries)
        sent = ", ".join(f"HTTP {s}" if s else "unreachable" for s in statuses) or "none"
        self.stdout.write(
            f"Made deal {deal['id']} ({options['scenario']}) and moved it to"
            f" {options['stage']}; delivered {events} events in {len(deliveries)} requests to"
            f" {target}: {sent}"
        )
        refused = [s for s in statuses if not 200 <= s < 300]
        if refused:
            raise CommandError(
                f"{target} did not accept {len(refused)} of {len(statuses)} deliveries ("
                + ", ".join(f"HTTP {s}" if s else "unreachable" for s in refused)
                + ")"
            )


def _control(base: str, path: str, payload: dict, *, expect: int = 200) -> dict:
    try:
        response = build_session().post(f"{base}/_control/{path}", json=payload)
    except requests.RequestException as exc:
        raise CommandError(
            f"The HubSpot sandbox at {base} did not answer ({exc}); is the service running"
            " (make run) with SANDBOX_ENABLED?"
        ) from exc
    if response.status_code != expect:
        text = " ".join(response.text.split())[:300]
        raise CommandError(f"The sandbox refused: HTTP {response.status_code} {text}")
    return response.json()


def _check(options: dict) -> None:
    """Refuse bad options before anything is made or sent."""
    if options["scenario"] not in available_scenarios():
        names = ", ".join(available_scenarios()) or "(none)"
        raise CommandError(f"Unknown scenario {options['scenario']!r}; available: {names}")
    if options["stage"] not in STAGES:
        raise CommandError(f"Unknown stage {options['stage']!r}; known: {', '.join(STAGES)}")
    if options["duplicate"] is not None and options["duplicate"] < 1:
        raise CommandError(
            "--duplicate is how many more times to send each delivery, 1 or more,"
            f" not {options['duplicate']}"
        )
