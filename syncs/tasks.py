"""django-q2 tasks. Thin: they take ids and call services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task, schedule


def run_task(run_id: int) -> None:
    from syncs.pipeline import run_execute

    run_execute(run_id=run_id)


def event_task(event_id: int) -> None:
    from syncs.events import event_process

    event_process(event_id=event_id)


def enqueue_run(run_id: int, *, delay: float | None = None) -> None:
    if delay:
        schedule(
            "syncs.tasks.run_task",
            run_id,
            name=f"retry run {run_id} at {timezone.now():%H%M%S%f}",
            schedule_type=Schedule.ONCE,
            next_run=timezone.now() + timedelta(seconds=delay),
        )
    else:
        async_task("syncs.tasks.run_task", run_id, task_name=f"run {run_id}")


def enqueue_event(event_id: int) -> None:
    async_task("syncs.tasks.event_task", event_id, task_name=f"event {event_id}")
