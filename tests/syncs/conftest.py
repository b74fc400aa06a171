"""A source connector made for engine tests, and an integration wired to the sandbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from integrations import registry
from integrations.models import Connection
from syncs.documents import Address, Customer, CustomerKind, Line, LineKind, SalesDocument, Totals
from syncs.models import Integration

D = Decimal


class FakeSource:
    """Serves canned documents and records what it was asked to report."""

    key = "testsource"
    label = "Testshop"
    triggers = [("paid", "When paid")]
    context_roots = ("order", "customer")

    def __init__(self) -> None:
        self.documents: dict[str, SalesDocument] = {}
        self.reports: list[tuple[str, str, str]] = []

    def preview_document(self, *, payload, integration):
        return self.documents[str(payload["id"])]

    def load_document(self, *, integration, operation, source_id):
        return self.documents[source_id]

    def interpret_event(self, *, event, integration):
        return []

    def report(self, *, integration, run, replay_url):
        self.reports.append((run.source_id, run.status, replay_url))


def make_document(source_id: str = "1001", **changes) -> SalesDocument:
    """Tax-inclusive Swedish order: two T-shirts (25 %), a book (6 %), shipping (25 %)."""
    lines = (
        Line(LineKind.PRODUCT, "T-shirt Blå M", D("2"), D("249.00"), D("25"),
             discount=D("49.80"), vat_amount=D("89.64"), sku="TS-BLUE-M"),
        Line(LineKind.PRODUCT, "Kokbok", D("1"), D("318.00"), D("6"),
             vat_amount=D("18.00"), sku="BOOK-1"),
        Line(LineKind.SHIPPING, "PostNord", D("1"), D("59.00"), D("25"), vat_amount=D("11.80")),
    )  # fmt: skip
    doc = SalesDocument(
        source="testsource",
        source_id=source_id,
        number=f"#{source_id}",
        issued_on=date(2026, 11, 20),
        currency="SEK",
        prices_include_vat=True,
        customer=Customer(
            source_id="cust-7",
            kind=CustomerKind.PRIVATE,
            name="Anna Svensson",
            email="anna@example.se",
            billing=Address(
                name="Anna Svensson",
                line1="Storgatan 1",
                zip_code="11122",
                city="Stockholm",
                country_code="SE",
            ),
        ),
        lines=lines,
        totals=Totals(total=D("825.20"), vat=D("119.44")),
        context={"order": {"name": f"#{source_id}", "po": "PO-77"}, "customer": {}},
    )
    return replace(doc, **changes)


@pytest.fixture
def fake_source():
    source = FakeSource()
    registry.register_source(source)
    yield source
    registry._SOURCES.pop(source.key, None)


@pytest.fixture
def fortnox_connection(db, fortnox_sandbox, fortnox_tokens):
    from datetime import timedelta

    from django.utils import timezone

    return Connection.objects.create(
        provider="fortnox",
        account_id="1234567",
        display_name="Testbolaget AB",
        access_token=fortnox_tokens["access_token"],
        refresh_token=fortnox_tokens["refresh_token"],
        token_expires_at=timezone.now() + timedelta(seconds=3600),
    )


@pytest.fixture
def integration(fake_source, fortnox_connection):
    from fortnox.client import FortnoxClient

    client = FortnoxClient(connection=fortnox_connection)
    client.create_article(article={"ArticleNumber": "FRAKT", "Description": "Frakt"})
    source = Connection.objects.create(provider="testsource", account_id="shop-1")
    return Integration.objects.create(
        source=source,
        fortnox=fortnox_connection,
        shipping_article="FRAKT",
        missing_article=Integration.MissingArticle.CREATE,
    )
