"""`make run`'s demo seeding and the sandbox pages a person looks at."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from integrations.models import Connection
from syncs.models import Integration
from syncs.outbox import outbox_relay

pytestmark = pytest.mark.django_db


@pytest.fixture
def login_file(tmp_path, monkeypatch):
    path = tmp_path / "demo-login.txt"
    monkeypatch.setattr("config.demo._login_file", lambda: path)
    return path


def test_the_demo_connects_the_sandboxes_and_prints_the_urls(
    fortnox_http_sandbox, shopify_http_sandbox, hubspot_http_sandbox, login_file, capsys
):
    call_command("sandbox_demo")

    shop = Integration.objects.get(source__provider="shopify")
    assert shop.fortnox.display_name == "Sandbox AB"
    assert shop.missing_article == Integration.MissingArticle.CREATE
    assert shop.source.is_active and shop.fortnox.is_active
    out = capsys.readouterr().out
    assert "/sandbox/shopify-admin/add-app/?shop=demo-butik.myshopify.com" in out
    assert "/sandbox/fortnox/ui/" in out
    assert f"user demo, password {login_file.read_text().strip()}" in out


def test_running_the_demo_again_keeps_the_merchants_settings(
    fortnox_http_sandbox, shopify_http_sandbox, hubspot_http_sandbox, login_file
):
    call_command("sandbox_demo")
    Integration.objects.update(missing_article="halt")

    call_command("sandbox_demo")

    assert {i.missing_article for i in Integration.objects.all()} == {"halt"}
    assert Connection.objects.filter(provider="fortnox").count() == 1


def test_the_demo_portal_books_the_first_deal_won_and_prints_its_status_page(
    fortnox_sandbox,
    hubspot_sandbox,
    shopify_http_sandbox,
    login_file,
    client,
    django_capture_on_commit_callbacks,
    tmp_path,
    capsys,
):
    """What `sandbox_hubspot_deal` does in a second shell under `make run`: a deal moved to
    closedwon and its webhooks delivered becomes a draft invoice, noted on the deal."""
    from fortnox.sandbox.views import set_default_sandbox as set_fortnox
    from hubspot_app.models import HubSpotSettings
    from hubspot_app.sandbox.testing import post_to_client
    from hubspot_app.sandbox.views import set_default_sandbox as set_hubspot
    from syncs.models import SyncRun
    from tests.plugins.hubspot import PORTAL_ID

    set_fortnox(fortnox_sandbox)
    set_hubspot(hubspot_sandbox, path=tmp_path / "hubspot.json")
    try:
        call_command("sandbox_demo")
    finally:
        set_fortnox(None)
        set_hubspot(None)
    portal = Integration.objects.get(source__provider="hubspot")
    assert portal.source.account_id == str(PORTAL_ID) and portal.source.is_active
    assert portal.fortnox.display_name == "Sandbox AB"
    assert portal.missing_article == Integration.MissingArticle.CREATE
    assert HubSpotSettings.objects.get(integration=portal).rules() == [
        {"pipeline": "default", "stage": "closedwon", "document_type": "invoice"}
    ]
    assert f"/app/{portal.pk}/" in capsys.readouterr().out

    deal = hubspot_sandbox.create_deal("mixed_vat_12_6")["deal"]
    hubspot_sandbox.move_deal(deal["id"], "closedwon")
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in hubspot_sandbox.webhook_deliveries("http://testserver/hubspot/webhooks/"):
            assert post_to_client(client, delivery).status_code == 200
        outbox_relay()

    run = SyncRun.objects.get(integration=portal)
    assert run.status == SyncRun.Status.SUCCEEDED
    invoices = fortnox_sandbox.tenants[portal.fortnox.account_id].invoices
    assert run.document_number in invoices
    notes = hubspot_sandbox.notes(deal["id"])
    assert any(run.document_number in note["properties"]["hs_note_body"] for note in notes)


def test_the_sandbox_fortnox_shows_invoices_with_rows_totals_and_pdf(client, fortnox_http_sandbox):
    tenant = fortnox_http_sandbox.add_tenant("9999999", "Sandbox AB")
    tenant.invoices["7"] = {
        "DocumentNumber": "7",
        "CustomerNumber": "1",
        "CustomerName": "Anna Svensson",
        "InvoiceDate": "2026-12-01",
        "InvoiceRows": [
            {"ArticleNumber": "TS-1", "Description": "T-shirt", "DeliveredQuantity": "2",
             "Price": 249.0, "VAT": 25, "Total": 498.0},
        ],
        "Net": 398.4, "TotalVAT": 99.6, "Total": 498.0, "Currency": "SEK",
    }  # fmt: skip

    listing = client.get("/sandbox/fortnox/ui/").content.decode()
    one = client.get("/sandbox/fortnox/ui/9999999/invoices/7/")
    pdf = client.get("/sandbox/fortnox/ui/9999999/invoices/7/pdf/")

    assert "Invoice 7" in listing and "T-shirt" in listing and "498.00 SEK" in listing
    assert one.status_code == 200
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get("/sandbox/fortnox/ui/9999999/invoices/8/").status_code == 404


def test_the_sandbox_shopify_lists_orders_with_their_notes(client, shopify_http_sandbox):
    from shopify_app.sandbox.views import save_sandbox
    from tests.plugins.shopify import SHOP

    order = shopify_http_sandbox.create_order(shop=SHOP, order="single_vat_25")
    shopify_http_sandbox.shop(SHOP).orders[order["id"]]["note"] = "Fortnox invoice 1 created."
    save_sandbox(shopify_http_sandbox)

    page = client.get("/sandbox/shopify-admin/orders/").content.decode()

    assert order["name"] in page
    assert "Fortnox invoice 1 created." in page


def test_without_sandboxes_the_demo_seeds_nothing_and_makes_no_login(settings, login_file, capsys):
    from django.contrib.auth.models import User

    settings.SANDBOX_ENABLED = False

    call_command("sandbox_demo")

    assert not User.objects.exists() and not Integration.objects.exists()
    assert not login_file.exists()
    assert "/shopify/install/" in capsys.readouterr().out


def test_the_sandbox_home_page_links_the_pages_to_look_at(client):
    page = client.get("/sandbox/").content.decode()

    assert "/sandbox/shopify-admin/add-app/?shop=demo-butik.myshopify.com" in page
    assert "/sandbox/fortnox/ui/" in page
    assert "/sandbox/shopify-admin/orders/" in page
