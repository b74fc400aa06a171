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
from hubspot_app.signatures import timestamp_fresh, verify_v2, verify_v3
from integrations.inbound import Refused, check_header, check_length, parse_json
from syncs.events import event_record

SIGNATURE = "X-HubSpot-Signature-v3"
SIGNATURE_V2 = "X-HubSpot-Signature"
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
    events = parse_json(signed_body(request), expect=list)
    for number, event in enumerate(events, start=1):
        if not _is_event(event):
            raise Refused(
                f"event {number} is not a HubSpot event (eventId, portalId, subscriptionType)"
            )
    return events


def signed_body(request, *, allow_v2: bool = False) -> bytes:
    """The raw body of a request HubSpot signed for this app, or Refused (401) saying what
    is wrong: v3 with a fresh timestamp; v2 only when ``allow_v2`` and no v3 is sent
    (workflow actions are signed both ways, hubspot.md §0a)."""
    check_length(request)
    signature = request.headers.get(SIGNATURE, "")
    timestamp = request.headers.get(TIMESTAMP, "").strip()
    check_header(SIGNATURE, signature, max_length=200)
    check_header(TIMESTAMP, timestamp, max_length=20)
    if allow_v2 and not signature and request.headers.get(SIGNATURE_V2):
        return _signed_v2(request)
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
    return body


def _signed_v2(request) -> bytes:
    signature = request.headers.get(SIGNATURE_V2, "")
    check_header(SIGNATURE_V2, signature, max_length=200)
    if request.headers.get("X-HubSpot-Signature-Version", "v2").strip().lower() != "v2":
        raise Refused("only v2 and v3 signatures are accepted", 401)
    body = request.body
    signed = verify_v2(
        secret=settings.HUBSPOT_CLIENT_SECRET,
        method=request.method,
        uri=public_uri(request),
        body=body,
        signature=signature,
    )
    if not signed:
        raise Refused("invalid X-HubSpot-Signature", 401)
    return body


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
