"""What the REST -> sandbox GraphQL -> ``order_node_to_rest`` round trip must keep exactly."""

from __future__ import annotations

import json
from pathlib import Path

from shopify_app.sandbox.orders import SCENARIO_DIR

# A rich order: discount code, mixed VAT, a refunded line, line properties, note attributes.
REFERENCE = Path(__file__).parent / "fixtures" / "order_partially_refunded__mixed_vat_discount.json"
REFERENCE_SHOP = "vastkust-skafferi.myshopify.com"
MISSING = "<missing>"

MONEY_SET = None
ADDRESS = dict.fromkeys(
    [
        "first_name",
        "last_name",
        "name",
        "company",
        "address1",
        "address2",
        "city",
        "zip",
        "province",
        "province_code",
        "country",
        "country_code",
        "phone",
    ]
)
TAX_LINE = dict.fromkeys(["title", "rate", "price", "price_set", "channel_liable"])
ALLOCATION = dict.fromkeys(["amount", "amount_set", "discount_application_index"])
LINE_ITEM = {
    **dict.fromkeys(
        [
            "id",
            "admin_graphql_api_id",
            "product_id",
            "variant_id",
            "sku",
            "title",
            "variant_title",
            "name",
            "vendor",
            "quantity",
            "current_quantity",
            "price",
            "price_set",
            "total_discount",
            "total_discount_set",
            "taxable",
            "gift_card",
            "requires_shipping",
            "properties",
        ]
    ),
    "tax_lines": TAX_LINE,
    "discount_allocations": ALLOCATION,
}
SHIPPING_LINE = {
    **dict.fromkeys(
        [
            "id",
            "title",
            "code",
            "source",
            "is_removed",
            "price",
            "price_set",
            "discounted_price",
            "discounted_price_set",
        ]
    ),
    "tax_lines": TAX_LINE,
    "discount_allocations": ALLOCATION,
}
CUSTOMER = {
    **dict.fromkeys(
        ["id", "admin_graphql_api_id", "email", "first_name", "last_name", "phone", "tags"]
    ),
    "default_address": ADDRESS,
}
ORDER = {
    **dict.fromkeys(
        [
            "id",
            "admin_graphql_api_id",
            "name",
            "email",
            "phone",
            "note",
            "tags",
            "currency",
            "presentment_currency",
            "taxes_included",
            "tax_exempt",
            "test",
            "financial_status",
            "fulfillment_status",
            "cancel_reason",
            "cancelled_at",
            "created_at",
            "processed_at",
            "updated_at",
            "closed_at",
            "total_price",
            "total_price_set",
            "subtotal_price",
            "subtotal_price_set",
            "total_tax",
            "total_tax_set",
            "total_discounts",
            "total_discounts_set",
            "total_shipping_price_set",
            "current_total_price",
            "current_total_price_set",
            "current_total_tax",
            "current_total_tax_set",
            "current_subtotal_price",
            "current_subtotal_price_set",
            "current_total_discounts",
            "current_total_discounts_set",
            "total_outstanding",
            "total_tip_received",
            "discount_codes",
            "note_attributes",
            "payment_gateway_names",
            "source_name",
            "company",
        ]
    ),
    "tax_lines": TAX_LINE,
    # GraphQL has no description for automatic and script discounts; it is left out.
    "discount_applications": dict.fromkeys(
        [
            "target_type",
            "type",
            "value",
            "value_type",
            "allocation_method",
            "target_selection",
            "code",
            "title",
        ]
    ),
    "customer": CUSTOMER,
    "billing_address": ADDRESS,
    "shipping_address": ADDRESS,
    "line_items": LINE_ITEM,
    "shipping_lines": SHIPPING_LINE,
}


def fit(value, like, spec):
    """``value`` cut down to the keys that ``like`` (the original) has, within ``spec``."""
    if spec is None or value is None or like is None:
        return value
    if isinstance(like, list):
        if not isinstance(value, list) or len(value) != len(like):
            return value
        return [fit(v, original, spec) for v, original in zip(value, like, strict=True)]
    if not isinstance(value, dict):
        return value
    return {k: fit(value.get(k, MISSING), like[k], spec[k]) for k in spec if k in like}


def expected_and_actual(original: dict, converted: dict) -> tuple[dict, dict]:
    return fit(original, original, ORDER), fit(converted, original, ORDER)


def reference_order() -> dict:
    return json.loads(REFERENCE.read_text())


def scenario_orders() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(SCENARIO_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        if "order" in data and "line_items" not in data:
            data = data["order"]
        found.append((path.stem, data))
    return found
