"""The Fortnox and Shopify sandboxes in a process of their own, for ``make bench``.

The app under test serves its sandboxes itself under ``/sandbox/`` in development, where
each request also saves the whole sandbox state to a file. Measured that way, the app
would spend its CPU on its own fakes, so the benchmark serves them here instead: one
process (``gunicorn -k gthread``, threads share the in-memory state, nothing is written to
disk) that the app reaches over loopback, as it would reach the real APIs.

Routes: ``/fortnox/...`` and ``/shopify/...`` go to the sandboxes; ``/bench/...`` set up
shops and tenants, place orders in bulk and count what the app asked for:

* ``POST /bench/setup`` ``{shop, plan, tenant}`` -> Shopify and Fortnox tokens
* ``POST /bench/orders`` ``{shop, count, scenario | order, topics}`` -> the deliveries
* ``POST /bench/plan`` ``{shop, plan}`` -> the shop on that plan, its cost bucket full
* ``POST /bench/limits`` ``{fortnox}`` -> Fortnox's requests per window (the memory run)
* ``GET  /bench/stats`` -> Fortnox requests by status, Shopify calls, requested and actual
  cost points, THROTTLED answers; ``POST /bench/stats`` resets them
"""

from __future__ import annotations

import base64
import copy
import json
import os
import threading
from collections import Counter
from urllib.parse import parse_qsl

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from fortnox.sandbox.core import FortnoxSandbox  # noqa: E402
from shopify_app.sandbox.control import place_order  # noqa: E402
from shopify_app.sandbox.sandbox import ShopifySandbox  # noqa: E402

BASE = os.environ["BENCH_SANDBOX_URL"]
SECRET = "sandbox-secret"

shopify = ShopifySandbox(
    client_id="sandbox", client_secret=SECRET, shop_url=f"{BASE}/shopify/{{shop}}"
)
fortnox = FortnoxSandbox(api_url=f"{BASE}/fortnox", client_secret=SECRET)
stats: Counter = Counter()
stats_lock = threading.Lock()


def _count(key: str, amount: float = 1) -> None:
    with stats_lock:
        stats[key] += amount


def _json_answer(start_response, status: int, data) -> list[bytes]:
    body = json.dumps(data).encode()
    start_response(f"{status} X", [("Content-Type", "application/json")])
    return [body]


def _headers(environ) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    return headers


def _body(environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else b""


def _shopify(method, path, query, headers, body):
    answer = shopify.handle(method, path, query, headers, body)
    if path.endswith("/graphql.json"):
        _count("shopify_calls")
        cost = (json.loads(answer.body).get("extensions") or {}).get("cost") or {}
        _count("shopify_requested", cost.get("requestedQueryCost") or 0)
        _count("shopify_actual", cost.get("actualQueryCost") or 0)
        if b'"THROTTLED"' in answer.body[:300]:
            _count("shopify_throttled")
    return answer.status, answer.headers, answer.body


def _fortnox(method, path, query, headers, body):
    answer = fortnox.handle(method, path, dict(parse_qsl(query)), headers, body)
    if path.startswith("/3/"):
        _count(f"fortnox_{answer.status}")
        _count(f"fortnox_{method}")
        _count(f"fortnox_{method} {path.split('/')[2]}")
    return answer.status, answer.headers, answer.body


def _setup(data: dict) -> dict:
    shopify.add_shop(domain=data["shop"], plan=data.get("plan", "standard"))
    with fortnox._lock:
        if data["tenant"] not in fortnox.tenants:
            fortnox.add_tenant(data["tenant"], "Bench AB")
    return {
        "shopify": shopify.issue_tokens(shop=data["shop"]),
        "fortnox": fortnox.issue_tokens(data["tenant"]),
    }


def _orders(data: dict) -> dict:
    deliveries = []
    for _ in range(int(data.get("count", 1))):
        order = copy.deepcopy(data.get("order")) or data["scenario"]
        record, made = place_order(
            shopify,
            shop=data["shop"],
            order=order,
            topics=data.get("topics") or ["orders/create", "orders/paid"],
        )
        deliveries += [
            {"order": record["id"], "headers": d.headers, "body": base64.b64encode(d.body).decode()}
            for d in made
        ]
    return {"deliveries": deliveries}


def _set_plan(data: dict) -> dict:
    from shopify_app.sandbox.state import Bucket

    with shopify.lock:
        shop = shopify.shop(data["shop"])
        shop.plan = data["plan"]
        shop.bucket = Bucket.for_plan(data["plan"], shopify.now())
    return {"plan": data["plan"]}


def _bench(method: str, path: str, body: bytes) -> tuple[int, object]:
    data = json.loads(body or b"{}")
    if (method, path) == ("GET", "/bench/stats"):
        with stats_lock:
            return 200, dict(stats)
    if (method, path) == ("POST", "/bench/stats"):
        with stats_lock:
            stats.clear()
        return 200, {}
    if (method, path) == ("POST", "/bench/setup"):
        return 200, _setup(data)
    if (method, path) == ("POST", "/bench/orders"):
        return 200, _orders(data)
    if (method, path) == ("POST", "/bench/plan"):
        return 200, _set_plan(data)
    if (method, path) == ("POST", "/bench/limits"):
        fortnox.rate_limit = int(data["fortnox"])
        return 200, {"fortnox": fortnox.rate_limit}
    return 404, {"error": "unknown bench route"}


def application(environ, start_response):
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO") or "/"
    query = environ.get("QUERY_STRING", "")
    if path.startswith("/bench/"):
        status, data = _bench(method, path, _body(environ))
        return _json_answer(start_response, status, data)
    route = _shopify if path.startswith("/shopify/") else _fortnox
    prefix = "/shopify" if route is _shopify else "/fortnox"
    if not path.startswith(prefix + "/"):
        return _json_answer(start_response, 404, {"error": "not found"})
    status, headers, body = route(
        method, path[len(prefix) :], query, _headers(environ), _body(environ)
    )
    start_response(f"{status} X", list(headers.items()))
    return [body]
