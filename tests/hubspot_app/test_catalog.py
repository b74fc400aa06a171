"""HubSpot products as Fortnox articles: hubspot_sync_catalog against the sandbox portal,
and product webhooks when the portal's setting is on."""

from __future__ import annotations

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.hubspot_app.conftest import fortnox_customers
from tests.plugins.fortnox import TENANT
from tests.plugins.hubspot import PORTAL_ID

pytestmark = pytest.mark.django_db
PRODUCTS = [
    {"name": "Konsulttimme", "hs_sku": "KONS-1", "price": "1200", "hs_tax_rate_group_id": "1001"},
    {"name": "Kokbok", "hs_sku": "BOK-1", "price": "250.00", "hs_tax_rate_group_id": "1003"},
    {"name": "Kaffe", "hs_sku": "KAFFE-1", "price": "99.5"},  # no tax rate: the default 25 %
]


@pytest.fixture
def products(hubspot_sandbox) -> list[dict]:
    made = [hubspot_sandbox.create_object(object_type="products", properties=p) for p in PRODUCTS]
    hubspot_sandbox.outbox.clear()  # their creation events are not what these tests send
    return made


def sync(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("hubspot_sync_catalog", "--portal", str(PORTAL_ID), *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def articles(fortnox_sandbox) -> dict:
    return dict(fortnox_sandbox.tenant(TENANT).articles)


def test_products_create_every_missing_article_once_with_price_and_vat_rate(
    portal_integration, products, fortnox_sandbox
):
    first, bar = sync("--products")
    second, _ = sync("--products")

    assert first == "articles: created 3, updated 0, unchanged 0, failed 0"
    assert second == "articles: created 0, updated 0, unchanged 3, failed 0"
    assert "3/3" in bar
    made = articles(fortnox_sandbox)
    assert sorted(made) == ["BOK-1", "KAFFE-1", "KONS-1"]
    assert made["KONS-1"]["Description"] == "Konsulttimme"
    assert (D(str(made["KONS-1"]["SalesPrice"])), D(str(made["KONS-1"]["VAT"]))) == (1200, 25)
    assert (D(str(made["BOK-1"]["SalesPrice"])), D(str(made["BOK-1"]["VAT"]))) == (250, 6)
    assert (D(str(made["KAFFE-1"]["SalesPrice"])), D(str(made["KAFFE-1"]["VAT"]))) == (
        D("99.50"),
        25,
    )
    # The sales account is the one for the product's rate.
    assert made["BOK-1"]["SalesAccount"] != made["KONS-1"]["SalesAccount"]


def test_dry_run_writes_nothing(portal_integration, products, fortnox_sandbox):
    summary, _ = sync("--products", "--dry-run")

    assert summary == "dry run, nothing written: articles: created 3, updated 0, unchanged 0,"  \
        " failed 0"  # fmt: skip
    assert articles(fortnox_sandbox) == {}


def test_a_changed_price_updates_the_article(
    portal_integration, products, hubspot_sandbox, fortnox_sandbox
):
    sync("--products")
    hubspot_sandbox.update_object(
        object_type="products", object_id=products[0]["id"], properties={"price": "1300"}
    )

    summary, _ = sync("--products")

    assert summary == "articles: created 0, updated 1, unchanged 2, failed 0"
    assert D(str(articles(fortnox_sandbox)["KONS-1"]["SalesPrice"])) == 1300


def test_companies_and_contacts_become_customers_once(
    portal_integration, hubspot_sandbox, fortnox_sandbox
):
    hubspot_sandbox.create_deal("amount_discount")  # a company and a contact

    first, _ = sync("--companies", "--contacts")
    second, _ = sync("--companies", "--contacts")

    assert first == "customers: created 2, updated 0, unchanged 0, failed 0"
    assert second == "customers: created 0, updated 0, unchanged 2, failed 0"
    assert len(fortnox_customers(fortnox_sandbox)) == 2


def test_product_webhooks_keep_the_article_when_the_setting_is_on(
    portal_integration, hubspot_sandbox, fortnox_sandbox, deliver
):
    settings = portal_integration.hubspot_settings
    settings.sync_products = True
    settings.save()
    product = hubspot_sandbox.create_object(object_type="products", properties=PRODUCTS[1])
    deliver()
    hubspot_sandbox.update_object(
        object_type="products", object_id=product["id"], properties={"price": "275"}
    )
    deliver()

    [article] = articles(fortnox_sandbox).values()
    assert (article["ArticleNumber"], D(str(article["SalesPrice"]))) == ("BOK-1", 275)


def test_product_webhooks_do_nothing_when_the_setting_is_off(
    portal_integration, hubspot_sandbox, fortnox_sandbox, deliver
):
    hubspot_sandbox.create_object(object_type="products", properties=PRODUCTS[0])
    deliver()
    assert articles(fortnox_sandbox) == {}


def test_an_unknown_portal_is_a_command_error(db):
    with pytest.raises(CommandError, match="No integration for HubSpot portal 1"):
        call_command("hubspot_sync_catalog", "--portal", "1")
