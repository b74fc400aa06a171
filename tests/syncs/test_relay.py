"""The relay: a receiver's only write is the event's INSERT, and the relay hands each stored
event to the queue once."""

from __future__ import annotations

import time

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test import TestCase

from syncs import outbox
from syncs.models import InboundEvent
from syncs.outbox import outbox_relay, relay_forever
from tests.factories import InboundEventFactory
from tests.plugins.relay import relay_running, signed_order_delivery
from tests.plugins.shopify import SHOP


@pytest.fixture
def handed(monkeypatch):
    """The event ids handed to the queue, in order; ``handed.refuse`` makes the broker
    refuse (as ``syncs.queue.enqueue_event`` reports a lost broker)."""

    class Handed(list):
        refuse = False

    ids = Handed()

    def enqueue_event(pk: int) -> bool:
        if ids.refuse:
            InboundEvent.objects.filter(pk=pk).update(queued_at=None)
            return False
        ids.append(pk)
        return True

    monkeypatch.setattr(outbox, "enqueue_event", enqueue_event)
    return ids


@pytest.mark.django_db
def test_a_webhook_costs_one_insert_and_queues_nothing(client, handed, django_assert_num_queries):
    with django_assert_num_queries(1):  # the INSERT; no SELECT 1, BEGIN or queue row
        response = client.post(**signed_order_delivery("one-insert"))

    assert response.status_code == 200
    event = InboundEvent.objects.get()
    assert (event.delivery_id, event.account_id, event.topic) == ("one-insert", SHOP, "orders/paid")
    assert (event.state, event.queued_at, event.order_ref) == (
        "received",
        None,
        "820982911946154508",
    )
    assert event.headers["X-Shopify-Webhook-Id"] == "one-insert"
    assert handed == []


@pytest.mark.django_db
def test_the_relay_hands_each_stored_event_over_once_oldest_first(handed):
    first, second = InboundEventFactory(), InboundEventFactory()
    InboundEventFactory(state=InboundEvent.State.PROCESSED)  # done: not the relay's

    with TestCase.captureOnCommitCallbacks(execute=True):
        result = outbox_relay()
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = outbox_relay()

    assert (result.handed, result.failed, again.handed) == (2, 0, 0)
    assert handed == [first.pk, second.pk]
    first.refresh_from_db()
    assert first.queued_at is not None


@pytest.mark.django_db
def test_a_repeated_delivery_of_an_event_not_yet_processed_is_handed_over_again(client, handed):
    client.post(**signed_order_delivery("again"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        outbox_relay()

    response = client.post(**signed_order_delivery("again"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        outbox_relay()

    assert response.status_code == 200
    assert InboundEvent.objects.count() == 1
    assert handed == [InboundEvent.objects.get().pk] * 2


@pytest.mark.django_db
def test_events_the_broker_refuses_wait_for_the_next_pass(handed):
    event = InboundEventFactory()
    handed.refuse = True

    with TestCase.captureOnCommitCallbacks(execute=True):
        refused = outbox_relay()
    event.refresh_from_db()
    assert (refused.handed, refused.failed, event.queued_at) == (0, 1, None)

    handed.refuse = False
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert outbox_relay().handed == 1
    assert handed == [event.pk]


@pytest.mark.django_db
def test_the_command_hands_over_once_and_says_so(handed, capsys):
    InboundEventFactory()

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("outbox_relay", "--once")

    assert capsys.readouterr().out.strip() == "handed 1 event(s) to the queue"
    assert len(handed) == 1


@pytest.mark.django_db
def test_the_command_fails_with_one_line_when_the_queue_refuses(handed):
    InboundEventFactory()
    handed.refuse = True

    refused = r"^the queue refused 1 event\(s\); try again$"
    with pytest.raises(CommandError, match=refused), TestCase.captureOnCommitCallbacks():
        call_command("outbox_relay", "--once")


def _wait_for(handed: list, count: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while len(handed) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return len(handed) >= count


@pytest.mark.django_db(transaction=True)
def test_the_running_relay_hands_over_what_a_webhook_stored(client, handed):
    with relay_running(poll=0.05):
        assert client.post(**signed_order_delivery()).status_code == 200
        assert _wait_for(handed, 1, seconds=5)
    assert handed == [InboundEvent.objects.get().pk]


def _prepared_inserts() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements"
            " WHERE statement LIKE 'INSERT INTO \"syncs_inboundevent\"%%'"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_webhook_insert_is_prepared_once_per_connection(client):
    for _ in range(3):
        assert client.post(**signed_order_delivery()).status_code == 200

    for _ in range(6):  # Django's own queries stay unprepared, as Django leaves them
        assert InboundEvent.objects.count() == 3
    assert _prepared_inserts() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 1
    assert connection.connection.prepare_threshold is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_prepared_statements_can_be_turned_off_for_a_pooler(client, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    connection.close()  # a new connection: nothing prepared on it yet

    for _ in range(2):
        assert client.post(**signed_order_delivery()).status_code == 200

    assert InboundEvent.objects.count() == 2
    assert _prepared_inserts() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_webhook_on_a_connection_that_died_while_idle_is_stored_on_a_new_one(client, caplog):
    assert client.post(**signed_order_delivery()).status_code == 200
    connection.connection.close()  # as a database restart or an idle timeout would

    response = client.post(**signed_order_delivery("after-restart"))

    assert response.status_code == 200
    assert InboundEvent.objects.filter(delivery_id="after-restart").count() == 1
    # found dead by the INSERT itself (no health-check round trip before it), then retried
    assert "database connection lost before storing a delivery; reconnecting" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_with_a_real_queue_the_batch_is_queued_inside_its_claim_transaction(settings, monkeypatch):
    """One commit for the stamps and the queue rows (ORM broker), not one per row."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    events = [InboundEventFactory() for _ in range(3)]
    seen = []

    def enqueue_event(pk: int) -> bool:
        seen.append((pk, connection.in_atomic_block))
        return True

    monkeypatch.setattr(outbox, "enqueue_event", enqueue_event)

    result = outbox_relay()

    assert (result.handed, result.failed) == (3, 0)
    assert seen == [(event.pk, True) for event in events]
    assert InboundEvent.objects.filter(queued_at=None).count() == 0
    assert not connection.in_atomic_block


@pytest.mark.django_db
def test_an_idle_pass_is_one_read(handed, django_assert_num_queries):
    InboundEventFactory(state=InboundEvent.State.PROCESSED)

    with django_assert_num_queries(1):
        result = outbox_relay()

    assert (result.handed, result.failed, handed) == (0, 0, [])


def test_the_command_says_in_one_line_when_the_database_is_unavailable(monkeypatch):
    def unavailable(**kwargs):
        raise DatabaseError("no such table: syncs_inboundevent")

    monkeypatch.setattr("syncs.management.commands.outbox_relay.outbox_relay", unavailable)

    with pytest.raises(CommandError, match=r"^database unavailable: no such table"):
        call_command("outbox_relay", "--once")


def test_the_loop_backs_off_while_the_database_is_unavailable(monkeypatch, caplog):
    monkeypatch.setattr(
        outbox, "outbox_relay", lambda: (_ for _ in ()).throw(DatabaseError("down"))
    )

    class Stop:
        def __init__(self) -> None:
            self.waits: list[float] = []

        def is_set(self) -> bool:
            return len(self.waits) >= 4

        def wait(self, seconds: float) -> None:
            self.waits.append(seconds)

    stop = Stop()
    relay_forever(stop=stop, poll=0.02)

    assert stop.waits == [1.0, 2.0, 4.0, 8.0]
    assert caplog.text.count("relay: database unavailable (down)") == 4
    assert "Traceback" not in caplog.text
