"""Placing orders in a sandbox shop and moving them through Shopify's statuses.

Orders are kept in the REST/webhook shape. Scenario files (``scenarios/<name>.json``, owned
by the scenario authors) hold one such order each, optionally wrapped as ``{"order": ...}``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from shopify_app.sandbox.state import Ids, Shop

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"


def available_scenarios() -> list[str]:
    """Scenario names (file stems), sorted."""
    return sorted(path.stem for path in SCENARIO_DIR.glob("*.json"))


def load_scenario(name: str) -> dict:
    """The REST order of scenario ``name``; KeyError (listing the names) if there is none."""
    path = SCENARIO_DIR / f"{name}.json"
    if "/" in name or not path.is_file():
        names = ", ".join(available_scenarios()) or "(none)"
        raise KeyError(f"Unknown Shopify scenario {name!r}; available: {names}")
    data = json.loads(path.read_text())
    if "order" in data and "line_items" not in data:
        data = data["order"]
    return data


def _fill_ids(record: dict, ids: Ids) -> None:
    for item in record.get("line_items", []):
        item.setdefault("id", ids.take())
        item.setdefault("admin_graphql_api_id", f"gid://shopify/LineItem/{item['id']}")
        item.setdefault("current_quantity", item.get("quantity"))
    for item in record.get("shipping_lines", []):
        item.setdefault("id", ids.take())
    customer = record.get("customer")
    if customer:
        customer.setdefault("id", ids.take())
        customer.setdefault("admin_graphql_api_id", f"gid://shopify/Customer/{customer['id']}")


def prepare_order(
    record: dict, *, shop: Shop, ids: Ids, now: float, fresh: bool, restamp: bool = False
) -> dict:
    """A copy of ``record`` completed the way Shopify completes a new order.

    ``fresh`` gives it a new id and name (placing a scenario again makes another order);
    ``restamp`` sets its timestamps to now (scenario files are dated in the past, and Shopify
    hides orders older than 60 days from apps without read_all_orders). Otherwise only what
    is missing is filled in.
    """
    order = copy.deepcopy(record)
    stamp = shop.local_time(now)
    if fresh:
        for key in ("id", "admin_graphql_api_id", "name", "order_number", "number"):
            order.pop(key, None)
    if restamp:
        order.update(created_at=stamp, processed_at=stamp, updated_at=stamp)
    order.setdefault("id", ids.take())
    order.setdefault("admin_graphql_api_id", f"gid://shopify/Order/{order['id']}")
    if "name" not in order:
        order["order_number"] = shop.next_order_number
        order["number"] = shop.next_order_number - 1000
        order["name"] = f"#{shop.next_order_number}"
        shop.next_order_number += 1
    for key in ("created_at", "processed_at", "updated_at"):
        order.setdefault(key, stamp)
    order.setdefault("currency", shop.currency)
    order.setdefault("presentment_currency", order["currency"])
    defaults = {
        "financial_status": "pending",
        "fulfillment_status": None,
        "cancelled_at": None,
        "cancel_reason": None,
        "note": None,
        "tags": "",
        "note_attributes": [],
        "discount_codes": [],
        "line_items": [],
        "shipping_lines": [],
        "taxes_included": False,
    }
    for key, value in defaults.items():
        order.setdefault(key, value)
    _fill_ids(order, ids)
    return order


def register_related(order: dict, shop: Shop) -> None:
    """Make the order's customer and products readable through the API, as in a real shop."""
    customer = order.get("customer")
    if customer and customer["id"] not in shop.customers:
        shop.customers[customer["id"]] = copy.deepcopy(customer)
    for item in order.get("line_items", []):
        product_id = item.get("product_id")
        if not product_id:
            continue
        product = shop.products.setdefault(
            product_id,
            {
                "id": product_id,
                "title": item.get("title"),
                "vendor": item.get("vendor"),
                "status": "active",
                "tags": "",
                "variants": [],
            },
        )
        known = {variant["id"] for variant in product["variants"]}
        if item.get("variant_id") and item["variant_id"] not in known:
            product["variants"].append(
                {
                    "id": item["variant_id"],
                    "product_id": product_id,
                    "title": item.get("variant_title") or "Default Title",
                    "sku": item.get("sku"),
                    "price": item.get("price"),
                    "taxable": item.get("taxable", True),
                }
            )


def mark_paid(order: dict, stamp: str) -> list[str]:
    """Capture the payment; returns the webhook topics Shopify would fire."""
    order["financial_status"] = "paid"
    order["total_outstanding"] = "0.00"
    order["updated_at"] = stamp
    return ["orders/paid", "orders/updated"]


def fulfil(order: dict, stamp: str) -> list[str]:
    order["fulfillment_status"] = "fulfilled"
    order.setdefault("fulfillments", []).append(
        {"status": "success", "created_at": stamp, "order_id": order["id"]}
    )
    order["updated_at"] = stamp
    return ["orders/fulfilled", "orders/updated"]


def cancel(order: dict, stamp: str, reason: str = "customer") -> list[str]:
    order["cancelled_at"] = stamp
    order["cancel_reason"] = reason
    if order.get("financial_status") in ("pending", "authorized"):
        order["financial_status"] = "voided"
    order["updated_at"] = stamp
    return ["orders/cancelled", "orders/updated"]
