"""Refunds through the whole pipeline: a refunds/create webhook -> a run per refund id ->
the refund and its order re-read from the Shopify sandbox -> a credit invoice against a
booked invoice, or the draft (invoice or order) corrected -> a line in the order's note."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fortnox.client import FortnoxClient
from syncs.models import ExternalLink, Integration, SyncRun
from tests.plugins.fortnox import TENANT
from tests.plugins.shopify import SHOP
from tests.shopify_app.conftest import fortnox_invoices, shop_order

pytestmark = pytest.mark.django_db
D = Decimal
COOKBOOK, KAFFE, BOARD = 15730000000421, 15730000000422, 15730000000423


@pytest.fixture
def synced_order(place_paid_order, post_webhooks, shopify_sandbox, shop_integration):
    """``synced_order(book=True)``: mixed_vat_25_12_6 paid and synced into a draft invoice
    (666.80 SEK), bookkept in Fortnox when ``book``; returns (order, invoice number)."""

    def sync(*, book: bool = True) -> tuple[dict, str]:
        order = place_paid_order("mixed_vat_25_12_6")
        post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))
        run = SyncRun.objects.get(operation="document", source_id=str(order["id"]))
        assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
        if book:
            client = FortnoxClient(connection=shop_integration.fortnox)
            client.bookkeep_invoice(document_number=run.document_number)
        return order, run.document_number

    return sync


@pytest.fixture
def refund(shopify_sandbox, post_webhooks):
    """``refund(order, deliver=True, **what)``: refund in Shopify, deliver refunds/create."""

    def make(order: dict, *, deliver: bool = True, **what) -> dict:
        made = shopify_sandbox.refund(shop=SHOP, order_id=order["id"], **what)
        if deliver:
            post_webhooks(shopify_sandbox.webhook_deliveries("refunds/create", order["id"]))
        return made

    return make


def _run(made: dict) -> SyncRun:
    return SyncRun.objects.get(operation="refund", source_id=str(made["id"]))


def _total(invoice: dict) -> D:
    return D(str(invoice["Total"]))


def test_two_partial_refunds_of_a_booked_invoice_make_two_credits_summing_to_the_refunds(
    synced_order, refund, fortnox_sandbox, shopify_sandbox
):
    order, original = synced_order(book=True)

    first = refund(order, line_items={KAFFE: 1})
    second = refund(order, line_items={BOARD: 1, KAFFE: 1})

    invoices = fortnox_invoices(fortnox_sandbox)
    credits = [invoices[_run(made).document_number] for made in (first, second)]
    assert [_run(made).status for made in (first, second)] == [SyncRun.Status.SUCCEEDED] * 2, [
        _run(made).error_message for made in (first, second)
    ]
    assert [c["CreditInvoiceReference"] for c in credits] == [original, original]
    assert [_total(c) for c in credits] == [D("-89.90"), D("-338.90")]  # each to the öre
    paid_back = sum(D(t["amount"]) for made in (first, second) for t in made["transactions"])
    assert -sum(_total(c) for c in credits) == paid_back == D("428.80")
    assert all(float(row["DeliveredQuantity"]) < 0 for c in credits for row in c["InvoiceRows"])
    note = shop_order(shopify_sandbox, order["id"])["note"]
    assert f"Refund {first['id']}: Fortnox credit invoice {credits[0]['DocumentNumber']}" in note
    assert f"Refund {second['id']}: Fortnox credit invoice {credits[1]['DocumentNumber']}" in note


def test_a_replayed_refund_makes_no_second_credit(
    synced_order, refund, fortnox_sandbox, shopify_sandbox, post_webhooks
):
    order, _ = synced_order(book=True)
    made = refund(order, line_items={KAFFE: 1})
    before = len(fortnox_invoices(fortnox_sandbox))

    deliveries = shopify_sandbox.webhook_deliveries("refunds/create", order["id"], duplicate=2)
    post_webhooks(deliveries)
    from syncs.pipeline import run_execute
    from syncs.runs import run_reopen

    run = _run(made)
    run_reopen(run=run, statuses=[SyncRun.Status.SUCCEEDED])  # as a replay by hand would
    run_execute(run_id=run.pk)

    assert len(fortnox_invoices(fortnox_sandbox)) == before
    assert SyncRun.objects.filter(operation="refund").count() == 1
    assert ExternalLink.objects.filter(kind="credit").count() == 1


def test_a_shipping_refund_is_credited_once(synced_order, refund, fortnox_sandbox):
    order, original = synced_order(book=True)

    made = refund(order, shipping=True)

    credit = fortnox_invoices(fortnox_sandbox)[_run(made).document_number]
    assert _total(credit) == D("-49.00")  # not -98.00: the adjustment repeats the line
    assert len(credit["InvoiceRows"]) == 1
    assert credit["CreditInvoiceReference"] == original


def test_a_full_refund_of_a_draft_invoice_cancels_it(
    synced_order, refund, fortnox_sandbox, shopify_sandbox
):
    order, original = synced_order(book=False)
    everything = {item["id"]: item["quantity"] for item in order["line_items"]}

    made = refund(order, line_items=everything, shipping=True)

    run = _run(made)
    invoices = fortnox_invoices(fortnox_sandbox)
    assert (run.status, run.document_type, run.document_number) == (
        SyncRun.Status.SUCCEEDED,
        "invoice",
        original,
    )
    assert invoices[original]["Cancelled"] is True
    assert not any(i["Credit"] == "true" for i in invoices.values())  # no credit of a draft
    note = shop_order(shopify_sandbox, order["id"])["note"]
    assert f"Refund {made['id']}: Fortnox draft invoice {original} cancelled" in note


def test_a_partial_refund_of_a_draft_invoice_reduces_its_rows(
    synced_order, refund, fortnox_sandbox, shopify_sandbox
):
    order, original = synced_order(book=False)

    first = refund(order, line_items={KAFFE: 1})
    second = refund(order, line_items={COOKBOOK: 1}, shipping=True)

    invoice = fortnox_invoices(fortnox_sandbox)[original]
    assert _total(invoice) == D("666.80") - D("89.90") - D("189.00") - D("49.00")
    quantities = sorted(float(row["DeliveredQuantity"]) for row in invoice["InvoiceRows"])
    assert quantities == [1.0, 1.0]  # coffee 2 -> 1; cookbook and shipping removed
    assert [_run(made).status for made in (first, second)] == [SyncRun.Status.SUCCEEDED] * 2, [
        _run(made).error_message for made in (first, second)
    ]
    note = shop_order(shopify_sandbox, order["id"])["note"]
    assert f"Refund {first['id']}: Fortnox draft invoice {original} corrected by 89.90" in note


def test_a_refund_of_an_order_synced_as_a_fortnox_order_corrects_that_order(
    place_paid_order, post_webhooks, shopify_sandbox, shop_integration, refund, fortnox_sandbox
):
    shop_integration.document_type = Integration.DocumentType.ORDER
    shop_integration.save()
    order = place_paid_order("mixed_vat_25_12_6")
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))
    number = SyncRun.objects.get(operation="document").document_number

    made = refund(order, line_items={BOARD: 1})

    fortnox_order = fortnox_sandbox.tenant(TENANT).orders[number]
    assert (_run(made).document_type, D(str(fortnox_order["Total"]))) == ("order", D("417.80"))


def test_a_refund_arriving_before_its_order_waits_and_then_runs(
    place_paid_order, post_webhooks, shopify_sandbox, shop_integration, refund, fortnox_sandbox
):
    order = place_paid_order("mixed_vat_25_12_6")
    made = refund(order, line_items={KAFFE: 1})  # delivered before orders/paid
    assert _run(made).status == SyncRun.Status.SKIPPED
    assert _run(made).error_message.startswith("Waiting for the Fortnox document of")

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    sale = SyncRun.objects.get(operation="document")
    invoice = fortnox_invoices(fortnox_sandbox)[sale.document_number]
    assert _run(made).status == SyncRun.Status.SUCCEEDED
    # Invoiced as sold (2 coffee), then corrected by the refund: counted once, not twice.
    assert _total(invoice) == D("666.80") - D("89.90")


def test_a_fully_refunded_order_never_synced_is_skipped_not_invoiced(
    place_paid_order, post_webhooks, shopify_sandbox, shop_integration, refund, fortnox_sandbox
):
    order = place_paid_order("mixed_vat_25_12_6")
    everything = {item["id"]: item["quantity"] for item in order["line_items"]}
    made = refund(order, line_items=everything, shipping=True)

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    sale = SyncRun.objects.get(operation="document")
    assert sale.status == SyncRun.Status.SKIPPED
    assert "fully refunded before it was synced" in sale.error_message
    assert _run(made).status == SyncRun.Status.SKIPPED
    assert "fully refunded" in _run(made).error_message
    assert fortnox_invoices(fortnox_sandbox) == {}


def test_a_refund_is_credited_in_the_currency_the_buyer_paid(
    place_paid_order, post_webhooks, shopify_sandbox, shop_integration, refund, fortnox_sandbox
):
    order = place_paid_order("presentment_eur")
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))
    sale = SyncRun.objects.get(operation="document")
    client = FortnoxClient(connection=shop_integration.fortnox)
    client.bookkeep_invoice(document_number=sale.document_number)

    made = refund(order, line_items={15730000000511: 1})

    credit = fortnox_invoices(fortnox_sandbox)[_run(made).document_number]
    assert (credit["Currency"], _total(credit)) == ("EUR", -D(made["transactions"][0]["amount"]))
    assert _run(made).status == SyncRun.Status.SUCCEEDED, _run(made).error_message


def test_an_amount_only_refund_of_a_draft_adds_negative_rows_exact_to_the_ore(
    synced_order, refund, fortnox_sandbox
):
    order, original = synced_order(book=False)

    made = refund(order, extra="100.00")  # goodwill: no rows refunded

    invoice = fortnox_invoices(fortnox_sandbox)[original]
    negative = [row for row in invoice["InvoiceRows"] if float(row["DeliveredQuantity"]) < 0]
    assert _run(made).status == SyncRun.Status.SUCCEEDED, _run(made).error_message
    assert len(negative) == 3  # the 100.00 spread over the order's 25, 12 and 6 % rows
    assert _total(invoice) == D("566.80")
