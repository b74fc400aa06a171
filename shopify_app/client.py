"""The only code that speaks HTTP to Shopify: the GraphQL Admin API and the token endpoint.

Every failure becomes a ``ConnectorError`` (``provider="shopify"``), classified in one place
(``_http_error``, ``_graphql_error``): 401/402/403/404, other GraphQL errors and mutation
``userErrors`` are permanent; 429, 5xx, timeouts, connection errors and ``THROTTLED`` are
transient and retried here a few times with jittered backoff, honouring ``Retry-After`` and
Shopify's throttle status, within a bounded total wait. See docs/reference: shopify.md.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import requests
from django.conf import settings

from integrations.errors import ConnectorError
from integrations.http import build_session
from shopify_app import graphql as gql

PROVIDER = "shopify"
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]\.myshopify\.com$")
T = TypeVar("T")
Sleep = Callable[[float], None]

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


def with_retries(
    call: Callable[[], T], *, sleep: Sleep = time.sleep, attempts: int = 3, max_wait: float = 30.0
) -> T:
    """Run ``call``, retrying transient ConnectorErrors; never waits more than ``max_wait``
    seconds in total, and gives up at once when Shopify asks for a longer wait than is left."""
    waited = 0.0
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except ConnectorError as exc:
            backoff = exc.retry_after or min(8.0, 0.5 * 2 ** (attempt - 1))
            wait = backoff * (1 + random.uniform(0, 0.25))
            if exc.permanent or attempt == attempts or waited + wait > max_wait:
                raise
            sleep(wait)
            waited += wait
    raise AssertionError("unreachable")


def _send(session: requests.Session, method: str, url: str, **kwargs: Any) -> dict:
    """One HTTP exchange: a parsed JSON body, or a classified ConnectorError."""
    try:
        response = session.request(method, url, **kwargs)
    except requests.Timeout as exc:
        raise _error("Shopify did not answer in time.", permanent=False, detail=str(exc)) from exc
    except requests.RequestException as exc:
        raise _error("Shopify could not be reached.", permanent=False, detail=str(exc)) from exc
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
        attempts: int = 3,
        max_wait: float = 30.0,
    ) -> None:
        self.shop = shop
        self.endpoint = f"{shop_url(shop)}/admin/api/{settings.SHOPIFY_API_VERSION}/graphql.json"
        self.access_token = access_token
        self.session = session or build_session()
        self.sleep, self.attempts, self.max_wait = sleep, attempts, max_wait

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

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        """Run a query or mutation and return its ``data``, retrying transient failures."""
        return with_retries(
            lambda: self._post_once(query, variables or {}),
            sleep=self.sleep,
            attempts=self.attempts,
            max_wait=self.max_wait,
        )

    def _mutate(self, query: str, variables: dict, operation: str) -> dict:
        payload = self.graphql(query, variables)[operation] or {}
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
    def update_order_note(self, *, order_id: int | str, note: str) -> dict:
        """Replace the order's note (``orderUpdate`` overwrites it); returns id, note, tags."""
        variables = {"input": {"id": gql.gid("Order", order_id), "note": note}}
        order = self._mutate(gql.ORDER_UPDATE_MUTATION, variables, "orderUpdate")["order"]
        return {"id": order["id"], "note": order["note"], "tags": ", ".join(order["tags"])}

    def add_tags(self, *, gid: str, tags: list[str]) -> str:
        """Append tags to a resource (``tagsAdd`` keeps the existing ones); returns its gid."""
        payload = self._mutate(gql.TAGS_ADD_MUTATION, {"id": gid, "tags": tags}, "tagsAdd")
        return payload["node"]["id"]

    def remove_tags(self, *, gid: str, tags: list[str]) -> str:
        """``tagsRemove``: drop these tags, keep the others; returns the resource's gid."""
        payload = self._mutate(gql.TAGS_REMOVE_MUTATION, {"id": gid, "tags": tags}, "tagsRemove")
        return payload["node"]["id"]

    def set_metafields(self, *, metafields: list[dict]) -> list[dict]:
        """``metafieldsSet``: each item ``{ownerId, namespace, key, type, value}``."""
        variables = {"metafields": metafields}
        return self._mutate(gql.METAFIELDS_SET_MUTATION, variables, "metafieldsSet")["metafields"]

    # --- bulk operations ---------------------------------------------------------------
    def run_bulk_query(self, *, query: str) -> dict:
        """Start a bulk query; returns ``{id, status, ...}`` (poll ``current_bulk_operation``)."""
        payload = self._mutate(gql.BULK_RUN_MUTATION, {"query": query}, "bulkOperationRunQuery")
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
                raise _error("Shopify's bulk file could not be fetched.", permanent=False) from exc
            error = _http_error(response)
            if error:
                raise error
            return [json.loads(line) for line in response.text.splitlines() if line.strip()]

        return with_retries(fetch, sleep=self.sleep, attempts=self.attempts, max_wait=self.max_wait)


# --- OAuth token endpoint --------------------------------------------------------------
TOKEN_MESSAGES = {
    "invalid_request": "Shopify did not accept the authorization code (expired or already"
    " used); start the install again.",
    "invalid_grant": "Shopify no longer accepts the refresh token; the merchant must open the"
    " app from the Shopify admin to reconnect.",
    "invalid_client": "Shopify rejected the app's client credentials; check"
    " SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET.",
}


def _token_request(shop: str, body: dict, session: requests.Session | None, sleep: Sleep) -> dict:
    url = f"{shop_url(shop)}/admin/oauth/access_token"
    session = session or build_session()
    payload = {
        "client_id": settings.SHOPIFY_CLIENT_ID,
        "client_secret": settings.SHOPIFY_CLIENT_SECRET,
        **body,
    }

    def call() -> dict:
        try:
            return _send(session, "POST", url, json=payload)
        except ConnectorError as exc:
            if exc.status in (400, 401):
                code = _oauth_error_code(exc.detail) or (
                    "invalid_client" if exc.status == 401 else ""
                )
                message = TOKEN_MESSAGES.get(code, f"Shopify refused the token request ({code}).")
                raise _error(
                    message, permanent=True, status=exc.status, code=code, detail=exc.detail
                ) from exc
            raise

    return with_retries(call, sleep=sleep)


def _oauth_error_code(detail: str) -> str:
    try:
        return str(json.loads(detail).get("error") or "")
    except (ValueError, AttributeError):
        return ""


def exchange_code(
    *, shop: str, code: str, session: requests.Session | None = None, sleep: Sleep = time.sleep
) -> dict:
    """Trade an authorization code for an expiring offline token:
    ``{access_token, scope, expires_in, refresh_token, refresh_token_expires_in}``."""
    return _token_request(shop, {"code": code, "expiring": "1"}, session, sleep)


def refresh_access_token(
    *,
    shop: str,
    refresh_token: str,
    session: requests.Session | None = None,
    sleep: Sleep = time.sleep,
) -> dict:
    """A new access token (and a new refresh token: they rotate on every use)."""
    body = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return _token_request(shop, body, session, sleep)
