"""Fortnox's "already in use" answer to a create is looked up and linked when the holder
is the same product or buyer (another worker or system made it between our search and our
create), and stays a failure when it is someone else's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fortnox.client import FortnoxClient
from syncs.models import ExternalLink, Integration, SyncRun
from syncs.pipeline import run_execute
from syncs.runs import run_get_or_create
from tests.syncs.conftest import make_document

pytestmark = pytest.mark.django_db


def _run(integration, source_id="1001") -> SyncRun:
    run = run_get_or_create(integration=integration, operation="document", source_id=source_id)
    run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _created_after_our_search(monkeypatch, method: str, create):
    """The first search answers "none", then someone else creates the record."""
    original = getattr(FortnoxClient, method)
    calls = []

    def search(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            create(self)
            return None
        return original(self, **kwargs)

    monkeypatch.setattr(FortnoxClient, method, search)
    return calls


def test_article_number_already_in_use_is_linked(
    integration, fake_source, fortnox_sandbox, monkeypatch
):
    # Articles numbered by SKU are created without a search first (the create is the
    # search): an article made in Fortnox by hand, never linked, is found by its refusal.
    fake_source.documents["1001"] = make_document()
    FortnoxClient(connection=integration.fortnox).create_article(
        article={"ArticleNumber": "TS-BLUE-M", "Description": "T-shirt Blå M"}
    )

    run = _run(integration)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    log = fortnox_sandbox.request_log
    refused = [e for e in log if e.path == "/3/articles" and e.status == 400]
    assert len(refused) == 1  # Fortnox did answer "Artikelnummer TS-BLUE-M används redan"
    link = ExternalLink.objects.get(kind="article", source_id="sku:TS-BLUE-M")
    assert link.fortnox_number == "TS-BLUE-M"
    assert run.log.filter(message="Article TS-BLUE-M already existed in Fortnox; linked").exists()
    invoice = fortnox_sandbox.tenant("1234567").invoices[run.document_number]
    assert invoice["InvoiceRows"][0]["ArticleNumber"] == "TS-BLUE-M"


def _numbered_from_source(integration, *, match=Integration.CustomerMatch.EMAIL):
    integration.customer_match = match
    integration.customer_numbering = Integration.CustomerNumbering.SOURCE
    integration.customer_number_path = "customer.number"
    integration.save()


def _order_with_customer_number(number: str):
    doc = make_document()
    return replace(doc, context={**doc.context, "customer": {"number": number}})


@pytest.mark.parametrize(
    "match", [Integration.CustomerMatch.EMAIL, Integration.CustomerMatch.CUSTOMER_NUMBER]
)
def test_customer_number_already_in_use_by_the_same_buyer_is_linked(
    integration, fake_source, fortnox_sandbox, monkeypatch, match
):
    _numbered_from_source(integration, match=match)
    fake_source.documents["1001"] = _order_with_customer_number("K77")
    _created_after_our_search(
        monkeypatch,
        "find_customer",
        lambda client: client.create_customer(
            customer={"CustomerNumber": "K77", "Name": "Anna Svensson", "Email": "anna@example.se"}
        ),
    )

    run = _run(integration)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert list(fortnox_sandbox.tenant("1234567").customers) == ["K77"]
    assert ExternalLink.objects.get(kind="customer").fortnox_number == "K77"
    invoice = fortnox_sandbox.tenant("1234567").invoices[run.document_number]
    assert invoice["CustomerNumber"] == "K77"


def test_customer_number_held_by_another_buyer_stays_a_failure(
    integration, fake_source, fortnox_sandbox
):
    _numbered_from_source(integration)
    FortnoxClient(connection=integration.fortnox).create_customer(
        customer={"CustomerNumber": "K77", "Name": "Bo Ek", "Email": "bo@example.se"}
    )
    fake_source.documents["1001"] = _order_with_customer_number("K77")

    run = _run(integration)

    assert run.status == SyncRun.Status.FAILED
    assert "customer number is already used in Fortnox" in run.error_message
    assert not ExternalLink.objects.filter(kind="customer").exists()
    assert fortnox_sandbox.tenant("1234567").invoices == {}
