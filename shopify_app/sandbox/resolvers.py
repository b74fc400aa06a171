"""Root fields of the sandbox's GraphQL Admin API, each a function of (context, arguments).

Queries return full objects (``graphql.py`` renders them); mutations change the stored REST
records and return their payload with ``userErrors`` on bad input, as Shopify does (HTTP 200).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shopify_app.sandbox import graphql as render
from shopify_app.sandbox import refunds
from shopify_app.sandbox.gql import Connection
from shopify_app.sandbox.state import ORDER_WINDOW_DAYS, Shop

if TYPE_CHECKING:
    from shopify_app.sandbox.sandbox import ShopifySandbox

METAFIELD_TYPES = {
    "single_line_text_field",
    "multi_line_text_field",
    "number_integer",
    "number_decimal",
    "boolean",
    "json",
    "date",
    "date_time",
    "url",
}
APP_NAMESPACE = "app--sandbox"  # what "$app" (or no namespace) resolves to for this app


@dataclass
class Context:
    sb: ShopifySandbox
    shop: Shop
    scopes: set[str]

    def stamp(self) -> str:
        return self.shop.local_time(self.sb.now())


def user_error(field: list[str], message: str, code: str | None = None) -> dict:
    error: dict[str, Any] = {"field": field, "message": message}
    if code:
        error["code"] = code
    return error


def _epoch(value: str | None) -> float:
    return datetime.fromisoformat(
        (value or "1970-01-01T00:00:00Z").replace("Z", "+00:00")
    ).timestamp()


def _visible(ctx: Context, record: dict) -> bool:
    """Orders older than 60 days are hidden without read_all_orders (shopify.md section 3)."""
    if "read_all_orders" in ctx.scopes:
        return True
    return _epoch(record.get("created_at")) >= ctx.sb.now() - ORDER_WINDOW_DAYS * 86400


def _find_order(ctx: Context, gid: Any) -> dict | None:
    prefix = "gid://shopify/Order/"
    if not isinstance(gid, str) or not gid.startswith(prefix):
        return None
    try:
        record = ctx.shop.orders.get(int(gid.removeprefix(prefix)))
    except ValueError:
        return None
    return record if record and _visible(ctx, record) else None


def _find_owner(ctx: Context, gid: Any) -> tuple[str, dict] | tuple[None, None]:
    """A metafield owner: an order, or a customer (needs write_customers)."""
    order = _find_order(ctx, gid)
    if order is not None:
        return "ORDER", order
    customer = ctx.shop.customers.get(_legacy(gid, "Customer"))
    if customer is not None and "write_customers" in ctx.scopes:
        return "CUSTOMER", customer
    return None, None


def shop(ctx: Context, args: dict) -> dict:
    return {
        "__typename": "Shop",
        "name": ctx.shop.handle,
        "myshopifyDomain": ctx.shop.domain,
        "ianaTimezone": ctx.shop.timezone,
        "currencyCode": ctx.shop.currency,
        "taxesIncluded": ctx.shop.taxes_included,
        "plan": {"displayName": ctx.shop.plan},
    }


def order(ctx: Context, args: dict) -> dict | None:
    record = _find_order(ctx, args.get("id"))
    return render.order(record) if record else None


def refund(ctx: Context, args: dict) -> dict | None:
    """A refund by its gid, when its order is visible to the app."""
    order, made = refunds.find(ctx.shop.orders, _legacy(args.get("id"), "Refund") or 0)
    if order is None or not _visible(ctx, order):
        return None
    return refunds.node(made, order)


def _matches(record: dict, term: str) -> bool:
    name, _, value = term.partition(":")
    if not value:
        return True  # free text: the sandbox does not search
    op = next((o for o in (">=", "<=", ">", "<") if value.startswith(o)), "=")
    value = value.removeprefix(op if op != "=" else "").strip("'\"")
    if name in ("updated_at", "created_at", "processed_at"):
        left, right = (
            _epoch(record.get(name)),
            _epoch(value if "T" in value else f"{value}T00:00:00Z"),
        )
        return {
            ">=": left >= right,
            "<=": left <= right,
            ">": left > right,
            "<": left < right,
            "=": left == right,
        }[op]
    if name in ("financial_status", "fulfillment_status", "name"):
        return str(record.get(name) or "").lower() == value.lower()
    if name == "id":
        return str(record["id"]) == value
    return True


def orders(ctx: Context, args: dict) -> Connection:
    terms = [t for t in shlex.split(args.get("query") or "") if t.upper() not in ("AND", "")]
    found = [r for r in ctx.shop.orders.values() if _visible(ctx, r)]
    found = [r for r in found if all(_matches(r, term) for term in terms)]
    key = {"UPDATED_AT": "updated_at", "CREATED_AT": "created_at"}.get(args.get("sortKey") or "")
    found.sort(key=(lambda r: _epoch(r.get(key))) if key else (lambda r: r["id"]))
    if args.get("reverse"):
        found.reverse()
    return Connection(found, render.order)


def orders_count(ctx: Context, args: dict) -> dict:
    """ordersCount: capped at ``limit`` (10 000 unless given; null means uncapped)."""
    count = len(orders(ctx, {"query": args.get("query")}).items)
    limit = args.get("limit", 10000)
    if limit is not None and count > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": count, "precision": "EXACT"}


def customer(ctx: Context, args: dict) -> dict | None:
    record = ctx.shop.customers.get(_legacy(args.get("id"), "Customer"))
    return render.customer(record)


def product(ctx: Context, args: dict) -> dict | None:
    record = ctx.shop.products.get(_legacy(args.get("id"), "Product"))
    return render.product(record) if record else None


def _legacy(gid: Any, resource: str) -> int | None:
    prefix = f"gid://shopify/{resource}/"
    if isinstance(gid, str) and gid.startswith(prefix) and gid[len(prefix) :].isdigit():
        return int(gid[len(prefix) :])
    return None


def order_update(ctx: Context, args: dict) -> dict:
    """orderUpdate: note, tags and customAttributes overwrite; metafields add."""
    data = args.get("input") or {}
    record = _find_order(ctx, data.get("id"))
    if record is None:
        return {"order": None, "userErrors": [user_error(["id"], "Order does not exist")]}
    if "note" in data:
        record["note"] = data["note"]
    if "tags" in data:
        record["tags"] = ", ".join(_tag_list(data["tags"]))
    if "customAttributes" in data:
        record["note_attributes"] = [
            {"name": item["key"], "value": item["value"]} for item in data["customAttributes"]
        ]
    for key in ("email", "phone"):
        if key in data:
            record[key] = data[key]
    if data.get("metafields"):
        owner = record["admin_graphql_api_id"]
        _store_metafields(ctx, [{**item, "ownerId": owner} for item in data["metafields"]])
    record["updated_at"] = ctx.stamp()
    ctx.sb.record_event("orders/updated", ctx.shop.domain, record["id"])
    return {"order": render.order(record), "userErrors": []}


def _tag_list(tags: Any) -> list[str]:
    items = tags if isinstance(tags, list) else str(tags or "").split(",")
    return [tag.strip() for tag in items if tag and tag.strip()]


def tags_add(ctx: Context, args: dict) -> dict:
    record = _find_order(ctx, args.get("id"))
    if record is None:
        return {"node": None, "userErrors": [user_error(["id"], "Resource does not exist")]}
    new = _tag_list(args.get("tags"))
    too_long = [tag for tag in new if len(tag) > 40]
    if too_long:
        message = f"Tag '{too_long[0]}' exceeds the maximum length of 40 characters"
        return {"node": None, "userErrors": [user_error(["tags"], message)]}
    current = _tag_list(record.get("tags"))
    known = {tag.lower() for tag in current}
    record["tags"] = ", ".join(current + [t for t in new if t.lower() not in known])
    record["updated_at"] = ctx.stamp()
    ctx.sb.record_event("orders/updated", ctx.shop.domain, record["id"])
    return {"node": {"__typename": "Order", "id": record["admin_graphql_api_id"]}, "userErrors": []}


def tags_remove(ctx: Context, args: dict) -> dict:
    record = _find_order(ctx, args.get("id"))
    if record is None:
        return {"node": None, "userErrors": [user_error(["id"], "Resource does not exist")]}
    gone = {tag.lower() for tag in _tag_list(args.get("tags"))}
    record["tags"] = ", ".join(t for t in _tag_list(record.get("tags")) if t.lower() not in gone)
    record["updated_at"] = ctx.stamp()
    ctx.sb.record_event("orders/updated", ctx.shop.domain, record["id"])
    return {"node": {"__typename": "Order", "id": record["admin_graphql_api_id"]}, "userErrors": []}


def _metafield_errors(ctx: Context, items: list[dict]) -> list[dict]:
    errors = []
    if len(items) > 25:
        errors.append(
            user_error(
                ["metafields"], "Exceeded the maximum of 25 metafields", "LESS_THAN_OR_EQUAL_TO"
            )
        )
    for index, item in enumerate(items):
        path = ["metafields", str(index)]
        if _find_owner(ctx, item.get("ownerId"))[1] is None:
            errors.append(user_error([*path, "ownerId"], "Owner does not exist.", "INVALID"))
        if not 2 <= len(item.get("key") or "") <= 64:
            errors.append(
                user_error([*path, "key"], "Key must be between 2 and 64 characters.", "INVALID")
            )
        if item.get("type") not in METAFIELD_TYPES:
            errors.append(user_error([*path, "type"], "Type is invalid.", "INVALID_TYPE"))
        if item.get("value") in (None, ""):
            errors.append(user_error([*path, "value"], "Value can't be blank.", "BLANK"))
    return errors


def _store_metafields(ctx: Context, items: list[dict]) -> list[dict]:
    stored = []
    for item in items:
        owner_type, record = _find_owner(ctx, item["ownerId"])
        namespace = item.get("namespace") or "$app"
        namespace = APP_NAMESPACE if namespace == "$app" else namespace
        fields = record.setdefault("metafields", [])
        existing = next(
            (m for m in fields if (m["namespace"], m["key"]) == (namespace, item["key"])), None
        )
        if existing is None:
            existing = {"id": ctx.sb.ids.take(), "namespace": namespace, "key": item["key"]}
            fields.append(existing)
        existing.update(value=str(item["value"]), type=item["type"], updated_at=ctx.stamp())
        stored.append(
            {
                "__typename": "Metafield",
                "id": f"gid://shopify/Metafield/{existing['id']}",
                "namespace": namespace,
                "key": item["key"],
                "value": existing["value"],
                "type": item["type"],
                "ownerType": owner_type,
            }
        )
    return stored


def metafields_set(ctx: Context, args: dict) -> dict:
    """metafieldsSet is atomic: with any userError nothing is saved."""
    items = args.get("metafields") or []
    errors = _metafield_errors(ctx, items)
    if errors:
        return {"metafields": None, "userErrors": errors}
    return {"metafields": _store_metafields(ctx, items), "userErrors": []}
