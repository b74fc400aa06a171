"""The relay and the dispatcher: they hand stored work to the queue.

A webhook is acknowledged once its ``InboundEvent`` row is committed; the row, not the
queue, is the record of work to do, and storing it is the receiver's only write.

The relay (``manage.py outbox_relay``, a process beside ``qcluster``) hands each stored
event to the queue as it arrives, asking every ``OUTBOX_RELAY_POLL`` seconds (one query on
a small partial index). A NOTIFY trigger was tried on PostgreSQL: it cost 9-21 % of the
database's work per webhook, where polling costs a constant 50 index probes a second.

The dispatcher runs every minute (a django-q2 schedule) and queues again, after a grace
period, so nothing waits forever when the relay is down or a hand-off was lost:

- events still ``received`` whose enqueue failed (``queued_at`` cleared) or was lost;
- events and runs whose worker died (claimed longer ago than the lease);
- pending runs whose task never arrived; write-backs still pending past their time.

On PostgreSQL the rows are taken with ``FOR UPDATE SKIP LOCKED``, so several dispatchers
never take the same one; queueing one twice is harmless anyway, since the tasks claim
their row with a conditional update before working.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from syncs.connectors import sources
from syncs.models import InboundEvent, SyncRun
from syncs.queue import enqueue_event, enqueue_report, enqueue_run
from syncs.runs import RunLog, lease

log = logging.getLogger(__name__)
BATCH = 500
RELAY_MAX_BACKOFF = 30.0  # between passes while the broker refuses tasks


@dataclass
class Dispatched:
    events: int = 0
    runs: int = 0
    reports: int = 0
    source_work: int = 0  # a connector's own pending work (HubSpot's workflow executions)
    reclaimed_events: int = 0
    reclaimed_runs: int = 0

    def __str__(self) -> str:
        return (
            f"queued {self.events} event(s), {self.runs} run(s), {self.reports} write-back(s),"
            f" {self.source_work} connector task(s);"
            f" reclaimed {self.reclaimed_events} event(s) and {self.reclaimed_runs} run(s)"
            " from stopped workers"
        )


def outbox_dispatch(*, now: datetime | None = None) -> Dispatched:
    """Queue again what was stored but is not on its way; see the module docstring."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    result = Dispatched(
        reclaimed_events=_reclaim_events(now, enqueue_event),
        reclaimed_runs=_reclaim_runs(now, enqueue_run),
    )
    result.events = _take(_lost_events(now, grace), "queued_at", now, enqueue_event)
    result.runs = _take(_lost_runs(now, grace), "queued_at", now, enqueue_run)
    result.reports = _take(_lost_reports(now, grace), "", now, enqueue_report)
    result.source_work = sum(
        connector.requeue_lost(now=now, lease=lease())
        for connector in sources().values()
        if hasattr(connector, "requeue_lost")
    )
    if any(vars(result).values()):
        log.info("outbox: %s", result)
    return result


def _reclaim_events(now: datetime, enqueue) -> int:
    """An event still PROCESSING past its lease belongs to a worker that died."""
    reclaimed = 0
    stale = InboundEvent.objects.filter(
        state=InboundEvent.State.PROCESSING, claimed_at__lt=now - lease()
    )
    for pk in stale.values_list("pk", flat=True)[:BATCH]:
        if InboundEvent.objects.filter(pk=pk, state=InboundEvent.State.PROCESSING).update(
            state=InboundEvent.State.RECEIVED, queued_at=now
        ):
            transaction.on_commit(lambda pk=pk: enqueue(pk))
            reclaimed += 1
    return reclaimed


def _reclaim_runs(now: datetime, enqueue) -> int:
    """A run still RUNNING past its lease belongs to a worker that died: make it pending
    (its attempt counted), say so in its log, and queue it."""
    reclaimed = 0
    stale = SyncRun.objects.filter(status=SyncRun.Status.RUNNING, started_at__lt=now - lease())
    for run in stale[:BATCH]:
        if SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RUNNING).update(
            status=SyncRun.Status.PENDING, queued_at=now
        ):
            RunLog(run).warning("worker", "The worker running this sync stopped; queued again.")
            transaction.on_commit(lambda pk=run.pk: enqueue(pk))
            reclaimed += 1
    return reclaimed


def _passed_by(rows: QuerySet, claimed: str, now: datetime, grace: timedelta) -> Q:
    """Rows handed to the queue that the queue has evidently passed by.

    Waiting longer than the lease alone is no evidence: under a backlog every row waits,
    and queueing them all again would only flood the queue. A row is lost when a row
    queued after it has since been claimed (the queue hands rows out in order), or when
    the queue has claimed nothing for a whole lease while the row waited (the broker
    dropped it: a Redis restart, say)."""
    old = Q(queued_at__lt=now - lease())
    latest = (
        rows.filter(**{f"{claimed}__isnull": False})
        .order_by(f"-{claimed}")
        .values_list("queued_at", claimed)
        .first()
    )
    if latest is None or latest[1] < now - lease():
        return old  # the queue is idle: nothing claimed for a lease
    if latest[0] is None:
        return Q(pk__in=[])
    return old & Q(queued_at__lt=latest[0] - grace)


def _lost_events(now: datetime, grace: timedelta) -> QuerySet:
    events = InboundEvent.objects
    never_queued = Q(queued_at__isnull=True)
    lost = never_queued | _passed_by(events, "claimed_at", now, grace)
    return events.filter(lost, state=InboundEvent.State.RECEIVED, received_at__lt=now - grace)


def _lost_runs(now: datetime, grace: timedelta) -> QuerySet:
    never_queued = Q(queued_at__isnull=True, created_at__lt=now - grace)
    not_due = Q(next_attempt_at__isnull=False, next_attempt_at__gte=now - lease())
    lost = _passed_by(SyncRun.objects, "started_at", now, grace) & ~not_due
    return SyncRun.objects.filter(never_queued | lost, status=SyncRun.Status.PENDING)


def _lost_reports(now: datetime, grace: timedelta) -> QuerySet:
    overdue = Q(report_next_at__lt=now - grace) | Q(
        report_next_at__isnull=True, finished_at__lt=now - lease()
    )
    return SyncRun.objects.filter(overdue, report_status=SyncRun.Report.PENDING)


def _take(rows: QuerySet, stamp: str, now: datetime, enqueue) -> int:
    """Claim a batch (see ``_claim``) and queue it after the commit."""
    ids = _claim(rows, stamp, now)
    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue(pk))
    return len(ids)


def _claim(rows: QuerySet, stamp: str, now: datetime) -> list[int]:
    """Lock a batch, oldest first (skipping rows another dispatcher holds), and stamp it."""
    with transaction.atomic():
        ids = list(
            rows.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if ids and stamp:
            rows.model.objects.filter(pk__in=ids).update(**{stamp: now})
    return ids


@dataclass
class Relayed:
    handed: int = 0
    failed: int = 0  # the broker refused them; they wait for the next pass


def outbox_relay(*, now: datetime | None = None) -> Relayed:
    """Hand stored events not yet handed over (``queued_at`` empty) to the queue, up to a
    batch, oldest first."""
    waiting = InboundEvent.objects.filter(state=InboundEvent.State.RECEIVED, queued_at=None)
    result = Relayed()
    if not waiting.exists():  # an idle pass: one read, no transaction and no write lock
        return result
    with _one_commit():
        for pk in _claim(waiting, "queued_at", now or timezone.now()):
            if enqueue_event(pk):  # a refused one has its queued_at cleared again
                result.handed += 1
            else:
                result.failed += 1
    return result


def _one_commit():
    """The batch's stamps and its queue rows (ORM broker) in one transaction: a commit per
    queue row set the relay's pace. A worker that gets a task before the commit (Redis)
    waits for the event's row lock. When the queue runs tasks inside ``async_task`` (sync
    mode, in tests) they must not run inside the relay's transaction."""
    if settings.Q_CLUSTER.get("sync"):
        return contextlib.nullcontext()
    return transaction.atomic()


def relay_forever(*, stop: threading.Event, poll: float) -> None:
    """The relay's loop, until ``stop`` is set: a pass, then a pause of ``poll`` seconds
    (none while a full batch was handed over; growing while the broker or the database
    refuses)."""
    backoff = 0.0
    while not stop.is_set():
        try:
            result = outbox_relay()
        except DatabaseError as exc:  # down, restarting, or not migrated yet: one line each
            backoff = min(max(1.0, backoff * 2), RELAY_MAX_BACKOFF)
            log.error("relay: database unavailable (%s); next try in %.0f s", exc, backoff)
            connection.close()
            stop.wait(backoff)
            continue
        if result.failed:
            backoff = min(max(1.0, backoff * 2), RELAY_MAX_BACKOFF)
            log.warning("relay: the queue refused %s event(s); next try in %.0f s",
                        result.failed, backoff)  # fmt: skip
            stop.wait(backoff)
            continue
        backoff = 0.0
        if result.handed < BATCH:
            stop.wait(poll)
