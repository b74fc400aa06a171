"""The webhook receiver: verify, record, enqueue, answer. No outbound call on this path.
https://shopify.dev/docs/apps/build/webhooks
"""

from __future__ import annotations

import json
import logging

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shopify_app.oauth import PROVIDER, client_secrets
from shopify_app.signatures import normalise_shop, verify_webhook
from syncs.models import InboundEvent

log = logging.getLogger(__name__)

REQUIRED = (
    "X-Shopify-Topic",
    "X-Shopify-Hmac-Sha256",
    "X-Shopify-Shop-Domain",
    "X-Shopify-Webhook-Id",
)
KEPT_HEADERS = (
    REQUIRED[:1]
    + REQUIRED[2:]
    + (
        "X-Shopify-API-Version",
        "X-Shopify-Event-Id",
        "X-Shopify-Triggered-At",
    )
)


def _problem(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_POST
def receive(request):
    missing = [name for name in REQUIRED if not request.headers.get(name)]
    if missing:
        return _problem(f"missing header(s): {', '.join(missing)}", 400)
    body = request.body
    if not verify_webhook(body, request.headers["X-Shopify-Hmac-Sha256"], client_secrets()):
        return _problem("invalid HMAC signature", 401)
    shop = normalise_shop(request.headers["X-Shopify-Shop-Domain"]) or ""
    state, error = InboundEvent.State.RECEIVED, ""
    try:
        json.loads(body)
    except ValueError:
        state, error = InboundEvent.State.FAILED, "The body is not valid JSON."
    event = _record(request, body, shop, state, error)
    if event is None:
        return HttpResponse(status=200)  # a duplicate delivery: already recorded
    if error:
        return _problem(error, 400)
    from syncs.tasks import enqueue_event

    transaction.on_commit(lambda: enqueue_event(event.pk))
    return HttpResponse(status=200)


def _record(request, body: bytes, shop: str, state: str, error: str) -> InboundEvent | None:
    headers = {name: request.headers[name] for name in KEPT_HEADERS if name in request.headers}
    try:
        with transaction.atomic():
            return InboundEvent.objects.create(
                provider=PROVIDER,
                delivery_id=request.headers["X-Shopify-Webhook-Id"],
                topic=request.headers["X-Shopify-Topic"].strip().lower(),
                account_id=shop,
                body=body.decode("utf-8", "replace"),
                headers=headers,
                state=state,
                error=error,
            )
    except IntegrityError:
        log.info("duplicate Shopify delivery %s", request.headers["X-Shopify-Webhook-Id"])
        return None
