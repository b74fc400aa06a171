"""Signed webhook deliveries and a sender that posts them, duplicated, delayed or reordered.

Headers and signature follow shopify.md section 2: ``X-Shopify-Hmac-Sha256`` is the base64
HMAC-SHA256 of the raw body with the app's client secret; ``X-Shopify-Webhook-Id`` is new per
delivery and kept by a duplicate re-send; ``X-Shopify-Event-Id`` is shared by the deliveries
of one event. The body is the REST resource, unwrapped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import NamedTuple

import requests

from integrations.http import build_session


class Delivery(NamedTuple):
    """One webhook POST: headers and the raw body bytes."""

    headers: dict[str, str]
    body: bytes

    @property
    def topic(self) -> str:
        return self.headers["X-Shopify-Topic"]

    @property
    def webhook_id(self) -> str:
        return self.headers["X-Shopify-Webhook-Id"]


def sign(body: bytes, secret: str) -> str:
    """``X-Shopify-Hmac-Sha256`` for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def triggered_at(epoch: float) -> str:
    """RFC 3339 UTC with nanoseconds, as Shopify sends it."""
    moment = datetime.fromtimestamp(int(epoch), UTC)
    nanos = round((epoch - int(epoch)) * 1e9)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{nanos:09d}Z"


def build_delivery(
    *,
    topic: str,
    shop: str,
    resource: dict,
    secret: str,
    api_version: str,
    event_id: str,
    triggered: str,
) -> Delivery:
    body = json.dumps(resource, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(body, secret),
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": api_version,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Event-Id": event_id,
        "X-Shopify-Triggered-At": triggered,
    }
    if topic.startswith("orders/") and "id" in resource:
        headers["X-Shopify-Order-Id"] = str(resource["id"])
    return Delivery(headers, body)


def arrange(
    deliveries: list[Delivery], *, duplicate: int = 0, reorder: bool = False
) -> list[Delivery]:
    """Shopify's at-least-once, unordered delivery: ``reorder`` sends the events last-first
    (``orders/paid`` before ``orders/create``); ``duplicate`` re-sends each delivery N more
    times with the same Webhook-Id, after all the first sends."""
    first = list(reversed(deliveries)) if reorder else list(deliveries)
    return first + [delivery for _ in range(duplicate) for delivery in first]


class SendResult(NamedTuple):
    topic: str
    webhook_id: str
    status: int  # 0 when the target could not be reached


class WebhookSender:
    """POSTs deliveries to one URL, with an optional pause between them."""

    def __init__(
        self,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 5.0,
    ) -> None:
        # Shopify gives a receiver 5 seconds; a slower answer counts as a failure.
        self.session = session or build_session(timeout=timeout)
        self.sleep = sleep

    def send(
        self, deliveries: Iterable[Delivery], url: str, *, delay: float = 0.0
    ) -> list[SendResult]:
        results = []
        for index, delivery in enumerate(deliveries):
            if index and delay:
                self.sleep(delay)
            results.append(self._post(delivery, url))
        return results

    def _post(self, delivery: Delivery, url: str) -> SendResult:
        try:
            response = self.session.post(url, data=delivery.body, headers=delivery.headers)
            status = response.status_code
        except requests.RequestException:
            status = 0
        return SendResult(delivery.topic, delivery.webhook_id, status)
