"""An acknowledged Shopify delivery is always processed, even when the queue broker was
down as it arrived: the stored event is the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone
from django_q.tasks import async_task as django_q_async_task

from syncs.models import InboundEvent, SyncRun
from syncs.outbox import outbox_dispatch
from tests.shopify_app.conftest import fortnox_invoices

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(monkeypatch):
    """A switchable queue broker: while ``down``, every enqueue raises as a lost
    connection to Redis or the database would."""

    class Broker:
        down = True
        refused = 0

    state = Broker()

    def async_task(*args, **kwargs):
        if state.down:
            state.refused += 1
            raise ConnectionError("broker unreachable")
        return django_q_async_task(*args, **kwargs)

    monkeypatch.setattr("syncs.queue.async_task", async_task)
    return state


def _later() -> timezone.datetime:
    return timezone.now() + timedelta(minutes=2)


def test_delivery_while_the_broker_is_down_is_answered_200_and_processed_once_it_is_back(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks, broker
):
    order = place_paid_order("single_vat_25")

    responses = post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    assert [r.status_code for r in responses] == [200]
    event = InboundEvent.objects.get()
    assert (event.state, event.queued_at) == (InboundEvent.State.RECEIVED, None)
    assert broker.refused == 1
    assert fortnox_invoices(fortnox_sandbox) == {}

    broker.down = False
    with TestCase.captureOnCommitCallbacks(execute=True):
        dispatched = outbox_dispatch(now=_later())

    assert dispatched.events == 1
    event.refresh_from_db()
    assert event.state == InboundEvent.State.PROCESSED
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]
    assert run.report_status == SyncRun.Report.DONE


def test_a_repeated_delivery_of_an_unprocessed_event_queues_it_again(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks, broker
):
    order = place_paid_order("single_vat_25")
    [delivery] = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    post_webhooks([delivery])
    broker.down = False

    [response] = post_webhooks([delivery])  # Shopify retries the same delivery

    assert response.status_code == 200
    assert InboundEvent.objects.get().state == InboundEvent.State.PROCESSED
    assert len(fortnox_invoices(fortnox_sandbox)) == 1


def test_the_dispatcher_leaves_fresh_and_queued_events_alone(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks, broker
):
    order = place_paid_order("single_vat_25")
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))
    broker.down = False

    assert outbox_dispatch().events == 0  # within the grace period: maybe still on its way
    InboundEvent.objects.update(queued_at=timezone.now())
    assert outbox_dispatch(now=_later()).events == 0  # handed off recently: not lost yet
