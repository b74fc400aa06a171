"""The engine end to end against the Fortnox sandbox, with a canned source."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.test import TestCase

from fortnox.client import FortnoxClient
from integrations.documents import Totals
from syncs.models import ExternalLink, Integration, SyncRun, UsageMonth
from syncs.pipeline import run_execute
from syncs.runs import run_get_or_create
from tests.syncs.conftest import make_document

pytestmark = pytest.mark.django_db
D = Decimal


def _run(integration, source_id="1001") -> SyncRun:
    """Run the sync and the write-back it queues, as a worker would."""
    run = run_get_or_create(integration=integration, operation="document", source_id=source_id)
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _invoices(sandbox):
    return sandbox.tenant("1234567").invoices


def _api_calls(sandbox, since: int = 0):
    return [(e.method, e.path) for e in sandbox.request_log[since:] if e.path.startswith("/3/")]


def test_new_order_creates_customer_articles_and_one_exact_invoice(
    integration, fake_source, fortnox_sandbox
):
    fake_source.documents["1001"] = make_document()

    run = _run(integration)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    invoice = _invoices(fortnox_sandbox)[run.document_number]
    customer = fortnox_sandbox.tenant("1234567").customers[invoice["CustomerNumber"]]
    assert customer["Name"] == "Anna Svensson"
    assert customer["Email"] == "anna@example.se"
    assert customer["VATType"] == "SEVAT"
    assert invoice["ExternalInvoiceReference1"] == "testsource:sale:1001"
    assert invoice["YourOrderNumber"] == "#1001"
    assert invoice["Remarks"] == "Testshop order #1001"
    assert invoice["VATIncluded"] is True
    rows = [
        (r["ArticleNumber"], r["Description"], str(r["DeliveredQuantity"]), r["Price"], r["VAT"])
        for r in invoice["InvoiceRows"]
    ]
    assert rows == [
        # 2 x 249.00 less 49.80: a net unit price of 224.10, so no discount to read two ways
        ("TS-BLUE-M", "T-shirt Blå M", "2", 224.1, 25),
        ("BOOK-1", "Kokbok", "1", 318.0, 6),
        ("FRAKT", "PostNord", "1", 59.0, 25),
    ]
    assert D(str(invoice["Total"])) == D("825.20")
    assert D(str(invoice["TotalVAT"])) == D("119.44")
    assert set(fortnox_sandbox.tenant("1234567").articles) >= {"TS-BLUE-M", "BOOK-1"}
    assert fake_source.reports == [("1001", "succeeded", fake_source.reports[0][2])]
    assert UsageMonth.objects.get(integration=integration).documents == 1


def test_known_customer_and_articles_cost_exactly_one_fortnox_request(
    integration, fake_source, fortnox_sandbox
):
    fake_source.documents["1001"] = make_document("1001")
    fake_source.documents["1002"] = make_document("1002")
    assert _run(integration, "1001").status == SyncRun.Status.SUCCEEDED
    before = len(fortnox_sandbox.request_log)

    run = _run(integration, "1002")

    assert run.status == SyncRun.Status.SUCCEEDED
    assert _api_calls(fortnox_sandbox, before) == [("POST", "/3/invoices")]


def test_same_run_executed_again_makes_no_second_document(
    integration, fake_source, fortnox_sandbox
):
    fake_source.documents["1001"] = make_document()
    first = _run(integration)

    second = _run(integration)

    assert second.pk == first.pk
    assert len(_invoices(fortnox_sandbox)) == 1


def test_crash_after_fortnox_created_the_invoice_is_found_on_retry(
    integration, fake_source, fortnox_sandbox
):
    fake_source.documents["1001"] = make_document()
    _prime_links(integration, fortnox_sandbox)
    fortnox_sandbox.faults.crash_after_create = 1

    first = _run(integration)

    assert first.status == SyncRun.Status.PENDING  # transient: a retry is scheduled
    assert first.document_number == ""
    assert len(_invoices(fortnox_sandbox)) == 1  # Fortnox did create it

    retried = _run(integration)

    assert retried.status == SyncRun.Status.SUCCEEDED
    assert len(_invoices(fortnox_sandbox)) == 1
    assert retried.document_number == next(iter(_invoices(fortnox_sandbox)))
    assert UsageMonth.objects.get(integration=integration).documents == 1


def _prime_links(integration, sandbox):
    """Create the customer and articles so a run only posts the invoice."""
    fake_doc = make_document("0")
    from syncs.articles import articles_resolve
    from syncs.customers import customer_resolve
    from syncs.runs import RunLog

    run = run_get_or_create(integration=integration, operation="prime", source_id="0")
    client = FortnoxClient(connection=integration.fortnox)
    customer_resolve(integration=integration, doc=fake_doc, client=client, log=RunLog(run))
    articles_resolve(integration=integration, doc=fake_doc, client=client, log=RunLog(run))


def test_missing_article_halts_the_run_naming_every_missing_article(
    integration, fake_source, fortnox_sandbox
):
    integration.missing_article = Integration.MissingArticle.HALT
    integration.save()
    fake_source.documents["1001"] = make_document()

    run = _run(integration)

    assert run.status == SyncRun.Status.FAILED
    assert run.error_message == (
        "No Fortnox article matches SKU 'TS-BLUE-M' (line 'T-shirt Blå M'), SKU 'BOOK-1'"
        " (line 'Kokbok'). Create or link the articles in Fortnox, then replay this sync."
    )
    assert _invoices(fortnox_sandbox) == {}
    assert not UsageMonth.objects.filter(integration=integration).exists()
    assert fake_source.reports[0][1] == "failed"
    assert "/syncs/replay/" in fake_source.reports[0][2]


def test_missing_article_uses_the_placeholder_row(integration, fake_source, fortnox_sandbox):
    client = FortnoxClient(connection=integration.fortnox)
    client.create_article(article={"ArticleNumber": "OKAND", "Description": "Okänd artikel"})
    integration.missing_article = Integration.MissingArticle.PLACEHOLDER
    integration.placeholder_article = "OKAND"
    integration.save()
    fake_source.documents["1001"] = make_document()

    run = _run(integration)

    assert run.status == SyncRun.Status.SUCCEEDED_WITH_WARNING
    assert "placeholder article OKAND used" in run.error_message
    rows = _invoices(fortnox_sandbox)[run.document_number]["InvoiceRows"]
    assert [(r["ArticleNumber"], r["Description"]) for r in rows[:2]] == [
        ("OKAND", "T-shirt Blå M"),
        ("OKAND", "Kokbok"),
    ]
    assert "TS-BLUE-M" not in fortnox_sandbox.tenant("1234567").articles


def test_missing_article_is_created_with_its_price_excluding_vat(
    integration, fake_source, fortnox_sandbox
):
    fake_source.documents["1001"] = make_document()

    run = _run(integration)

    assert run.status == SyncRun.Status.SUCCEEDED
    tenant = fortnox_sandbox.tenant("1234567")
    assert tenant.articles["TS-BLUE-M"]["Description"] == "T-shirt Blå M"
    prices = {(p["ArticleNumber"], p["PriceList"]): D(str(p["Price"])) for p in _prices(tenant)}
    assert prices[("TS-BLUE-M", "A")] == D("199.20")
    assert prices[("BOOK-1", "A")] == D("300.00")
    assert ExternalLink.objects.get(kind="article", source_id="sku:TS-BLUE-M").fortnox_number == (
        "TS-BLUE-M"
    )


def _prices(tenant):
    values = tenant.prices.values() if isinstance(tenant.prices, dict) else tenant.prices
    return list(values)


def test_total_mismatch_succeeds_with_a_warning_naming_both_amounts(
    integration, fake_source, fortnox_sandbox
):
    doc = make_document()
    fake_source.documents["1001"] = replace(doc, totals=replace(doc.totals, total=D("826.20")))

    run = _run(integration)

    assert run.status == SyncRun.Status.SUCCEEDED_WITH_WARNING
    assert run.error_message == "Fortnox's total 825.20 SEK differs from Testshop's 826.20 SEK."


def test_licence_error_fails_the_run_with_the_merchant_sentence(
    integration, fake_source, fortnox_sandbox
):
    _prime_links(integration, fortnox_sandbox)
    fortnox_sandbox.tenant("1234567").licences = frozenset({"customer", "article", "order"})
    fake_source.documents["1001"] = make_document()

    run = _run(integration)

    assert run.status == SyncRun.Status.FAILED
    assert run.error_message.startswith("Your Fortnox account is missing invoicing")
    assert not UsageMonth.objects.filter(integration=integration).exists()


def test_orders_are_created_when_the_integration_says_order(
    integration, fake_source, fortnox_sandbox
):
    integration.document_type = Integration.DocumentType.ORDER
    integration.save()
    fake_source.documents["1001"] = make_document()

    run = _run(integration)

    assert run.status == SyncRun.Status.SUCCEEDED
    order = fortnox_sandbox.tenant("1234567").orders[run.document_number]
    assert [str(r["OrderedQuantity"]) for r in order["OrderRows"]] == ["2", "1", "1"]
    assert D(str(order["Total"])) == D("825.20")


def test_after_create_bookkeep_books_the_new_invoice(integration, fake_source, fortnox_sandbox):
    integration.after_create = Integration.AfterCreate.BOOKKEEP
    integration.save()
    fake_source.documents["1001"] = make_document()

    run = _run(integration)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert _invoices(fortnox_sandbox)[run.document_number]["Booked"] is True
    steps = list(run.log.values_list("step", "message"))
    assert ("after", f"Invoice {run.document_number} bookkept") in steps


def test_eu_business_customer_is_created_reverse_charged(integration, fake_source, fortnox_sandbox):
    from integrations.documents import Address, Customer, CustomerKind

    doc = make_document()
    buyer = Customer(
        source_id="b2b-1",
        kind=CustomerKind.COMPANY,
        name="Muster GmbH",
        vat_number="DE811234567",
        billing=Address(line1="Hauptstr. 1", zip_code="10115", city="Berlin", country_code="DE"),
    )
    lines = tuple(replace(line, vat_rate=D("0"), vat_amount=D("0")) for line in doc.lines)
    totals = replace(doc.totals, total=D("825.20"), vat=D("0.00"))
    fake_source.documents["1001"] = replace(
        doc, customer=buyer, lines=lines, totals=totals, prices_include_vat=False
    )

    run = _run(integration)

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    invoice = _invoices(fortnox_sandbox)[run.document_number]
    customer = fortnox_sandbox.tenant("1234567").customers[invoice["CustomerNumber"]]
    assert (customer["VATType"], customer["VATNumber"]) == ("EUREVERSEDVAT", "DE811234567")
    assert D(str(invoice["TotalVAT"])) == D("0")


def test_a_refund_of_a_sale_booked_as_an_order_corrects_the_order_then_its_invoice(
    integration, fake_source, fortnox_sandbox
):
    """A sale booked as a Fortnox order follows the draft rule on that order: a refund
    corrects the order while it is open; once invoiced, the rule applies to the invoice
    (a booked one is credited with CreditInvoiceReference)."""
    integration.document_type = Integration.DocumentType.ORDER
    integration.save()
    fake_source.documents["1001"] = make_document()
    order_number = _run(integration).document_number
    book = make_document("r-1").lines[1]  # the cookbook, 318.00 at 6 %
    fake_source.documents["r-1"] = make_document(
        "r-1",
        is_credit=True,
        credit_for="1001",
        lines=(book,),
        totals=Totals(total=D("318.00"), vat=D("18.00")),
    )

    corrected = _run(integration, "r-1")

    order = fortnox_sandbox.tenant("1234567").orders[order_number]
    assert (corrected.status, corrected.document_type) == (SyncRun.Status.SUCCEEDED, "order")
    assert D(str(order["Total"])) == D("825.20") - D("318.00")
    client = FortnoxClient(connection=integration.fortnox)
    invoice = client.request("PUT", f"/3/orders/{order_number}/createinvoice").json()["Invoice"]
    client.bookkeep_invoice(document_number=invoice["DocumentNumber"])
    shirt = make_document().lines[0]
    fake_source.documents["r-2"] = make_document(
        "r-2",
        is_credit=True,
        credit_for="1001",
        lines=(replace(shirt, quantity=D("1"), discount=D("24.90"), vat_amount=D("44.82")),),
        totals=Totals(total=D("224.10"), vat=D("44.82")),
    )

    credited = _run(integration, "r-2")

    assert credited.status == SyncRun.Status.SUCCEEDED, credited.error_message
    note = _invoices(fortnox_sandbox)[credited.document_number]
    assert note["CreditInvoiceReference"] == invoice["DocumentNumber"]
    assert D(str(note["Total"])) == D("-224.10")
