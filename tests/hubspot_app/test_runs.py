"""How a deal's run behaves beyond the happy path: a line item without SKU, a revoked
portal, VAT from the Fortnox article, field mappings on HubSpot properties, and the
settings that turn a deal into an error instead of a document."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fortnox.client import FortnoxClient
from integrations.models import ConnectionStatus
from syncs.accounts import integration_install
from syncs.models import FieldMapping, SyncRun
from syncs.replay import run_replay
from tests.hubspot_app.conftest import fortnox_invoices
from tests.plugins.hubspot import PORTAL_ID

pytestmark = pytest.mark.django_db


def _only_line_without_sku(made: dict) -> dict:
    [item] = [i for i in made["line_items"] if not i["properties"].get("hs_sku")]
    return item


def test_line_item_without_sku_fails_naming_it_and_replay_after_adding_it_succeeds(
    portal_integration,
    hubspot_sandbox,
    fortnox_sandbox,
    won_deal,
    deliver,
    django_capture_on_commit_callbacks,
):
    made = won_deal("quantities")  # its "Frakt" line has no SKU
    deal_id, item = made["deal"]["id"], _only_line_without_sku(made)

    deliver()

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED
    assert run.error_message.startswith("SKU should not be empty: the line item")
    assert f'line item {item["id"]} "Frakt"' in run.error_message
    assert fortnox_invoices(fortnox_sandbox) == {}
    [note] = hubspot_sandbox.notes(deal_id)
    body = note["properties"]["hs_note_body"]
    assert "SKU should not be empty" in body and "/syncs/replay/" in body
    assert note["attachments"] == []

    hubspot_sandbox.update_object(
        object_type="line_items", object_id=item["id"], properties={"hs_sku": "FRAKT"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert run_replay(run=run, inline=True)

    run.refresh_from_db()
    assert (run.status, run.error_message) == (SyncRun.Status.SUCCEEDED, "")
    [invoice] = fortnox_invoices(fortnox_sandbox).values()
    assert "FRAKT" in [row["ArticleNumber"] for row in invoice["InvoiceRows"]]
    assert (Decimal(str(invoice["Total"])), Decimal(str(invoice["TotalVAT"]))) == (
        Decimal("1562.50"),
        Decimal("312.50"),
    )
    notes = hubspot_sandbox.notes(deal_id)
    assert len(notes) == 2
    assert f"Fortnox invoice {run.document_number}" in notes[1]["properties"]["hs_note_body"]


def test_matching_articles_by_name_needs_no_sku(
    portal_integration, hubspot_sandbox, fortnox_sandbox, won_deal, deliver
):
    portal_integration.article_match = "name"
    portal_integration.save()
    won_deal("quantities")

    deliver()

    assert SyncRun.objects.get().status == SyncRun.Status.SUCCEEDED


def test_revoked_portal_needs_reauth_and_its_run_waits_then_completes_after_reconnecting(
    portal_integration,
    hubspot_sandbox,
    fortnox_sandbox,
    won_deal,
    deliver,
    django_capture_on_commit_callbacks,
):
    won_deal("mixed_vat_12_6")
    hubspot_sandbox.uninstall(portal_id=PORTAL_ID)

    deliver()

    source = portal_integration.source
    source.refresh_from_db()
    assert source.status == ConnectionStatus.NEEDS_REAUTH
    assert "Connect HubSpot again" in source.last_error
    run = SyncRun.objects.get()
    assert (run.status, run.attempts) == (SyncRun.Status.PENDING, 0)
    assert "Connect HubSpot again" in run.error_message
    assert fortnox_invoices(fortnox_sandbox) == {}

    from hubspot_app.oauth import HubSpotOAuth

    tokens = HubSpotOAuth().parse_tokens(hubspot_sandbox.issue_tokens(portal_id=PORTAL_ID))
    with django_capture_on_commit_callbacks(execute=True):
        integration_install(
            provider="hubspot", account_id=str(PORTAL_ID), display_name="x", tokens=tokens
        )

    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert len(fortnox_invoices(fortnox_sandbox)) == 1


def test_access_token_is_refreshed_ahead_of_expiry(
    portal_integration, hubspot_sandbox, won_deal, deliver
):
    source = portal_integration.source
    first_token = source.access_token
    source.token_expires_at = timezone.now() + timedelta(seconds=60)  # within the margin
    source.save()
    won_deal("mixed_vat_12_6")

    deliver()

    source.refresh_from_db()
    assert source.access_token != first_token
    assert source.status == ConnectionStatus.ACTIVE
    assert SyncRun.objects.get().status == SyncRun.Status.SUCCEEDED


def test_row_without_hs_tax_rate_takes_the_fortnox_articles_rate(
    portal_integration, hubspot_sandbox, fortnox_sandbox, fortnox_connection, won_deal, deliver
):
    FortnoxClient(connection=fortnox_connection).create_article(
        article={"ArticleNumber": "TE-GRON", "Description": "Grönt te", "VAT": 12}
    )
    won_deal(
        {
            "company": {"name": "Tehuset AB", "country": "Sweden"},
            "contact": {"email": "te@tehuset.se", "firstname": "Li", "lastname": "Wu"},
            "deal": {"dealname": "Te", "amount": "250", "dealstage": "contractsent"},
            "line_items": [
                {"name": "Grönt te", "hs_sku": "TE-GRON", "quantity": "2", "price": "125"}
            ],
        }
    )

    deliver()

    run = SyncRun.objects.get()
    assert (run.status, run.error_message) == (SyncRun.Status.SUCCEEDED, "")
    [invoice] = fortnox_invoices(fortnox_sandbox).values()
    assert [row["VAT"] for row in invoice["InvoiceRows"]] == [12]
    assert Decimal(str(invoice["TotalVAT"])) == Decimal("30.00")
    assert Decimal(str(invoice["Total"])) == Decimal("280.00")


def test_field_mappings_read_any_deal_company_contact_and_line_item_property(
    portal_integration, hubspot_sandbox, fortnox_sandbox, won_deal, deliver
):
    portal = hubspot_sandbox.portal()
    portal.custom_properties["deals"] = {"kundreferens": {"name": "kundreferens"}}
    FieldMapping.objects.create(
        integration=portal_integration,
        target="document.YourReference",
        kind=FieldMapping.Kind.TEMPLATE,
        expression="{deal.kundreferens} / {contact.lastname}",
    )
    FieldMapping.objects.create(
        integration=portal_integration,
        target="document.OurReference",
        kind=FieldMapping.Kind.PATH,
        expression="company.org_number",
    )
    FieldMapping.objects.create(
        integration=portal_integration,
        target="document.ExternalInvoiceReference2",
        kind=FieldMapping.Kind.PATH,
        expression="line_item.hs_sku",
    )
    made = hubspot_sandbox.create_deal("mixed_vat_12_6")
    hubspot_sandbox.update_object(
        object_type="deals", object_id=made["deal"]["id"], properties={"kundreferens": "PO-77"}
    )
    hubspot_sandbox.move_deal(made["deal"]["id"], "closedwon")

    deliver()

    [invoice] = fortnox_invoices(fortnox_sandbox).values()
    assert invoice["YourReference"] == "PO-77 / Ek"
    assert invoice["OurReference"] == "556222-3333"
    assert invoice["ExternalInvoiceReference2"] == "LUNCH"


def test_deal_without_line_items_fails_clearly_when_the_amount_row_is_off(
    portal_integration, hubspot_sandbox, fortnox_sandbox, won_deal, deliver
):
    settings = portal_integration.hubspot_settings
    settings.deal_amount_row = False
    settings.save()
    won_deal("no_line_items")

    deliver()

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED
    assert "has no line items" in run.error_message
    assert "switch the setting on" in run.error_message


def test_deal_without_company_fails_clearly_when_the_contact_fallback_is_off(
    portal_integration, hubspot_sandbox, won_deal, deliver
):
    settings = portal_integration.hubspot_settings
    settings.contact_fallback = False
    settings.save()
    won_deal("b2c_contact_only")

    deliver()

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED
    assert "has no company" in run.error_message


def test_write_back_retried_after_the_note_is_made_makes_no_second_note(
    portal_integration, hubspot_sandbox, won_deal, deliver
):
    from syncs.reporting import report_replay

    made = won_deal("mixed_vat_12_6")
    deliver()
    run = SyncRun.objects.get()

    assert report_replay(run=run, inline=True)
    assert report_replay(run=run, inline=True)

    assert len(hubspot_sandbox.notes(made["deal"]["id"])) == 1
    run.refresh_from_db()
    assert run.report_status == SyncRun.Report.DONE
