"""Writing a run's outcome back where the merchant works: its own step, with its own
retries, recorded on the run.

The write-back never touches Fortnox's document: retrying it (automatically, or from the
admin) only calls the source connector's ``report`` again, which must be safe to repeat.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from integrations.errors import ConnectorError
from syncs.connectors import Outcome, get_source
from syncs.models import SyncRun
from syncs.queue import enqueue_report
from syncs.runs import RunLog

log = logging.getLogger(__name__)
Report = SyncRun.Report
REPORTED = (*SyncRun.DONE, SyncRun.Status.FAILED)
BACKOFF = (10, 30, 120, 600, 1800)  # seconds before write-back attempts 2..


def report_schedule(*, run: SyncRun) -> None:
    """Mark a finished run's outcome as to be written back and queue the write-back."""
    if run.status not in REPORTED:
        return
    SyncRun.objects.filter(pk=run.pk).update(
        report_status=Report.PENDING, report_next_at=None, report_error=""
    )
    run.report_status = Report.PENDING
    transaction.on_commit(lambda: enqueue_report(run.pk))


def report_claim(*, run_id: int) -> bool:
    """Take the write-back for this worker, for a lease; exactly one caller gets True."""
    now = timezone.now()
    due = Q(report_next_at__isnull=True) | Q(report_next_at__lte=now)
    return (
        SyncRun.objects.filter(due, pk=run_id, report_status=Report.PENDING).update(
            report_attempts=F("report_attempts") + 1,
            report_next_at=now + timedelta(seconds=settings.SYNC_LEASE_SECONDS),
        )
        == 1
    )


def report_execute(*, run_id: int) -> SyncRun | None:
    """Write one run's outcome back, or schedule another try. Never raises."""
    if not report_claim(run_id=run_id):
        return None
    run = SyncRun.objects.select_related("integration__source", "integration__fortnox").get(
        pk=run_id
    )
    try:
        get_source(run.integration.source.provider).report(
            integration=run.integration, outcome=outcome_for(run)
        )
    except ConnectorError as error:
        _failed(run, error.message, permanent=error.permanent)
    except Exception:
        log.exception("write-back of run %s crashed", run.pk)
        _failed(run, "An unexpected error stopped the write-back.", permanent=True)
    else:
        _done(run)
    return run


def outcome_for(run: SyncRun) -> Outcome:
    from syncs.credits import outcome_sentence
    from syncs.pipeline import document_pdf, document_read
    from syncs.replay import replay_url

    return Outcome(
        run=run,
        replay_url=replay_url(run),
        customer_number=run.customer_number,
        document_pdf=lambda: document_pdf(run),
        document=lambda: document_read(run),
        summary=outcome_sentence(run),
    )


def report_replay(*, run: SyncRun, inline: bool = False) -> bool:
    """Write the outcome back once more (after a 'gave up', or to redo it): now when
    ``inline``, else by the queue. False when the run has no outcome to write back."""
    if run.status not in REPORTED:
        return False
    SyncRun.objects.filter(pk=run.pk).update(
        report_status=Report.PENDING, report_attempts=0, report_next_at=None, report_error=""
    )
    if inline:
        report_execute(run_id=run.pk)
    else:
        transaction.on_commit(lambda: enqueue_report(run.pk))
    return True


def _done(run: SyncRun) -> None:
    run.report_status, run.report_error = Report.DONE, ""
    run.reported_at, run.report_next_at = timezone.now(), None
    run.save(update_fields=["report_status", "report_error", "reported_at", "report_next_at"])


def _failed(run: SyncRun, message: str, *, permanent: bool) -> None:
    if permanent or run.report_attempts >= settings.REPORT_MAX_ATTEMPTS:
        run.report_status, run.report_next_at = Report.GAVE_UP, None
        reason = message if permanent else f"{message} (gave up after {run.report_attempts})"
        run.report_error = reason
        RunLog(run).warning("report", f"Could not write the outcome back: {reason}")
    else:
        delay = BACKOFF[min(run.report_attempts, len(BACKOFF)) - 1]
        run.report_next_at = timezone.now() + timedelta(seconds=delay)
        run.report_error = message
        RunLog(run).info("report", f"Write-back failed ({message}); retrying in {delay} s")
        transaction.on_commit(lambda: enqueue_report(run.pk, delay=delay))
    run.save(update_fields=["report_status", "report_error", "report_next_at"])
