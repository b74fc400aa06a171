"""Backfill: historical orders through the same engine runs as webhooks, idempotently.

Each order that meets the integration's trigger claims the one ``SyncRun`` for (integration,
document, order), exactly as a webhook would, and runs it inline. A second backfill over
the same range finds the runs (and the link table) and creates nothing. Orders are read a
page at a time and nothing is kept per order but the counts, so memory stays flat however
many orders the range holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice

from shopify_app import services
from shopify_app.connector import DOCUMENT, settings_for, trigger_met
from shopify_app.mappers import SOURCE
from syncs.models import ExternalLink, Integration, SyncRun
from syncs.pipeline import run_execute
from syncs.runs import run_get_or_create, run_reopen

Progress = Callable[[int, int], None]
PAGE = 100  # orders looked up in the link table at once


@dataclass
class BackfillSummary:
    created: int = 0
    already: int = 0
    failed: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> orders
    dry_run: bool = False

    def line(self) -> str:
        verb = "would create" if self.dry_run else "created"
        skipped = sum(self.skipped.values())
        reasons = "; ".join(f"{count} {why}" for why, count in self.skipped.most_common())
        tail = f" ({reasons})" if reasons else ""
        return (
            f"{verb} {self.created}, already synced {self.already}, skipped {skipped}{tail},"
            f" failed {self.failed}"
        )


def backfill_query(since: date, until: date | None) -> str:
    """Shopify's search syntax for orders created on ``since`` .. ``until`` (inclusive)."""
    query = f"created_at:>='{since.isoformat()}'"
    if until is not None:
        query += f" created_at:<'{(until + timedelta(days=1)).isoformat()}'"
    return query


def skip_reason(order: dict, trigger: str) -> str:
    """Why the listed order is not synced now, or "" when it meets the trigger."""
    if order.get("cancelled_at"):
        return "cancelled"
    if not trigger_met(order, trigger):
        return f"not {trigger} yet"
    return ""


def shopify_backfill(
    *,
    integration: Integration,
    since: date,
    until: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> BackfillSummary:
    """Sync the shop's orders created in the range by the integration's trigger."""
    client = services.shopify_client_for(integration.source)
    query = backfill_query(since, until)
    total = client.count_orders(query=query)
    trigger = settings_for(integration).trigger
    summary = BackfillSummary(dry_run=dry_run)
    index = 0
    for page in batched(client.iter_orders(query=query), PAGE):
        synced = _already_synced(integration, [str(order["id"]) for order in page])
        for order in page:
            index += 1
            _one(integration, order, trigger, summary, dry_run, synced)
            if progress:
                progress(index, max(total, index))
    return summary


def batched(items: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """``itertools.batched`` (Python 3.12) for 3.11."""
    iterator = iter(items)
    while page := list(islice(iterator, size)):
        yield page


def _already_synced(integration: Integration, order_ids: list[str]) -> set[str]:
    """Which of the orders have their document: in the link table, or a finished run."""
    keys = {f"{SOURCE}:sale:{order_id}": order_id for order_id in order_ids}
    linked = ExternalLink.objects.filter(
        integration=integration, kind=integration.document_type, source_id__in=keys
    ).values_list("source_id", flat=True)
    done = SyncRun.objects.filter(
        integration=integration,
        operation=DOCUMENT,
        source_id__in=order_ids,
        status__in=SyncRun.DONE,
    ).values_list("source_id", flat=True)
    return {keys[key] for key in linked} | set(done)


def _one(integration, order: dict, trigger: str, summary, dry_run: bool, synced: set[str]):
    order_id = str(order["id"])
    if order_id in synced:
        summary.already += 1
        return
    if why := skip_reason(order, trigger):
        summary.skipped[why] += 1
        return
    if dry_run:
        summary.created += 1
        return
    run = run_get_or_create(
        integration=integration,
        operation=DOCUMENT,
        source_id=order_id,
        label=order.get("name") or "",
    )
    _execute(run, summary)


def _execute(run: SyncRun, summary: BackfillSummary) -> None:
    run_reopen(run=run, statuses=[SyncRun.Status.FAILED, SyncRun.Status.SKIPPED])
    run = run_execute(run_id=run.pk)
    if run.status in SyncRun.DONE:
        summary.created += 1
    elif run.status == SyncRun.Status.SKIPPED:
        summary.skipped[run.error_message.rstrip(".").lower() or "skipped"] += 1
    elif run.status == SyncRun.Status.FAILED:
        summary.failed += 1
    else:  # a worker holds it now (a webhook of the same order)
        summary.skipped["being synced by a worker now"] += 1
