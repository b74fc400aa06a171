"""Claiming runs and writing their step log."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from syncs.models import Integration, SyncRun, SyncRunLog

SECRET_KEYS = re.compile(
    r"token|secret|password|authorization|api[_-]?key|code_verifier|hmac", re.IGNORECASE
)
EXCERPT_LIMIT = 2000


def run_get_or_create(
    *, integration: Integration, operation: str, source_id: str, label: str = ""
) -> SyncRun:
    """The one run for this object; the unique constraint settles concurrent callers."""
    lookup = {"integration": integration, "operation": operation, "source_id": source_id}
    try:
        with transaction.atomic():
            run, _ = SyncRun.objects.get_or_create(
                **lookup,
                defaults={
                    "provider": integration.source.provider,
                    "source_label": label,
                    "queued_at": timezone.now(),
                },
            )
    except IntegrityError:
        run = SyncRun.objects.get(**lookup)
    return run


def lease() -> timedelta:
    """How long a claimed run or event belongs to its worker (``SYNC_LEASE_SECONDS``): a
    run still RUNNING after that belongs to a worker that died, and may be claimed again."""
    return timedelta(seconds=settings.SYNC_LEASE_SECONDS)


def run_claim(*, run_id: int) -> bool:
    """Take the run for this worker. Exactly one concurrent caller gets True."""
    now = timezone.now()
    claimable = Q(status=SyncRun.Status.PENDING) | Q(
        status=SyncRun.Status.RUNNING, started_at__lt=now - lease()
    )
    updated = SyncRun.objects.filter(claimable, pk=run_id).update(
        status=SyncRun.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        finished_at=None,
        next_attempt_at=None,
    )
    return updated == 1


REOPENABLE = (SyncRun.Status.FAILED, SyncRun.Status.SKIPPED)


def stuck_runs() -> Q:
    """Runs still RUNNING past their lease: their worker died."""
    return Q(status=SyncRun.Status.RUNNING, started_at__lt=timezone.now() - lease())


def is_stuck(run: SyncRun) -> bool:
    return run.status == SyncRun.Status.RUNNING and bool(
        run.started_at and run.started_at < timezone.now() - lease()
    )


def run_reopen(*, run: SyncRun, statuses=REOPENABLE) -> bool:
    """Make a run in one of ``statuses`` (failed or skipped), or a stuck one, claimable
    again."""
    reopenable = Q(status__in=statuses) | stuck_runs()
    return (
        SyncRun.objects.filter(reopenable, pk=run.pk).update(
            status=SyncRun.Status.PENDING,
            error_message="",
            next_attempt_at=None,
            queued_at=timezone.now(),
        )
        == 1
    )


def sanitise(data: Any) -> str:
    """A short excerpt with secrets removed, for the run log."""
    if isinstance(data, (bytes, bytearray)):
        data = data.decode("utf-8", "replace")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return data[:EXCERPT_LIMIT]
    text = json.dumps(_redact(data), default=str, ensure_ascii=False)
    return text if len(text) <= EXCERPT_LIMIT else text[: EXCERPT_LIMIT - 1] + "…"


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: "[redacted]" if SECRET_KEYS.search(str(key)) else _redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact(item) for item in value]
    return value


class RunLog:
    """Writes the steps of one run."""

    def __init__(self, run: SyncRun) -> None:
        self.run = run
        self.warnings: list[str] = []

    def info(self, step: str, message: str, excerpt: Any = None) -> None:
        self._write(SyncRunLog.Level.INFO, step, message, excerpt)

    def warning(self, step: str, message: str, excerpt: Any = None) -> None:
        self.warnings.append(message)
        self._write(SyncRunLog.Level.WARNING, step, message, excerpt)

    def error(self, step: str, message: str, excerpt: Any = None) -> None:
        self._write(SyncRunLog.Level.ERROR, step, message, excerpt)

    def _write(self, level: str, step: str, message: str, excerpt: Any) -> None:
        SyncRunLog.objects.create(
            run=self.run,
            level=level,
            step=step,
            message=message,
            excerpt="" if excerpt is None else sanitise(excerpt),
        )
