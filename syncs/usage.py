"""Counting successful document creations per integration and month."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from syncs.models import Integration, SyncRun, UsageMonth


def usage_count(*, integration: Integration, run: SyncRun) -> None:
    """Count one document for this month. Failed attempts are never counted; a run that
    found an earlier attempt's document counts once, as it is one document."""
    month = timezone.localdate().replace(day=1)
    try:
        with transaction.atomic():
            UsageMonth.objects.get_or_create(integration=integration, month=month)
    except IntegrityError:
        pass
    UsageMonth.objects.filter(integration=integration, month=month).update(
        documents=F("documents") + 1
    )
