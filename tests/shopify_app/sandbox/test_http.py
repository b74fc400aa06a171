"""The sandbox over HTTP (Django views), its control endpoints and the management command."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from shopify_app.sandbox.views import get_sandbox
from tests.plugins.shopify import SHOP

BASE = "/sandbox/shopify"


def test_views_serve_graphql_and_persist_state(client, shopify_http_sandbox, tmp_path):
    token = shopify_http_sandbox.issue_tokens(shop=SHOP)["access_token"]
    answer = client.post(
        f"{BASE}/{SHOP}/admin/api/2026-07/graphql.json",
        data=json.dumps({"query": "{ shop { myshopifyDomain } }"}),
        content_type="application/json",
        headers={"X-Shopify-Access-Token": token},
    )
    assert answer.status_code == 200
    assert answer.json()["data"] == {"shop": {"myshopifyDomain": SHOP}}
    saved = json.loads((tmp_path / "shopify.json").read_text())
    assert token in saved["access_tokens"]


def test_consent_page_redirects_with_approve(client, shopify_http_sandbox):
    query = {
        "client_id": "sandbox",
        "scope": "read_orders",
        "redirect_uri": "http://testserver/shopify/callback/",
        "state": "abc",
    }
    page = client.get(f"{BASE}/{SHOP}/admin/oauth/authorize", query)
    assert page.status_code == 200 and b"Install app" in page.content
    answer = client.get(f"{BASE}/{SHOP}/admin/oauth/authorize", {**query, "approve": "1"})
    assert answer.status_code == 302
    assert answer["Location"].startswith("http://testserver/shopify/callback/?code=")


def test_control_endpoint_places_an_order_and_returns_deliveries(client, shopify_http_sandbox):
    answer = client.post(
        f"{BASE}/_control/orders",
        data=json.dumps({"scenario": "single_vat_25", "topics": "orders/create,orders/paid"}),
        content_type="application/json",
    )
    assert answer.status_code == 201
    body = answer.json()
    topics = [d["headers"]["X-Shopify-Topic"] for d in body["deliveries"]]
    assert topics == ["orders/create", "orders/paid"]
    assert body["order"]["id"] in get_sandbox().shop(SHOP).orders


def test_control_endpoint_lists_scenarios_for_an_unknown_one(client, shopify_http_sandbox):
    answer = client.post(
        f"{BASE}/_control/orders",
        data=json.dumps({"scenario": "nope"}),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "single_vat_25" in answer.json()["scenarios"]


def test_command_rejects_unknown_scenarios_listing_the_known_ones():
    with pytest.raises(CommandError, match=r"available: .*single_vat_25"):
        call_command("sandbox_shopify_order", "--scenario", "nope")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--delay", "-1"), "--delay is seconds between sends, 0 or more, not -1.0"),
        (("--duplicate", "0"), "--duplicate is how many more times to send each webhook"),
        (("--duplicate", "-2"), "1 or more, not -2"),
        (("--topics", "orders/create,orders/shipped"), "Unknown topic orders/shipped; known: "),
        (("--topics", " , "), "Unknown topic (none); known: orders/create"),
    ],
)
def test_command_refuses_bad_options_before_placing_anything(mocked_http, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("sandbox_shopify_order", *args)
    assert len(mocked_http.calls) == 0


def test_command_exits_1_with_one_line_on_bad_input(mocked_http, capsys):
    argv = ["manage.py", "sandbox_shopify_order", "--delay", "-1", "--skip-checks"]
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(argv).execute()
    assert exited.value.code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "CommandError: --delay is seconds between sends, 0 or more, not -1.0"
    ]
    assert len(mocked_http.calls) == 0


def _serve_control(mocked_http, sandbox) -> None:
    def control(request):
        answer = sandbox.handle(
            "POST", "/_control/orders", None, dict(request.headers), request.body
        )
        return answer.status, answer.headers, answer.body

    mocked_http.add_callback(
        "POST", re.compile(r"http://testserver/sandbox/shopify/_control/orders"), callback=control
    )


def test_command_fails_naming_the_status_when_the_target_refuses(mocked_http, shopify_http_sandbox):
    _serve_control(mocked_http, shopify_http_sandbox)
    mocked_http.post("http://localhost:8001/shopify/webhooks/", status=401)

    with pytest.raises(CommandError) as refused:
        call_command("sandbox_shopify_order", "--target", "http://localhost:8001/shopify/webhooks/")
    assert str(refused.value) == (
        "http://localhost:8001/shopify/webhooks/ did not accept 2 of 2 webhooks:"
        " orders/create HTTP 401, orders/paid HTTP 401"
    )


def test_command_places_the_order_and_delivers_webhooks(mocked_http, shopify_http_sandbox, capsys):
    _serve_control(mocked_http, shopify_http_sandbox)
    webhook = mocked_http.post("http://testserver/shopify/webhooks/", status=200)
    call_command(
        "sandbox_shopify_order", "--scenario", "gift_card", "--duplicate", "1", "--reorder"
    )
    assert webhook.call_count == 4
    topics = [c.request.headers["X-Shopify-Topic"] for c in mocked_http.calls[1:]]
    assert topics == ["orders/paid", "orders/create", "orders/paid", "orders/create"]
    summary = capsys.readouterr().out.strip()
    assert summary.startswith("Placed #") and "delivered 4 webhooks" in summary
