"""Runs that wait for their source account to be connected again.

A source connector raises ``syncs.connectors.SourceUnavailable`` when the merchant's
account cannot be read (access revoked, app uninstalled). Failing the run would need a
replay by hand, skipping it would lose the sale; instead the run stays pending, its attempt
not counted, looks again every ``WAIT_SECONDS``, and is taken up at once when the account
is connected again (``syncs.accounts.integration_install`` calls ``runs_resume``).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from syncs.models import Integration, SyncRun
from syncs.queue import enqueue_run
from syncs.runs import RunLog

WAIT_SECONDS = 3600


def run_wait(*, run: SyncRun, log_: RunLog, reason: str) -> None:
    """Put a claimed run back to pending until its source is connected again."""
    later = timezone.now() + timedelta(seconds=WAIT_SECONDS)
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncRun.Status.PENDING,
        attempts=F("attempts") - 1,  # waiting is not a try
        error_message=reason,
        next_attempt_at=later,
        queued_at=later,
    )
    run.refresh_from_db()
    log_.info("wait", f"{reason} The sync waits and runs once the account is connected again.")
    transaction.on_commit(lambda: enqueue_run(run.pk, delay=WAIT_SECONDS))


def runs_resume(*, integration: Integration) -> list[int]:
    """Queue now the integration's runs that were waiting (the account is back)."""
    waiting = SyncRun.objects.filter(integration=integration, status=SyncRun.Status.PENDING)
    run_ids = list(waiting.values_list("pk", flat=True))
    waiting.update(next_attempt_at=None, queued_at=timezone.now())
    for run_id in run_ids:
        transaction.on_commit(lambda run_id=run_id: enqueue_run(run_id))
    return run_ids
