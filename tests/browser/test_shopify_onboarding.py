"""A new Shopify merchant, in Chromium: install, connect Fortnox, choose settings, see the
readiness check, book an order, fail one on purpose, fix the setting and replay it."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from syncs.models import Integration, SyncRun
from tests.browser.conftest import settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOP = "demo-butik.myshopify.com"


def place_order(scenario: str) -> None:
    """What `manage.py sandbox_shopify_order` does in a second shell under `make run`."""
    call_command("sandbox_shopify_order", "--scenario", scenario, "--shop", SHOP)
    settle()


def test_a_shopify_merchant_onboards_books_an_order_and_replays_a_failure(served, browser_page):
    page, steps = browser_page
    base = served.url

    # Install: the sandbox Shopify admin opens the app's signed install URL.
    page.goto(f"{base}/sandbox/shopify-admin/add-app/?shop={SHOP}")
    expect(page.get_by_role("heading", name=re.compile("Install app"))).to_be_visible()
    steps.shot("shopify consent")
    page.get_by_role("button", name="Install app").click()

    # 1. Connect Fortnox by approving on its consent page.
    expect(page.get_by_role("heading", name="1. Connect Fortnox")).to_be_visible()
    steps.shot("step 1 connect fortnox")
    page.get_by_role("link", name="Connect Fortnox", exact=True).click()
    steps.shot("fortnox consent")
    page.get_by_role("button", name="Approve").click()

    # 2. Settings: the first order should be booked, so missing articles are created.
    expect(page.get_by_role("heading", name="2. Settings")).to_be_visible()
    expect(page.get_by_text("Fortnox is connected.")).to_be_visible()
    steps.shot("step 2 settings")
    page.get_by_label("Use the placeholder article").check()
    page.get_by_role("button", name="Save and check Fortnox").click()
    expect(page.get_by_text("Some settings need a change:")).to_be_visible()
    expect(page.locator("#field-placeholder_article .errorlist")).to_contain_text(
        "Set the placeholder article"
    )
    steps.shot("step 2 an error next to its field")
    page.get_by_label("Create the article in Fortnox").check()
    page.get_by_role("button", name="Save and check Fortnox").click()

    # 3. The readiness check, live against the sandbox Fortnox.
    expect(page.get_by_role("heading", name="3. Check Fortnox")).to_be_visible()
    expect(page.get_by_text("Fortnox is ready.")).to_be_visible()
    steps.shot("step 3 readiness")
    page.get_by_role("link", name="Continue").click()

    # 4. Done: one true sentence about the next order.
    expect(page.get_by_role("heading", name="4. Done")).to_be_visible()
    expect(
        page.get_by_text(re.compile("When the order is paid, it becomes a draft invoice"))
    ).to_contain_text("is created as a new article")
    steps.shot("step 4 done")
    page.get_by_role("link", name="Go to the status page").click()

    # An order is paid in Shopify: its run succeeds and links to the sandbox invoice.
    place_order("single_vat_25")
    page.reload()
    first = page.locator("table.runs tbody tr").first
    expect(first).to_contain_text("#1001")
    expect(first).to_contain_text("Succeeded")
    expect(first).to_contain_text("SEK")
    expect(first).to_contain_text("Written back")
    steps.shot("status with a booked order")
    page.get_by_role("button", name="Sync customers and products").click()
    expect(page.locator(".registers")).to_contain_text("customers: created 0")
    steps.shot("customers and products synced")
    first.get_by_role("link", name=re.compile("Invoice")).click()
    expect(page.get_by_role("heading", name=re.compile("Invoice 1"))).to_be_visible()
    expect(page.get_by_text("shopify:sale:", exact=False)).to_be_visible()
    steps.shot("the invoice in the sandbox fortnox")
    page.go_back()

    # Fail one on purpose: halt on unknown articles, then an order of other products.
    integration = Integration.objects.get()
    page.goto(f"{base}/app/{integration.pk}/setup/settings/")
    page.get_by_label("Halt the sync for review").check()
    page.get_by_role("button", name="Save and check Fortnox").click()
    place_order("mixed_vat_25_12_6")
    page.goto(f"{base}/app/{integration.pk}/?outcome=failed")
    failed = page.locator("table.runs tbody tr").first
    expect(failed).to_contain_text("#1002")
    expect(failed).to_contain_text("Failed")
    expect(failed.locator("td.error")).not_to_be_empty()
    steps.shot("status with a failed order")

    # Fix the setting and replay it from the status page.
    page.goto(f"{base}/app/{integration.pk}/setup/settings/")
    page.get_by_label("Create the article in Fortnox").check()
    page.get_by_role("button", name="Save and check Fortnox").click()
    page.goto(f"{base}/app/{integration.pk}/?outcome=failed")
    page.get_by_role("button", name="Replay #1002").click()
    expect(page.get_by_text("#1002 is being synced again.")).to_be_visible()
    page.goto(f"{base}/app/{integration.pk}/")
    replayed = page.locator("table.runs tbody tr", has_text="#1002")
    expect(replayed).to_contain_text("Succeeded")
    steps.shot("status after the replay")
    assert SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).count() == 2

    # The note written back to the order, on the sandbox Shopify's page.
    page.goto(f"{base}/sandbox/shopify-admin/orders/")
    expect(page.locator("tr", has_text="#1002")).to_contain_text("fortnox-synced")
    steps.shot("notes written back in the sandbox shopify")

    # The same page in Swedish, with the switch in the header.
    page.goto(f"{base}/app/{integration.pk}/")
    page.get_by_label("Language").select_option("sv")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="Synkningar")).to_be_visible()
    steps.shot("status in swedish")


def test_the_status_page_reads_well_on_a_phone(served, chromium):
    """The same pages at 390 px: nothing wider than the screen."""
    from tests.browser.conftest import Steps

    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    steps = Steps(page, "phone")
    page.goto(f"{served.url}/sandbox/shopify-admin/add-app/?shop={SHOP}")
    page.get_by_role("button", name="Install app").click()
    page.get_by_role("link", name="Connect Fortnox", exact=True).click()
    page.get_by_role("button", name="Approve").click()
    steps.shot("settings on a phone")
    integration = Integration.objects.get()
    Integration.objects.filter(pk=integration.pk).update(missing_article="create")
    place_order("single_vat_25")
    page.goto(f"{served.url}/app/{integration.pk}/")
    expect(page.locator("table.runs tbody tr").first).to_contain_text("Succeeded")
    steps.shot("status on a phone")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0
