"""``manage.py sync_preview hubspot --payload bundle.json --json``: a deal bundle mapped
without any API call, printed in the same shape as Shopify's preview."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.hubspot_app.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def _preview(path, *args) -> dict:
    out = StringIO()
    call_command("sync_preview", "hubspot", "--payload", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def _row_amount(row: dict) -> Decimal:
    gross = Decimal(str(row["DeliveredQuantity"])) * Decimal(str(row["Price"]))
    discount = Decimal(str(row.get("Discount") or 0))
    return (gross.quantize(Decimal("0.01")) - discount).quantize(Decimal("0.01"))


def test_preview_maps_a_bundle_with_the_connectors_defaults_and_calls_no_api(mocked_http):
    preview = _preview(FIXTURES / "deal_won__percent_discount_half_up.json")

    assert len(mocked_http.calls) == 0
    assert set(preview) == {"document_type", "customer", "articles", "document", "warnings"}
    assert preview["document_type"] == "invoice"
    customer = preview["customer"]["Customer"]
    assert {k: customer[k] for k in ("Name", "Type", "VATType", "OrganisationNumber")} == {
        "Name": "Café Sirap HB",
        "Type": "COMPANY",
        "VATType": "SEVAT",
        "OrganisationNumber": "969712-3456",
    }
    invoice = preview["document"]["Invoice"]
    rows = [
        (r["ArticleNumber"], _row_amount(r), r["VAT"]) for r in invoice["InvoiceRows"]
    ]  # the row's shape (unit price and discount) is the engine's; its amount is ours
    assert rows == [("KAFFE-ETI", Decimal("122.19"), 12), ("BOK-FIKA", Decimal("179.00"), 6)]
    assert invoice["ExternalInvoiceReference1"].startswith("hubspot:sale:")
    assert invoice["VATIncluded"] is False
    assert preview["warnings"] == []


def test_preview_refuses_what_is_not_a_bundle(tmp_path):
    path = tmp_path / "order.json"
    path.write_text(json.dumps({"id": 1, "line_items": []}))

    with pytest.raises(CommandError, match='no "deal" object'):
        _preview(path)


def test_preview_states_the_missing_sku_as_a_one_line_error(tmp_path):
    bundle = json.loads((FIXTURES / "deal_won__per_unit_discount_25.json").read_text())
    bundle["line_items"][0]["properties"]["hs_sku"] = None
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))

    with pytest.raises(CommandError, match="SKU should not be empty"):
        _preview(path)


def test_sandbox_hubspot_deal_refuses_bad_input_with_one_line_and_exit_1():
    for args in (["--scenario", "nope"], ["--stage", "nowhere"], ["--duplicate", "0"]):
        done = subprocess.run(
            [sys.executable, "manage.py", "sandbox_hubspot_deal", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        )
        assert done.returncode == 1, args
        assert done.stderr.strip().startswith("CommandError:"), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_sandbox_hubspot_deal_exits_1_when_the_target_refuses(mocked_http, hubspot_http_sandbox):
    import requests
    from django.test import Client

    client = Client()

    def sandbox(request):
        url = request.url.split("/sandbox/hubspot", 1)[1]
        answer = client.generic(
            request.method,
            "/sandbox/hubspot" + url,
            request.body or b"",
            content_type="application/json",
        )
        return answer.status_code, {}, answer.content

    import re

    mocked_http.add_callback("POST", re.compile(r"http://testserver/sandbox/hubspot/.*"), sandbox)
    mocked_http.add("POST", "http://testserver/hubspot/webhooks/", status=401)

    with pytest.raises(CommandError, match="did not accept 1 of 1 deliveries"):
        call_command("sandbox_hubspot_deal", "--scenario", "quantities", stdout=StringIO())
    assert requests  # the sender goes through requests, answered by mocked_http
