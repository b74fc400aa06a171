"""The Shopify source connector, as the engine sees it through the registry."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils.translation import gettext as _

from integrations.models import ConnectionStatus
from shopify_app import services
from shopify_app.mappers import OrderMappingOptions, order_to_document, parse_order_payload
from shopify_app.models import ShopifySettings
from shopify_app.refunds import (
    as_sold,
    fully_refunded,
    parse_refund_payload,
    refund_to_document,
)
from syncs.accounts import source_disconnect
from syncs.connectors import Outcome, SyncSkipped, Work
from syncs.models import InboundEvent, Integration

log = logging.getLogger(__name__)

PAID = {"paid", "partially_refunded", "refunded"}
ORDER_TOPICS = {"orders/create", "orders/paid", "orders/fulfilled"}
DOCUMENT = "document"
REFUND = "refund"  # one run per refund id: its correction in Fortnox
REFUND_TOPICS = {"refunds/create"}


def trigger_met(order: dict, trigger: str) -> bool:
    if trigger == ShopifySettings.Trigger.FULFILLED:
        return order.get("fulfillment_status") == "fulfilled"
    if trigger == ShopifySettings.Trigger.CREATED:
        return True
    return order.get("financial_status") in PAID


def settings_for(integration: Integration | None) -> ShopifySettings:
    """The shop's settings; the defaults while none are saved (a preview, a new shop)."""
    if integration is not None and integration.pk:
        try:
            return integration.shopify_settings
        except ShopifySettings.DoesNotExist:
            pass
    return ShopifySettings()


def mapping_options(integration: Integration | None) -> OrderMappingOptions:
    presentment = settings_for(integration).use_presentment_currency
    return OrderMappingOptions(currency_basis="presentment" if presentment else "shop")


def order_id(value) -> str:
    """Shopify names an order ``1234`` or ``gid://shopify/Order/1234``: one key for both."""
    text = str(value).strip()
    return text.rsplit("/", 1)[-1] if text.startswith("gid://") else text


# --- account-level topics: handled here, they claim no run ---------------------------
def on_uninstalled(event: InboundEvent, body: dict) -> None:
    source_disconnect(
        provider=event.provider,
        account_id=event.account_id,
        reason="The app was uninstalled from the shop.",
    )


def on_shop_redact(event: InboundEvent, body: dict) -> None:
    services.shop_redact(shop=event.account_id, keep_event_id=event.pk)


def on_customer_redact(event: InboundEvent, body: dict) -> None:
    services.customer_redact(
        shop=event.account_id,
        customer=body.get("customer") or {},
        order_ids=body.get("orders_to_redact") or [],
    )


def on_data_request(event: InboundEvent, body: dict) -> None:
    """Recorded for the operator, who downloads its export from the admin."""
    from shopify_app.data_requests import data_request_record

    data_request_record(shop=event.account_id, body=body)


# --- catalog topics: off unless the shop's settings say so -------------------------------
CATALOG_TOPICS = {
    "customers/create": "sync_customers",
    "customers/update": "sync_customers",
    "products/create": "sync_products",
    "products/update": "sync_products",
}


def on_catalog_change(event: InboundEvent, body: dict, integration: Integration | None) -> None:
    """Keep the Fortnox customer or articles in step, when the setting is on."""
    setting = CATALOG_TOPICS[event.topic]
    if integration is None or not getattr(settings_for(integration), setting):
        return
    from shopify_app import catalog

    if event.topic.startswith("customers/"):
        catalog.customer_changed(integration=integration, customer_id=str(body["id"]))
    else:
        catalog.product_changed(integration=integration, product_id=str(body["id"]))


ACCOUNT_HANDLERS: dict[str, Callable[[InboundEvent, dict], None]] = {
    "app/uninstalled": on_uninstalled,
    "shop/redact": on_shop_redact,
    "customers/redact": on_customer_redact,
    "customers/data_request": on_data_request,
}


class ShopifyConnector:
    key = "shopify"
    label = "Shopify"
    context_roots = ("order", "customer")
    settings_model = ShopifySettings

    @property
    def settings_form(self):
        from shopify_app.forms import ShopifySettingsForm

        return ShopifySettingsForm

    @property
    def settings_inline(self):
        from shopify_app.admin import ShopifySettingsInline

        return ShopifySettingsInline

    def settings_for(self, integration: Integration) -> ShopifySettings:
        return settings_for(integration)

    def validate_settings(self, *, integration: Integration, settings) -> dict[str, str]:
        return {}  # every choice is a model choice; nothing depends on another setting

    def setup_url(self, *, integration: Integration) -> str:
        return reverse("merchant:onboarding", args=[integration.pk])

    def describe_trigger(self, *, integration: Integration) -> str:
        return str(settings_for(integration).get_trigger_display())

    def describe_report(self, *, integration: Integration) -> str:
        return _(
            "Shopify's order gets a line in its note with the Fortnox number (or the error"
            " and a replay link) and the tag fortnox-synced or fortnox-error."
        )

    def sync_catalog(self, *, integration: Integration) -> str:
        """Every customer and product of the shop into Fortnox (the status page's button)."""
        from shopify_app.catalog import shopify_sync_catalog

        summary = shopify_sync_catalog(integration=integration, customers=True, products=True)
        return summary.line() + "".join(f"; {failure}" for failure in summary.failures[:3])

    def reconnect_url(self, *, integration: Integration) -> str:
        """Opening the app from the shop's admin installs it again."""
        shop = integration.source.account_id
        if "/sandbox/" in django_settings.SHOPIFY_SHOP_URL:
            return f"{reverse('sandbox-add-app')}?shop={shop}"
        return f"https://{shop}/admin/oauth/install?client_id={django_settings.SHOPIFY_CLIENT_ID}"

    def preview_document(self, *, payload, integration):
        if isinstance(payload, str):  # a JSON string, not text to parse once more
            raise ValueError("the order payload must be an object, not str")
        order = parse_order_payload(payload)
        return order_to_document(as_sold(order), options=mapping_options(integration))

    def preview_credit(self, *, payload, refund, integration):
        """The credit a refunds/create body makes of the order in ``payload``."""
        if isinstance(payload, str) or isinstance(refund, str):
            raise ValueError("the order and refund payloads must be objects, not str")
        order = parse_order_payload(payload)
        return refund_to_document(
            order, parse_refund_payload(refund), options=mapping_options(integration)
        )

    def load_document(self, *, integration: Integration, operation: str, source_id: str):
        """Re-read the order (events arrive late and out of order) and decide from its
        current state; for a refund, re-read the refund and its order and map the credit."""
        source = integration.source
        if source.status != ConnectionStatus.ACTIVE:
            raise SyncSkipped(f"The shop is {source.get_status_display().lower()}.")
        client = services.shopify_client_for(source)
        if operation == REFUND:
            refund = client.get_refund(refund_id=source_id)
            order = client.get_order(order_id=refund["order_id"])
            return refund_to_document(order, refund, options=mapping_options(integration))
        order = client.get_order(order_id=source_id)
        if order.get("cancelled_at"):
            raise SyncSkipped("The order was cancelled before it was synced.")
        trigger = settings_for(integration).trigger
        if not trigger_met(order, trigger):
            raise SyncSkipped(f"The order is not {trigger} yet.")
        if fully_refunded(order):
            raise SyncSkipped(
                "The order was fully refunded before it was synced: there is nothing to"
                " invoice, and no credit to make."
            )
        services.write_back_keep(shop=source.account_id, order=order)
        # Invoiced as sold: each refund becomes its own correction (its own run).
        return order_to_document(as_sold(order), options=mapping_options(integration))

    def interpret_event(
        self, *, event: InboundEvent, integration: Integration | None
    ) -> list[Work]:
        body = json.loads(event.body)
        handler = ACCOUNT_HANDLERS.get(event.topic)
        if handler:
            handler(event, body)
            return []
        if event.topic in CATALOG_TOPICS:
            on_catalog_change(event, body, integration)
            return []
        if event.topic in REFUND_TOPICS:
            if integration is None:
                return []
            label = f"refund of order {order_id(body.get('order_id', ''))}"
            return [Work(REFUND, order_id(body["id"]), label)]
        if event.topic not in ORDER_TOPICS:
            return []  # recorded; orders/updated (our own writes echo there) and the rest
        if integration is None or not trigger_met(body, settings_for(integration).trigger):
            return []
        return [Work(DOCUMENT, order_id(body["id"]), body.get("name", ""))]

    def report(self, *, integration: Integration, outcome: Outcome) -> None:
        if outcome.run.operation == REFUND:
            services.refund_report(integration=integration, outcome=outcome)
        else:
            services.order_report(integration=integration, outcome=outcome)
