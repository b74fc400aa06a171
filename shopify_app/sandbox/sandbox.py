"""``ShopifySandbox``: a stateful, thread-safe fake of the parts of Shopify this service uses.

Drive it directly in tests (``add_shop``, ``create_order``, ``mark_paid``...), send it HTTP
requests through ``handle`` (the Django views and ``testing.install`` both do), and build
signed webhook deliveries from its orders (``webhook_deliveries``/``deliver``).
"""

from __future__ import annotations

import copy
import random
import re
import threading
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from django.conf import settings

from integrations.sandboxes import Clock
from shopify_app.sandbox import api, bulk, control, oauth, orders, refunds
from shopify_app.sandbox.state import Bucket, Ids, Response, Shop
from shopify_app.sandbox.webhooks import (
    Delivery,
    SendResult,
    WebhookSender,
    arrange,
    build_delivery,
    triggered_at,
)

LOG_LIMIT = 1000  # newest request-log and event entries kept (the served sandbox runs long)
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]\.myshopify\.com$")
ROUTES = [
    ("GET", re.compile(r"^/(?P<shop>[^/]+)/admin/oauth/authorize/?$"), "_authorize"),
    ("POST", re.compile(r"^/(?P<shop>[^/]+)/admin/oauth/access_token/?$"), "_token"),
    (
        "POST",
        re.compile(r"^/(?P<shop>[^/]+)/admin/api/(?P<version>[^/]+)/graphql\.json$"),
        "_graphql",
    ),
    ("GET", re.compile(r"^/(?P<shop>[^/]+)/_sandbox/bulk/(?P<number>\d+)\.jsonl$"), "_bulk_file"),
]


class ShopifySandbox:
    """The fake Shopify. All public methods take the lock, so threads may share one."""

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        api_version: str | None = None,
        shop_url: str | None = None,
        now: float | None = None,
    ) -> None:
        self.client_id = client_id or settings.SHOPIFY_CLIENT_ID
        self.client_secret = client_secret or settings.SHOPIFY_CLIENT_SECRET
        self.api_version = api_version or settings.SHOPIFY_API_VERSION
        self.shop_url_template = shop_url or settings.SHOPIFY_SHOP_URL
        self.default_scopes = list(settings.SHOPIFY_SCOPES)
        self.lock = threading.RLock()
        self.clock = Clock(frozen=now)
        self.ids = Ids()
        self.shops: dict[str, Shop] = {}
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.refresh_tokens: dict[str, dict] = {}
        self.events: list[dict] = []
        self.request_log: list[dict] = []
        self.faults: list[tuple[int, float | None]] = []
        # The share of Admin API requests that find the shop's cost bucket drained (as by
        # another app's burst) and so answer THROTTLED; drawn from a seeded generator.
        self.throttle_rate = 0.0
        self._throttle_random = random.Random(0)
        # Drained buckets ("throttle_injected") and THROTTLED answers ("throttled").
        self.counters: Counter = Counter()

    # --- clock -------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def utc_now(self) -> str:
        return datetime.fromtimestamp(self.now(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's time on (token expiry, throttle restore, the 60-day window)."""
        with self.lock:
            self.clock.advance(seconds)

    def shop_url(self, domain: str) -> str:
        return self.shop_url_template.format(shop=domain)

    # --- shops and installs ------------------------------------------------------------
    def add_shop(
        self,
        *,
        domain: str,
        currency: str = "SEK",
        plan: str = "standard",
        timezone: str = "Europe/Stockholm",
    ) -> Shop:
        if not SHOP_DOMAIN.match(domain):
            raise ValueError(f"{domain!r} is not a myshopify.com domain")
        with self.lock:
            if domain not in self.shops:
                bucket = Bucket.for_plan(plan, self.now())
                self.shops[domain] = Shop(domain, currency, plan, timezone, bucket)
            return self.shops[domain]

    def shop(self, domain: str) -> Shop:
        return self.shops[domain]

    def authorize(self, *, shop: str, scopes: str | None = None) -> str:
        """The merchant approves the install: an authorization code for the token endpoint."""
        with self.lock:
            self.shop(shop)
            return oauth.create_code(self, shop, scopes or ",".join(self.default_scopes))

    def issue_tokens(self, *, shop: str, scopes: str | None = None, expiring: bool = True) -> dict:
        """Tokens as the access_token endpoint answers them, without the OAuth dance."""
        with self.lock:
            self.shop(shop)
            return oauth.issue_tokens(
                self, shop, scopes or ",".join(self.default_scopes), expiring=expiring
            )

    def uninstall(self, *, shop: str) -> None:
        """The merchant removes the app: every token stops working (401)."""
        with self.lock:
            oauth.revoke_shop(self, shop)
            self.record_event("app/uninstalled", shop, None)

    # --- orders ------------------------------------------------------------------------
    def create_order(
        self,
        *,
        shop: str,
        order: dict | str,
        fresh: bool | None = None,
        restamp: bool | None = None,
    ) -> dict:
        """Place an order (a REST order dict or a scenario name); returns the stored order.

        A scenario name is placed as a new order (``fresh``): new id and name, timestamps of
        now. A dict keeps what it has and only gets what is missing, unless ``fresh=True``
        (as for a name) or ``restamp=True`` (keep the ids, date it now). Scenario files are
        dated 2024; Shopify hides orders older than 60 days from tokens without
        read_all_orders.
        """
        with self.lock:
            target = self.shop(shop)
            record = orders.load_scenario(order) if isinstance(order, str) else order
            fresh = isinstance(order, str) if fresh is None else fresh
            prepared = orders.prepare_order(
                record,
                shop=target,
                ids=self.ids,
                now=self.now(),
                fresh=fresh,
                restamp=fresh if restamp is None else restamp,
            )
            if prepared["id"] in target.orders:
                raise ValueError(f"Order {prepared['id']} already exists in {shop}")
            target.orders[prepared["id"]] = prepared
            orders.register_related(prepared, target)
            self.record_event("orders/create", shop, prepared["id"])
            return prepared

    def _transition(self, shop: str, order_id: int, change, *args) -> dict:
        with self.lock:
            target = self.shop(shop)
            record = target.orders[int(order_id)]
            for topic in change(record, target.local_time(self.now()), *args):
                self.record_event(topic, shop, record["id"])
            return record

    def mark_paid(self, *, shop: str, order_id: int) -> dict:
        return self._transition(shop, order_id, orders.mark_paid)

    def fulfil(self, *, shop: str, order_id: int) -> dict:
        return self._transition(shop, order_id, orders.fulfil)

    def cancel(self, *, shop: str, order_id: int, reason: str = "customer") -> dict:
        return self._transition(shop, order_id, orders.cancel, reason)

    def refund(
        self,
        *,
        shop: str,
        order_id: int,
        line_items: dict[int, int] | None = None,
        shipping: bool = False,
        extra: str | None = None,
        note: str = "",
    ) -> dict:
        """Refund part or all of an order, as the admin's Refund button does (see
        ``refunds.refund``); fires ``refunds/create`` and ``orders/updated``."""
        with self.lock:
            target = self.shop(shop)
            record = target.orders[int(order_id)]
            made = refunds.refund(
                record,
                ids=self.ids,
                stamp=target.local_time(self.now()),
                line_items=line_items,
                shipping=shipping,
                extra=extra,
                note=note,
            )
            for topic in ("refunds/create", "orders/updated"):
                self.record_event(topic, shop, record["id"])
            return made

    def record_event(self, topic: str, shop: str, resource_id: int | None) -> None:
        """Remember what Shopify would have fired (``events``), e.g. orders/updated echoes."""
        self.events.append({"topic": topic, "shop": shop, "id": resource_id, "at": self.utc_now()})
        del self.events[:-LOG_LIMIT]

    # --- webhooks ----------------------------------------------------------------------
    def _shop_of(self, order_id: int | None) -> str:
        for domain, shop in self.shops.items():
            if order_id is None or int(order_id) in shop.orders:
                return domain
        raise KeyError(f"No sandbox shop has order {order_id}")

    def _resource(self, topic: str, shop: Shop, order_id: int | None) -> dict:
        if topic == "app/uninstalled":
            return {
                "id": 1,
                "name": shop.handle,
                "domain": shop.domain,
                "myshopify_domain": shop.domain,
                "currency": shop.currency,
            }
        record = copy.deepcopy(shop.orders[int(order_id)])
        record.pop("metafields", None)  # not part of the webhook payload
        if topic == "refunds/create":
            return record["refunds"][-1]
        return record

    def webhook_deliveries(
        self,
        topics: str | Iterable[str],
        order_id: int | None = None,
        *,
        shop: str | None = None,
        duplicate: int = 0,
        reorder: bool = False,
        secret: str | None = None,
    ) -> list[Delivery]:
        """Signed deliveries of the order's current state, one per topic, arranged as asked.

        ``topics`` is one topic or several (``"orders/create,orders/paid"`` or a list).
        ``secret`` signs with another secret (to test rejection).
        """
        names = [topics] if isinstance(topics, str) else list(topics)
        names = [t.strip() for name in names for t in name.split(",") if t.strip()]
        with self.lock:
            target = self.shop(shop or self._shop_of(order_id))
            made = [
                build_delivery(
                    topic=topic,
                    shop=target.domain,
                    resource=self._resource(topic, target, order_id),
                    secret=secret or self.client_secret,
                    api_version=self.api_version,
                    event_id=str(uuid.uuid4()),
                    triggered=triggered_at(self.now()),
                )
                for topic in names
            ]
        return arrange(made, duplicate=duplicate, reorder=reorder)

    def deliver(
        self,
        topics: str | Iterable[str],
        order_id: int | None,
        *,
        url: str,
        shop: str | None = None,
        duplicate: int = 0,
        reorder: bool = False,
        delay: float = 0.0,
        sender: WebhookSender | None = None,
    ) -> list[SendResult]:
        """Build deliveries and POST them to ``url`` (through ``integrations.http``)."""
        deliveries = self.webhook_deliveries(
            topics, order_id, shop=shop, duplicate=duplicate, reorder=reorder
        )
        return (sender or WebhookSender()).send(deliveries, url, delay=delay)

    # --- HTTP --------------------------------------------------------------------------
    def fail_next(self, *, status: int = 503, times: int = 1, retry_after: float | None = None):
        """Answer the next ``times`` Admin API requests with ``status`` (an outage)."""
        with self.lock:
            self.faults.extend([(status, retry_after)] * times)

    def throttle(self, *, rate: float, seed: int | None = None) -> None:
        """Drain the cost bucket before that share of Admin API requests (0.0-1.0)."""
        with self.lock:
            self.throttle_rate = float(rate)
            if seed is not None:
                self._throttle_random = random.Random(seed)

    def _drain(self, path: str) -> None:
        if not self.throttle_rate or "/admin/api/" not in path:
            return
        shop = self.shops.get(path.strip("/").split("/", 1)[0])
        if shop is not None and self._throttle_random.random() < self.throttle_rate:
            shop.bucket.refill(self.now())
            shop.bucket.available = 0
            self.counters["throttle_injected"] += 1

    def _fault(self, path: str) -> Response | None:
        if not self.faults or "/admin/api/" not in path:
            return None
        status, retry_after = self.faults.pop(0)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return Response.json(status, {"errors": "Service Unavailable"}, headers)

    def handle(
        self, method: str, path: str, query: dict | str | None, headers: dict, body: bytes
    ) -> Response:
        """Answer one HTTP request; ``path`` is relative to the sandbox root."""
        params = dict(parse_qsl(query)) if isinstance(query, str) else dict(query or {})
        lowered = {key.lower(): value for key, value in (headers or {}).items()}
        with self.lock:
            answer = self._route(method, path, params, lowered, body or b"")
            if answer.status == 200 and b'"THROTTLED"' in answer.body[:200]:
                self.counters["throttled"] += 1
            self.request_log.append(
                {"at": self.utc_now(), "method": method.upper(), "path": path,
                 "status": answer.status, "operation": answer.operation}
            )  # fmt: skip
            del self.request_log[:-LOG_LIMIT]
            return answer

    def _route(self, method: str, path: str, params: dict, headers: dict, body: bytes) -> Response:
        if path.startswith("/_control/"):
            return control.handle(self, method, path, params, headers, body)
        fault = self._fault(path)
        if fault:
            return fault
        self._drain(path)
        for route_method, pattern, name in ROUTES:
            match = pattern.match(path)
            if match and method.upper() == route_method:
                return getattr(self, name)(params, headers, body, **match.groupdict())
        return Response.json(404, {"errors": "Not Found"})

    def _authorize(self, params: dict, headers: dict, body: bytes, *, shop: str) -> Response:
        if shop not in self.shops:
            return Response.html(404, "<h1>There is no store at this address</h1>")
        return oauth.authorize_page(self, shop, params)

    def _token(self, params: dict, headers: dict, body: bytes, *, shop: str) -> Response:
        if shop not in self.shops:
            return Response.json(404, {"errors": "Not Found"})
        return oauth.token_endpoint(self, shop, headers, body)

    def _graphql(
        self, params: dict, headers: dict, body: bytes, *, shop: str, version: str
    ) -> Response:
        return api.graphql(self, shop, version, headers, body)

    def _bulk_file(
        self, params: dict, headers: dict, body: bytes, *, shop: str, number: str
    ) -> Response:
        lines = (
            bulk.result_lines(self.shops[shop].bulk_operations, int(number))
            if shop in self.shops
            else None
        )
        if lines is None:
            return Response(
                404, {"Content-Type": "application/xml"}, b"<Error><Code>NoSuchKey</Code></Error>"
            )
        text = "".join(f"{line}\n" for line in lines)
        return Response(200, {"Content-Type": "application/jsonl"}, text.encode())

    # --- persistence -------------------------------------------------------------------
    def to_dict(self) -> dict:
        with self.lock:
            return {
                "clock_offset": self.clock.offset,
                "next_id": self.ids.next_id,
                "shops": {domain: shop.to_dict() for domain, shop in self.shops.items()},
                "codes": self.codes,
                "access_tokens": self.access_tokens,
                "refresh_tokens": self.refresh_tokens,
            }

    def load_dict(self, data: dict) -> None:
        """Replace this sandbox's state with ``data`` (from ``to_dict``)."""
        with self.lock:
            self.clock.offset = data.get("clock_offset", 0.0)
            self.ids.next_id = data.get("next_id", self.ids.next_id)
            self.shops = {d: Shop.from_dict(s) for d, s in data.get("shops", {}).items()}
            self.codes = data.get("codes", {})
            self.access_tokens = data.get("access_tokens", {})
            self.refresh_tokens = data.get("refresh_tokens", {})
