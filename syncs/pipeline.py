"""The sync of one sale into one Fortnox document, exactly once.

Exactly once rests on three things: one ``SyncRun`` per (integration, operation, object)
by a unique constraint; a conditional update that lets one worker claim it; and the sale's
source key in ``ExternalInvoiceReference1``, looked up before creating on any retry, so a
crash between Fortnox's answer and our commit finds the document instead of making another.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fortnox.client import FortnoxClient
from fortnox.documents import document_kind as fortnox_document_kind
from integrations.documents import SalesDocument, money
from integrations.errors import ConnectorError
from integrations.models import ConnectionStatus
from syncs import usage
from syncs.articles import articles_resolve
from syncs.articlevat import vat_from_articles
from syncs.building import (
    document_kind,
    document_options,
    document_payload,
    document_register,
    totals_differences,
)
from syncs.connectors import SourceUnavailable, SyncSkipped, get_source
from syncs.credits import credit_sync, credits_resume
from syncs.customers import customer_resolve
from syncs.links import link_get, link_save
from syncs.models import Integration, SyncRun
from syncs.queue import enqueue_run
from syncs.reporting import report_execute, report_schedule
from syncs.runs import RunLog, run_claim
from syncs.vat import oss_refusal
from syncs.waiting import run_wait

log = logging.getLogger(__name__)
Status = SyncRun.Status


class SyncFailed(ConnectorError):
    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True, provider="syncs")


@dataclass
class SyncResult:
    document_number: str
    warnings: list[str]
    customer_number: str = ""


def fortnox_client_for(integration: Integration) -> FortnoxClient:
    fortnox = integration.fortnox
    if fortnox is None or fortnox.status != ConnectionStatus.ACTIVE:
        raise SyncFailed(
            "Fortnox is not connected for this shop"
            + (f" ({fortnox.last_error})" if fortnox and fortnox.last_error else "")
            + ". Connect Fortnox, then replay."
        )
    return FortnoxClient(connection=fortnox)


def fortnox_kind(doc: SalesDocument, integration: Integration) -> str:
    """The Fortnox register the document goes to: a credit is an invoice."""
    return document_register(integration, doc)


def document_sync(*, run: SyncRun, log_: RunLog) -> SyncResult:
    """Create the run's Fortnox document, or find the one an earlier attempt created."""
    integration = run.integration
    if not integration.enabled:
        raise SyncSkipped("The integration is switched off.")
    source = get_source(integration.source.provider)
    doc = source.load_document(
        integration=integration, operation=run.operation, source_id=run.source_id
    )
    _label(run, doc)
    if doc.is_credit:  # a refund: credited or corrected by its sale's document
        return credit_sync(run=run, doc=doc, source_label=source.label, log_=log_)
    kind = document_kind(integration, doc)
    if number := link_get(integration, kind, doc.source_key):
        log_.info("document", f"Fortnox {kind} {number} already exists for this sale")
        run.document_type = kind
        return SyncResult(number, [])
    client = fortnox_client_for(integration)
    register = fortnox_kind(doc, integration)
    existing = None
    if run.attempts > 1:
        existing = client.find_document_by_reference(kind=register, reference=doc.source_key)
    customer_number = ""
    if existing:
        number = existing["DocumentNumber"]
        log_.info("document", f"Found {kind} {number} made by an earlier attempt")
        created = client.get_document(kind=register, document_number=number)
    else:
        created, customer_number, doc = _create(integration, doc, client, log_)
        number = created["DocumentNumber"]
    link_save(integration, kind, doc.source_key, number)
    run.document_number, run.document_type = number, kind
    total = created.get("Total")
    run.total, run.currency = (None if total is None else money(total)), created.get("Currency", "")
    run.save(update_fields=["document_number", "document_type", "total", "currency"])
    _after_create(integration, register, number, client, log_)
    for difference in totals_differences(doc, created, source.label):
        log_.warning("verify", difference)
    return SyncResult(
        number, list(log_.warnings), customer_number or created.get("CustomerNumber", "")
    )


def _label(run: SyncRun, doc: SalesDocument) -> None:
    if run.source_label != doc.number:
        run.source_label = doc.number
        SyncRun.objects.filter(pk=run.pk).update(source_label=doc.number)


def _create(
    integration, doc: SalesDocument, client: FortnoxClient, log_: RunLog
) -> tuple[dict, str, SalesDocument]:
    for warning in doc.warnings:
        log_.warning("map", warning)
    customer_number = customer_resolve(integration=integration, doc=doc, client=client, log=log_)
    articles = articles_resolve(integration=integration, doc=doc, client=client, log=log_)
    doc = vat_from_articles(doc=doc, article_numbers=articles, client=client, log=log_)
    options = document_options(
        integration,
        doc,
        customer_number=customer_number,
        article_numbers=articles,
    )
    notes: list[str] = []
    payload = document_payload(integration, doc, options, notes)
    for note in notes:
        log_.warning("document", note)
    try:
        created = client.create_document(kind=options.document_type, document=payload)
    except ConnectorError as error:
        raise oss_refusal(doc, options.vat_type, error) or error from error
    number = created["DocumentNumber"]
    log_.info("document", f"Fortnox {options.document_type} {number} created", payload)
    return created, customer_number, doc


def _after_create(integration, kind: str, number: str, client: FortnoxClient, log_: RunLog):
    action = integration.after_create
    if action == Integration.AfterCreate.NOTHING:
        return
    if not fortnox_document_kind(kind).can_bookkeep:
        log_.warning("after", f"'{action}' applies to invoices only; the {kind} was left as is")
        return
    if action == Integration.AfterCreate.BOOKKEEP:
        client.bookkeep_invoice(document_number=number)
        log_.info("after", f"Invoice {number} bookkept")
    elif action == Integration.AfterCreate.EMAIL:
        client.email_invoice(document_number=number)
        log_.info("after", f"Invoice {number} sent by e-mail")


# --- running ---------------------------------------------------------------------------


def run_execute(*, run_id: int) -> SyncRun:
    """Claim and run one sync run; record the outcome and report it to the source.

    Never raises for a sync failure: the outcome is on the run, where operators look."""
    if not run_claim(run_id=run_id):
        return SyncRun.objects.get(pk=run_id)
    run = SyncRun.objects.select_related("integration__source", "integration__fortnox").get(
        pk=run_id
    )
    run_log = RunLog(run)
    try:
        result = document_sync(run=run, log_=run_log)
    except SyncSkipped as skipped:
        _finish(run, Status.SKIPPED, str(skipped))
        run_log.info("skip", str(skipped))
        credits_resume(run=run)  # its refunds learn why there is nothing to correct
        return run
    except SourceUnavailable as waiting:
        run_wait(run=run, log_=run_log, reason=str(waiting))
        return run
    except ConnectorError as error:
        _failed(run, run_log, error)
    except Exception:
        log.exception("sync run %s crashed", run.pk)
        message = "An unexpected error stopped this sync; it is logged for the operators."
        run_log.error("crash", message)
        _finish(run, Status.FAILED, message)
    else:
        status = Status.SUCCEEDED_WITH_WARNING if result.warnings else Status.SUCCEEDED
        _finish(run, status, " ".join(result.warnings), document_number=result.document_number)
        usage.usage_count(integration=run.integration, run=run)
        run.customer_number = result.customer_number
        run.save(update_fields=["customer_number"])
        credits_resume(run=run)  # refunds that waited for this sale's document
    report_schedule(run=run)
    return run


def _failed(run: SyncRun, run_log: RunLog, error: ConnectorError) -> None:
    run_log.error("error", error.message, error.detail or None)
    delays = settings.SYNC_RETRY_DELAYS  # seconds before attempts 2, 3, ...
    if error.permanent or run.attempts > len(delays):
        suffix = "" if error.permanent else f" (gave up after {run.attempts} attempts)"
        _finish(run, Status.FAILED, error.message + suffix)
        return
    delay = max(delays[run.attempts - 1], error.retry_after or 0)
    run.status = Status.PENDING
    run.error_message = error.message
    run.next_attempt_at = run.queued_at = timezone.now() + timedelta(seconds=delay)
    run.save(update_fields=["status", "error_message", "next_attempt_at", "queued_at"])
    run_log.info("retry", f"Transient failure; attempt {run.attempts + 1} in {delay} s")
    transaction.on_commit(lambda: enqueue_run(run.pk, delay=delay))


def _finish(run: SyncRun, status: str, message: str, *, document_number: str = "") -> None:
    run.status = status
    run.error_message = message
    run.finished_at = timezone.now()
    fields = ["status", "error_message", "finished_at"]
    if document_number:
        run.document_number = document_number
        fields.append("document_number")
    run.save(update_fields=fields)


def document_read(run: SyncRun) -> dict:
    """The run's Fortnox document as Fortnox has it now, for a source that shows it."""
    kind = "invoice" if run.document_type == "credit" else run.document_type
    client = fortnox_client_for(run.integration)
    return client.get_document(kind=kind, document_number=run.document_number)


def document_pdf(run: SyncRun) -> bytes:
    """The PDF of the run's Fortnox document, for a source that attaches it."""
    kind = "invoice" if run.document_type == "credit" else run.document_type
    client = fortnox_client_for(run.integration)
    return client.get_document_pdf(kind=kind, document_number=run.document_number)


def run_and_report(*, run_id: int) -> SyncRun:
    """Run the sync, then write its outcome back at once when it is due now (the queued
    write-back then finds nothing to claim): one queue hop less per order."""
    run = run_execute(run_id=run_id)
    if run.report_status == SyncRun.Report.PENDING:
        report_execute(run_id=run_id)
    return run
