"""A stateful fake of HubSpot (OAuth, CRM v3 objects, associations v4, pipelines, files,
rate limits, webhooks, workflow actions and app-card fetches).

See ``hubspot_app/sandbox/README.md`` for how to use it in tests and under ``make run``.
"""

from __future__ import annotations

from hubspot_app.sandbox.sandbox import HubSpotSandbox
from hubspot_app.sandbox.webhooks import Delivery, WebhookSender

__all__ = ["Delivery", "HubSpotSandbox", "WebhookSender"]
