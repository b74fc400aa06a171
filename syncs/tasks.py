"""django-q2 tasks. Thin: they take ids and call services. Handing work to the queue is
``syncs.queue``."""

from __future__ import annotations

from syncs.events import event_process
from syncs.outbox import outbox_dispatch
from syncs.pipeline import run_and_report
from syncs.reporting import report_execute


def run_task(run_id: int) -> None:
    run_and_report(run_id=run_id)


def event_task(event_id: int) -> None:
    event_process(event_id=event_id, run_inline=True)


def report_task(run_id: int) -> None:
    report_execute(run_id=run_id)


def dispatch_task() -> None:
    outbox_dispatch()
