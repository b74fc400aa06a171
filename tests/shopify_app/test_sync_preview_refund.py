"""``sync_preview shopify --payload order.json --refund refund.json --json``: the credit
invoice a refund makes when the order's invoice is booked, in the order preview's shape,
without any API call; the invoice's number when the order is already synced."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from syncs.models import ExternalLink
from tests.plugins.shopify import SHOP

pytestmark = pytest.mark.django_db
KAFFE = 15730000000422


@pytest.fixture
def files(tmp_path, shopify_sandbox):
    """order.json (mixed_vat_25_12_6, paid) and refund.json (one coffee and the shipping)
    as their webhooks deliver them."""
    order = shopify_sandbox.create_order(shop=SHOP, order="mixed_vat_25_12_6")
    shopify_sandbox.mark_paid(shop=SHOP, order_id=order["id"])
    refund = shopify_sandbox.refund(
        shop=SHOP, order_id=order["id"], line_items={KAFFE: 1}, shipping=True
    )
    (tmp_path / "order.json").write_text(json.dumps(order))
    (tmp_path / "refund.json").write_text(json.dumps(refund))
    return tmp_path / "order.json", tmp_path / "refund.json", order


def _preview(order, refund, *args) -> dict:
    out = StringIO()
    call_command(
        "sync_preview", "shopify", "--payload", str(order), "--refund", str(refund), "--json",
        *args, stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


def test_the_refund_preview_is_a_credit_invoice_with_negative_rows(files, mocked_http):
    order, refund, _ = files
    calls = len(mocked_http.calls)

    data = _preview(order, refund)

    assert list(data) == ["document_type", "customer", "articles", "document", "warnings"]
    invoice = data["document"]["Invoice"]
    assert invoice["CreditInvoiceReference"] == "(the invoice of #1001)"
    assert invoice["ExternalInvoiceReference1"].startswith("shopify:credit:")
    quantities = [row["DeliveredQuantity"] for row in invoice["InvoiceRows"]]
    assert quantities == [-1.0, -1.0]  # one coffee, the shipping once
    amount = sum(
        Decimal(str(r["Price"])) * Decimal(str(r["DeliveredQuantity"]))
        for r in invoice["InvoiceRows"]
    )
    assert amount == Decimal("-138.90")  # 89.90 + 49.00, prices including VAT
    assert len(mocked_http.calls) == calls  # no API call


def test_the_refund_preview_names_the_invoice_of_a_synced_order(files, shop_integration):
    order, refund, placed = files
    ExternalLink.objects.create(
        integration=shop_integration,
        kind="invoice",
        source_id=f"shopify:sale:{placed['id']}",
        fortnox_number="17",
    )

    data = _preview(order, refund, "--integration", str(shop_integration.pk))

    assert data["document"]["Invoice"]["CreditInvoiceReference"] == "17"


def test_a_refund_file_that_is_no_refund_is_refused(files, tmp_path):
    order, _, _ = files
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": 1}))

    with pytest.raises(CommandError, match="not a refund"):
        _preview(order, bad)
