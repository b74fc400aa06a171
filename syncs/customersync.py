"""One source record kept as its Fortnox customer, on request, as a run.

A source asks for it ("Update customer in Fortnox" on a HubSpot card or workflow action):
the run is operation ``customer`` on the record (one row per record, taken again on each
request, so the admin shows its latest outcome and log), and ``syncs.catalog`` does the
Fortnox side through the link table: created once, updated on later calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db.models import F, Q
from django.utils import timezone

from integrations.documents import SalesDocument
from integrations.errors import ConnectorError
from syncs import catalog
from syncs.models import Integration, SyncRun
from syncs.pipeline import fortnox_client_for
from syncs.runs import RunLog, run_get_or_create, stuck_runs

log = logging.getLogger(__name__)
OPERATION = "customer"
Status = SyncRun.Status
CRASHED = "An unexpected error stopped this customer update; it is logged for the operators."


def customer_sync(
    *, integration: Integration, source_id: str, label: str, load: Callable[[], SalesDocument]
) -> SyncRun:
    """Create or update the Fortnox customer of ``load()``'s document; the finished run
    (its ``customer_number``, or ``error_message`` on failure). A concurrent request for
    the same record finds the run taken and returns it as it is (``RUNNING``)."""
    run = run_get_or_create(
        integration=integration, operation=OPERATION, source_id=source_id, label=label
    )
    if not _claim(run):
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    run_log = RunLog(run)
    try:
        doc = load()
        result = catalog.customer_upsert(
            integration=integration, doc=doc, client=fortnox_client_for(integration)
        )
    except ConnectorError as error:
        run_log.error("customer", error.message, error.detail or None)
        return _finish(run, Status.FAILED, error.message)
    except Exception:
        log.exception("customer run %s crashed", run.pk)
        run_log.error("crash", CRASHED)
        return _finish(run, Status.FAILED, CRASHED)
    for warning in result.warnings:
        run_log.warning("customer", warning)
    changed = f" ({', '.join(result.changed)})" if result.changed else ""
    run_log.info("customer", f"Fortnox customer {result.number} {result.outcome}{changed}")
    status = Status.SUCCEEDED_WITH_WARNING if result.warnings else Status.SUCCEEDED
    return _finish(run, status, " ".join(result.warnings), customer_number=result.number)


def _claim(run: SyncRun) -> bool:
    """Any state but a live RUNNING may be taken: each request is a new attempt."""
    takeable = ~Q(status=Status.RUNNING) | stuck_runs()
    return (
        SyncRun.objects.filter(takeable, pk=run.pk).update(
            status=Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
            finished_at=None,
            error_message="",
        )
        == 1
    )


def _finish(run: SyncRun, status: str, message: str, *, customer_number: str = "") -> SyncRun:
    run.status, run.error_message, run.finished_at = status, message, timezone.now()
    fields = ["status", "error_message", "finished_at"]
    if customer_number:
        run.customer_number = customer_number
        fields.append("customer_number")
    run.save(update_fields=fields)
    return run
