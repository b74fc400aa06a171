"""The app's custom workflow action (hubspot.md §5): record an execution once per callback
id, do its work in a task, and complete it through the callback API.

The work goes through the engine. "Create a draft invoice/order" is the run a stage rule
would make, with the source id ``<deal>:action:<invoice|order>``: one run, so one document,
per deal and action, however often the deal is enrolled. "Update customer in Fortnox" is a
``customer`` run on the contact or company (``hubspot_app.customers``). A run that finishes
later (a transient retry, a run another worker holds) completes its executions when its
outcome is written back (``HubSpotConnector.report``).
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from hubspot_app import services
from hubspot_app.connector import ACTION_PIPELINE, DOCUMENT
from hubspot_app.customers import customer_update, record_type
from hubspot_app.models import WorkflowExecution
from integrations.errors import ConnectorError
from syncs.models import Integration, SyncRun
from syncs.pipeline import run_and_report
from syncs.runs import run_get_or_create, run_reopen

log = logging.getLogger(__name__)
Action = WorkflowExecution.Action
NUMBER_FIELD, ERROR_FIELD, STATE = "fortnox_number", "error_message", "hs_execution_state"
FINAL = (*SyncRun.DONE, SyncRun.Status.FAILED, SyncRun.Status.SKIPPED)
BLOCK = {STATE: "BLOCK"}


def action_source_id(deal_id: str, action: str) -> str:
    return f"{deal_id}:{ACTION_PIPELINE}:{action}"


def execution_record(
    *, integration: Integration, callback_id: str, action: str, object_type: str, object_id: str
) -> tuple[WorkflowExecution, bool]:
    """Store the execution once per callback id and queue its work after the commit;
    returns it and whether this call stored it (a repeated request queues nothing)."""
    try:
        with transaction.atomic():
            execution = WorkflowExecution.objects.create(
                integration=integration,
                callback_id=callback_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
            )
    except IntegrityError:
        return WorkflowExecution.objects.get(callback_id=callback_id), False
    transaction.on_commit(lambda: enqueue_execution(execution.pk))
    return execution, True


def enqueue_execution(execution_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("hubspot_app.tasks.execution_task", execution_id)
    except Exception:
        log.exception("could not queue workflow execution %s", execution_id)


def executions_requeue(*, now, lease) -> int:
    """Queue again executions whose task never started (its hand-off to the queue failed
    or was lost): still pending, no run attached, stored longer ago than the lease."""
    stuck = WorkflowExecution.objects.filter(
        state=WorkflowExecution.State.PENDING, run__isnull=True, created_at__lt=now - lease
    ).values_list("pk", flat=True)[:500]
    ids = list(stuck)
    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue_execution(pk))
    return len(ids)


def execution_answer(execution: WorkflowExecution) -> dict:
    """The output fields to answer an execution request with: BLOCK until completed."""
    if execution.state == WorkflowExecution.State.COMPLETED and execution.output:
        return execution.output
    return BLOCK


def execution_run(*, execution_id: int) -> None:
    """Do the execution's work through the engine and complete it (the task)."""
    execution = WorkflowExecution.objects.select_related("integration__source").get(pk=execution_id)
    if execution.state != WorkflowExecution.State.PENDING:
        return
    if execution.action == Action.CUSTOMER:
        run = customer_update(
            integration=execution.integration,
            object_type=record_type(execution.object_type) or "",
            object_id=execution.object_id,
        )
        WorkflowExecution.objects.filter(pk=execution.pk).update(run=run)
        executions_complete(run=run)
        return
    run = run_get_or_create(
        integration=execution.integration,
        operation=DOCUMENT,
        source_id=action_source_id(execution.object_id, execution.action),
        label=f"Deal {execution.object_id}",
    )
    WorkflowExecution.objects.filter(pk=execution.pk).update(run=run)
    # A new enrollment asks again: a failed or skipped run is tried once more; a done
    # one is answered with its document, never a second one.
    run_reopen(run=run, statuses=[SyncRun.Status.FAILED, SyncRun.Status.SKIPPED])
    run_and_report(run_id=run.pk)  # claims the run (or finds it held); its report completes us
    executions_complete(run=SyncRun.objects.get(pk=run.pk))


def execution_outputs(run: SyncRun) -> dict[str, str]:
    """SUCCESS with the Fortnox number, or FAIL_CONTINUE with the sentence."""
    if run.status in SyncRun.DONE:
        number = run.customer_number if run.operation == "customer" else run.document_number
        return {NUMBER_FIELD: number, ERROR_FIELD: "", STATE: "SUCCESS"}
    message = run.error_message or "The Fortnox sync did not finish."
    return {NUMBER_FIELD: "", ERROR_FIELD: message[:1000], STATE: "FAIL_CONTINUE"}


def executions_complete(*, run: SyncRun) -> int:
    """Complete every pending execution of a finished run; how many were completed. A
    transient failure leaves the execution pending and is raised, to be tried again."""
    if run.status not in FINAL:
        return 0
    done = 0
    for execution in WorkflowExecution.objects.filter(run=run, state="pending"):
        done += _complete(execution, run)
    return done


def _complete(execution: WorkflowExecution, run: SyncRun) -> int:
    outputs = execution_outputs(run)
    claimed = WorkflowExecution.objects.filter(
        pk=execution.pk, state=WorkflowExecution.State.PENDING
    ).update(state=WorkflowExecution.State.COMPLETED, output=outputs, completed_at=timezone.now())
    if not claimed:
        return 0
    client = services.hubspot_client_for(run.integration.source)
    try:
        client.complete_callback(callback_id=execution.callback_id, output_fields=outputs)
    except ConnectorError as error:
        if error.permanent:  # expired or already completed: nothing left to tell HubSpot
            log.warning("execution %s: completion refused: %s", execution.pk, error)
            return 1
        WorkflowExecution.objects.filter(pk=execution.pk).update(
            state=WorkflowExecution.State.PENDING, completed_at=None
        )
        raise
    return 1
