"""Handing work to the task queue (django-q2).

Enqueueing may fail (the broker is down): the stored event or run is the outbox, and the
dispatcher (``syncs.outbox``) hands it to the queue again, so a failure to enqueue is
logged and never loses work. The tasks themselves are in ``syncs.tasks``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task, schedule

from syncs.models import InboundEvent, SyncRun

log = logging.getLogger(__name__)


def _enqueue(func: str, object_id: int, *, delay: float | None = None) -> bool:
    try:
        if delay:
            schedule(
                func,
                object_id,
                name=f"{func} {object_id} at {timezone.now():%H%M%S%f}",
                schedule_type=Schedule.ONCE,
                next_run=timezone.now() + timedelta(seconds=delay),
            )
        else:
            async_task(func, object_id, task_name=f"{func.rsplit('.', 1)[-1]} {object_id}")
    except Exception:
        log.exception("could not queue %s %s; the dispatcher will pick it up", func, object_id)
        return False
    return True


def enqueue_run(run_id: int, *, delay: float | None = None) -> bool:
    """Runs are stamped ``queued_at`` when created, reopened or rescheduled; a failed
    enqueue clears it so the dispatcher picks the run up."""
    queued = _enqueue("syncs.tasks.run_task", run_id, delay=delay)
    if not queued:
        SyncRun.objects.filter(pk=run_id).update(queued_at=None)
    return queued


def enqueue_event(event_id: int) -> bool:
    """The event row was stored with ``queued_at`` set; a failed enqueue clears it so the
    dispatcher picks the event up after its grace period."""
    queued = _enqueue("syncs.tasks.event_task", event_id)
    if not queued:
        InboundEvent.objects.filter(pk=event_id).update(queued_at=None)
    return queued


def enqueue_report(run_id: int, *, delay: float | None = None) -> bool:
    return _enqueue("syncs.tasks.report_task", run_id, delay=delay)
