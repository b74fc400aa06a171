"""Webhook events, signed deliveries and a sender (hubspot.md §2).

A delivery is ``POST <targetUrl>`` with a JSON **array** of events (batched, up to 100 per
request) and the headers ``X-HubSpot-Signature`` (v1) with ``X-HubSpot-Signature-Version:
v1``, ``X-HubSpot-Signature-v3``, ``X-HubSpot-Request-Timestamp`` (epoch ms),
``User-Agent: HubSpot Connect 2.0 ...`` and ``X-HubSpot-Timeout-Millis: 10000``. Delivery is
at least once and unordered: ``arrange`` duplicates and reorders as HubSpot may. Each event
has ``eventId, subscriptionId, portalId, appId, occurredAt (ms), subscriptionType,
attemptNumber (0-based), objectId (int), changeSource, sourceId``; creations add
``changeFlag``; property changes add ``propertyName`` and ``propertyValue`` (the new value as
a string; ``dealstage`` values are stage ids).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

import requests

from hubspot_app.sandbox import signatures
from hubspot_app.sandbox.schema import TYPES
from hubspot_app.sandbox.state import Portal
from integrations.http import build_session

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

BATCH_SIZE = 100
OUTBOX_LIMIT = 1000  # the served sandbox runs long; older undelivered events drop
TIMEOUT_MS = 10_000
# (subscriptionType, propertyName) the sandbox app subscribes to (§2 "Ours", plus the
# creations of contacts and companies); ids are the subscription ids events carry.
DEFAULT_SUBSCRIPTIONS = [
    ("deal.creation", None),
    ("deal.propertyChange", "dealstage"),
    ("deal.propertyChange", "amount"),
    ("deal.propertyChange", "closedate"),
    ("product.creation", None),
    ("product.propertyChange", "name"),
    ("product.propertyChange", "price"),
    ("product.propertyChange", "hs_sku"),
    ("contact.creation", None),
    ("contact.propertyChange", "email"),
    ("contact.propertyChange", "firstname"),
    ("contact.propertyChange", "lastname"),
    ("company.creation", None),
    ("company.propertyChange", "name"),
    ("company.propertyChange", "country"),
    ("line_item.propertyChange", "quantity"),
    ("line_item.propertyChange", "price"),
]


def default_subscriptions() -> list[dict]:
    return [
        {"id": 3_100_001 + index, "subscriptionType": kind, "propertyName": prop}
        for index, (kind, prop) in enumerate(DEFAULT_SUBSCRIPTIONS)
    ]


class Delivery(NamedTuple):
    """One signed request HubSpot would make: method, target URL, headers, raw body."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def events(self) -> list[dict]:
        return json.loads(self.body)


def build_delivery(
    *, url: str, events: list[dict], client_secret: str, timestamp_ms: int
) -> Delivery:
    """The signed webhook POST of ``events`` to ``url`` (pure: no state, no I/O)."""
    body = json.dumps(events, separators=(",", ":")).encode()
    timestamp = str(timestamp_ms)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": signatures.USER_AGENT,
        "X-HubSpot-Signature": signatures.v1(client_secret, body),
        "X-HubSpot-Signature-Version": "v1",
        "X-HubSpot-Signature-v3": signatures.v3(client_secret, "POST", url, body, timestamp),
        "X-HubSpot-Request-Timestamp": timestamp,
        "X-HubSpot-Timeout-Millis": str(TIMEOUT_MS),
    }
    return Delivery("POST", url, headers, body)


def arrange(
    events: list[dict], *, batch_size: int = BATCH_SIZE, duplicate: int = 0, reorder: bool = False
) -> list[list[dict]]:
    """Events cut into batches (one portal each); ``reorder`` sends newest first;
    ``duplicate`` re-sends every batch N more times, unchanged, after the first sends."""
    ordered = list(reversed(events)) if reorder else list(events)
    by_portal: dict[int, list[dict]] = {}
    for event in ordered:
        by_portal.setdefault(event["portalId"], []).append(event)
    batches = [
        group[start : start + batch_size]
        for group in by_portal.values()
        for start in range(0, len(group), batch_size)
    ]
    return batches + [batch for _ in range(duplicate) for batch in batches]


def post_delivery(delivery: Delivery, *, session: requests.Session | None = None) -> int:
    """POST one delivery; its status, or 0 when the target could not be reached."""
    session = session or build_session(timeout=TIMEOUT_MS / 1000)
    try:
        response = session.request(
            delivery.method, delivery.url, data=delivery.body, headers=delivery.headers
        )
    except requests.RequestException:
        return 0
    return response.status_code


class WebhookSender:
    """Posts deliveries through one session (``integrations.http.build_session``)."""

    def __init__(self, *, session: requests.Session | None = None) -> None:
        self.session = session or build_session(timeout=TIMEOUT_MS / 1000)

    def send(self, deliveries: Iterable[Delivery]) -> list[int]:
        return [post_delivery(delivery, session=self.session) for delivery in deliveries]


def event(
    *,
    event_id: int,
    subscription: dict,
    portal_id: int,
    app_id: int,
    occurred_at: int,
    object_id: str,
    source: tuple[str, str],
    value: str | None = None,
) -> dict:
    """One event as HubSpot puts it in a delivery."""
    made = {
        "eventId": event_id,
        "subscriptionId": subscription["id"],
        "portalId": portal_id,
        "appId": app_id,
        "occurredAt": occurred_at,
        "subscriptionType": subscription["subscriptionType"],
        "attemptNumber": 0,
        "objectId": int(object_id),
        "changeSource": source[0],
        "sourceId": source[1],
    }
    if subscription["subscriptionType"].endswith(".creation"):
        made["changeFlag"] = "CREATED"
    if subscription["propertyName"]:
        made.update(propertyName=subscription["propertyName"], propertyValue=value or "")
    return made


def queue(
    sb: HubSpotSandbox,
    portal: Portal,
    object_type: str,
    object_id: str,
    changes: dict,
    *,
    created: bool,
    source: tuple[str, str],
) -> None:
    """Queue on ``sb.outbox`` the events the app's subscriptions fire for this change (none
    once the app is uninstalled)."""
    if not portal.installed:
        return
    singular = TYPES[object_type][1]
    for sub in sb.subscriptions:
        kind, prop = sub["subscriptionType"], sub["propertyName"]
        if created:
            wanted = kind == f"{singular}.creation"
        else:
            wanted = kind == f"{singular}.propertyChange" and prop in changes
        if not wanted:
            continue
        sb.outbox.append(
            event(
                event_id=sb.next_event_id,
                subscription=sub,
                portal_id=portal.portal_id,
                app_id=sb.app_id,
                occurred_at=sb.now_ms(),
                object_id=object_id,
                source=source,
                value=changes.get(prop) if prop else None,
            )
        )
        sb.next_event_id += 1
    del sb.outbox[:-OUTBOX_LIMIT]
