from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from syncs.models import ExternalLink, FieldMapping, SyncRun
from tests.syncs.conftest import make_document


@pytest.fixture
def payload_file(tmp_path, fake_source):
    fake_source.documents["1001"] = make_document()
    path = tmp_path / "order.json"
    path.write_text(json.dumps({"id": 1001}))
    return path


def _preview(capsys, *args) -> dict:
    call_command("sync_preview", *args, "--json")
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_preview_prints_customer_articles_and_document_with_default_settings(
    payload_file, capsys, mocked_http
):
    preview = _preview(capsys, "testsource", "--payload", str(payload_file))

    assert preview["document_type"] == "invoice"
    assert preview["customer"] == {
        "Customer": {
            "Name": "Anna Svensson",
            "Type": "PRIVATE",
            "VATType": "SEVAT",
            "Email": "anna@example.se",
            "Address1": "Storgatan 1",
            "ZipCode": "11122",
            "City": "Stockholm",
            "CountryCode": "SE",
        }
    }
    # New articles get the line's VAT rate with its BAS sales account, the EU and export
    # accounts, and the unit.
    accounts = {"EUAccount": 3108, "ExportAccount": 3105, "Unit": "st"}
    assert preview["articles"] == [
        {
            "Article": {
                "Description": "T-shirt Blå M",
                "Type": "STOCK",
                "ArticleNumber": "TS-BLUE-M",
                "VAT": 25.0,
                "SalesAccount": 3001,
                **accounts,
            }
        },
        {
            "Article": {
                "Description": "Kokbok",
                "Type": "STOCK",
                "ArticleNumber": "BOOK-1",
                "VAT": 6.0,
                "SalesAccount": 3003,
                **accounts,
            }
        },
    ]
    invoice = preview["document"]["Invoice"]
    assert invoice["CustomerNumber"] == "(new customer)"
    assert invoice["ExternalInvoiceReference1"] == "testsource:sale:1001"
    assert [r.get("ArticleNumber") for r in invoice["InvoiceRows"]] == ["TS-BLUE-M", "BOOK-1", None]
    assert preview["warnings"] == []
    assert len(mocked_http.calls) == 0
    assert not SyncRun.objects.exists()


@pytest.mark.django_db
def test_preview_with_an_integration_uses_its_links_and_mappings(
    payload_file, capsys, integration, fortnox_sandbox
):
    ExternalLink.objects.create(
        integration=integration, kind="customer", source_id="cust-7", fortnox_number="42"
    )
    FieldMapping.objects.create(
        integration=integration, target="document.YourReference", kind="path", expression="order.po"
    )
    integration.document_type = "order"
    integration.save()
    requests_before = len(fortnox_sandbox.request_log)

    preview = _preview(capsys, "testsource", "--payload", str(payload_file), "--integration",
                       str(integration.pk))  # fmt: skip

    order = preview["document"]["Order"]
    assert preview["document_type"] == "order"
    assert order["CustomerNumber"] == "42"
    assert order["YourReference"] == "PO-77"
    assert order["OrderRows"][2]["ArticleNumber"] == "FRAKT"
    assert len(fortnox_sandbox.request_log) == requests_before  # no API call


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nosuch", "--payload", "x.json"), "Unknown source 'nosuch'"),
        (("testsource", "--payload", "/nonexistent/order.json"), "No such file"),
        (("testsource", "--payload", "order.json", "--integration", "999"), "No integration"),
    ],
)
def test_preview_bad_input_is_a_command_error(fake_source, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "order.json").write_text("{}")

    with pytest.raises(CommandError, match=message):
        call_command("sync_preview", *args)


@pytest.mark.django_db
def test_preview_of_malformed_json_is_a_command_error(fake_source, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")

    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("sync_preview", "testsource", "--payload", str(path))
