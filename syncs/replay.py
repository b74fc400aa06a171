"""Replaying failed runs: from the admin, a management command, or a signed link."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from syncs.models import SyncRun
from syncs.pipeline import run_execute
from syncs.queue import enqueue_run
from syncs.runs import run_reopen

SALT = "syncs.replay"
LINK_MAX_AGE = 30 * 24 * 3600  # a replay link in an order note works for 30 days


def replay_url(run: SyncRun) -> str:
    token = signing.TimestampSigner(salt=SALT).sign(str(run.pk))
    return f"{settings.PUBLIC_BASE_URL}{reverse('syncs:replay', args=[token])}"


def run_from_token(token: str) -> SyncRun:
    """The run a replay link points at; raises signing.BadSignature (or its subclass
    SignatureExpired) when the link was altered or is too old."""
    run_id = signing.TimestampSigner(salt=SALT).unsign(token, max_age=LINK_MAX_AGE)
    return SyncRun.objects.get(pk=int(run_id))


def run_replay(*, run: SyncRun, inline: bool = False) -> bool:
    """Reopen a failed or skipped run and run it again. False if it was not replayable
    (already succeeded, or running now)."""
    if not run_reopen(run=run):
        return False
    if inline:
        run_execute(run_id=run.pk)
    else:
        transaction.on_commit(lambda: enqueue_run(run.pk))
    return True
