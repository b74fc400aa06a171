"""The dispatcher and the lease: a run whose worker died is taken up again, and nothing
that was stored stays unprocessed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from syncs.models import InboundEvent, SyncRun
from syncs.outbox import outbox_dispatch
from syncs.pipeline import run_execute
from syncs.runs import run_claim, run_get_or_create
from tests.factories import InboundEventFactory
from tests.syncs.conftest import make_document

pytestmark = pytest.mark.django_db


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def _killed_mid_run(integration, fake_source, *, started: float) -> SyncRun:
    """A run claimed by a worker that was SIGKILLed ``started`` seconds ago."""
    fake_source.documents["1001"] = make_document()
    run = run_get_or_create(integration=integration, operation="document", source_id="1001")
    assert run_claim(run_id=run.pk)
    SyncRun.objects.filter(pk=run.pk).update(started_at=ago(started))
    return run


def test_the_lease_sits_between_the_task_timeout_and_the_brokers_retry():
    cluster = settings.Q_CLUSTER
    assert cluster["timeout"] < settings.SYNC_LEASE_SECONDS <= cluster["retry"]


def test_a_redelivered_task_takes_over_a_run_whose_worker_died(
    integration, fake_source, fortnox_sandbox
):
    run = _killed_mid_run(integration, fake_source, started=settings.SYNC_LEASE_SECONDS + 1)

    with TestCase.captureOnCommitCallbacks(execute=True):
        run_execute(run_id=run.pk)  # the broker hands the unacknowledged task out again

    run.refresh_from_db()
    assert (run.status, run.attempts) == (SyncRun.Status.SUCCEEDED, 2)
    assert len(fortnox_sandbox.tenant("1234567").invoices) == 1


def test_a_run_within_its_lease_is_not_taken_from_its_worker(
    integration, fake_source, fortnox_sandbox
):
    run = _killed_mid_run(integration, fake_source, started=settings.SYNC_LEASE_SECONDS - 5)

    assert run_claim(run_id=run.pk) is False
    assert outbox_dispatch().reclaimed_runs == 0
    assert SyncRun.objects.get(pk=run.pk).status == SyncRun.Status.RUNNING


def test_the_dispatcher_reclaims_a_run_past_its_lease_and_runs_it(
    integration, fake_source, fortnox_sandbox
):
    run = _killed_mid_run(integration, fake_source, started=settings.SYNC_LEASE_SECONDS + 1)

    with TestCase.captureOnCommitCallbacks(execute=True):
        dispatched = outbox_dispatch()

    assert (dispatched.reclaimed_runs, dispatched.runs) == (1, 0)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.log.filter(step="worker", message__contains="stopped").exists()
    assert len(fortnox_sandbox.tenant("1234567").invoices) == 1


def test_a_pending_run_whose_enqueue_failed_is_queued_after_the_grace_period(
    integration, fake_source, fortnox_sandbox
):
    fake_source.documents["1001"] = make_document()
    run = run_get_or_create(integration=integration, operation="document", source_id="1001")
    SyncRun.objects.filter(pk=run.pk).update(queued_at=None)

    assert outbox_dispatch().runs == 0  # within the grace period
    SyncRun.objects.filter(pk=run.pk).update(created_at=ago(60))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert outbox_dispatch().runs == 1

    assert SyncRun.objects.get(pk=run.pk).status == SyncRun.Status.SUCCEEDED


def test_a_pending_run_waiting_for_its_retry_is_left_alone(integration, fake_source):
    run = run_get_or_create(integration=integration, operation="document", source_id="1001")
    later = timezone.now() + timedelta(minutes=10)
    SyncRun.objects.filter(pk=run.pk).update(next_attempt_at=later, queued_at=later)

    assert outbox_dispatch(now=timezone.now() + timedelta(minutes=5)).runs == 0


def test_an_event_whose_worker_died_while_processing_is_received_again():
    event = InboundEventFactory(
        state=InboundEvent.State.PROCESSING,
        claimed_at=ago(settings.SYNC_LEASE_SECONDS + 1),
        received_at=ago(600),
    )

    with TestCase.captureOnCommitCallbacks(execute=True):
        dispatched = outbox_dispatch()

    assert dispatched.reclaimed_events == 1
    event.refresh_from_db()
    # processed again to the end: this shop has no integration, so it is recorded as such
    assert (event.state, event.error) == (
        InboundEvent.State.IGNORED,
        "No integration for this account.",
    )


def _event(*, state, queued: float, claimed: float | None = None) -> InboundEvent:
    event = InboundEventFactory(
        state=state, queued_at=ago(queued), claimed_at=ago(claimed) if claimed else None
    )
    InboundEvent.objects.filter(pk=event.pk).update(received_at=ago(queued + 1))  # auto_now_add
    return event


def test_events_waiting_behind_a_busy_backlog_are_not_queued_again():
    lease_ = settings.SYNC_LEASE_SECONDS
    # The queue is working (a claim 5 s ago) on events queued before this one.
    _event(state=InboundEvent.State.PROCESSED, queued=lease_ * 3, claimed=5)
    _event(state=InboundEvent.State.RECEIVED, queued=lease_ * 2)

    assert outbox_dispatch().events == 0


def test_an_event_the_queue_has_passed_by_is_queued_again():
    lease_ = settings.SYNC_LEASE_SECONDS
    lost = _event(state=InboundEvent.State.RECEIVED, queued=lease_ * 3)
    _event(state=InboundEvent.State.PROCESSED, queued=lease_ * 2, claimed=5)  # queued later

    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        assert outbox_dispatch().events == 1

    assert len(queued) == 1
    lost.refresh_from_db()
    assert lost.queued_at > ago(5)


def test_events_of_an_idle_queue_are_queued_again_after_the_lease():
    lease_ = settings.SYNC_LEASE_SECONDS
    _event(state=InboundEvent.State.PROCESSED, queued=lease_ * 4, claimed=lease_ * 3)
    _event(state=InboundEvent.State.RECEIVED, queued=lease_ * 2)  # the broker dropped it
    _event(state=InboundEvent.State.RECEIVED, queued=lease_ / 2)  # may still be on its way

    assert outbox_dispatch().events == 1
