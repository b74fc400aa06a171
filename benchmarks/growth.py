"""Cost growth with stored orders: time per order, customers/redact and the admin lists
at a number of stored orders (events, runs with their logs, customer links).

Runs in the bench process against its PostgreSQL database; the sandboxes answer in
process (``responses``), so the time per order is the service's own work: the order read,
mapping, the link table, the rate limiter, the Fortnox create and the write-back.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import timedelta

from benchmarks.sections import scenario_order

SHOP, TENANT = "growth.myshopify.com", "8999999"


def measure(sizes: list[int]) -> dict[int, dict[str, float]]:
    import responses
    from django.conf import settings
    from django.test.utils import override_settings

    from fortnox.sandbox.core import FortnoxSandbox
    from fortnox.sandbox.testing import install as install_fortnox
    from shopify_app.sandbox.sandbox import ShopifySandbox
    from shopify_app.sandbox.testing import install as install_shopify

    shopify = ShopifySandbox(shop_url=settings.SHOPIFY_SHOP_URL)
    fortnox = FortnoxSandbox(api_url=settings.FORTNOX_API_URL)
    fortnox.rate_limit = 10**9
    rows = {}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        install_shopify(mock, shopify)
        install_fortnox(
            mock, fortnox, api_url=settings.FORTNOX_API_URL, auth_url=settings.FORTNOX_AUTH_URL
        )
        with override_settings(FORTNOX_RATE_LIMIT=10**6):
            integration = _provision(shopify, fortnox)
            stored = 0
            for size in sizes:
                _seed(integration, size - stored)
                stored = size
                rows[size] = _measure(shopify, integration)
                print(f"  growth at {size:,} stored orders: {rows[size]}", flush=True)
    return rows


def _provision(shopify, fortnox):
    from fortnox.oauth import FortnoxOAuth
    from fortnox.services import connection_store
    from shopify_app.oauth import ShopifyOAuth
    from syncs.accounts import integration_install
    from syncs.models import Integration

    shopify.add_shop(domain=SHOP, plan="plus")
    fortnox.add_tenant(TENANT, "Growth AB")
    integration = integration_install(
        provider="shopify",
        account_id=SHOP,
        display_name=SHOP,
        tokens=ShopifyOAuth().parse_tokens(shopify.issue_tokens(shop=SHOP)),
    )
    tokens = FortnoxOAuth().parse_tokens(fortnox.issue_tokens(TENANT))
    Integration.objects.filter(pk=integration.pk).update(
        fortnox=connection_store(tokens=tokens),
        missing_article=Integration.MissingArticle.CREATE,
    )
    return Integration.objects.select_related("source", "fortnox").get(pk=integration.pk)


def _seed(integration, count: int) -> None:
    """``count`` more stored orders: each a paid event, a run with three log lines and a
    customer link, as the engine leaves them."""
    from django.utils import timezone

    from syncs.models import ExternalLink, InboundEvent, SyncRun, SyncRunLog

    base = InboundEvent.objects.count()
    template = scenario_order("seed")
    now = timezone.now()
    for start in range(0, count, 1000):
        numbers = range(base + start, base + min(start + 1000, count))
        events, runs, links = [], [], []
        for n in numbers:
            order_id = 9_000_000_000 + n
            body = {**template, "id": order_id, "name": f"#S{n}", "email": f"c{n}@example.se"}
            body["customer"] = {**template["customer"], "id": 5_000_000 + n,
                                "email": f"c{n}@example.se"}  # fmt: skip
            events.append(InboundEvent(
                provider="shopify", delivery_id=f"seed-{n}", topic="orders/paid",
                account_id=SHOP, body=json.dumps(body), headers={}, state="processed",
                processed_at=now,
            ))  # fmt: skip
            runs.append(SyncRun(
                integration=integration, provider="shopify", operation="document",
                source_id=str(order_id), source_label=f"#S{n}", status="succeeded",
                attempts=1, document_type="invoice", document_number=str(n),
                finished_at=now - timedelta(seconds=n), report_status="done",
            ))  # fmt: skip
            links.append(ExternalLink(
                integration=integration, kind=ExternalLink.Kind.CUSTOMER,
                source_id=str(5_000_000 + n), fortnox_number=str(n),
            ))  # fmt: skip
        InboundEvent.objects.bulk_create(events)
        SyncRun.objects.bulk_create(runs)
        ExternalLink.objects.bulk_create(links)
        SyncRunLog.objects.bulk_create(
            SyncRunLog(run=run, step=step, message=f"{step} done", excerpt='{"ok": true}')
            for run in runs
            for step in ("load", "customer", "create")
        )


def _measure(shopify, integration) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shopify_app.services import customer_redact
    from syncs.pipeline import run_execute
    from syncs.reporting import report_execute
    from syncs.runs import run_get_or_create

    order = scenario_order("growth")
    per_order, slowest = [], []
    for _ in range(8):
        placed = shopify.create_order(shop=SHOP, order=json.loads(json.dumps(order)), fresh=True)
        shopify.mark_paid(shop=SHOP, order_id=placed["id"])
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run = run_get_or_create(
                integration=integration, operation="document", source_id=str(placed["id"])
            )
            run_execute(run_id=run.pk)
            report_execute(run_id=run.pk)
            per_order.append((time.perf_counter() - started) * 1000)
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    started = time.perf_counter()
    customer_redact(shop=SHOP, customer={"id": 5_000_003, "email": "c3@example.se"},
                    order_ids=[9_000_000_003])  # fmt: skip
    redact_ms = (time.perf_counter() - started) * 1000
    user = get_user_model().objects.filter(username="bench").first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench", "b@example.se", "x" * 12)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    measured = {
        "time per order (ms)": statistics.median(per_order[2:]),
        "customers/redact (ms)": redact_ms,
        "slowest queries of an order": [(q["time"], q["sql"][:200]) for q in slowest],
    }
    for name, url in (("run", "/admin/syncs/syncrun/"), ("event", "/admin/syncs/inboundevent/")):
        client.get(url)
        times = []
        for _ in range(3):  # the median of three: one request is at the mercy of the VM
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        measured[f"admin {name} list (ms)"] = statistics.median(times)
        measured[f"admin {name} list (queries)"] = len(queries)
    return measured
