"""``POST /{shop}/admin/api/{version}/graphql.json``: authentication, cost, dispatch.

Answers as Shopify does (shopify.md section 3): 404 for an unknown shop, 401 with the REST
style body for a bad or expired token, HTTP 200 with ``errors`` for unknown fields, missing
scopes (``ACCESS_DENIED``), over-budget requests (``THROTTLED``, ``actualQueryCost: null``)
and queries over the 1000-point single query limit (``MAX_COST_EXCEEDED``). Every executed
request carries ``extensions.cost``.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from shopify_app.sandbox import bulk, gql, oauth, resolvers
from shopify_app.sandbox.resolvers import Context
from shopify_app.sandbox.state import MAX_QUERY_COST, Response, Shop

if TYPE_CHECKING:
    from shopify_app.sandbox.sandbox import ShopifySandbox

DOCS = "https://shopify.dev/api/usage/rate-limits"
INVALID_TOKEN = {
    "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
}
VERSION = re.compile(r"^\d{4}-(01|04|07|10)$|^unstable$")
QUERIES = {
    "shop": (resolvers.shop, None),
    "order": (resolvers.order, "read_orders"),
    "orders": (resolvers.orders, "read_orders"),
    "refund": (resolvers.refund, "read_orders"),
    "ordersCount": (resolvers.orders_count, "read_orders"),
    "customer": (resolvers.customer, "read_customers"),
    "product": (resolvers.product, "read_products"),
    "currentBulkOperation": (bulk.current, None),
}
MUTATIONS = {
    "orderUpdate": (resolvers.order_update, "write_orders"),
    "tagsAdd": (resolvers.tags_add, "write_orders"),
    "tagsRemove": (resolvers.tags_remove, "write_orders"),
    "metafieldsSet": (resolvers.metafields_set, "write_orders"),
    "bulkOperationRunQuery": (bulk.run_query, None),
}
ROOTS = {"query": ("QueryRoot", QUERIES), "mutation": ("Mutation", MUTATIONS)}
MUTATION_COST = 10


def has_scope(scopes: set[str], required: str | None) -> bool:
    """``write_x`` implies ``read_x``."""
    if required is None:
        return True
    return required in scopes or required.replace("read_", "write_") in scopes


def _error(message: str, code: str, **extensions: Any) -> dict:
    return {"message": message, "extensions": {"code": code, **extensions}}


def _read_request(body: bytes) -> tuple[str, dict] | None:
    try:
        data = json.loads(body or b"")
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return None
    return data["query"], data.get("variables") or {}


def _validate(operation: gql.Operation) -> list[dict]:
    if operation.kind not in ROOTS:
        return [_error("Subscriptions are not supported", "unsupportedOperation")]
    type_name, fields = ROOTS[operation.kind]
    return [
        _error(
            f"Field '{field.name}' doesn't exist on type '{type_name}'",
            "undefinedField",
            typeName=type_name,
            fieldName=field.name,
        )
        for field in operation.fields
        if field.name not in fields
    ]


def _cost(operation: gql.Operation, variables: dict) -> int:
    cost = gql.requested_cost(operation.fields, variables)
    if operation.kind == "mutation":
        cost += MUTATION_COST * len(operation.fields)
    return max(cost, 1)


def _count_objects(value: Any) -> int:
    if isinstance(value, list):
        return sum(_count_objects(item) for item in value)
    if isinstance(value, dict):
        return 1 + sum(_count_objects(item) for item in value.values())
    return 0


def _cost_extension(shop: Shop, requested: int, actual: int | None) -> dict:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": shop.bucket.status(),
        }
    }


def _execute(ctx: Context, operation: gql.Operation, variables: dict) -> tuple[dict, list]:
    data: dict[str, Any] = {}
    errors: list[dict] = []
    for field in operation.fields:
        resolver, scope = ROOTS[operation.kind][1][field.name]
        data[field.key] = None
        if not has_scope(ctx.scopes, scope):
            message = (
                f"Access denied for {field.name} field. Required access: `{scope}` access scope."
            )
            errors.append({**_error(message, "ACCESS_DENIED"), "path": [field.key]})
            continue
        try:
            args = gql.resolve_args(field.args, variables)
            value = resolver(ctx, args)
            if isinstance(value, gql.Connection):
                value = value.page(args)
            data[field.key] = gql.select(value, field.selections, variables)
        except ValueError as exc:
            errors.append({**_error(str(exc), "BAD_REQUEST"), "path": [field.key]})
    return data, errors


def graphql(sb: ShopifySandbox, domain: str, version: str, headers: dict, body: bytes) -> Response:
    """Answer one Admin API GraphQL request."""
    shop = sb.shops.get(domain)
    if shop is None or not VERSION.match(version):
        return Response.json(404, {"errors": "Not Found"})
    token = oauth.token_record(sb, domain, headers.get("x-shopify-access-token"))
    if token is None:
        return Response.json(401, INVALID_TOKEN)
    request = _read_request(body)
    if request is None:
        return Response.json(400, {"errors": {"query": "Required parameter missing or invalid"}})
    query, variables = request
    try:
        operation = gql.parse(query)
    except gql.GraphQLSyntaxError as exc:
        return Response.json(200, {"errors": [_error(str(exc), "PARSE_ERROR")]})
    problems = _validate(operation)
    if problems:
        return Response.json(200, {"errors": problems})
    answer = _charge_and_run(sb, shop, token, operation, variables)
    answer.operation = ",".join(field.name for field in operation.fields)
    return answer


def _charge_and_run(
    sb: ShopifySandbox, shop: Shop, token: dict, operation: gql.Operation, variables: dict
) -> Response:
    requested = _cost(operation, variables)
    if requested > MAX_QUERY_COST:
        message = (
            f"Query cost is {requested}, which exceeds the single query max cost limit "
            f"({MAX_QUERY_COST})."
        )
        error = _error(message, "MAX_COST_EXCEEDED", cost=requested, maxCost=MAX_QUERY_COST)
        return Response.json(200, {"errors": [error]})
    shop.bucket.refill(sb.now())
    if shop.bucket.available < requested:
        error = _error("Throttled", "THROTTLED", documentation=DOCS)
        extensions = _cost_extension(shop, requested, None)
        return Response.json(200, {"errors": [error], "extensions": extensions})
    shop.bucket.available -= requested
    scopes = {scope.strip() for scope in token["scopes"].split(",")}
    ctx = Context(sb=sb, shop=shop, scopes=scopes)
    try:
        data, errors = _execute(ctx, operation, variables)
    except gql.UnknownField as exc:
        shop.bucket.available += requested
        return Response.json(200, {"errors": [_error(str(exc), "undefinedField")]})
    actual = min(requested, _count_objects(data))
    shop.bucket.available = min(shop.bucket.maximum, shop.bucket.available + requested - actual)
    answer: dict[str, Any] = {"data": data}
    if errors:
        answer["errors"] = errors
    answer["extensions"] = _cost_extension(shop, requested, actual)
    return Response.json(200, answer)
