"""Every scenario order through the whole pipeline: signed webhook POST -> InboundEvent ->
task -> the order re-read from the Shopify sandbox over GraphQL -> mapper -> engine ->
Fortnox sandbox. Fortnox's own computed totals must equal Shopify's to the öre."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.conf import settings

from shopify_app.sandbox.orders import SCENARIO_DIR
from syncs.models import InboundEvent, SyncRun, SyncRunLog
from tests.plugins.shopify import SHOP
from tests.shopify_app.conftest import SHIPPING_ARTICLE, fortnox_customers, fortnox_invoices

pytestmark = pytest.mark.django_db
D = Decimal
SCENARIOS = sorted(SCENARIO_DIR.glob("*.json"))
# The customer's VAT type, where it is not SEVAT (a Swedish buyer).
VAT_TYPES = {
    "export_customer": "EXPORT",  # a consumer in Norway
    "eu_business_vat_number": "EUREVERSEDVAT",  # a German company with a VAT number
    "presentment_eur": "EUVAT",  # a German consumer charged Swedish VAT
}
GRAPHQL_URL = f"https://{SHOP}/admin/api/{settings.SHOPIFY_API_VERSION}/graphql.json"


def _graphql_reads_of(mocked_http, order_id) -> list[dict]:
    """The GraphQL requests that read the order (by its gid) from the Shopify sandbox."""
    gid = f"gid://shopify/Order/{order_id}"
    bodies = [json.loads(c.request.body) for c in mocked_http.calls if c.request.url == GRAPHQL_URL]
    return [b for b in bodies if b["variables"].get("id") == gid and "order(" in b["query"]]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_order_becomes_a_fortnox_invoice_with_shopifys_totals(
    path,
    shop_integration,
    shopify_sandbox,
    fortnox_sandbox,
    place_paid_order,
    post_webhooks,
    mocked_http,
):
    order = place_paid_order(path.stem)
    deliveries = shopify_sandbox.webhook_deliveries("orders/create,orders/paid", order["id"])

    responses = post_webhooks(deliveries)

    assert [r.status_code for r in responses] == [200, 200]
    assert set(InboundEvent.objects.values_list("topic", "state")) == {
        ("orders/create", InboundEvent.State.PROCESSED),
        ("orders/paid", InboundEvent.State.PROCESSED),
    }
    run = SyncRun.objects.get()
    assert (run.status, run.error_message) == (SyncRun.Status.SUCCEEDED, "")
    assert (run.source_id, run.source_label, run.document_type) == (
        str(order["id"]),
        order["name"],
        "invoice",
    )
    assert not SyncRunLog.objects.filter(level=SyncRunLog.Level.WARNING).exists()
    assert _graphql_reads_of(mocked_http, order["id"]), "the order was not re-read over GraphQL"

    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]
    invoice = fortnox_invoices(fortnox_sandbox)[run.document_number]
    # current_* equal the originals except after an order edit (edited_order_removed_line).
    assert D(str(invoice["Total"])) == D(order["current_total_price"])
    assert D(str(invoice["TotalVAT"])) == D(order["current_total_tax"])
    assert invoice["Currency"] == order["currency"] == "SEK"
    assert invoice["ExternalInvoiceReference1"] == f"shopify:sale:{order['id']}"
    assert invoice["YourOrderNumber"] == order["name"]
    customer = fortnox_customers(fortnox_sandbox)[invoice["CustomerNumber"]]
    assert customer["VATType"] == VAT_TYPES.get(path.stem, "SEVAT")


def test_edited_order_is_invoiced_at_its_current_totals_not_the_original_ones(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("edited_order_removed_line")
    assert (order["total_price"], order["current_total_price"]) == ("1007.00", "408.00")

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    [invoice] = fortnox_invoices(fortnox_sandbox).values()
    assert (invoice["Total"], invoice["TotalVAT"]) == (408.0, 81.6)
    assert all(row["DeliveredQuantity"] != "0" for row in invoice["InvoiceRows"])


def test_single_rate_order_makes_exactly_this_customer_and_invoice(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    run = SyncRun.objects.get()
    invoice = fortnox_invoices(fortnox_sandbox)[run.document_number]
    customer = fortnox_customers(fortnox_sandbox)[invoice["CustomerNumber"]]
    assert {k: customer[k] for k in ("Name", "Type", "VATType", "Email", "Address1", "City")} == {
        "Name": "Anna Lindqvist",
        "Type": "PRIVATE",
        "VATType": "SEVAT",
        "Email": "anna.lindqvist@example.se",
        "Address1": "Sveavägen 44",
        "City": "Stockholm",
    }
    assert customer["ZipCode"].replace(" ", "") == "11359"
    rows = [
        (r["ArticleNumber"], r["Description"], r["DeliveredQuantity"], r["Price"], r["VAT"])
        for r in invoice["InvoiceRows"]
    ]
    assert rows == [
        ("NF-MOS-GRA", "Ullmössa - Grå", "2", 349.0, 25),
        ("NF-HAL-MAR", "Halsduk Merino - Marinblå", "1", 599.0, 25),
        (SHIPPING_ARTICLE, "PostNord MyPack Collect", "1", 59.0, 25),
    ]
    assert {k: invoice[k] for k in ("VATIncluded", "Currency", "Remarks", "CustomerName")} == {
        "VATIncluded": True,
        "Currency": "SEK",
        "Remarks": f"Shopify order {order['name']}",
        "CustomerName": "Anna Lindqvist",
    }
    assert (invoice["Total"], invoice["TotalVAT"], invoice["Booked"]) == (1356.0, 271.2, False)
    assert {"NF-MOS-GRA", "NF-HAL-MAR"} <= set(fortnox_sandbox.tenant("1234567").articles)


def test_invoice_is_built_from_the_order_as_shopify_has_it_now_not_the_webhook_body(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")
    deliveries = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    stored = shopify_sandbox.shop(SHOP).orders[order["id"]]
    stored["email"] = stored["customer"]["email"] = "anna.ny@example.se"

    post_webhooks(deliveries)

    assert json.loads(deliveries[0].body)["email"] == "anna.lindqvist@example.se"
    [invoice] = fortnox_invoices(fortnox_sandbox).values()
    customer = fortnox_customers(fortnox_sandbox)[invoice["CustomerNumber"]]
    assert customer["Email"] == "anna.ny@example.se"


def test_presentment_currency_setting_invoices_in_the_buyers_currency(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    shop_integration.shopify_settings.use_presentment_currency = True
    shop_integration.shopify_settings.save()
    shop_integration.save()
    order = place_paid_order("presentment_eur")
    presentment = (
        order["current_total_price_set"]["presentment_money"],
        order["current_total_tax_set"]["presentment_money"],
    )
    assert [m["currency_code"] for m in presentment] == ["EUR", "EUR"]

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    invoice = fortnox_invoices(fortnox_sandbox)[run.document_number]
    assert invoice["Currency"] == "EUR"
    assert D(str(invoice["Total"])) == D(presentment[0]["amount"]) == D("110.66")
    assert D(str(invoice["TotalVAT"])) == D(presentment[1]["amount"]) == D("22.13")


def test_second_order_of_the_same_customer_reuses_the_fortnox_customer(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks
):
    first = place_paid_order("single_vat_25")
    second = place_paid_order("single_vat_25")

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", first["id"]))
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", second["id"]))

    invoices = fortnox_invoices(fortnox_sandbox)
    assert len(invoices) == 2
    assert len(fortnox_customers(fortnox_sandbox)) == 1
    assert {i["YourOrderNumber"] for i in invoices.values()} == {first["name"], second["name"]}
