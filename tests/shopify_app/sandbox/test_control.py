"""The served sandbox's control endpoints: throttling, faults and the orders' state."""

from __future__ import annotations

import contextlib
import json
import os
import threading

import pytest

from shopify_app.sandbox.views import get_sandbox, save_sandbox, state_file
from tests.plugins.shopify import SHOP

CONTROL = "/sandbox/shopify/_control"


@pytest.mark.django_db
def test_throttle_drains_the_bucket_for_a_share_of_requests(client, shopify_http_sandbox):
    tokens = client.post(
        f"{CONTROL}/tokens", {"shop": SHOP}, content_type="application/json"
    ).json()
    assert client.post(
        f"{CONTROL}/throttle", {"rate": 0.5, "seed": 3}, content_type="application/json"
    ).json() == {"throttle_rate": 0.5}
    query = {"query": "{ shop { name } }"}
    answers = []
    for _ in range(20):
        shopify_http_sandbox.advance_clock(60)  # the bucket refills between requests
        answers.append(
            client.post(
                f"/sandbox/shopify/{SHOP}/admin/api/2026-07/graphql.json",
                query,
                content_type="application/json",
                headers={"X-Shopify-Access-Token": tokens["access_token"]},
            ).json()
        )

    codes = [(a.get("errors") or [{}])[0].get("extensions", {}).get("code") for a in answers]
    throttled = [code for code in codes if code == "THROTTLED"]
    counters = client.get(f"{CONTROL}/state").json()["counters"]
    assert 0 < len(throttled) < 20
    assert counters == {"throttle_injected": len(throttled), "throttled": len(throttled)}


@pytest.mark.django_db
def test_orders_lists_notes_and_statuses(client, shopify_http_sandbox):
    placed = client.post(
        f"{CONTROL}/orders",
        {"shop": SHOP, "scenario": "single_vat_25", "topics": "orders/create,orders/paid"},
        content_type="application/json",
    ).json()["order"]

    orders = client.get(f"{CONTROL}/orders", {"shop": SHOP}).json()["orders"]

    assert orders[str(placed["id"])]["financial_status"] == "paid"
    assert orders[str(placed["id"])]["note"] is None
    assert get_sandbox() is shopify_http_sandbox


def test_two_saves_at_once_neither_fail_nor_leave_an_older_state(shopify_http_sandbox, monkeypatch):
    """The threaded web server saves after every request. Two saves once shared one
    temporary file: the second rename failed (a 500), or an older state reached the live
    file after its time was noted, and the next request reloaded it (a lost order note)."""
    renames = threading.Barrier(2, timeout=1)  # hold the first rename until both have written
    real_replace = os.replace

    def replace(source, target):
        with contextlib.suppress(threading.BrokenBarrierError):
            renames.wait()
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    errors: list[Exception] = []

    def place_and_save() -> None:
        try:
            shopify_http_sandbox.create_order(shop=SHOP, order="single_vat_25")
            save_sandbox(shopify_http_sandbox)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=place_and_save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(get_sandbox().shop(SHOP).orders) == 2
    assert len(json.loads(state_file().read_text())["shops"][SHOP]["orders"]) == 2
