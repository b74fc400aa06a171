"""Bulk operations: ``bulkOperationRunQuery`` and ``currentBulkOperation``.

An operation is created in status CREATED and runs when it is first polled, then answers
COMPLETED with a ``url`` to JSONL the sandbox serves (``/{shop}/_sandbox/bulk/{id}.jsonl``):
one object per line, each connection child on its own line after its parent with
``__parentId``, as Shopify writes it (shopify.md section 7). Since 2026-01 up to five bulk
queries may run at once per shop.
"""

from __future__ import annotations

import json
from typing import Any

from shopify_app.sandbox import gql, resolvers
from shopify_app.sandbox import graphql as render
from shopify_app.sandbox.resolvers import Context, user_error

CONCURRENT_QUERIES = 5
ROOTS = ("orders", "products", "customers")


def _flatten(node: dict, parent_id: str | None, lines: list[dict]) -> None:
    children: list[tuple[str, dict]] = []
    row = {}
    for key, value in node.items():
        if isinstance(value, dict) and ("edges" in value or "nodes" in value):
            items = [edge["node"] for edge in value.get("edges", [])] + value.get("nodes", [])
            children.extend((node["id"], item) for item in items)
        else:
            row[key] = value
    if parent_id:
        row["__parentId"] = parent_id
    lines.append(row)
    for owner, child in children:
        _flatten(child, owner, lines)


def _roots(ctx: Context, root: gql.Field) -> gql.Connection:
    if root.name == "orders":
        return resolvers.orders(ctx, gql.resolve_args(root.args, {}))
    if root.name == "products":
        return gql.Connection([render.product(p) for p in ctx.shop.products.values()])
    return gql.Connection([render.customer(c) for c in ctx.shop.customers.values()])


def _run(ctx: Context, operation: dict) -> None:
    root = gql.parse(operation["query"]).fields[0]
    page = _roots(ctx, root).page({}, unbounded=True)
    selected = gql.select(page, root.selections, {}, unbounded=True)
    roots = [edge["node"] for edge in selected.get("edges", [])] + selected.get("nodes", [])
    lines: list[dict] = []
    for node in roots:
        _flatten(node, None, lines)
    operation.update(
        status="COMPLETED",
        completedAt=ctx.sb.utc_now(),
        objectCount=str(len(lines)),
        rootObjectCount=str(len(roots)),
        lines=[json.dumps(line) for line in lines],
        url=f"{ctx.sb.shop_url(ctx.shop.domain)}/_sandbox/bulk/{operation['number']}.jsonl",
    )


def _validate(query: Any) -> str | None:
    try:
        parsed = gql.parse(query or "")
    except gql.GraphQLSyntaxError as exc:
        return f"Invalid bulk query: {exc}"
    if parsed.kind != "query" or len(parsed.fields) != 1 or parsed.fields[0].name not in ROOTS:
        return (
            "Bulk queries must contain exactly one top-level connection:"
            " orders, products or customers"
        )
    return None


def run_query(ctx: Context, args: dict) -> dict:
    problem = _validate(args.get("query"))
    running = [op for op in ctx.shop.bulk_operations if op["status"] in ("CREATED", "RUNNING")]
    if not problem and len(running) >= CONCURRENT_QUERIES:
        problem = "A bulk query operation for this app and shop is already in progress."
    if problem:
        return {"bulkOperation": None, "userErrors": [user_error(["query"], problem)]}
    number = len(ctx.shop.bulk_operations) + 1
    operation = {
        "__typename": "BulkOperation",
        "number": number,
        "id": f"gid://shopify/BulkOperation/{number}",
        "status": "CREATED",
        "type": "QUERY",
        "query": args["query"],
        "errorCode": None,
        "createdAt": ctx.sb.utc_now(),
        "completedAt": None,
        "objectCount": "0",
        "rootObjectCount": "0",
        "fileSize": None,
        "url": None,
        "partialDataUrl": None,
    }
    ctx.shop.bulk_operations.append(operation)
    return {"bulkOperation": public(operation), "userErrors": []}


def public(operation: dict) -> dict:
    return {key: value for key, value in operation.items() if key not in ("lines", "number")}


def current(ctx: Context, args: dict) -> dict | None:
    """The shop's most recent bulk query; polling it runs a CREATED one to completion."""
    if not ctx.shop.bulk_operations:
        return None
    operation = ctx.shop.bulk_operations[-1]
    if operation["status"] == "CREATED":
        _run(ctx, operation)
        ctx.sb.record_event("bulk_operations/finish", ctx.shop.domain, operation["number"])
    return public(operation)


def result_lines(shop_operations: list[dict], number: int) -> list[str] | None:
    for operation in shop_operations:
        if operation["number"] == number and operation["status"] == "COMPLETED":
            return operation["lines"]
    return None
