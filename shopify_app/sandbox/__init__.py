"""A stateful fake of Shopify (OAuth, GraphQL Admin API, bulk operations, webhooks).

See ``docs/sandboxes.md`` ("Shopify sandbox") for how to use it in tests and in ``make run``.
"""

from __future__ import annotations

from shopify_app.sandbox.sandbox import ShopifySandbox
from shopify_app.sandbox.webhooks import Delivery, WebhookSender

__all__ = ["Delivery", "ShopifySandbox", "WebhookSender"]
