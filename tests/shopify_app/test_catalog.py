"""Shopify customers and products kept in Fortnox: shopify_sync_catalog (a bulk operation)
and the customers/* and products/* webhooks when the shop's settings say so."""

from __future__ import annotations

import uuid
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shopify_app.catalog import customer_to_canonical, products_from_bulk, variant_lines
from shopify_app.models import ShopifySettings
from shopify_app.sandbox.webhooks import build_delivery, triggered_at
from syncs.models import ExternalLink
from tests.plugins.fortnox import TENANT
from tests.plugins.shopify import SHOP

pytestmark = pytest.mark.django_db
D = Decimal


def _add_products(sandbox) -> None:
    shop = sandbox.shop(SHOP)
    shop.products[11] = {
        "id": 11,
        "title": "Bryggkaffe",
        "status": "active",
        "variants": [
            {"id": 111, "title": "500 g", "sku": "KAFFE-500", "price": "125.00", "taxable": True},
            {"id": 112, "title": "1 kg", "sku": "KAFFE-1000", "price": "219.00", "taxable": True},
        ],
    }
    shop.products[12] = {
        "id": 12,
        "title": "Presentkort",
        "variants": [
            {"id": 121, "title": "Default Title", "sku": "GAVA", "price": "100.00",
             "taxable": False},
        ],
    }  # fmt: skip


def _add_customers(sandbox) -> None:
    shop = sandbox.shop(SHOP)
    shop.customers[21] = {
        "id": 21,
        "email": "anna@example.se",
        "first_name": "Anna",
        "last_name": "Berg",
        "default_address": {
            "first_name": "Anna", "last_name": "Berg", "address1": "Storgatan 1",
            "zip": "11122", "city": "Stockholm", "country_code": "SE",
        },
    }  # fmt: skip


def _delivery(sandbox, topic: str, resource: dict):
    return build_delivery(
        topic=topic,
        shop=SHOP,
        resource=resource,
        secret=sandbox.client_secret,
        api_version=sandbox.api_version,
        event_id=str(uuid.uuid4()),
        triggered=triggered_at(sandbox.now()),
    )


def _sync(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("shopify_sync_catalog", "--shop", SHOP, *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def _articles(fortnox_sandbox) -> dict:
    return {k: v for k, v in fortnox_sandbox.tenant(TENANT).articles.items() if k != "FRAKT"}


def test_products_create_every_missing_article_once_with_its_price_and_vat_rate(
    shop_integration, shopify_sandbox, fortnox_sandbox
):
    _add_products(shopify_sandbox)

    first, bar = _sync("--products")
    second, _ = _sync("--products")

    assert first == "articles: created 3, updated 0, unchanged 0, failed 0"
    assert second == "articles: created 0, updated 0, unchanged 3, failed 0"
    assert "3/3" in bar
    articles = _articles(fortnox_sandbox)
    assert sorted(articles) == ["GAVA", "KAFFE-1000", "KAFFE-500"]
    kaffe = articles["KAFFE-500"]
    assert kaffe["Description"] == "Bryggkaffe - 500 g"
    assert D(str(kaffe["SalesPrice"])) == D("100.00")  # 125.00 including 25 % VAT
    assert D(str(kaffe["VAT"])) == 25
    assert D(str(articles["KAFFE-1000"]["SalesPrice"])) == D("175.20")
    assert D(str(articles["GAVA"]["SalesPrice"])) == D("100.00")  # not taxable: 0 %
    assert ExternalLink.objects.filter(kind="article").count() == 3


def test_a_changed_price_updates_the_linked_article(
    shop_integration, shopify_sandbox, fortnox_sandbox
):
    _add_products(shopify_sandbox)
    _sync("--products")
    shopify_sandbox.shop(SHOP).products[11]["variants"][0]["price"] = "150.00"

    summary, _ = _sync("--products")

    assert summary == "articles: created 0, updated 1, unchanged 2, failed 0"
    assert D(str(_articles(fortnox_sandbox)["KAFFE-500"]["SalesPrice"])) == D("120.00")


def test_catalog_vat_rate_is_a_setting(shop_integration, shopify_sandbox, fortnox_sandbox):
    ShopifySettings.objects.filter(integration=shop_integration).update(catalog_vat_rate=12)
    _add_products(shopify_sandbox)

    _sync("--products")

    kaffe = _articles(fortnox_sandbox)["KAFFE-500"]
    assert (D(str(kaffe["VAT"])), D(str(kaffe["SalesPrice"]))) == (12, D("111.61"))


def test_customers_are_created_once_then_updated_and_numbers_written_back(
    shop_integration, shopify_sandbox, fortnox_sandbox
):
    shop_integration.write_back_customer_number = True
    shop_integration.save()
    _add_customers(shopify_sandbox)

    first, _ = _sync("--customers")
    shopify_sandbox.shop(SHOP).customers[21]["default_address"]["city"] = "Göteborg"
    second, _ = _sync("--customers")
    third, _ = _sync("--customers")

    assert first == "customers: created 1, updated 0, unchanged 0, failed 0"
    assert second == "customers: created 0, updated 1, unchanged 0, failed 0"
    assert third == "customers: created 0, updated 0, unchanged 1, failed 0"
    (customer,) = fortnox_sandbox.tenant(TENANT).customers.values()
    assert (customer["Name"], customer["Email"], customer["City"]) == (
        "Anna Berg",
        "anna@example.se",
        "Göteborg",
    )
    metafields = shopify_sandbox.shop(SHOP).customers[21]["metafields"]
    assert [(m["key"], m["value"]) for m in metafields] == [
        ("customer_number", customer["CustomerNumber"])
    ]


def test_dry_run_writes_nothing(shop_integration, shopify_sandbox, fortnox_sandbox):
    _add_products(shopify_sandbox)
    _add_customers(shopify_sandbox)

    summary, _ = _sync("--dry-run")

    assert summary == (
        "dry run, nothing written: customers: created 1, updated 0, unchanged 0, failed 0;"
        " articles: created 3, updated 0, unchanged 0, failed 0"
    )
    assert not _articles(fortnox_sandbox)
    assert not fortnox_sandbox.tenant(TENANT).customers
    assert not ExternalLink.objects.exists()


def test_a_variant_without_sku_fails_with_a_sentence(
    shop_integration, shopify_sandbox, fortnox_sandbox
):
    _add_products(shopify_sandbox)
    shopify_sandbox.shop(SHOP).products[12]["variants"][0]["sku"] = ""

    summary, err = _sync("--products")

    assert summary == "articles: created 2, updated 0, unchanged 0, failed 1"
    assert "failed: article Presentkort: 'Presentkort' has no SKU" in err


def test_bad_input_is_one_line(shop_integration):
    with pytest.raises(CommandError, match="has not installed the app"):
        call_command("shopify_sync_catalog", "--shop", "okand.myshopify.com", stdout=StringIO())


@pytest.mark.parametrize("enabled", [True, False])
def test_customer_and_product_webhooks_follow_the_setting(
    enabled, shop_integration, shopify_sandbox, fortnox_sandbox, post_webhooks
):
    ShopifySettings.objects.filter(integration=shop_integration).update(
        sync_customers=enabled, sync_products=enabled
    )
    _add_products(shopify_sandbox)
    _add_customers(shopify_sandbox)
    shop = shopify_sandbox.shop(SHOP)
    deliveries = [
        _delivery(shopify_sandbox, "customers/update", shop.customers[21]),
        _delivery(shopify_sandbox, "products/create", shop.products[11]),
    ]

    responses = post_webhooks(deliveries)

    assert [r.status_code for r in responses] == [200, 200]
    customers = fortnox_sandbox.tenant(TENANT).customers
    assert len(customers) == (1 if enabled else 0)
    assert sorted(_articles(fortnox_sandbox)) == (["KAFFE-1000", "KAFFE-500"] if enabled else [])


def test_pure_mapping_of_customers_and_products():
    customer = customer_to_canonical(
        {"id": 5, "email": "a@b.se", "first_name": "A", "last_name": "B",
         "default_address": {"company": "AB Exempel", "country_code": "se"}}
    )  # fmt: skip
    rows = [
        {"id": "gid://shopify/Product/1", "legacyResourceId": "1", "title": "T"},
        {"id": "gid://shopify/ProductVariant/2", "legacyResourceId": "2", "title": "Default Title",
         "sku": "S", "price": "10.0", "taxable": True, "__parentId": "gid://shopify/Product/1"},
    ]  # fmt: skip
    (product,) = products_from_bulk(rows)
    (line,) = variant_lines(product, vat_rate=D(6))

    assert (customer.name, customer.kind, customer.billing.country_code) == (
        "AB Exempel",
        "company",
        "SE",
    )
    assert (line.description, line.sku, line.unit_price, line.vat_rate) == ("T", "S", D("10.00"), 6)
