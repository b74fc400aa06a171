"""A refund booked against its sale's Fortnox document, once per refund.

The source maps a refund to a credit ``SalesDocument`` (``is_credit``, ``credit_for`` the
sale's id; its key ``<source>:credit:<refund id>``). What happens in Fortnox depends on
the sale's document, found through the link table, never on the source:

* **not made yet**: the run is skipped with a sentence starting ``WAITING``; when the
  sale's own run succeeds, ``credits_resume`` reopens it and it runs. (Skipping rather
  than retrying: a sale may wait days for its trigger, fulfilment say, and retries would
  give up first; a skipped run costs nothing while it waits and shows why.) A sale that
  was never made because its run was skipped (fully refunded before it was synced) leaves
  the refund skipped, with that reason.
* **a booked invoice**: a credit invoice of the refunded rows, negated, with
  ``CreditInvoiceReference`` to the invoice and the invoice's customer. Every refund gets
  its own, so several credits add up to what was refunded.
* **a draft invoice, or an order not yet invoiced**: Fortnox cannot credit a draft, so
  the draft itself is corrected (``fortnox.corrections``): refunded rows removed or
  reduced, or the draft cancelled when nothing is left on it. An order already turned
  into an invoice follows the same rule on that invoice.

Exactly once: the run is unique per refund; the link table records the credit invoice
(kind ``credit``) or the corrected document (kind ``invoice``/``order``) under the
refund's key; a credit invoice carries the key in ``ExternalInvoiceReference1`` and a
corrected draft in its ``Comments``, so an attempt after a crash finds what the last one
did instead of doing it twice.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction

from fortnox.client import FortnoxClient
from fortnox.corrections import correction
from fortnox.documents import document_kind as fortnox_document_kind
from integrations.documents import SalesDocument, money
from syncs.articles import articles_resolve
from syncs.articlevat import vat_from_articles
from syncs.building import document_options, document_payload
from syncs.connectors import SyncSkipped
from syncs.links import link_get, link_save
from syncs.models import ExternalLink, Integration, SyncRun
from syncs.queue import enqueue_run
from syncs.runs import RunLog, run_reopen

Kind = ExternalLink.Kind
WAITING = "Waiting for the Fortnox document of"
OUTCOME_STEP = "outcome"  # the one sentence the write-back reports
UNSET = ("", "0")
COMMENTS_LIMIT = 1024


def credit_sync(*, run: SyncRun, doc: SalesDocument, source_label: str, log_: RunLog):
    """Book the refund ``doc`` against its sale's document; returns the pipeline's result."""
    from syncs.pipeline import fortnox_client_for

    integration = run.integration
    if done := _booked(integration, doc.source_key):
        kind, number = done
        log_.info("credit", f"This refund is already booked: {_name(kind)} {number}")
        return _result(run, kind, number, None, log_)
    kind, number = _original(integration, doc, run)
    client = fortnox_client_for(integration)
    kind, number, current = _current(client, kind, number)
    if current.get("Cancelled"):
        return _cancelled(run, doc, kind, number, current, log_)
    if kind == Kind.INVOICE and current.get("Booked"):
        return _credit_invoice(run, doc, client, number, current, source_label, log_)
    return _correct(run, doc, client, kind, number, current, log_)


def credits_resume(*, run: SyncRun) -> list[int]:
    """Reopen and queue the refunds that were waiting for this sale's document."""
    waiting = SyncRun.objects.filter(
        integration=run.integration,
        status=SyncRun.Status.SKIPPED,
        source_label=run.source_label,
        error_message__startswith=WAITING,
    ).exclude(operation=run.operation)
    reopened = [other.pk for other in waiting if run_reopen(run=other, statuses=[other.status])]
    for run_id in reopened:
        transaction.on_commit(lambda run_id=run_id: enqueue_run(run_id))
    return reopened


def _name(kind: str) -> str:
    return {Kind.CREDIT: "credit invoice", Kind.INVOICE: "invoice"}.get(kind, kind)


def _booked(integration: Integration, key: str) -> tuple[str, str] | None:
    for kind in (Kind.CREDIT, Kind.INVOICE, Kind.ORDER):
        if number := link_get(integration, kind, key):
            return kind, number
    return None


def _original(integration: Integration, doc: SalesDocument, run: SyncRun) -> tuple[str, str]:
    """The sale's document, or SyncSkipped (waiting) when it has none yet."""
    sale_key = f"{doc.source}:sale:{doc.credit_for}"
    for kind in (Kind.INVOICE, Kind.ORDER):
        if number := link_get(integration, kind, sale_key):
            return kind, number
    sale = (
        SyncRun.objects.filter(integration=integration, source_id=doc.credit_for)
        .exclude(operation=run.operation)
        .first()
    )
    if sale is not None and sale.status == SyncRun.Status.SKIPPED:
        raise SyncSkipped(
            f"{WAITING} {doc.number}, which was not made ({sale.error_message}), so this"
            " refund has nothing to correct; it is booked if that document is made later."
        )
    raise SyncSkipped(
        f"{WAITING} {doc.number}: this refund is booked as soon as the sale is synced."
    )


def _current(client: FortnoxClient, kind: str, number: str) -> tuple[str, str, dict]:
    """The document to credit or correct as Fortnox has it now: an order already turned
    into an invoice is represented by that invoice."""
    current = client.get_document(kind=kind, document_number=number)
    if kind == Kind.ORDER:
        invoice = str(current.get("InvoiceReference") or "0")
        if invoice not in UNSET:
            return (
                Kind.INVOICE,
                invoice,
                client.get_document(kind="invoice", document_number=invoice),
            )
    return kind, number, current


def _resolved(run: SyncRun, doc: SalesDocument, client: FortnoxClient, log_: RunLog):
    for warning in doc.warnings:
        log_.warning("map", warning)
    integration = run.integration
    articles = articles_resolve(integration=integration, doc=doc, client=client, log=log_)
    doc = vat_from_articles(doc=doc, article_numbers=articles, client=client, log=log_)
    return doc, articles


def _credit_invoice(run, doc, client, original: str, current: dict, label: str, log_):
    integration, key = run.integration, doc.source_key
    existing = None
    if run.attempts > 1:
        existing = client.find_document_by_reference(kind="invoice", reference=key)
    if existing:
        number = existing["DocumentNumber"]
        log_.info("credit", f"Found credit invoice {number} made by an earlier attempt")
        created = client.get_document(kind="invoice", document_number=number)
    else:
        doc, articles = _resolved(run, doc, client, log_)
        options = document_options(
            integration,
            doc,
            customer_number=current["CustomerNumber"],
            article_numbers=articles,
            credit_invoice_reference=original,
        )
        notes: list[str] = []
        payload = document_payload(integration, doc, options, notes)
        for note in notes:
            log_.warning("document", note)
        created = client.create_document(kind="invoice", document=payload)
        number = created["DocumentNumber"]
        log_.info("credit", f"Fortnox credit invoice {number} created", payload)
    link_save(integration, Kind.CREDIT, key, number)
    for difference in _credit_differences(doc, created, label):
        log_.warning("verify", difference)
    log_.info(
        OUTCOME_STEP,
        f"Fortnox credit invoice {number} created against invoice {original}:"
        f" {doc.totals.total:.2f} {doc.currency} credited.",
    )
    return _result(run, Kind.CREDIT, number, created, log_)


def _credit_differences(doc: SalesDocument, created: dict, label: str) -> list[str]:
    """The credit invoice's total and VAT (negative) against the refund's, to the öre."""
    differences = []
    for name, fortnox, source in (
        ("total", created.get("Total"), doc.totals.total),
        ("VAT", created.get("TotalVAT"), doc.totals.vat),
    ):
        credited = -money(fortnox or 0)
        if credited != source:
            differences.append(
                f"Fortnox's credit invoice {name} is {credited:.2f} {doc.currency};"
                f" {label} refunded {source:.2f} {doc.currency}."
            )
    return differences


def _correct(run, doc, client, kind: str, number: str, current: dict, log_):
    integration, key = run.integration, doc.source_key
    name = "draft invoice" if kind == Kind.INVOICE else "order"
    comments = current.get("Comments") or ""
    if key in comments:  # an earlier attempt corrected it and stopped before recording it
        log_.info("correct", f"Fortnox {name} {number} was already corrected for this refund")
        link_save(integration, kind, key, number)
        return _result(run, kind, number, current, log_)
    doc, articles = _resolved(run, doc, client, log_)
    options = document_options(
        integration, doc, customer_number=current["CustomerNumber"], article_numbers=articles
    )
    options = replace(options, document_type=kind)
    rows_key = fortnox_document_kind(kind).rows_key
    change = correction(doc, options, current.get(rows_key) or [], current)
    before = money(current.get("Total") or 0) - money(current.get("RoundOff") or 0)
    expected = before - doc.totals.total
    marker = {"Comments": _with_marker(comments, key)}
    if not change.remaining or expected <= 0:
        updated = client.cancel_document(kind=kind, document_number=number)
        sentence = (
            f"Fortnox {name} {number} cancelled: everything on it was refunded"
            f" ({doc.totals.total:.2f} {doc.currency}), and a draft cannot be credited."
        )
    else:
        body = {**marker, rows_key: change.rows}
        if change.freight is not None:
            body["Freight"] = float(change.freight)
        updated = client.update_document(kind=kind, document_number=number, document=body)
        log_.info("correct", f"Fortnox {name} {number} updated", body)
        after = money(updated.get("Total") or 0) - money(updated.get("RoundOff") or 0)
        if after != expected:
            log_.warning(
                "verify",
                f"Fortnox's total of {name} {number} is now {after:.2f} {doc.currency},"
                f" not {expected:.2f} ({before:.2f} less the refund's {doc.totals.total:.2f}).",
            )
        sentence = (
            f"Fortnox {name} {number} corrected by {doc.totals.total:.2f} {doc.currency}"
            f" ({change.describe()}), as a draft cannot be credited."
        )
    log_.info(OUTCOME_STEP, sentence)
    link_save(integration, kind, key, number)
    return _result(run, kind, number, updated, log_)


def _cancelled(run, doc, kind: str, number: str, current: dict, log_):
    """The sale's document is cancelled: by this refund's earlier attempt (which stopped
    before recording it), else there is nothing left to correct."""
    if run.attempts <= 1:
        raise SyncSkipped(
            f"Fortnox {_name(kind)} {number} of {doc.number} is cancelled:"
            " this refund has nothing left to correct."
        )
    log_.info(
        OUTCOME_STEP,
        f"Fortnox {_name(kind)} {number} was cancelled: everything on it was refunded.",
    )
    link_save(run.integration, kind, doc.source_key, number)
    return _result(run, kind, number, current, log_)


def _with_marker(comments: str, key: str) -> str:
    line = f"Refund {key} taken off."
    text = f"{comments}\n{line}" if comments else line
    return text[-COMMENTS_LIMIT:]


def _result(run: SyncRun, kind: str, number: str, document: dict | None, log_: RunLog):
    from syncs.pipeline import SyncResult

    run.document_number, run.document_type = number, kind
    fields = ["document_number", "document_type"]
    if document is not None and document.get("Total") is not None:
        run.total, run.currency = money(document["Total"]), document.get("Currency", "")
        fields += ["total", "currency"]
    run.save(update_fields=fields)
    customer = (document or {}).get("CustomerNumber", "")
    return SyncResult(number, list(log_.warnings), customer)


def outcome_sentence(run: SyncRun) -> str:
    """What a refund's run did, in one sentence, for the write-back ("" for other runs)."""
    entry = run.log.filter(step=OUTCOME_STEP).order_by("-pk").first()
    return entry.message if entry else ""
