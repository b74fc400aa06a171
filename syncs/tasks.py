"""django-q2 tasks. Thin: they take ids and call services.

Enqueueing may fail (the broker is down): the stored event or run is the outbox, and the
dispatcher (``syncs.outbox``) hands it to the queue again, so a failure to enqueue is
logged and never loses work.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task, schedule

log = logging.getLogger(__name__)


def run_task(run_id: int) -> None:
    """Run the sync, then write its outcome back in the same task when it is due now (its
    queued write-back task then finds nothing to claim): one hop less per order."""
    from syncs.models import SyncRun
    from syncs.pipeline import run_execute
    from syncs.reporting import report_execute

    run = run_execute(run_id=run_id)
    if run.report_status == SyncRun.Report.PENDING:
        report_execute(run_id=run_id)


def event_task(event_id: int) -> None:
    from syncs.events import event_process

    event_process(event_id=event_id, run_inline=True)


def report_task(run_id: int) -> None:
    from syncs.reporting import report_execute

    report_execute(run_id=run_id)


def dispatch_task() -> None:
    from syncs.outbox import outbox_dispatch

    outbox_dispatch()


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
    from syncs.models import SyncRun

    queued = _enqueue("syncs.tasks.run_task", run_id, delay=delay)
    if not queued:
        SyncRun.objects.filter(pk=run_id).update(queued_at=None)
    return queued


def enqueue_event(event_id: int) -> bool:
    """The event row was stored with ``queued_at`` set; a failed enqueue clears it so the
    dispatcher picks the event up after its grace period."""
    from syncs.models import InboundEvent

    queued = _enqueue("syncs.tasks.event_task", event_id)
    if not queued:
        InboundEvent.objects.filter(pk=event_id).update(queued_at=None)
    return queued


def enqueue_report(run_id: int, *, delay: float | None = None) -> bool:
    return _enqueue("syncs.tasks.report_task", run_id, delay=delay)
