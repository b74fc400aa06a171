"""A source connector made for engine tests, and an integration wired to the sandbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from integrations.documents import (
    Address,
    Customer,
    CustomerKind,
    Line,
    LineKind,
    SalesDocument,
    Totals,
)
from integrations.models import Connection
from syncs import connectors as registry
from syncs.models import Integration

D = Decimal


class FakeSource:
    """Serves canned documents and records what it was asked to report."""

    key = "testsource"
    label = "Testshop"
    context_roots = ("order", "customer")
    settings_model = None
    settings_inline = None

    def __init__(self) -> None:
        self.documents: dict[str, SalesDocument] = {}
        self.reports: list[tuple[str, str, str]] = []
        self.outcomes: list = []
        #: errors the next write-backs raise, in turn
        self.report_failures: list[Exception] = []

    def settings_for(self, integration):
        return None

    def validate_settings(self, *, integration, settings):
        return {}

    def setup_url(self, *, integration):
        return "/testsource/setup/"

    def describe_trigger(self, *, integration):
        return "When paid"

    def preview_document(self, *, payload, integration):
        return self.documents[str(payload["id"])]

    def load_document(self, *, integration, operation, source_id):
        return self.documents[source_id]

    def interpret_event(self, *, event, integration):
        return []

    def report(self, *, integration, outcome):
        if self.report_failures:
            raise self.report_failures.pop(0)
        self.reports.append((outcome.run.source_id, outcome.run.status, outcome.replay_url))
        self.outcomes.append(outcome)


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
