from __future__ import annotations

import threading

import pytest
from django.db import connection

from syncs.models import SyncRun, UsageMonth
from syncs.pipeline import run_execute
from syncs.runs import run_get_or_create
from tests.syncs.conftest import make_document

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_event_processed_five_times_concurrently_makes_one_document(
    integration, fake_source, fortnox_sandbox
):
    fake_source.documents["1001"] = make_document()
    barrier = threading.Barrier(5)
    errors: list[Exception] = []

    def process():
        try:
            barrier.wait()
            run = run_get_or_create(integration=integration, operation="document", source_id="1001")
            run_execute(run_id=run.pk)
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=process) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.attempts == 1
    assert list(fortnox_sandbox.tenant("1234567").invoices) == [run.document_number]
    assert UsageMonth.objects.get().documents == 1
    assert len(fake_source.reports) == 1
