"""The webhook receiver: verify, record, answer. No outbound call on this path.
https://developers.hubspot.com/docs/api/webhooks

A delivery is a JSON array of events (any length, hubspot.md §0a) signed v3 over the
public URL (``PUBLIC_BASE_URL`` + the path, so a TLS proxy in front changes nothing).
Refusals store nothing: a size over ``WEBHOOK_MAX_BYTES`` 413; a missing, wrong or stale
signature 401; a body that is not a JSON array of events 400. Each event is recorded once
per (portal, ``eventId``) through the engine; a repeated event is answered 200 again.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hubspot_app.client import PROVIDER
from hubspot_app.signatures import timestamp_fresh, verify_v3
from integrations.inbound import Refused, check_header, check_length, parse_json
from syncs.events import event_record

SIGNATURE = "X-HubSpot-Signature-v3"
TIMESTAMP = "X-HubSpot-Request-Timestamp"
TOPIC_MAX_LENGTH = 100  # InboundEvent.topic


def _problem(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_POST
def receive(request):
    try:
        events = _verified(request)
    except Refused as exc:
        return _problem(str(exc), exc.status)  # nothing stored
    with transaction.atomic():
        for event in events:
            event_record(
                provider=PROVIDER,
                delivery_id=f"{event['portalId']}:{event['eventId']}",
                topic=event["subscriptionType"],
                account_id=str(event["portalId"]),
                body=json.dumps(event, separators=(",", ":")).encode(),
                headers={TIMESTAMP: request.headers[TIMESTAMP]},
            )
    return HttpResponse(status=200)


def public_uri(request) -> str:
    """The URL HubSpot called, as it signed it."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{request.get_full_path()}"


def _verified(request) -> list[dict]:
    """The delivery's events, or Refused saying what is wrong."""
    check_length(request)
    signature = request.headers.get(SIGNATURE, "")
    timestamp = request.headers.get(TIMESTAMP, "").strip()
    check_header(SIGNATURE, signature, max_length=200)
    check_header(TIMESTAMP, timestamp, max_length=20)
    if not signature or not timestamp:
        raise Refused(f"missing {SIGNATURE} or {TIMESTAMP}", 401)
    if not timestamp_fresh(timestamp, now_ms=int(time.time() * 1000)):
        raise Refused(f"{TIMESTAMP} is more than 5 minutes old", 401)
    body = request.body
    signed = verify_v3(
        secret=settings.HUBSPOT_CLIENT_SECRET,
        method=request.method,
        uri=public_uri(request),
        body=body,
        timestamp=timestamp,
        signature=signature,
    )
    if not signed:
        raise Refused("invalid X-HubSpot-Signature-v3", 401)
    events = parse_json(body, expect=list)
    for number, event in enumerate(events, start=1):
        if not _is_event(event):
            raise Refused(
                f"event {number} is not a HubSpot event (eventId, portalId, subscriptionType)"
            )
    return events


def _is_event(event) -> bool:
    if not isinstance(event, dict):
        return False
    ids = [event.get("eventId"), event.get("portalId")]
    if not all(isinstance(v, int | str) and not isinstance(v, bool) for v in ids):
        return False
    if not all(str(v).isascii() and str(v).isdigit() and len(str(v)) <= 30 for v in ids):
        return False
    topic = event.get("subscriptionType")
    return (
        isinstance(topic, str)
        and 0 < len(topic) <= TOPIC_MAX_LENGTH
        and topic.isascii()
        and topic.isprintable()
    )
