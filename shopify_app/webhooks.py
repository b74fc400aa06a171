"""The webhook receiver: verify, record, answer. No outbound call on this path.
https://shopify.dev/docs/apps/build/webhooks
"""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shopify_app.oauth import PROVIDER, client_secrets
from shopify_app.signatures import normalise_shop, verify_webhook
from syncs.events import event_record

REQUIRED = (
    "X-Shopify-Topic",
    "X-Shopify-Hmac-Sha256",
    "X-Shopify-Shop-Domain",
    "X-Shopify-Webhook-Id",
)
KEPT_HEADERS = (
    "X-Shopify-Topic",
    "X-Shopify-Shop-Domain",
    "X-Shopify-Webhook-Id",
    "X-Shopify-API-Version",
    "X-Shopify-Event-Id",
    "X-Shopify-Triggered-At",
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
    try:
        json.loads(body)
    except ValueError:
        return _problem("The body is not valid JSON.", 400)  # nothing stored: no work in it
    event_record(
        provider=PROVIDER,
        delivery_id=request.headers["X-Shopify-Webhook-Id"],
        topic=request.headers["X-Shopify-Topic"].strip().lower(),
        account_id=normalise_shop(request.headers["X-Shopify-Shop-Domain"]) or "",
        body=body,
        headers={name: request.headers[name] for name in KEPT_HEADERS if name in request.headers},
    )
    return HttpResponse(status=200)
