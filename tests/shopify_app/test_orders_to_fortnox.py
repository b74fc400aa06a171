"""Every scenario order through the whole pipeline: signed webhook POST -> InboundEvent ->
task -> the order re-read from the Shopify sandbox over GraphQL -> mapper -> engine ->
Fortnox sandbox. Fortnox's own computed totals must equal Shopify's to the öre."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings

from shopify_app.sandbox.orders import SCENARIO_DIR, load_scenario
from syncs.models import InboundEvent, SyncRun, SyncRunLog
from tests.plugins.fortnox import TENANT
from tests.plugins.shopify import SHOP
from tests.shopify_app.conftest import (
    SHIPPING_ARTICLE,
    fortnox_customers,
    fortnox_invoices,
    shop_order,
)

pytestmark = pytest.mark.django_db
D = Decimal
SCENARIOS = sorted(SCENARIO_DIR.glob("*.json"))
GRAPHQL_URL = f"https://{SHOP}/admin/api/{settings.SHOPIFY_API_VERSION}/graphql.json"


@dataclass(frozen=True)
class Expect:
    """What Fortnox computes for a scenario: its total and VAT equal what the buyer paid,
    in the buyer's currency; the customer's VAT type; the run's warnings (a regex each)."""

    currency: str
    total: str
    vat: str
    vat_type: str = "SEVAT"
    warnings: tuple[str, ...] = ()
    keep_name: bool = False  # place the order under its own name (not a fresh "#10xx")
    oss: bool = False  # the Fortnox company uses OSS
    round_off: bool = False  # the Fortnox company rounds totals to whole kronor


# The scenario table (shopify_app/sandbox/scenarios/README.md lists what each shows).
TABLE = {
    "edited_order_removed_line": Expect("SEK", "408.00", "81.60"),
    "eu_business_vat_number": Expect("SEK", "6138.00", "0.00", "EUREVERSEDVAT"),
    "export_customer": Expect("SEK", "877.40", "0.00", "EXPORT"),
    "free_shipping_code": Expect("SEK", "358.00", "71.60"),
    "gift_card": Expect("SEK", "907.00", "81.40"),
    "guest_checkout": Expect("SEK", "678.00", "135.60"),
    "line_discount": Expect("SEK", "1257.20", "251.44"),
    "mixed_vat_25_12_6": Expect("SEK", "666.80", "89.56"),
    "order_discount_two_lines": Expect("SEK", "739.93", "125.45"),
    "presentment_eur": Expect("EUR", "110.66", "22.13", "EUVAT"),
    "rounding_quantities": Expect("SEK", "533.22", "90.54"),
    "single_vat_25": Expect("SEK", "1356.00", "271.20"),
    "tax_exclusive_prices": Expect("SEK", "1821.25", "364.25"),  # a Swedish company: SEVAT
    # -- the accountant's table ----------------------------------------------------------
    "presentment_eur_finland": Expect("EUR", "170.20", "34.04", "EUVAT"),
    "duties_switzerland": Expect("SEK", "2015.94", "0.00", "EXPORT"),
    "tip": Expect("SEK", "337.00", "30.75"),
    "shipping_vat_12": Expect("SEK", "495.00", "53.03"),
    "shipping_split_25_12": Expect("SEK", "934.00", "150.39"),
    "free_line_and_zero_price": Expect("SEK", "408.00", "81.60"),
    "quantity_1000": Expect("SEK", "361.08", "72.22"),
    "oss_germany_19": Expect("EUR", "104.75", "14.38", "EUVAT", oss=True),
    "fixed_code_25_12_6": Expect("SEK", "1431.00", "198.03"),
    "tax_exclusive_percent_code": Expect("SEK", "3324.80", "664.97"),
    "guest_without_email": Expect("SEK", "408.00", "81.60"),
    "long_names": Expect(
        "SEK",
        "1574.00",
        "314.80",
        warnings=(
            r"Customer ZipCode shortened from 12 to 10 characters",
            r"Article Description shortened from 310 to 200 characters",
            r"Row 1 Description shortened from 310 to 255 characters",
        ),
        keep_name=True,
    ),
    "rounding_913_50": Expect(
        "SEK",
        "913.50",
        "182.70",
        warnings=(r"Fortnox rounded 913\.50 to 914\.00 SEK \(öresavrundning\)",),
        round_off=True,
    ),
}


def test_every_scenario_file_is_in_the_table():
    assert sorted(TABLE) == [path.stem for path in SCENARIOS]


def _graphql_reads_of(mocked_http, order_id) -> list[dict]:
    """The GraphQL requests that read the order (by its gid) from the Shopify sandbox."""
    gid = f"gid://shopify/Order/{order_id}"
    bodies = [json.loads(c.request.body) for c in mocked_http.calls if c.request.url == GRAPHQL_URL]
    return [b for b in bodies if b["variables"].get("id") == gid and "order(" in b["query"]]


def place_scenario(name, expect, shopify_sandbox, fortnox_sandbox, place_paid_order) -> dict:
    """Set the Fortnox company up as the scenario needs and place the order, paid."""
    tenant = fortnox_sandbox.tenant(TENANT)
    if expect.oss:
        fortnox_sandbox.set_oss(TENANT)
    tenant.round_off = expect.round_off
    scenario = load_scenario(name)
    order = place_paid_order(scenario)
    if expect.keep_name:
        kept = {key: scenario[key] for key in ("name", "order_number", "number")}
        shop_order(shopify_sandbox, order["id"]).update(kept)
        order.update(kept)
    return order


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_order_becomes_a_fortnox_invoice_with_what_the_buyer_paid(
    path,
    shop_integration,
    shopify_sandbox,
    fortnox_sandbox,
    place_paid_order,
    post_webhooks,
    mocked_http,
):
    expect = TABLE[path.stem]
    order = place_scenario(path.stem, expect, shopify_sandbox, fortnox_sandbox, place_paid_order)
    deliveries = shopify_sandbox.webhook_deliveries("orders/create,orders/paid", order["id"])

    responses = post_webhooks(deliveries)

    assert [r.status_code for r in responses] == [200, 200]
    assert set(InboundEvent.objects.values_list("topic", "state")) == {
        ("orders/create", InboundEvent.State.PROCESSED),
        ("orders/paid", InboundEvent.State.PROCESSED),
    }
    run = SyncRun.objects.get()
    warnings = list(
        SyncRunLog.objects.filter(run=run, level=SyncRunLog.Level.WARNING).values_list(
            "message", flat=True
        )
    )
    assert len(warnings) == len(expect.warnings), warnings
    for pattern in expect.warnings:
        assert any(re.search(pattern, warning) for warning in warnings), (pattern, warnings)
    status = SyncRun.Status.SUCCEEDED_WITH_WARNING if expect.warnings else SyncRun.Status.SUCCEEDED
    assert run.status == status, run.error_message
    assert (run.source_id, run.source_label, run.document_type) == (
        str(order["id"]),
        order["name"],
        "invoice",
    )
    assert _graphql_reads_of(mocked_http, order["id"]), "the order was not re-read over GraphQL"

    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]
    invoice = fortnox_invoices(fortnox_sandbox)[run.document_number]
    paid = order["current_total_price_set"]["presentment_money"]
    paid_vat = order["current_total_tax_set"]["presentment_money"]
    assert (paid["currency_code"], paid["amount"], paid_vat["amount"]) == (
        expect.currency,
        expect.total,
        expect.vat,
    )
    assert invoice["Currency"] == expect.currency
    # What Fortnox will collect, rounding included, is what the buyer paid...
    rounded = D(str(invoice["Total"])) - D(str(invoice["RoundOff"]))
    assert rounded == D(expect.total)
    assert D(str(invoice["TotalVAT"])) == D(expect.vat)
    # ...and only öresavrundning, said in the run's warnings, can make it differ.
    assert (D(str(invoice["RoundOff"])) != 0) == expect.round_off
    if expect.currency != "SEK":
        rate = D(str(invoice["CurrencyRate"]))
        shop_total = D(order["current_total_price_set"]["shop_money"]["amount"])
        assert (rate * D(expect.total)).quantize(D("0.01")) == shop_total
    assert invoice["ExternalInvoiceReference1"] == f"shopify:sale:{order['id']}"
    assert invoice["ExternalInvoiceReference2"] == order["name"]
    customer = fortnox_customers(fortnox_sandbox)[invoice["CustomerNumber"]]
    assert customer["VATType"] == expect.vat_type


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
