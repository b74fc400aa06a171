"""The Shopify source connector, as the engine sees it through the registry."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from integrations.models import ConnectionStatus
from integrations.registry import SyncSkipped
from shopify_app import services
from shopify_app.mappers import OrderMappingOptions, order_to_document, parse_order_payload
from syncs.models import InboundEvent, Integration, SyncRun

log = logging.getLogger(__name__)

PAID = {"paid", "partially_refunded", "refunded"}
ORDER_TOPICS = {"orders/create", "orders/paid", "orders/fulfilled"}
DOCUMENT = "document"


@dataclass(frozen=True)
class Work:
    operation: str
    source_id: str
    label: str = ""


def trigger_met(order: dict, trigger: str) -> bool:
    if trigger == "fulfilled":
        return order.get("fulfillment_status") == "fulfilled"
    if trigger == "created":
        return True
    return order.get("financial_status") in PAID


def mapping_options(integration: Integration | None) -> OrderMappingOptions:
    presentment = bool(integration and integration.use_presentment_currency)
    return OrderMappingOptions(currency_basis="presentment" if presentment else "shop")


class ShopifyConnector:
    key = "shopify"
    label = "Shopify"
    triggers = [
        ("paid", "When the order is paid"),
        ("fulfilled", "When the order is fulfilled"),
        ("created", "When the order is created (instant invoice, e.g. cash on delivery)"),
    ]
    context_roots = ("order", "customer")

    def preview_document(self, *, payload, integration):
        if isinstance(payload, str):  # a JSON string, not text to parse once more
            raise ValueError("the order payload must be an object, not str")
        return order_to_document(parse_order_payload(payload), options=mapping_options(integration))

    def load_document(self, *, integration: Integration, operation: str, source_id: str):
        """Re-read the order (events arrive late and out of order) and decide from its
        current state."""
        source = integration.source
        if source.status != ConnectionStatus.ACTIVE:
            raise SyncSkipped(f"The shop is {source.get_status_display().lower()}.")
        order = services.shopify_client_for(source).get_order(order_id=source_id)
        if order.get("cancelled_at"):
            raise SyncSkipped("The order was cancelled before it was synced.")
        if not trigger_met(order, integration.trigger):
            raise SyncSkipped(f"The order is not {integration.trigger} yet.")
        return order_to_document(order, options=mapping_options(integration))

    def interpret_event(
        self, *, event: InboundEvent, integration: Integration | None
    ) -> list[Work]:
        body = json.loads(event.body)
        handler = _HANDLERS.get(event.topic)
        if handler:
            handler(event, body)
            return []
        if event.topic not in ORDER_TOPICS:
            return []  # recorded; orders/updated (our own writes echo there) and the rest
        if integration is None or not trigger_met(body, integration.trigger):
            return []
        return [Work(DOCUMENT, str(body["id"]), body.get("name", ""))]

    def report(self, *, integration: Integration, run: SyncRun, replay_url: str) -> None:
        services.order_report(integration=integration, run=run, replay_url=replay_url)


_HANDLERS = {
    "app/uninstalled": lambda event, body: services.shop_uninstalled(shop=event.account_id),
    "shop/redact": lambda event, body: services.shop_redact(
        shop=event.account_id, keep_event_id=event.pk
    ),
    "customers/redact": lambda event, body: services.customer_redact(
        shop=event.account_id,
        customer=body.get("customer") or {},
        order_ids=body.get("orders_to_redact") or [],
    ),
    "customers/data_request": lambda event, body: log.info(
        "Shopify data request %s for shop %s recorded for the operator",
        (body.get("data_request") or {}).get("id"),
        event.account_id,
    ),
}
