"""shopify_backfill: historical orders through the engine's runs, each document once."""

from __future__ import annotations

import tracemalloc
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shopify_app import services
from shopify_app.backfill import backfill_query, shopify_backfill
from shopify_app.sandbox import orders as sandbox_orders
from syncs.models import SyncRun
from tests.plugins.shopify import SHOP
from tests.shopify_app.conftest import fortnox_invoices

pytestmark = pytest.mark.django_db


def _backfill(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("shopify_backfill", "--shop", SHOP, *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def _since(order: dict) -> str:
    return order["created_at"][:10]


def test_backfill_twice_creates_each_document_once_and_prints_the_summary(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order
):
    paid = [place_paid_order("single_vat_25"), place_paid_order("mixed_vat_25_12_6")]
    unpaid = sandbox_orders.load_scenario("line_discount")
    place_paid_order({**unpaid, "financial_status": "pending"}, paid=False)
    cancelled = place_paid_order("single_vat_25")
    shopify_sandbox.cancel(shop=SHOP, order_id=cancelled["id"])

    first, bar = _backfill("--since", _since(paid[0]))
    second, _ = _backfill("--since", _since(paid[0]))

    assert first == (
        "created 2, already synced 0, skipped 2 (1 not paid yet; 1 cancelled), failed 0"
    )
    assert second == (
        "created 0, already synced 2, skipped 2 (1 not paid yet; 1 cancelled), failed 0"
    )
    assert "[" in bar and "4/4" in bar
    assert len(fortnox_invoices(fortnox_sandbox)) == 2
    assert SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).count() == 2


def test_dry_run_counts_and_creates_nothing(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order
):
    order = place_paid_order("single_vat_25")

    summary, _ = _backfill("--since", _since(order), "--dry-run")

    assert summary.startswith("would create 1, already synced 0")
    assert not fortnox_invoices(fortnox_sandbox)
    assert not SyncRun.objects.exists()


def test_a_range_after_the_orders_finds_nothing(shop_integration, place_paid_order):
    place_paid_order("single_vat_25")

    summary, _ = _backfill("--since", "2099-01-01")

    assert summary == "created 0, already synced 0, skipped 0, failed 0"


def test_backfill_query_includes_the_last_day():
    query = backfill_query(date(2026, 1, 1), date(2026, 1, 31))

    assert query == "created_at:>='2026-01-01' created_at:<'2026-02-01'"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shop", "not a shop", "--since", "2026-01-01"], "is not a Shopify store address"),
        (["--shop", "other.myshopify.com", "--since", "2026-01-01"], "has not installed the app"),
        (["--shop", SHOP, "--since", "yesterday"], "--since must be a date as YYYY-MM-DD"),
        (["--shop", SHOP, "--since", "2026-02-01", "--until", "2026-01-01"], "is before"),
    ],
)
def test_bad_input_is_one_line(shop_integration, args, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("shopify_backfill", *args, stdout=StringIO())
    assert "\n" not in str(error.value)


class _ListingOnly:
    """A client listing ``count`` orders lazily, as pages of Shopify's answers would."""

    def __init__(self, count: int) -> None:
        self.count = count

    def count_orders(self, *, query: str) -> int:
        return self.count

    def iter_orders(self, *, query: str):
        for number in range(self.count):
            yield {"id": 10**12 + number, "name": f"#{number}", "financial_status": "pending"}


def test_memory_stays_flat_over_ten_thousand_orders(shop_integration, monkeypatch):
    """Nothing is kept per order: what is held after 10 000 is what was held after 1 000."""
    monkeypatch.setattr(services, "shopify_client_for", lambda source: _ListingOnly(10_000))
    held: dict[int, int] = {}

    def progress(index: int, total: int) -> None:
        if index in (1_000, 10_000):
            held[index] = tracemalloc.get_traced_memory()[0]

    tracemalloc.start()
    try:
        summary = shopify_backfill(
            integration=shop_integration, since=date(2026, 1, 1), dry_run=True, progress=progress
        )
    finally:
        tracemalloc.stop()

    assert summary.skipped == {"not paid yet": 10_000}
    assert held[10_000] - held[1_000] < 200_000  # bytes


def test_orders_are_listed_a_page_at_a_time(shopify_sandbox, shopify_client, place_paid_order):
    placed = [place_paid_order("single_vat_25") for _ in range(5)]
    query = backfill_query(date(2000, 1, 1), None)

    listed = list(shopify_client.iter_orders(query=query, page_size=2))

    assert [order["id"] for order in listed] == [order["id"] for order in placed]
    assert {order["financial_status"] for order in listed} == {"paid"}
    assert shopify_client.count_orders(query=query) == 5
    assert shopify_client.count_orders(query=backfill_query(date(2099, 1, 1), None)) == 0
