"""First orders of a new customer run at once by separate workers make one customer and
one article each in Fortnox, and every run succeeds.

These need PostgreSQL: each thread has its own database connection, so the creation lock
must hold across connections (the suite's SQLite database lives in one connection)."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from integrations.documents import Line, LineKind, Totals
from integrations.locking import LockTimeout, key_lock
from syncs.models import ExternalLink, Integration, SyncRun
from syncs.pipeline import run_execute
from syncs.runs import run_get_or_create
from tests.syncs.conftest import make_document

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal
ORDERS = ("2001", "2002", "2003")


def _lines() -> tuple[Line, ...]:
    return (
        Line(LineKind.PRODUCT, "Mössa Röd", D("1"), D("199.00"), D("25"),
             vat_amount=D("39.80"), sku="CAP-RED"),
        Line(LineKind.PRODUCT, "Vante Grå", D("1"), D("149.00"), D("25"),
             vat_amount=D("29.80"), sku="GLOVE-GREY"),
        Line(LineKind.PRODUCT, "Halsduk Blå", D("1"), D("299.00"), D("25"),
             vat_amount=D("59.80"), sku="SCARF-BLUE"),
        Line(LineKind.SHIPPING, "PostNord", D("1"), D("59.00"), D("25"), vat_amount=D("11.80")),
    )  # fmt: skip


def _run_at_once(integration, source_ids) -> list[Exception]:
    barrier = threading.Barrier(len(source_ids))
    errors: list[Exception] = []

    def worker(source_id: str) -> None:
        try:
            run = run_get_or_create(
                integration=integration, operation="document", source_id=source_id
            )
            barrier.wait()
            run_execute(run_id=run.pk)
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(s,)) for s in source_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.parametrize("article_match", [Integration.ArticleMatch.SKU, "name"])
def test_three_concurrent_first_orders_make_one_customer_and_one_article_each(
    integration, fake_source, fortnox_sandbox, article_match
):
    integration.article_match = article_match
    integration.save()
    for source_id in ORDERS:
        fake_source.documents[source_id] = make_document(
            source_id, lines=_lines(), totals=Totals(total=D("706.00"), vat=D("141.20"))
        )
    fortnox_sandbox.faults.latency = 0.05  # widen the window between search and create

    errors = _run_at_once(integration, ORDERS)

    assert errors == []
    runs = SyncRun.objects.order_by("source_id")
    assert [(r.source_id, r.status) for r in runs] == [
        (s, SyncRun.Status.SUCCEEDED) for s in ORDERS
    ], [r.error_message for r in runs]
    tenant = fortnox_sandbox.tenant("1234567")
    customers = [c for c in tenant.customers.values() if c.get("Email") == "anna@example.se"]
    assert len(customers) == 1
    descriptions = Counter(a["Description"] for a in tenant.articles.values())
    assert {d: descriptions[d] for d in ("Mössa Röd", "Vante Grå", "Halsduk Blå")} == {
        "Mössa Röd": 1,
        "Vante Grå": 1,
        "Halsduk Blå": 1,
    }
    invoices = [tenant.invoices[r.document_number] for r in runs]
    assert {i["CustomerNumber"] for i in invoices} == {customers[0]["CustomerNumber"]}
    assert ExternalLink.objects.filter(kind="customer").count() == 1
    assert ExternalLink.objects.filter(kind="article").count() == 3


def test_the_key_lock_holds_across_connections_and_a_long_wait_is_transient():
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        try:
            with key_lock("link:1:customer:anna@example.se"):
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(timeout=30)
        with (
            pytest.raises(LockTimeout) as waited,
            key_lock("link:1:customer:anna@example.se", timeout=0.3),
        ):
            pass
        with key_lock("link:1:customer:bo@example.se", timeout=0.3):
            pass  # another key is free
    finally:
        release.set()
        thread.join(timeout=30)
    with key_lock("link:1:customer:anna@example.se", timeout=5):
        pass  # released when the holder's block ended
    assert waited.value.permanent is False
