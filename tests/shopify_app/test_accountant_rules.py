"""Books an accountant signs: each rule on a scenario order, through the whole pipeline
into the Fortnox sandbox (which refuses what Fortnox refuses), asserting the exact rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from syncs.models import Integration, SyncRun, SyncRunLog
from tests.plugins.fortnox import TENANT
from tests.shopify_app.conftest import SHIPPING_ARTICLE, fortnox_customers, fortnox_invoices
from tests.shopify_app.test_orders_to_fortnox import TABLE, Expect, place_scenario

pytestmark = pytest.mark.django_db
D = Decimal
ROW_FIELDS = ("ArticleNumber", "Description", "DeliveredQuantity", "Price", "VAT", "Discount",
              "DiscountType", "AccountNumber")  # fmt: skip


@pytest.fixture
def sync(shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks):
    """``sync(name, **expect)``: place the scenario paid, deliver orders/paid, return the
    run and its invoice (None when none was made)."""

    def run(name: str, **changes):
        expect = Expect(**{**TABLE[name].__dict__, **changes})
        order = place_scenario(name, expect, shopify_sandbox, fortnox_sandbox, place_paid_order)
        post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))
        sync_run = SyncRun.objects.get(source_id=str(order["id"]))
        return sync_run, fortnox_invoices(fortnox_sandbox).get(sync_run.document_number)

    return run


def rows(invoice) -> list[tuple]:
    return [tuple(row[field] for field in ROW_FIELDS) for row in invoice["InvoiceRows"]]


def warnings(run) -> list[str]:
    logs = SyncRunLog.objects.filter(run=run, level=SyncRunLog.Level.WARNING)
    return list(logs.values_list("message", flat=True))


def test_duties_are_an_outlay_row_without_vat_so_the_total_is_what_the_swiss_buyer_paid(sync):
    run, invoice = sync("duties_switzerland")

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert rows(invoice) == [
        ("NF-KOF-FJA", "Ullkofta Fjäll - L", "1", 1290.0, 0, 0.0, "PERCENT", 3105),
        ("NF-MOS-GRA", "Ullmössa - Grå", "1", 349.0, 0, 0.0, "PERCENT", 3105),
        ("", "Tull (utlägg)", "1", 127.94, 0, 0.0, "PERCENT", 3530),
        (SHIPPING_ARTICLE, "DHL Express", "1", 249.0, 0, 0.0, "PERCENT", 3105),
    ]
    assert (invoice["Total"], invoice["TotalVAT"]) == (2015.94, 0.0)


@pytest.mark.parametrize("policy", [Integration.MissingArticle.CREATE, "halt"])
def test_a_tip_is_a_row_without_vat_or_article_on_the_tip_account(sync, shop_integration, policy,
                                                                   fortnox_sandbox):  # fmt: skip
    shop_integration.missing_article = policy
    shop_integration.save()
    if policy == "halt":
        fortnox_sandbox.tenant(TENANT).articles["NF-KAF-MEL"] = {
            **fortnox_sandbox.tenant(TENANT).articles[SHIPPING_ARTICLE],
            "ArticleNumber": "NF-KAF-MEL",
            "Description": "Kaffe",
        }

    run, invoice = sync("tip")

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert rows(invoice)[1] == ("", "Tip", "1", 50.0, 0, 0.0, "PERCENT", 3990)
    assert "Tip" not in {a["Description"] for a in fortnox_sandbox.tenant(TENANT).articles.values()}
    assert (invoice["Total"], invoice["TotalVAT"]) == (337.0, 30.75)
    assert warnings(run) == []


def test_shipping_split_over_two_rates_is_a_row_per_rate_with_shopifys_vat(sync):
    _, invoice = sync("shipping_split_25_12")

    assert rows(invoice)[2:] == [
        (SHIPPING_ARTICLE, "PostNord MyPack Home (25 %)", "1", 43.88, 25, 0.0, "PERCENT", 3001),
        (SHIPPING_ARTICLE, "PostNord MyPack Home (12 %)", "1", 35.12, 12, 0.0, "PERCENT", 3002),
    ]
    assert (invoice["Total"], invoice["TotalVAT"]) == (934.0, 150.39)


def test_freight_is_used_only_for_shipping_at_25_percent(sync, shop_integration):
    shop_integration.shipping = Integration.Shipping.FREIGHT
    shop_integration.save()

    run, invoice = sync("shipping_vat_12")

    assert invoice["Freight"] == 0
    assert rows(invoice)[-1][1:5] == ("PostNord Ombud", "1", 59.0, 12)
    assert warnings(run) == [
        "Shipping is taxed at 12 %, but Fortnox's Freight field is taxed at 25 %; shipping was"
        " sent as rows instead."
    ]
    assert (invoice["Total"], invoice["TotalVAT"]) == (495.0, 53.03)


def test_freight_at_25_percent_goes_in_the_freight_field(sync, shop_integration):
    shop_integration.shipping = Integration.Shipping.FREIGHT
    shop_integration.save()

    run, invoice = sync("single_vat_25")

    assert (invoice["Freight"], len(invoice["InvoiceRows"])) == (47.2, 2)
    assert (invoice["Total"], invoice["TotalVAT"], warnings(run)) == (1356.0, 271.2, [])


def test_discounted_rows_give_one_total_whichever_way_fortnox_reads_an_amount_discount(sync):
    _, invoice = sync("fixed_code_25_12_6")

    assert rows(invoice)[:4] == [
        # 3 x 249.00 less 51.45: a net unit price in whole öre, no discount
        ("NF-TS-EKO-M", "T-shirt Ekologisk bomull - M", "3", 231.85, 25, 0.0, "PERCENT", 3001),
        # 2 x 119.00 less 16.39 does not divide: one row of quantity one
        ("NF-KAF-MEL", "2 x Kaffe Mellanrost 500 g", "1", 238.0, 12, 16.39, "AMOUNT", 3002),
        ("NF-BOK-NVM", "Kokbok Nordiskt vardagsmat", "1", 318.0, 6, 21.9, "AMOUNT", 3003),
        ("NF-EBOK-NVM", "E-bok Nordiskt vardagsmat", "1", 149.0, 6, 10.26, "AMOUNT", 3003),
    ]
    assert (invoice["Total"], invoice["TotalVAT"]) == (1431.0, 198.03)


def test_new_articles_get_the_rate_its_sales_account_the_unit_and_service_type(
    sync, fortnox_sandbox
):
    sync("fixed_code_25_12_6")

    articles = fortnox_sandbox.tenant(TENANT).articles
    fields = ("Type", "VAT", "SalesAccount", "EUAccount", "ExportAccount", "Unit")
    assert {n: tuple(articles[n][f] for f in fields) for n in articles if n != "FRAKT"} == {
        "NF-TS-EKO-M": ("STOCK", 25, 3001, 3108, 3105, "st"),
        "NF-KAF-MEL": ("STOCK", 12, 3002, 3108, 3105, "st"),
        "NF-BOK-NVM": ("STOCK", 6, 3003, 3108, 3105, "st"),
        "NF-EBOK-NVM": ("SERVICE", 6, 3003, 3308, 3105, "st"),
    }


def test_a_foreign_rate_without_oss_fails_with_a_sentence_not_fortnoxs_message(sync):
    run, invoice = sync("oss_germany_19", oss=False)

    assert invoice is None
    assert run.status == SyncRun.Status.FAILED
    assert run.error_message == (
        "Fortnox refused the VAT rate 19 % and 7 % of Germany (DE): a consumer in Germany is"
        " charged that country's VAT under OSS, and this Fortnox company is not set up for"
        " OSS. Register for OSS (one-stop shop) and turn it on in Fortnox under"
        " Inställningar > Bokföring > Moms with Germany's rates, then replay this sync."
    )
    assert "Kunde inte" not in run.error_message


def test_readiness_lists_the_foreign_rates_recent_orders_need_and_whether_they_are_taken(
    sync, fortnox_sandbox, shop_integration, capsys
):
    sync("oss_germany_19", oss=False)

    with pytest.raises(SystemExit):
        call_command("fortnox_check", "--connection", str(shop_integration.fortnox.pk))
    refused = capsys.readouterr().out
    fortnox_sandbox.set_oss(TENANT)
    call_command("fortnox_check", "--connection", str(shop_integration.fortnox.pk))
    accepted = capsys.readouterr().out

    assert "[FAIL] OSS: 19 % VAT for consumers in Germany (DE)" in refused
    assert "[FAIL] OSS: 7 % VAT for consumers in Germany (DE)" in refused
    assert "Register for OSS (one-stop shop)" in refused
    assert "[ok]   OSS: 19 % VAT for consumers in Germany (DE)" in accepted


def test_a_reverse_charge_override_without_vat_number_fails_before_sending(
    sync, shop_integration, fortnox_sandbox
):
    shop_integration.vat_type_overrides = {"FI": "EUREVERSEDVAT"}
    shop_integration.save()

    run, invoice = sync("presentment_eur_finland")

    assert (run.status, invoice) == (SyncRun.Status.FAILED, None)
    assert run.error_message == (
        "A VAT type override makes buyers in Finland (FI) reverse charge (EUREVERSEDVAT), but"
        " this buyer has no VAT number, which Fortnox requires for that type. Remove the"
        " override for FI, or have the buyer give a VAT number, then replay this sync."
    )
    assert fortnox_customers(fortnox_sandbox) == {}


def test_rounding_is_said_in_one_line_on_the_run_and_the_order_note(sync, shopify_sandbox):
    from tests.shopify_app.conftest import shop_order

    run, invoice = sync("rounding_913_50")

    assert (invoice["Total"], invoice["RoundOff"]) == (914.0, 0.5)
    line = (
        "Fortnox rounded 913.50 to 914.00 SEK (öresavrundning): the invoice asks for 0.50 more"
        " than the buyer paid."
    )
    assert (run.status, warnings(run)) == (SyncRun.Status.SUCCEEDED_WITH_WARNING, [line])
    assert line in shop_order(shopify_sandbox, run.source_id)["note"]


def test_a_foreign_currency_document_is_never_rounded(sync):
    run, invoice = sync("presentment_eur_finland", round_off=True)

    assert (invoice["Total"], invoice["RoundOff"], run.status) == (
        170.2,
        0,
        SyncRun.Status.SUCCEEDED,
    )


def test_the_whole_order_name_is_kept_and_the_number_fits_your_order_number(sync):
    run, invoice = sync("long_names")

    assert (invoice["YourOrderNumber"], invoice["ExternalInvoiceReference2"]) == (
        "1215",
        "#NORDISKFORM-WEBBUTIK-STHLM-1215",
    )
    assert run.source_label == "#NORDISKFORM-WEBBUTIK-STHLM-1215"


def test_a_guest_without_email_gets_a_customer_of_their_own(sync, fortnox_sandbox):
    run, invoice = sync("guest_without_email")

    customer = fortnox_customers(fortnox_sandbox)[invoice["CustomerNumber"]]
    assert (customer["Name"], customer["Email"], run.status) == (
        "Nils Holm",
        "",
        SyncRun.Status.SUCCEEDED,
    )
