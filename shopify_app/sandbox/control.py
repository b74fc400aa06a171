"""Control endpoints under ``/_control/`` for scripts driving the running sandbox.

``make run`` starts web and worker as separate processes and the sandbox lives in the web
process, so ``manage.py sandbox_shopify_order`` (a third process) places orders through
these endpoints and then delivers the webhooks it gets back itself.

* ``GET  /_control/scenarios`` -> ``{"scenarios": [...]}``
* ``POST /_control/shops`` ``{domain, currency?, plan?, timezone?}``
* ``POST /_control/tokens`` ``{shop, scopes?}`` -> the token endpoint's answer
* ``POST /_control/orders`` ``{shop?, scenario | order, topics?, duplicate?, reorder?}`` ->
  ``{"order": ..., "deliveries": [{"headers": ..., "body_base64": ...}]}``
* ``POST /_control/clock`` ``{seconds}``
* ``GET  /_control/state`` -> a summary of shops and orders, and the throttle counters
* ``POST /_control/throttle`` ``{rate, seed?}`` -> drain the shop's cost bucket before that
  share of Admin API requests, so they answer ``THROTTLED``
* ``POST /_control/faults`` ``{status?, times?, retry_after?}`` -> answer the next Admin API
  requests with ``status`` (503)
* ``GET  /_control/orders?shop=`` -> each order's name, statuses, note, tags and metafields
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

from shopify_app.sandbox import orders
from shopify_app.sandbox.state import Response
from shopify_app.sandbox.webhooks import Delivery, arrange

if TYPE_CHECKING:
    from shopify_app.sandbox.sandbox import ShopifySandbox

DEFAULT_SHOP = "demo-butik.myshopify.com"
TRANSITIONS = {
    "orders/paid": "mark_paid",
    "orders/fulfilled": "fulfil",
    "orders/cancelled": "cancel",
}
# The topics a placed order can be delivered under.
ORDER_TOPICS = ("orders/create", "orders/updated", *TRANSITIONS)


def place_order(
    sb: ShopifySandbox,
    *,
    shop: str,
    order: dict | str,
    topics: list[str],
    duplicate: int = 0,
    reorder: bool = False,
) -> tuple[dict, list[Delivery]]:
    """Create an order, then for each topic apply its change (paid, fulfilled, cancelled) and
    snapshot a delivery, so each body shows the order as it was at that event."""
    record = sb.create_order(shop=shop, order=order)
    made: list[Delivery] = []
    for topic in topics:
        if topic in TRANSITIONS:
            getattr(sb, TRANSITIONS[topic])(shop=shop, order_id=record["id"])
        made.extend(sb.webhook_deliveries(topic, record["id"], shop=shop))
    return record, arrange(made, duplicate=duplicate, reorder=reorder)


def _orders(sb: ShopifySandbox, data: dict) -> Response:
    shop = data.get("shop") or DEFAULT_SHOP
    sb.add_shop(domain=shop, currency=data.get("currency", "SEK"))
    topics = data.get("topics") or ["orders/create"]
    topics = topics.split(",") if isinstance(topics, str) else topics
    try:
        record, deliveries = place_order(
            sb,
            shop=shop,
            order=data.get("order") or data.get("scenario") or "",
            topics=[t.strip() for t in topics if t.strip()],
            duplicate=int(data.get("duplicate", 0)),
            reorder=bool(data.get("reorder", False)),
        )
    except KeyError as exc:
        return Response.json(400, {"error": exc.args[0], "scenarios": orders.available_scenarios()})
    encoded = [
        {"headers": d.headers, "body_base64": base64.b64encode(d.body).decode()} for d in deliveries
    ]
    return Response.json(201, {"order": record, "deliveries": encoded})


def _state(sb: ShopifySandbox) -> dict:
    return {
        "now": sb.utc_now(),
        "shops": {
            domain: {
                "currency": shop.currency,
                "plan": shop.plan,
                "orders": {str(i): o.get("name") for i, o in shop.orders.items()},
                "throttle": shop.bucket.status(),
            }
            for domain, shop in sb.shops.items()
        },
        "throttle_rate": sb.throttle_rate,
        "counters": dict(sb.counters),
    }


def _order_summaries(sb: ShopifySandbox, shop: str) -> dict:
    keys = ("name", "financial_status", "fulfillment_status", "cancelled_at", "note", "tags")
    return {
        str(order_id): {
            **{key: order.get(key) for key in keys},
            "metafields": order.get("metafields") or [],
        }
        for order_id, order in sb.shop(shop).orders.items()
    }


def handle(
    sb: ShopifySandbox, method: str, path: str, params: dict, headers: dict, body: bytes
) -> Response:
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return Response.json(400, {"error": "The body must be JSON"})
    action = (method.upper(), path.removeprefix("/_control/").strip("/"))
    if action == ("GET", "scenarios"):
        return Response.json(200, {"scenarios": orders.available_scenarios()})
    if action == ("GET", "state"):
        return Response.json(200, _state(sb))
    if action == ("POST", "orders"):
        return _orders(sb, data)
    if action == ("POST", "shops"):
        fields = {k: data[k] for k in ("currency", "plan", "timezone") if k in data}
        shop = sb.add_shop(domain=data.get("domain", DEFAULT_SHOP), **fields)
        return Response.json(201, {"domain": shop.domain, "currency": shop.currency})
    if action == ("POST", "tokens"):
        shop = data.get("shop", DEFAULT_SHOP)
        sb.add_shop(domain=shop)
        return Response.json(200, sb.issue_tokens(shop=shop, scopes=data.get("scopes")))
    if action == ("POST", "throttle"):
        sb.throttle(rate=float(data.get("rate", 0)), seed=data.get("seed"))
        return Response.json(200, {"throttle_rate": sb.throttle_rate})
    if action == ("POST", "faults"):
        retry_after = data.get("retry_after")
        sb.fail_next(
            status=int(data.get("status", 503)),
            times=int(data.get("times", 1)),
            retry_after=None if retry_after is None else float(retry_after),
        )
        return Response.json(200, {"pending": len(sb.faults)})
    if action == ("GET", "orders"):
        shop = params.get("shop") or DEFAULT_SHOP
        if shop not in sb.shops:
            return Response.json(404, {"error": f"No sandbox shop {shop}"})
        with sb.lock:
            return Response.json(200, {"orders": _order_summaries(sb, shop)})
    if action == ("POST", "clock"):
        sb.advance_clock(float(data.get("seconds", 0)))
        return Response.json(200, {"now": sb.utc_now()})
    return Response.json(404, {"error": f"No control endpoint {method} {path}"})
