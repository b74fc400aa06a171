"""Every fixture deal through the whole pipeline: made in the HubSpot sandbox and moved to
a configured stage -> signed webhook -> InboundEvent -> the deal re-read (GET + batch
reads) -> mapper -> engine -> Fortnox sandbox -> a note on the deal with the PDF.
Fortnox's own Total and TotalVAT must equal the line items' net plus VAT, to the öre."""

from __future__ import annotations

from decimal import Decimal

import pytest

from syncs.models import InboundEvent, SyncRun, SyncRunLog
from tests.hubspot_app.conftest import (
    fortnox_customers,
    fortnox_invoices,
    load_bundle,
)

pytestmark = pytest.mark.django_db
D = Decimal
# fixture: (net, VAT, currency, the customer's VAT type), worked out by hand from the
# line items (hubspot.md §0a arithmetic, VAT per row rounded half up).
TABLE = {
    "deal_won__per_unit_discount_25": ("3297.00", "824.25", "SEK", "SEVAT"),
    "deal_won__percent_discount_half_up": ("301.19", "25.40", "SEK", "SEVAT"),
    "deal_won__mixed_rates_number_formats": ("1689.00", "368.19", "SEK", "SEVAT"),
    "deal_won__eu_company_reverse_charge": ("1250.00", "0.00", "EUR", "EUREVERSEDVAT"),
    "deal_won__norwegian_company_export": ("4794.00", "0.00", "NOK", "EXPORT"),
    "deal_won__consumer_contact_only": ("7196.00", "1799.00", "SEK", "SEVAT"),
    "deal_won__no_line_items_deal_amount": ("12500.00", "3125.00", "SEK", "SEVAT"),
    "deal_won__eu_consumer_swedish_vat": ("477.60", "119.40", "SEK", "EUVAT"),
}


def test_the_table_covers_every_fixture():
    from tests.hubspot_app.conftest import bundle_names

    assert sorted(TABLE) == bundle_names()


@pytest.mark.parametrize("name", sorted(TABLE))
def test_deal_moved_to_won_becomes_one_fortnox_invoice_with_the_line_items_totals(
    name, portal_integration, hubspot_sandbox, fortnox_sandbox, won_deal, deliver
):
    net, vat, currency, vat_type = TABLE[name]
    made = won_deal(load_bundle(name))
    deal_id = made["deal"]["id"]

    responses = deliver()

    assert {r.status_code for r in responses} == {200}
    run = SyncRun.objects.get()
    assert (run.status, run.error_message) == (SyncRun.Status.SUCCEEDED, "")
    assert run.source_id == f"{deal_id}:default:closedwon"
    assert not SyncRunLog.objects.filter(level=SyncRunLog.Level.WARNING).exists()
    [invoice] = fortnox_invoices(fortnox_sandbox).values()
    assert D(str(invoice["Total"])) == D(net) + D(vat)
    assert D(str(invoice["TotalVAT"])) == D(vat)
    assert invoice["Currency"] == currency
    assert invoice["ExternalInvoiceReference1"] == f"hubspot:sale:{deal_id}"
    dealname = made["deal"]["properties"]["dealname"]
    assert invoice["Remarks"] == f"HubSpot deal {deal_id}: {dealname}"
    customer = fortnox_customers(fortnox_sandbox)[invoice["CustomerNumber"]]
    assert customer["VATType"] == vat_type
    [note] = hubspot_sandbox.notes(deal_id)
    assert f"Fortnox invoice {run.document_number}" in note["properties"]["hs_note_body"]
    assert f"of which VAT {D(vat):.2f} {currency}" in note["properties"]["hs_note_body"]
    [pdf] = note["attachments"]
    assert pdf["extension"] == "pdf"
    assert (
        hubspot_sandbox.portal().store("deals")[deal_id]["properties"]["fortnox_document_number"]
        == run.document_number
    )
    assert InboundEvent.objects.filter(state=InboundEvent.State.FAILED).count() == 0
