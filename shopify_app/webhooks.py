"""The webhook receiver: verify, record, answer. No outbound call on this path.
https://shopify.dev/docs/apps/build/webhooks

Everything a delivery carries is checked before anything is stored, and every refusal is
a 4xx with a sentence: a size over ``WEBHOOK_MAX_BYTES`` (413), a missing or malformed
header (400), a bad signature (401), a body that is not a UTF-8 JSON object (400), and a
body that names another shop than its ``X-Shopify-Shop-Domain`` header (401): Shopify's
HMAC covers the body only, so a genuine delivery of one shop re-sent with another shop's
headers would otherwise act on the wrong shop.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations.inbound import Refused, check_header, check_length, parse_json
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
# The longest value a header may have: the InboundEvent column it is stored in (topic 100,
# delivery_id and account_id 255), and 255 for the others kept in ``headers``.
HEADER_MAX_LENGTH = {"X-Shopify-Topic": 100}
DEFAULT_HEADER_MAX_LENGTH = 255
# Body keys that name a shop (app/uninstalled: the Shop resource; shop/redact and
# customers/*: shop_domain). A value must be the header's shop; ``domain`` may instead be
# the shop's own custom domain when ``myshopify_domain`` says which shop it is.
SHOP_KEYS = ("myshopify_domain", "shop_domain", "domain")


def _problem(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_POST
def receive(request):
    try:
        body, shop, payload = _verified(request)
    except Refused as exc:
        return _problem(str(exc), exc.status)  # nothing stored
    event_record(
        provider=PROVIDER,
        delivery_id=request.headers["X-Shopify-Webhook-Id"].strip(),
        topic=request.headers["X-Shopify-Topic"].strip().lower(),
        account_id=shop,
        body=body,
        headers={name: request.headers[name] for name in KEPT_HEADERS if name in request.headers},
        subjects=subjects(payload),
    )
    return HttpResponse(status=200)


def subjects(payload: dict) -> dict[str, str]:
    """Whom a body is about, as ``shopify_app.services.customer_redact`` looks for it: the
    order (``order_id``, or the ``id`` of anything but a customer), the customer (the
    ``customer`` object, or the ``id`` of a customer body) and the e-mail address."""
    customer = payload.get("customer") if isinstance(payload.get("customer"), dict) else {}
    is_customer = "orders_count" in payload
    own_id = payload.get("id") if isinstance(payload.get("id"), int | str) else None
    order = payload.get("order_id") or (None if is_customer else own_id)
    email = payload.get("email") or customer.get("email")
    return {
        "order_ref": str(order) if isinstance(order, int | str) else "",
        "customer_ref": str((own_id if is_customer else customer.get("id")) or ""),
        "email": email.strip().lower() if isinstance(email, str) else "",
    }


def _verified(request) -> tuple[bytes, str, dict]:
    """The raw body and the header's shop, or Refused saying what is wrong."""
    check_length(request)
    missing = [name for name in REQUIRED if not request.headers.get(name, "").strip()]
    if missing:
        raise Refused(f"missing header(s): {', '.join(missing)}")
    for name in KEPT_HEADERS:
        max_length = HEADER_MAX_LENGTH.get(name, DEFAULT_HEADER_MAX_LENGTH)
        check_header(name, request.headers.get(name), max_length=max_length)
    shop = normalise_shop(request.headers["X-Shopify-Shop-Domain"])
    if not shop:
        raise Refused("X-Shopify-Shop-Domain is not a myshopify.com store address.")
    body = request.body
    if not verify_webhook(body, request.headers["X-Shopify-Hmac-Sha256"], client_secrets()):
        raise Refused("invalid HMAC signature", 401)
    payload = parse_json(body)  # every Shopify webhook body is an object
    if _names_another_shop(payload, shop):
        raise Refused("The body is about another shop than X-Shopify-Shop-Domain.", 401)
    return body, shop, payload


def _names_another_shop(payload: dict, shop: str) -> bool:
    named = {key: payload[key] for key in SHOP_KEYS if key in payload}
    for key, value in named.items():
        if isinstance(value, str) and normalise_shop(value) == shop:
            continue
        own_custom_domain = (
            key == "domain"
            and isinstance(value, str)
            and normalise_shop(value) is None
            and "myshopify_domain" in named
        )
        if not own_custom_domain:
            return True
    return False
