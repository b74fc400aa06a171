"""A new HubSpot merchant, in Chromium: install the app in a portal, connect Fortnox, choose
settings (a stage rule), see the readiness check, win a deal, fail one on purpose, fix the
setting and replay it."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from syncs.models import Integration, SyncRun
from tests.browser.conftest import settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PORTAL_ID = 24_680_001
WON = {"pipeline": "default", "stage": "closedwon", "document_type": "invoice"}


@pytest.fixture
def served_hubspot(served, settings, tmp_path):
    """``served`` with the app pointed at the live server's own /sandbox/hubspot/ too, and
    a fresh HubSpot sandbox (one portal) behind it."""
    from hubspot_app.sandbox import HubSpotSandbox
    from hubspot_app.sandbox.views import set_default_sandbox

    base = served.url
    settings.HUBSPOT_API_URL = f"{base}/sandbox/hubspot"
    settings.HUBSPOT_AUTH_URL = f"{base}/sandbox/hubspot/oauth/authorize"
    sandbox = HubSpotSandbox()
    sandbox.add_portal(portal_id=PORTAL_ID)
    set_default_sandbox(sandbox, path=tmp_path / "hubspot.json")
    yield served, sandbox
    set_default_sandbox(None)


def win_deal(base: str, scenario: str) -> None:
    """What `manage.py sandbox_hubspot_deal` does in a second shell under `make run`: make
    the deal through the sandbox's control API, move it to closedwon, and post the signed
    webhooks to the live server."""
    call_command(
        "sandbox_hubspot_deal",
        "--scenario",
        scenario,
        "--stage",
        "closedwon",
        "--sandbox-url",
        f"{base}/sandbox/hubspot",
        "--target",
        f"{base}/hubspot/webhooks/",
    )
    settle()


def save_settings(page) -> None:
    page.get_by_role("button", name="Save and check Fortnox").click()


def test_a_hubspot_merchant_onboards_books_a_deal_and_replays_a_failure(
    served_hubspot, browser_page
):
    served, sandbox = served_hubspot
    page, steps = browser_page
    base = served.url

    # Install: the sandbox home page's button, then HubSpot's consent page.
    page.goto(f"{base}/sandbox/")
    page.get_by_role("link", name="Install the app in a HubSpot portal").click()
    expect(page.get_by_role("heading", name="Connect the app to HubSpot")).to_be_visible()
    steps.shot("hubspot consent")
    page.get_by_role("button", name="Approve").click()

    # 1. Connect Fortnox by approving on its consent page.
    expect(page.get_by_role("heading", name="1. Connect Fortnox")).to_be_visible()
    steps.shot("step 1 connect fortnox")
    page.get_by_role("link", name="Connect Fortnox", exact=True).click()
    steps.shot("fortnox consent")
    page.get_by_role("button", name="Approve").click()

    # 2. Settings: a stage rule the portal lacks is refused next to its field, with the
    # portal's stages listed; then the won stage, and missing articles are created.
    expect(page.get_by_role("heading", name="2. Settings")).to_be_visible()
    expect(page.get_by_text("Fortnox is connected.")).to_be_visible()
    rules = page.get_by_label("Stage rules")
    field = page.locator("div.field", has=rules)
    expect(field).to_contain_text("default/closedwon = Sales Pipeline: Closed won")
    steps.shot("step 2 settings")
    rules.fill(json.dumps([{**WON, "stage": "wonwon"}]))
    page.get_by_label("Create the article in Fortnox").check()
    save_settings(page)
    expect(page.get_by_text("Some settings need a change:")).to_be_visible()
    expect(field.locator(".errorlist")).to_contain_text(
        "HubSpot has no stage wonwon in pipeline default"
    )
    steps.shot("step 2 an error next to its field")
    rules.fill(json.dumps([WON]))
    page.get_by_label("Create the article in Fortnox").check()
    save_settings(page)

    # 3. The readiness check, live against the sandbox Fortnox.
    expect(page.get_by_role("heading", name="3. Check Fortnox")).to_be_visible()
    expect(page.get_by_text("Fortnox is ready.")).to_be_visible()
    steps.shot("step 3 readiness")
    page.get_by_role("link", name="Continue").click()

    # 4. Done: what happens to the next deal.
    expect(page.get_by_role("heading", name="4. Done")).to_be_visible()
    steps.shot("step 4 done")
    page.get_by_role("link", name="Go to the status page").click()

    # A deal is won in HubSpot: its run succeeds and links to the sandbox invoice.
    integration = Integration.objects.get(source__provider="hubspot")
    assert integration.source.account_id == str(PORTAL_ID)
    win_deal(base, "mixed_vat_12_6")
    page.reload()
    first = page.locator("table.runs tbody tr").first
    expect(first).to_contain_text("Succeeded")
    expect(first).to_contain_text("SEK")
    expect(first).to_contain_text("Written back")
    steps.shot("status with a booked deal")
    run = SyncRun.objects.get(integration=integration)
    deal_id = run.source_id.split(":")[0]
    assert any(
        run.document_number in note["properties"]["hs_note_body"] for note in sandbox.notes(deal_id)
    )
    first.get_by_role("link", name=re.compile("Invoice")).click()
    expect(page.get_by_role("heading", name=re.compile("Invoice 1"))).to_be_visible()
    steps.shot("the invoice in the sandbox fortnox")
    page.go_back()

    # Fail one on purpose: articles are matched by SKU, and one line item has none.
    win_deal(base, "quantities")
    page.goto(f"{base}/app/{integration.pk}/?outcome=failed")
    failed = page.locator("table.runs tbody tr").first
    expect(failed).to_contain_text("Failed")
    expect(failed.locator("td.error")).to_contain_text("SKU")
    steps.shot("status with a failed deal")
    failed_run = SyncRun.objects.get(integration=integration, status=SyncRun.Status.FAILED)

    # Fix the setting (match articles by name) and replay it from the status page.
    page.goto(f"{base}/app/{integration.pk}/setup/settings/")
    page.get_by_label("Product name = article description").check()
    save_settings(page)
    expect(page.get_by_role("heading", name="3. Check Fortnox")).to_be_visible()
    page.goto(f"{base}/app/{integration.pk}/?outcome=failed")
    failed.get_by_role("button", name=re.compile("Replay")).click()
    expect(page.get_by_text(re.compile("is being synced again"))).to_be_visible()
    page.goto(f"{base}/app/{integration.pk}/")
    failed_run.refresh_from_db()
    assert failed_run.status == SyncRun.Status.SUCCEEDED, failed_run.error
    expect(page.locator("table.runs tbody tr").filter(has_text="Failed")).to_have_count(0)
    steps.shot("status after the replay")
    assert SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).count() == 2
