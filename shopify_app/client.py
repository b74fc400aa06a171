"""The only code that speaks HTTP to Shopify: the GraphQL Admin API and the token endpoint.

Every failure becomes a ``ConnectorError`` (``provider="shopify"``), classified in one place
(``_http_error``, ``_graphql_error``): 401/402/403/404, other GraphQL errors and mutation
``userErrors`` are permanent; 429, 5xx, timeouts, connection errors and ``THROTTLED`` are
transient and retried by ``integrations.http.call_with_retries``, honouring ``Retry-After``
and Shopify's throttle status, within a bounded total wait.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import requests
from django.conf import settings

from integrations.errors import ConnectorError
from integrations.http import RetryPolicy, build_session, call_with_retries, transport_error
from shopify_app import graphql as gql

PROVIDER = "shopify"
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]\.myshopify\.com$")
Sleep = Callable[[float], None]
RETRY_POLICY = RetryPolicy(attempts=3, max_seconds=30.0, backoff_base=0.5, backoff_cap=8.0)

HTTP_MESSAGES = {
    401: "Shopify rejected the app's access token; reinstall or reconnect the app.",
    402: "The shop's Shopify subscription is unpaid (Payment Required); Shopify accepts"
    " requests again once the bill is paid.",
    403: "Shopify refused the request: the app lacks a required access scope or the shop"
    " blocks it; reinstall the app to grant the scopes it asks for.",
    404: "Shopify has no such shop or API version; check the shop's myshopify.com domain"
    " and SHOPIFY_API_VERSION.",
    423: "The Shopify shop is locked; the merchant must contact Shopify support.",
}


def _error(message: str, *, permanent: bool, **kwargs: Any) -> ConnectorError:
    return ConnectorError(message, permanent=permanent, provider=PROVIDER, **kwargs)


def shop_url(shop: str) -> str:
    """The shop's base URL (the sandbox's in sandbox mode); refuses non-myshopify domains."""
    if not SHOP_DOMAIN.match(shop or ""):
        raise _error(f"{shop!r} is not a myshopify.com shop domain.", permanent=True, code="shop")
    return settings.SHOPIFY_SHOP_URL.format(shop=shop)


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def _http_error(response: requests.Response) -> ConnectorError | None:
    """The error an HTTP answer means, or None for a 2xx."""
    status = response.status_code
    if status < 300:
        return None
    detail = response.text[:500]
    if status == 429 or status >= 500:
        message = f"Shopify is busy or unavailable (HTTP {status}); the request will be retried."
        return _error(
            message,
            permanent=False,
            status=status,
            detail=detail,
            retry_after=_retry_after(response),
        )
    message = HTTP_MESSAGES.get(status, f"Shopify refused the request (HTTP {status}).")
    code = "invalid_token" if status == 401 else status
    return _error(message, permanent=True, status=status, code=code, detail=detail)


def throttle_wait(cost: dict | None) -> float:
    """Seconds until the bucket holds the requested cost again (1 s when unknown)."""
    try:
        status = cost["throttleStatus"]
        missing = cost["requestedQueryCost"] - status["currentlyAvailable"]
        return max(0.5, missing / status["restoreRate"])
    except (KeyError, TypeError, ZeroDivisionError):
        return 1.0


def _graphql_error(body: dict) -> ConnectorError | None:
    """The error a GraphQL answer's top-level ``errors`` mean, or None."""
    errors = body.get("errors")
    if not errors:
        return None
    if isinstance(errors, str | dict):  # REST-style {"errors": "..."} answered with 200
        return _error(f"Shopify refused the request: {errors}", permanent=True, detail=str(errors))
    first = errors[0]
    code = (first.get("extensions") or {}).get("code")
    detail = json.dumps(errors)[:500]
    if code == "THROTTLED":
        wait = throttle_wait((body.get("extensions") or {}).get("cost"))
        message = "Shopify's API rate limit was reached; the request will be retried."
        return _error(message, permanent=False, code=code, detail=detail, retry_after=wait)
    if code == "INTERNAL_SERVER_ERROR":
        message = "Shopify had an internal error; the request will be retried."
        return _error(message, permanent=False, code=code, detail=detail)
    message = f"Shopify refused the query: {first.get('message', 'unknown error')}"
    return _error(message, permanent=True, code=code or "graphql", detail=detail)


def _user_errors(operation: str, payload: dict) -> ConnectorError | None:
    problems = payload.get("userErrors") or []
    if not problems:
        return None
    text = "; ".join(
        f"{'.'.join(p.get('field') or []) or 'input'}: {p.get('message')}" for p in problems
    )
    return _error(
        f"Shopify refused {operation}: {text}", permanent=True, code="user_error", detail=text
    )


def _send(session: requests.Session, method: str, url: str, **kwargs: Any) -> dict:
    """One HTTP exchange: a parsed JSON body, or a classified ConnectorError."""
    try:
        response = session.request(method, url, **kwargs)
    except requests.RequestException as exc:
        raise transport_error(exc, provider=PROVIDER, label="Shopify") from exc
    error = _http_error(response)
    if error:
        raise error
    try:
        return response.json()
    except ValueError as exc:
        message = "Shopify answered with something that is not JSON."
        raise _error(message, permanent=False, detail=response.text[:500]) from exc


class ShopifyClient:
    """GraphQL Admin API client for one shop. Methods are named after remote operations,
    take keyword arguments, and return plain dicts (orders in the REST/webhook shape)."""

    def __init__(
        self,
        *,
        shop: str,
        access_token: str,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        retry_policy: RetryPolicy = RETRY_POLICY,
    ) -> None:
        self.shop = shop
        self.endpoint = f"{shop_url(shop)}/admin/api/{settings.SHOPIFY_API_VERSION}/graphql.json"
        self.access_token = access_token
        self.session = session or build_session()
        self.sleep, self.retry_policy = sleep, retry_policy

    # --- transport ---------------------------------------------------------------------
    def _post_once(self, query: str, variables: dict) -> dict:
        body = _send(
            self.session,
            "POST",
            self.endpoint,
            json={"query": query, "variables": variables},
            headers={"X-Shopify-Access-Token": self.access_token},
        )
        error = _graphql_error(body)
        if error:
            raise error
        return body.get("data") or {}

    def graphql(
        self, query: str, variables: dict | None = None, *, safe_to_repeat: bool = True
    ) -> dict:
        """Run a query or mutation and return its ``data``, retrying transient failures.
        Queries and mutations that set a value (a note, tags, metafields) may be sent
        twice; one that starts something (a bulk operation) is not resent once it may have
        reached Shopify."""
        return call_with_retries(
            lambda: self._post_once(query, variables or {}),
            policy=self.retry_policy,
            safe_to_repeat=safe_to_repeat,
            sleep=self.sleep,
        )

    def _mutate(
        self, query: str, variables: dict, operation: str, *, safe_to_repeat: bool = True
    ) -> dict:
        data = self.graphql(query, variables, safe_to_repeat=safe_to_repeat)
        payload = data[operation] or {}
        error = _user_errors(operation, payload)
        if error:
            raise error
        return payload

    def _not_found(self, kind: str, ident: Any, extra: str = "") -> ConnectorError:
        return _error(
            f"Shopify has no {kind} {ident} in {self.shop}{extra}.",
            permanent=True,
            code="not_found",
        )

    # --- reads -------------------------------------------------------------------------
    def get_order(self, *, order_id: int | str) -> dict:
        """The order in the REST/webhook shape, all line items included."""
        order_gid = gql.gid("Order", order_id)
        data = self.graphql(gql.ORDER_QUERY, {"id": order_gid})
        node = data.get("order")
        if node is None:
            extra = ", or it is older than 60 days and the app lacks read_all_orders"
            raise self._not_found("order", order_id, extra)
        self._complete_line_items(order_gid, node["lineItems"])
        return gql.order_node_to_rest(node, tz=(data.get("shop") or {}).get("ianaTimezone"))

    def get_order_write_back(self, *, order_id: int | str) -> dict:
        """What the write-back needs, in the REST shape: ``{note, tags, customer: {id}}``."""
        data = self.graphql(gql.ORDER_WRITE_BACK_QUERY, {"id": gql.gid("Order", order_id)})
        node = data.get("order")
        if node is None:
            raise self._not_found("order", order_id)
        customer = node.get("customer")
        return {
            "note": node.get("note"),
            "tags": ", ".join(node.get("tags") or []),
            "customer": {"id": gql.legacy_id(customer["id"])} if customer else None,
        }

    def get_refund(self, *, refund_id: int | str) -> dict:
        """The refund in the REST shape of a ``refunds/create`` body, with its ``order_id``."""
        data = self.graphql(gql.REFUND_QUERY, {"id": gql.gid("Refund", refund_id)})
        node = data.get("refund")
        if node is None:
            raise self._not_found("refund", refund_id)
        return gql.refund_node_to_rest(node, tz=(data.get("shop") or {}).get("ianaTimezone"))

    def _complete_line_items(self, order_gid: str, connection: dict) -> None:
        page = connection
        while page["pageInfo"]["hasNextPage"]:
            variables = {"id": order_gid, "after": page["pageInfo"]["endCursor"]}
            page = self.graphql(gql.LINE_ITEMS_QUERY, variables)["order"]["lineItems"]
            connection["nodes"].extend(page["nodes"])
        connection["pageInfo"] = page["pageInfo"]

    def get_orders_updated_since(self, *, since: datetime, page_size: int = 100) -> list[dict]:
        """Orders changed after ``since`` (oldest first): ``{id, admin_graphql_api_id, name,
        updated_at, financial_status}`` each; read each with ``get_order``."""
        query = f"updated_at:>'{since.isoformat()}'"
        found, after = [], None
        while True:
            variables = {"first": page_size, "after": after, "query": query}
            connection = self.graphql(gql.ORDERS_QUERY, variables)["orders"]
            found.extend(
                {
                    "id": int(node["legacyResourceId"]),
                    "admin_graphql_api_id": node["id"],
                    "name": node["name"],
                    "updated_at": node["updatedAt"],
                    "financial_status": (node.get("displayFinancialStatus") or "").lower(),
                }
                for node in connection["nodes"]
            )
            if not connection["pageInfo"]["hasNextPage"]:
                return found
            after = connection["pageInfo"]["endCursor"]

    def iter_orders(self, *, query: str, page_size: int = 100) -> Iterator[dict]:
        """Orders matching a search ``query`` (``created_at:>=2026-01-01``), oldest first,
        one page in memory at a time: ``{id, name, created_at, cancelled_at,
        financial_status, fulfillment_status}`` each, in the REST spelling."""
        after = None
        while True:
            variables = {"first": page_size, "after": after, "query": query}
            connection = self.graphql(gql.BACKFILL_ORDERS_QUERY, variables)["orders"]
            for node in connection["nodes"]:
                yield gql.order_summary_to_rest(node)
            if not connection["pageInfo"]["hasNextPage"]:
                return
            after = connection["pageInfo"]["endCursor"]

    def count_orders(self, *, query: str) -> int:
        """How many orders match ``query`` (``ordersCount``, uncapped)."""
        data = self.graphql(gql.ORDERS_COUNT_QUERY, {"query": query})
        return int((data.get("ordersCount") or {}).get("count") or 0)

    def get_customer(self, *, customer_id: int | str) -> dict:
        node = self.graphql(gql.CUSTOMER_QUERY, {"id": gql.gid("Customer", customer_id)})
        if node.get("customer") is None:
            raise self._not_found("customer", customer_id)
        return gql.customer_node_to_rest(node["customer"])

    def get_product(self, *, product_id: int | str) -> dict:
        node = self.graphql(gql.PRODUCT_QUERY, {"id": gql.gid("Product", product_id)})
        if node.get("product") is None:
            raise self._not_found("product", product_id)
        return gql.product_node_to_rest(node["product"])

    # --- writes ------------------------------------------------------------------------
    def update_order(
        self,
        *,
        order_id: int | str,
        note: str | None = None,
        tags: list[str] | None = None,
        metafields: list[dict] | None = None,
    ) -> dict:
        """``orderUpdate``: the note and the tags are replaced by what is given, metafields
        (``{namespace, key, type, value}``) are set; returns id, note, tags."""
        given = {"note": note, "tags": tags, "metafields": metafields or None}
        order_input = {"id": gql.gid("Order", order_id)}
        order_input.update({key: value for key, value in given.items() if value is not None})
        variables = {"input": order_input}
        order = self._mutate(gql.ORDER_UPDATE_MUTATION, variables, "orderUpdate")["order"]
        return {"id": order["id"], "note": order["note"], "tags": ", ".join(order["tags"])}

    def set_metafields(self, *, metafields: list[dict]) -> list[dict]:
        """``metafieldsSet``: each item ``{ownerId, namespace, key, type, value}``."""
        variables = {"metafields": metafields}
        return self._mutate(gql.METAFIELDS_SET_MUTATION, variables, "metafieldsSet")["metafields"]

    # --- bulk operations ---------------------------------------------------------------
    def run_bulk_query(self, *, query: str) -> dict:
        """Start a bulk query; returns ``{id, status, ...}`` (poll ``current_bulk_operation``)."""
        payload = self._mutate(
            gql.BULK_RUN_MUTATION, {"query": query}, "bulkOperationRunQuery", safe_to_repeat=False
        )
        return gql.bulk_operation_to_dict(payload["bulkOperation"])

    def current_bulk_operation(self) -> dict | None:
        data = self.graphql(gql.CURRENT_BULK_QUERY)
        return gql.bulk_operation_to_dict(data.get("currentBulkOperation"))

    def fetch_bulk_result(self, *, url: str) -> list[dict]:
        """The JSONL file of a finished bulk operation, one dict per line. The URL is signed;
        the access token is not sent there."""

        def fetch() -> list[dict]:
            try:
                response = self.session.get(url)
            except requests.RequestException as exc:
                raise transport_error(exc, provider=PROVIDER, label="Shopify's bulk file") from exc
            error = _http_error(response)
            if error:
                raise error
            return [json.loads(line) for line in response.text.splitlines() if line.strip()]

        return call_with_retries(
            fetch, policy=self.retry_policy, safe_to_repeat=True, sleep=self.sleep
        )
