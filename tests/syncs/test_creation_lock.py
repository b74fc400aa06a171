"""The lock around finding or creating one Fortnox record, on any database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fortnox.client import FortnoxClient
from integrations.errors import ConnectorError
from integrations.locking import key_lock
from syncs.models import ExternalLink, Integration, SyncRun
from syncs.pipeline import run_execute
from syncs.runs import run_get_or_create
from tests.syncs.conftest import make_document

pytestmark = pytest.mark.django_db


def test_a_failure_inside_the_lock_keeps_what_was_written(integration):
    with pytest.raises(ConnectorError, match="price refused"), key_lock("link:test"):
        ExternalLink.objects.create(
            integration=integration, kind="article", source_id="sku:A", fortnox_number="A"
        )
        raise ConnectorError("price refused", permanent=False)

    assert ExternalLink.objects.filter(source_id="sku:A").exists()


def test_a_failed_price_keeps_the_link_so_the_retry_makes_no_second_article(
    integration, fake_source, fortnox_sandbox, monkeypatch
):
    integration.article_match = Integration.ArticleMatch.LINKS  # Fortnox numbers new articles
    integration.save()
    doc = make_document()
    lines = tuple(replace(line, variant_id=f"v{i}") for i, line in enumerate(doc.lines))
    fake_source.documents["1001"] = replace(doc, lines=lines)
    original = FortnoxClient.set_price

    def refuse(self, **kwargs):
        raise ConnectorError("Fortnox is not answering properly right now", permanent=False)

    monkeypatch.setattr(FortnoxClient, "set_price", refuse)
    run = run_get_or_create(integration=integration, operation="document", source_id="1001")
    run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.PENDING  # a retry is coming
    monkeypatch.setattr(FortnoxClient, "set_price", original)

    run_execute(run_id=run.pk)
    run.refresh_from_db()

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    descriptions = [a["Description"] for a in fortnox_sandbox.tenant("1234567").articles.values()]
    assert descriptions.count("T-shirt Blå M") == 1
    assert ExternalLink.objects.filter(kind="article").count() == 2
