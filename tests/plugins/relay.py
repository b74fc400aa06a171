"""The relay running in a thread beside a test, as ``manage.py outbox_relay`` runs beside
the web server; and a signed Shopify delivery to post to the receiver."""

from __future__ import annotations

import contextlib
import threading
import uuid

from django.conf import settings
from django.db import connection

from shopify_app.sandbox.webhooks import build_delivery, triggered_at
from syncs.outbox import relay_forever
from tests.plugins.shopify import SHOP


@contextlib.contextmanager
def relay_running(*, poll: float = 0.05):
    """The relay's loop in a thread of its own (its own database connection) until the
    block ends; the thread must then have stopped."""
    stop = threading.Event()

    def run() -> None:
        try:
            relay_forever(stop=stop, poll=poll)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="relay", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive(), "the relay did not stop"


def signed_order_delivery(delivery_id: str | None = None) -> dict:
    """An ``orders/paid`` delivery of demo-butik, signed as Shopify signs it, as keyword
    arguments for the test client's ``post``."""
    order = {"id": 820982911946154508, "name": "#9999", "email": "a@example.se"}
    delivery = build_delivery(
        topic="orders/paid",
        shop=SHOP,
        resource=order,
        secret=settings.SHOPIFY_CLIENT_SECRET,
        api_version=settings.SHOPIFY_API_VERSION,
        event_id=str(uuid.uuid4()),
        triggered=triggered_at(0),
    )
    headers = {k: v for k, v in delivery.headers.items() if k.lower() != "content-type"}
    if delivery_id:
        headers["X-Shopify-Webhook-Id"] = delivery_id
    return {
        "path": "/shopify/webhooks/",
        "data": delivery.body,
        "content_type": "application/json",
        "headers": headers,
    }
