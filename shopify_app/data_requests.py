"""customers/data_request: record it, and export what this service holds on the customer.

Shopify sends the customer's id and e-mail address and the orders it asks about
(shopify.md section 2); the merchant must answer within 30 days. The export holds the
stored webhook bodies that concern the customer, the sync runs of those orders with their
logs, and the link-table rows keyed by the customer or the orders.
"""

from __future__ import annotations

import json

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shopify_app.models import DataRequest
from shopify_app.oauth import PROVIDER
from shopify_app.services import _concerns, _json, customer_gid
from syncs.models import ExternalLink, InboundEvent, Integration, SyncRun


def data_request_record(*, shop: str, body: dict) -> DataRequest:
    """Store the request once per (shop, Shopify's request id)."""
    customer = body.get("customer") if isinstance(body.get("customer"), dict) else {}
    orders = body.get("orders_requested") if isinstance(body.get("orders_requested"), list) else []
    request_id = str((body.get("data_request") or {}).get("id") or "")[:64]
    fields = {
        "customer_id": str(customer.get("id") or "")[:64],
        "email": str(customer.get("email") or "")[:254],
        "orders": [str(order) for order in orders],
        "due_at": timezone.now() + DataRequest.ANSWER_WITHIN,
    }
    try:
        with transaction.atomic():
            request, _ = DataRequest.objects.get_or_create(
                shop=shop, request_id=request_id, defaults=fields
            )
    except IntegrityError:
        request = DataRequest.objects.get(shop=shop, request_id=request_id)
    return request


def data_request_export(request: DataRequest) -> dict:
    """Everything held on the request's customer, as one JSON-able object."""
    orders = set(request.orders)
    events = _events(request, orders)
    orders |= {
        str(event["body"].get("order_id") or event["body"].get("id"))
        for event in events
        if event["topic"].startswith(("orders/", "refunds/"))
    }
    integration = Integration.objects.filter(
        source__provider=PROVIDER, source__account_id=request.shop
    ).first()
    return {
        "shop": request.shop,
        "data_request": request.request_id,
        "customer": {"id": request.customer_id, "email": request.email},
        "orders_requested": request.orders,
        "exported_at": timezone.now().isoformat(),
        "events": events,
        "runs": _runs(integration, orders),
        "links": _links(integration, request, orders),
    }


def _events(request: DataRequest, orders: set[str]) -> list[dict]:
    needles = [n for n in (request.customer_id, request.email, *orders) if n]
    if not needles:
        return []
    mentions = Q()
    for needle in needles:
        mentions |= Q(body__icontains=needle)
    found = []
    events = InboundEvent.objects.filter(provider=PROVIDER, account_id=request.shop)
    for event in events.filter(mentions).exclude(topic="customers/data_request"):
        body = _json(event.body)
        if isinstance(body, dict) and _concerns(
            body, request.customer_id, request.email.lower(), orders
        ):
            found.append(
                {
                    "topic": event.topic,
                    "received_at": event.received_at.isoformat(),
                    "state": event.state,
                    "body": body,
                }
            )
    return found


def _runs(integration: Integration | None, orders: set[str]) -> list[dict]:
    if integration is None or not orders:
        return []
    runs = SyncRun.objects.filter(integration=integration, source_id__in=orders)
    return [
        {
            "operation": run.operation,
            "order": run.source_id,
            "label": run.source_label,
            "status": run.status,
            "fortnox": f"{run.document_type} {run.document_number}".strip(),
            "message": run.error_message,
            "created_at": run.created_at.isoformat(),
            "log": [_entry(entry) for entry in run.log.all()],
        }
        for run in runs.prefetch_related("log")
    ]


def _entry(entry) -> dict:
    return {
        "at": entry.at.isoformat(),
        "step": entry.step,
        "message": entry.message,
        "excerpt": entry.excerpt,
    }


def _links(integration: Integration | None, request: DataRequest, orders: set[str]) -> list:
    if integration is None:
        return []
    keys = {f"{PROVIDER}:sale:{order}" for order in orders}
    keys |= {f"guest:{PROVIDER}:sale:{order}" for order in orders}
    if request.customer_id:
        keys |= {request.customer_id, customer_gid(request.customer_id)}
    if request.email:
        keys.add(f"{Integration.CustomerMatch.EMAIL.value}:{request.email.lower()}")
    links = ExternalLink.objects.filter(integration=integration, source_id__in=keys)
    return [
        {"kind": link.kind, "key": link.source_id, "fortnox_number": link.fortnox_number}
        for link in links.order_by("kind", "source_id")
    ]


def export_filename(request: DataRequest) -> str:
    return f"data-request-{request.shop.split('.')[0]}-{request.request_id or request.pk}.json"


def export_json(request: DataRequest) -> str:
    return json.dumps(data_request_export(request), indent=2, ensure_ascii=False, default=str)
