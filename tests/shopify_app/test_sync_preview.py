"""``manage.py sync_preview shopify --payload FILE --json``: one JSON object with what a sync
would send to Fortnox, without calling any API or writing anything; bad input is a
CommandError and a non-zero exit."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from shopify_app.sandbox.orders import SCENARIO_DIR
from syncs.models import SyncRun
from tests.shopify_app.conftest import SHIPPING_ARTICLE, fortnox_invoices

pytestmark = pytest.mark.django_db
SCENARIOS = sorted(SCENARIO_DIR.glob("*.json"))
SINGLE_VAT = SCENARIO_DIR / "single_vat_25.json"


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _preview(path, *args) -> dict:
    out = StringIO()
    call_command("sync_preview", "shopify", "--payload", str(path), "--json", *args, stdout=out)
    text = out.getvalue()
    data, end = json.JSONDecoder().raw_decode(text)
    assert text[end:].strip() == "", "more than one JSON object was printed"
    return data


@pytest.fixture
def http_watched(shopify_sandbox, fortnox_sandbox, mocked_http):
    """Both sandboxes answer (so a stray API call would succeed and be recorded)."""
    return mocked_http


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_preview_prints_one_json_object_and_calls_no_api_and_writes_nothing(
    path, http_watched, shop_integration
):
    before, calls = _row_counts(), len(http_watched.calls)

    data = _preview(path)

    assert list(data) == ["document_type", "customer", "articles", "document", "warnings"]
    assert data["document_type"] == "invoice"
    assert list(data["customer"]) == ["Customer"]
    assert data["customer"]["Customer"]["Name"]
    assert all(list(article) == ["Article"] for article in data["articles"])
    assert list(data["document"]) == ["Invoice"]
    order = json.loads(path.read_text())
    invoice = data["document"]["Invoice"]
    assert invoice["ExternalInvoiceReference2"] == order["name"]  # the name, whole
    assert invoice["YourOrderNumber"] == (
        order["name"] if len(order["name"]) <= 30 else str(order["order_number"])
    )
    assert data["document"]["Invoice"]["ExternalInvoiceReference1"] == (
        f"shopify:sale:{order['id']}"
    )
    assert isinstance(data["warnings"], list)
    assert len(http_watched.calls) == calls
    assert _row_counts() == before


def test_preview_of_the_single_rate_order_is_exactly_this(http_watched):
    data = _preview(SINGLE_VAT)

    assert data == {
        "document_type": "invoice",
        "customer": {
            "Customer": {
                "Name": "Anna Lindqvist",
                "Type": "PRIVATE",
                "VATType": "SEVAT",
                "Email": "anna.lindqvist@example.se",
                "Phone1": "+46701234567",
                "Address1": "Sveavägen 44",
                "ZipCode": "113 59",
                "City": "Stockholm",
                "CountryCode": "SE",
            }
        },
        "articles": [
            {
                "Article": {
                    "Description": "Ullmössa - Grå",
                    "Type": "STOCK",
                    "ArticleNumber": "NF-MOS-GRA",
                    "VAT": 25.0,
                    "SalesAccount": 3001,
                    "EUAccount": 3108,
                    "ExportAccount": 3105,
                    "Unit": "st",
                }
            },
            {
                "Article": {
                    "Description": "Halsduk Merino - Marinblå",
                    "Type": "STOCK",
                    "ArticleNumber": "NF-HAL-MAR",
                    "VAT": 25.0,
                    "SalesAccount": 3001,
                    "EUAccount": 3108,
                    "ExportAccount": 3105,
                    "Unit": "st",
                }
            },
        ],
        "document": {
            "Invoice": {
                "CustomerNumber": "(new customer)",
                "InvoiceDate": "2025-03-14",
                "Currency": "SEK",
                "VATIncluded": True,
                "ExternalInvoiceReference1": "shopify:sale:6120450000041",
                "ExternalInvoiceReference2": "#1041",
                "YourOrderNumber": "#1041",
                "Remarks": "Shopify order #1041",
                "InvoiceRows": [
                    {
                        "ArticleNumber": "NF-MOS-GRA",
                        "Description": "Ullmössa - Grå",
                        "DeliveredQuantity": 2.0,
                        "Price": 349.0,
                        "VAT": 25.0,
                    },
                    {
                        "ArticleNumber": "NF-HAL-MAR",
                        "Description": "Halsduk Merino - Marinblå",
                        "DeliveredQuantity": 1.0,
                        "Price": 599.0,
                        "VAT": 25.0,
                    },
                    {
                        "Description": "PostNord MyPack Collect",
                        "DeliveredQuantity": 1.0,
                        "Price": 59.0,
                        "VAT": 25.0,
                    },
                ],
            }
        },
        "warnings": [],
    }
    assert len(http_watched.calls) == 0


def test_preview_with_an_integration_shows_the_rows_the_sync_then_sends(
    http_watched, shop_integration, shopify_sandbox, fortnox_sandbox, post_webhooks
):
    calls = len(http_watched.calls)
    preview = _preview(SINGLE_VAT, "--integration", str(shop_integration.pk))
    assert len(http_watched.calls) == calls
    order = shopify_sandbox.create_order(shop="demo-butik.myshopify.com", order="single_vat_25")

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    invoice = fortnox_invoices(fortnox_sandbox)[SyncRun.objects.get().document_number]
    fields = ("ArticleNumber", "Description", "Price", "VAT")
    previewed = [
        tuple(row.get(f) for f in fields) for row in preview["document"]["Invoice"]["InvoiceRows"]
    ]
    sent = [tuple(row[f] for f in fields) for row in invoice["InvoiceRows"]]
    assert previewed == sent
    assert previewed[-1][0] == SHIPPING_ARTICLE


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"nope{", "is not valid JSON", id="not-json"),
        pytest.param(b"\xff\xfe{}", "is not valid JSON", id="not-utf8"),
        pytest.param(b'{"customer": {"id": 1}}', "is not an order", id="not-an-order"),
        pytest.param(b"[1, 2]", "must be an object, not list", id="a-list"),
    ],
)
def test_bad_payload_is_a_command_error(tmp_path, http_watched, content, message):
    path = tmp_path / "payload.json"
    path.write_bytes(content)
    before = _row_counts()

    with pytest.raises(CommandError, match=message):
        _preview(path)

    assert len(http_watched.calls) == 0
    assert _row_counts() == before


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        _preview(tmp_path / "absent.json")


def test_directory_as_payload_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        _preview(tmp_path)


def test_unknown_source_is_a_command_error():
    with pytest.raises(CommandError, match="Unknown source 'woocommerce'"):
        call_command("sync_preview", "woocommerce", "--payload", str(SINGLE_VAT))


def test_bad_payload_from_the_command_line_exits_non_zero_with_the_message(tmp_path, capsys):
    path = tmp_path / "payload.json"
    path.write_text('{"customer": {"id": 1}}')

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(
            ["manage.py", "sync_preview", "shopify", "--payload", str(path), "--json"]
        ).execute()

    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"CommandError: {path}: Shopify payload is not an order")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_preview_is_exactly_the_body_fortnox_receives(
    path, tmp_path, shop_integration, shopify_sandbox, fortnox_sandbox, post_webhooks, mocked_http
):
    """Limits, mappings and row shaping all happen before the preview: the create request
    carries exactly the JSON ``sync_preview --json`` prints (after the sync, so the preview
    knows the customer and article numbers the sync linked)."""
    from tests.shopify_app.conftest import SHOP
    from tests.shopify_app.test_orders_to_fortnox import TABLE, place_scenario

    def place(order):
        record = shopify_sandbox.create_order(shop=SHOP, order=order, fresh=True)
        shopify_sandbox.mark_paid(shop=SHOP, order_id=record["id"])
        return record

    order = place_scenario(path.stem, TABLE[path.stem], shopify_sandbox, fortnox_sandbox, place)
    [delivery] = shopify_sandbox.webhook_deliveries("orders/paid", order["id"])
    post_webhooks([delivery])
    [sent] = [
        json.loads(call.request.body)
        for call in mocked_http.calls
        if call.request.method == "POST" and call.request.url.endswith("/3/invoices")
    ]
    payload = tmp_path / "order.json"
    payload.write_bytes(delivery.body)

    preview = _preview(payload, "--integration", str(shop_integration.pk))

    assert preview["document"] == sent
