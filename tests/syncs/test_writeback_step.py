"""The write-back is its own step: retried on its own, recorded on the run, replayable,
and never a reason to create the Fortnox document again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from integrations.errors import ConnectorError
from syncs.models import SyncRun
from syncs.pipeline import run_execute
from syncs.reporting import report_execute, report_replay
from syncs.runs import run_get_or_create
from tests.syncs.conftest import make_document

pytestmark = pytest.mark.django_db
Report = SyncRun.Report


def throttled() -> ConnectorError:
    return ConnectorError("Shopify's API rate limit was reached.", permanent=False)


def _sync(integration, fake_source) -> SyncRun:
    fake_source.documents["1001"] = make_document()
    run = run_get_or_create(integration=integration, operation="document", source_id="1001")
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _due_now(run: SyncRun) -> None:
    SyncRun.objects.filter(pk=run.pk).update(report_next_at=timezone.now())


def test_a_throttled_write_back_is_retried_later_and_recorded_as_done(
    integration, fake_source, fortnox_sandbox
):
    fake_source.report_failures = [throttled()]

    run = _sync(integration, fake_source)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.report_status, run.report_attempts) == (Report.PENDING, 1)
    assert run.report_error == "Shopify's API rate limit was reached."
    assert run.report_next_at > timezone.now() + timedelta(seconds=5)
    assert fake_source.reports == []

    _due_now(run)
    report_execute(run_id=run.pk)

    run.refresh_from_db()
    assert (run.report_status, run.report_attempts, run.report_error) == (Report.DONE, 2, "")
    assert run.reported_at is not None
    assert [r[:2] for r in fake_source.reports] == [("1001", "succeeded")]
    assert len(fortnox_sandbox.tenant("1234567").invoices) == 1


def test_a_write_back_not_yet_due_is_not_taken(integration, fake_source, fortnox_sandbox):
    fake_source.report_failures = [throttled()]
    run = _sync(integration, fake_source)

    assert report_execute(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.report_attempts == 1


def test_a_permanent_write_back_error_gives_up_with_the_reason(
    integration, fake_source, fortnox_sandbox
):
    fake_source.report_failures = [
        ConnectorError("Shopify refused orderUpdate: note: too long", permanent=True)
    ]

    run = _sync(integration, fake_source)

    assert run.report_status == Report.GAVE_UP
    assert run.report_error == "Shopify refused orderUpdate: note: too long"
    assert run.log.filter(step="report", level="warning").exists()


def test_write_back_gives_up_after_its_attempts(
    integration, fake_source, fortnox_sandbox, settings
):
    settings.REPORT_MAX_ATTEMPTS = 2
    fake_source.report_failures = [throttled(), throttled()]
    run = _sync(integration, fake_source)
    _due_now(run)

    report_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.report_status == Report.GAVE_UP
    assert run.report_error.endswith("(gave up after 2)")


def test_replaying_the_write_back_reports_again_without_a_second_document(
    integration, fake_source, fortnox_sandbox
):
    fake_source.report_failures = [ConnectorError("Shop locked.", permanent=True)]
    run = _sync(integration, fake_source)
    requests_before = len(fortnox_sandbox.request_log)

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert report_replay(run=run) is True

    run.refresh_from_db()
    assert (run.report_status, run.report_attempts) == (Report.DONE, 1)
    assert [r[:2] for r in fake_source.reports] == [("1001", "succeeded")]
    assert len(fortnox_sandbox.tenant("1234567").invoices) == 1
    assert len(fortnox_sandbox.request_log) == requests_before  # Fortnox not asked again


def test_a_skipped_run_has_nothing_to_write_back(integration, fake_source, fortnox_sandbox):
    integration.enabled = False
    integration.save()

    run = _sync(integration, fake_source)

    assert (run.status, run.report_status) == (SyncRun.Status.SKIPPED, Report.NONE)
    assert report_replay(run=run) is False
    assert fake_source.reports == []


def test_the_outcome_carries_the_customer_number_and_a_lazy_pdf(
    integration, fake_source, fortnox_sandbox
):
    run = _sync(integration, fake_source)
    [outcome] = fake_source.outcomes

    def previews() -> int:
        return sum(e.path.endswith("/preview") for e in fortnox_sandbox.request_log)

    assert outcome.customer_number == run.customer_number
    assert run.customer_number in fortnox_sandbox.tenant("1234567").customers
    assert previews() == 0  # the report did not ask for the PDF, so none was fetched
    assert outcome.document_pdf().startswith(b"%PDF")
    assert previews() == 1
