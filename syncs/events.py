"""Recording a webhook delivery, and processing it: ask its source what it means, claim
the runs.

The stored ``InboundEvent`` is the outbox: a receiver answers 200 once the row is
committed, the relay hands it to the queue, and an event whose queued task was lost is
picked up again by the dispatcher (``syncs.outbox``).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from syncs.connectors import get_source
from syncs.models import InboundEvent, Integration, SyncRun
from syncs.pipeline import run_and_report
from syncs.queue import enqueue_run
from syncs.runs import run_get_or_create, run_reopen

log = logging.getLogger(__name__)
State = InboundEvent.State


def event_record(
    *,
    provider: str,
    delivery_id: str,
    topic: str,
    account_id: str,
    body: bytes,
    headers: dict[str, str],
    subjects: dict[str, str] | None = None,
) -> tuple[int, bool]:
    """Store a verified delivery once per (provider, delivery id). Returns the event's id
    and whether this call stored it.

    One INSERT: the relay (``syncs.outbox.outbox_relay``) hands the stored event to the
    queue. A repeated delivery of an event not yet processed is handed over again (the
    first hand-off may have been lost); processing claims the event, so twice does no harm.
    ``subjects`` (``order_ref``, ``customer_ref``, ``email``) say whom the body is about.
    """
    values = {
        "provider": provider,
        "delivery_id": delivery_id,
        "topic": topic,
        "account_id": account_id,
        "body": body.decode("utf-8", "replace"),
        "headers": headers,
        **{key: str(value)[:254] for key, value in (subjects or {}).items() if value},
    }
    event_id = _insert(values)
    if event_id is not None:
        return event_id, True
    log.info("duplicate %s delivery %s", provider, delivery_id)
    event_id = InboundEvent.objects.get(provider=provider, delivery_id=delivery_id).pk
    InboundEvent.objects.filter(pk=event_id, state=State.RECEIVED).update(queued_at=None)
    return event_id, False


def _insert(values: dict) -> int | None:
    """The event's one INSERT, without Django's per-request health check of a persistent
    connection (a ``SELECT 1`` round trip before the first query, 23 % of a webhook's time).
    Instead a connection found dead by the INSERT itself is replaced and the INSERT tried
    once more: safe, since a delivery is stored once per id whatever reached the database."""
    if connection.in_atomic_block:  # a transaction's connection is in use; nothing to skip
        return InboundEvent.objects.insert_new(**values)
    connection.health_check_done = True
    try:
        return InboundEvent.objects.insert_new(**dict(values))
    except (InterfaceError, OperationalError):
        log.warning("database connection lost before storing a delivery; reconnecting")
        connection.close()
        return InboundEvent.objects.insert_new(**values)


def event_process(*, event_id: int, run_inline: bool = False) -> list[int]:
    """Turn one inbound event into claimed runs, run them, and mark the event. Returns the
    ids of the runs it started.

    ``run_inline`` (the event's task): run them here, after the event's commit, instead of
    queueing each; a queue hop cost a broker poll of latency per webhook."""
    claimed = InboundEvent.objects.filter(
        pk=event_id, state__in=[State.RECEIVED, State.FAILED]
    ).update(state=State.PROCESSING, claimed_at=timezone.now())
    if not claimed:
        return []
    event = InboundEvent.objects.get(pk=event_id)
    try:
        run_ids = _process(event, queue=not run_inline)
    except Exception as exc:
        # Never leave an event "processing": mark it failed, with the reason, so an
        # operator can process it again from the admin.
        log.exception("event %s could not be processed", event.pk)
        _mark(event, State.FAILED, f"{type(exc).__name__}: {exc}")
        return []
    if run_inline:
        for run_id in run_ids:
            run_and_report(run_id=run_id)
    return run_ids


def _process(event: InboundEvent, *, queue: bool) -> list[int]:
    integration = (
        Integration.objects.filter(
            source__provider=event.provider, source__account_id=event.account_id
        )
        .select_related("source")
        .first()
    )
    work = get_source(event.provider).interpret_event(event=event, integration=integration)
    if not work:
        _mark(event, State.IGNORED, "" if integration else "No integration for this account.")
        return []
    run_ids = []
    for item in work:
        run = run_get_or_create(
            integration=integration,
            operation=item.operation,
            source_id=item.source_id,
            label=item.label,
        )
        # An object skipped earlier (not paid then, say) is looked at again on a new
        # event; a failed one waits for a replay.
        run_reopen(run=run, statuses=[SyncRun.Status.SKIPPED])
        run_ids.append(run.pk)
    _mark(event, State.PROCESSED, "")
    if not queue:
        return run_ids
    for run_id in run_ids:
        transaction.on_commit(lambda run_id=run_id: enqueue_run(run_id))
    return run_ids


def _mark(event: InboundEvent, state: str, error: str) -> None:
    event.state = state
    event.error = error
    event.processed_at = timezone.now()
    event.save(update_fields=["state", "error", "processed_at"])
