"""ShopifyClient against the sandbox, and against stubs of Shopify's real error bodies."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
import requests
import responses

from integrations.errors import ConnectorError
from integrations.http import RetryPolicy
from shopify_app.client import ShopifyClient
from shopify_app.oauth import ShopifyOAuth
from tests.plugins.shopify import SHOP
from tests.shopify_app.roundtrip import (
    REFERENCE_SHOP,
    expected_and_actual,
    reference_order,
    scenario_orders,
)

ENDPOINT = f"https://{SHOP}/admin/api/2026-07/graphql.json"
INVALID_TOKEN = {
    "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
}
THROTTLED = {
    "errors": [
        {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ],
    "extensions": {
        "cost": {
            "requestedQueryCost": 656,
            "actualQueryCost": None,
            "throttleStatus": {
                "maximumAvailable": 2000.0,
                "currentlyAvailable": 456,
                "restoreRate": 100.0,
            },
        }
    },
}


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def stub_client(**kwargs) -> ShopifyClient:
    return ShopifyClient(shop=SHOP, access_token="shpat_x", sleep=Sleeps(), **kwargs)


# --- against the sandbox ---------------------------------------------------------------
def test_get_order_round_trips_the_reference_order(shopify_sandbox):
    shopify_sandbox.add_shop(domain=REFERENCE_SHOP, currency="SEK", timezone="Europe/Stockholm")
    original = reference_order()
    shopify_sandbox.create_order(shop=REFERENCE_SHOP, order=original)
    token = shopify_sandbox.issue_tokens(
        shop=REFERENCE_SHOP, scopes="read_orders,write_orders,read_all_orders"
    )["access_token"]
    client = ShopifyClient(shop=REFERENCE_SHOP, access_token=token)
    expected, actual = expected_and_actual(original, client.get_order(order_id=original["id"]))
    assert actual == expected


@pytest.mark.parametrize(("name", "order"), scenario_orders())
def test_get_order_round_trips_each_scenario(shopify_sandbox, name, order):
    shopify_sandbox.create_order(shop=SHOP, order=order)
    token = shopify_sandbox.issue_tokens(shop=SHOP, scopes="read_orders,read_all_orders")
    client = ShopifyClient(shop=SHOP, access_token=token["access_token"])
    expected, actual = expected_and_actual(order, client.get_order(order_id=order["id"]))
    assert actual == expected


def test_get_order_pages_through_many_line_items(shopify_sandbox, shopify_client):
    order = copy.deepcopy(reference_order())
    line = order["line_items"][0]
    order["line_items"] = [{**line, "id": 1000 + n, "name": f"Item {n}"} for n in range(60)]
    order.pop("created_at")
    stored = shopify_sandbox.create_order(shop=SHOP, order=order)
    rest = shopify_client.get_order(order_id=stored["id"])
    assert [item["id"] for item in rest["line_items"]] == [1000 + n for n in range(60)]


def test_a_scenario_placed_by_name_is_readable_as_a_new_order(shopify_sandbox, shopify_client):
    stored = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    rest = shopify_client.get_order(order_id=stored["id"])
    assert rest["name"] == stored["name"]
    assert rest["created_at"] == stored["created_at"]


def test_orders_older_than_60_days_need_read_all_orders(shopify_sandbox, shopify_client):
    stored = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    shopify_sandbox.advance_clock(61 * 86400)
    token = shopify_sandbox.issue_tokens(shop=SHOP)["access_token"]
    client = ShopifyClient(shop=SHOP, access_token=token)
    with pytest.raises(ConnectorError) as caught:
        client.get_order(order_id=stored["id"])
    assert caught.value.permanent and caught.value.code == "not_found"
    assert "read_all_orders" in caught.value.message


def test_update_order_sets_note_tags_and_metafield_in_one_mutation(shopify_sandbox, shopify_client):
    stored = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    shopify_sandbox.shop(SHOP).orders[stored["id"]]["tags"] = "vip"
    sent_before = len(shopify_sandbox.rsps.calls)
    metafield = {"namespace": "fortnox", "key": "document_number"}

    result = shopify_client.update_order(
        order_id=stored["id"],
        note="Fortnox invoice 1001",
        tags=["fortnox-synced", "vip"],
        metafields=[{**metafield, "type": "single_line_text_field", "value": "1001"}],
    )

    assert len(shopify_sandbox.rsps.calls) == sent_before + 1
    assert result["note"] == "Fortnox invoice 1001"
    saved = shopify_sandbox.shop(SHOP).orders[stored["id"]]
    assert (saved["note"], saved["tags"]) == ("Fortnox invoice 1001", "fortnox-synced, vip")
    assert [(m["key"], m["value"]) for m in saved["metafields"]] == [("document_number", "1001")]


def test_set_metafields_stores_the_invoice_number(shopify_sandbox, shopify_client):
    stored = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    gid = stored["admin_graphql_api_id"]
    field = {"ownerId": gid, "namespace": "fortnox", "key": "document_number"}
    result = shopify_client.set_metafields(
        metafields=[{**field, "type": "single_line_text_field", "value": "1001"}]
    )
    assert result[0]["value"] == "1001"
    saved = shopify_sandbox.shop(SHOP).orders[stored["id"]]["metafields"]
    assert [(m["namespace"], m["key"], m["value"]) for m in saved] == [
        ("fortnox", "document_number", "1001")
    ]


def test_mutation_user_errors_are_permanent(shopify_client):
    with pytest.raises(ConnectorError) as caught:
        shopify_client.update_order(order_id=999, note="x")
    assert caught.value.permanent and caught.value.code == "user_error"
    assert "id: Order does not exist" in caught.value.message


def test_throttled_request_is_retried_after_the_restore_time(shopify_sandbox, shopify_client):
    stored = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    shopify_sandbox.shop(SHOP).bucket.available = 0
    shopify_sandbox.clock.frozen = shopify_sandbox.now()  # only the client's waits pass time
    rest = shopify_client.get_order(order_id=stored["id"])
    assert rest["id"] == stored["id"]
    assert shopify_sandbox.clock.offset >= 4  # ~456 points requested, at 100/s


def test_bad_token_is_a_permanent_401(shopify_sandbox):
    client = ShopifyClient(shop=SHOP, access_token="shpat_wrong", sleep=Sleeps())
    with pytest.raises(ConnectorError) as caught:
        client.get_order(order_id=1)
    error = caught.value
    assert (error.permanent, error.status, error.provider) == (True, 401, "shopify")
    assert error.message.startswith("Shopify rejected the app's access token")


def test_expired_token_is_refused(shopify_sandbox, shopify_client):
    shopify_sandbox.advance_clock(3601)
    with pytest.raises(ConnectorError) as caught:
        shopify_client.current_bulk_operation()
    assert caught.value.status == 401


def test_customer_and_product_reads(shopify_sandbox, shopify_client):
    stored = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    customer = shopify_client.get_customer(customer_id=stored["customer"]["id"])
    assert customer["email"] == stored["customer"]["email"]
    line = stored["line_items"][0]
    product = shopify_client.get_product(product_id=line["product_id"])
    assert product["variants"][0]["sku"] == line["sku"]


def test_orders_updated_since(shopify_sandbox, shopify_client):
    first = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    shopify_sandbox.advance_clock(60)
    since = datetime.fromtimestamp(shopify_sandbox.now() - 1, UTC)
    second = shopify_sandbox.create_order(shop=SHOP, order="gift_card")
    found = shopify_client.get_orders_updated_since(since=since, page_size=1)
    assert [o["id"] for o in found] == [second["id"]]
    assert first["id"] not in [o["id"] for o in found]


def test_bulk_query_results_put_children_after_their_parent(shopify_sandbox, shopify_client):
    stored = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    query = "{ orders { edges { node { id name lineItems { edges { node { id sku } } } } } } }"
    started = shopify_client.run_bulk_query(query=query)
    assert started["status"] == "CREATED"
    finished = shopify_client.current_bulk_operation()
    assert finished["status"] == "COMPLETED"
    rows = shopify_client.fetch_bulk_result(url=finished["url"])
    assert rows[0] == {"id": stored["admin_graphql_api_id"], "name": stored["name"]}
    assert all(row["__parentId"] == stored["admin_graphql_api_id"] for row in rows[1:])
    assert len(rows) == 1 + len(stored["line_items"])


# --- against stubs of Shopify's real answers ---------------------------------------------
@responses.activate
def test_stubbed_rest_style_401_is_permanent():
    responses.post(ENDPOINT, status=401, json=INVALID_TOKEN)
    with pytest.raises(ConnectorError) as caught:
        stub_client().get_order(order_id=1)
    assert caught.value.permanent and caught.value.code == "invalid_token"
    assert len(responses.calls) == 1


@responses.activate
def test_stubbed_throttle_waits_for_the_restore_then_succeeds():
    responses.post(ENDPOINT, json=THROTTLED)
    responses.post(ENDPOINT, json={"data": {"currentBulkOperation": None}})
    client = stub_client()
    assert client.current_bulk_operation() is None
    assert len(client.sleep) == 1
    assert 2.0 <= client.sleep[0] <= 2.5  # (656 - 456) / 100, plus jitter


@responses.activate
def test_stubbed_user_errors_name_field_and_message():
    body = {
        "data": {
            "orderUpdate": {
                "order": None,
                "userErrors": [{"field": ["id"], "message": "Order does not exist"}],
            }
        }
    }
    responses.post(ENDPOINT, json=body)
    with pytest.raises(ConnectorError) as caught:
        stub_client().update_order(order_id=1, tags=["x"])
    assert caught.value.message == "Shopify refused orderUpdate: id: Order does not exist"


@responses.activate
def test_stubbed_429_honours_retry_after():
    responses.post(ENDPOINT, status=429, headers={"Retry-After": "2.0"}, json={"errors": "x"})
    responses.post(ENDPOINT, json={"data": {"currentBulkOperation": None}})
    client = stub_client()
    client.current_bulk_operation()
    assert 2.0 <= client.sleep[0] <= 2.5


@responses.activate
def test_stubbed_5xx_gives_up_after_three_tries_as_transient():
    responses.post(ENDPOINT, status=503, body="Service Unavailable")
    client = stub_client()
    with pytest.raises(ConnectorError) as caught:
        client.current_bulk_operation()
    assert not caught.value.permanent and caught.value.status == 503
    assert len(responses.calls) == 3 and len(client.sleep) == 2


@responses.activate
def test_stubbed_timeout_is_transient():
    responses.post(ENDPOINT, body=requests.Timeout("slow"))
    with pytest.raises(ConnectorError) as caught:
        stub_client(retry_policy=RetryPolicy(attempts=1)).current_bulk_operation()
    assert not caught.value.permanent


@responses.activate
def test_a_retry_after_longer_than_the_budget_is_not_waited_for():
    responses.post(ENDPOINT, status=429, headers={"Retry-After": "120"}, json={"errors": "x"})
    client = stub_client(retry_policy=RetryPolicy(attempts=3, max_seconds=30))
    with pytest.raises(ConnectorError) as caught:
        client.current_bulk_operation()
    assert caught.value.retry_after == 120 and client.sleep == []


@pytest.mark.parametrize("status", [402, 403, 404])
@responses.activate
def test_stubbed_402_403_404_are_permanent_sentences(status):
    responses.post(ENDPOINT, status=status, json={"errors": "Not Found"})
    with pytest.raises(ConnectorError) as caught:
        stub_client().current_bulk_operation()
    assert caught.value.permanent and caught.value.message.endswith(".")
    assert len(responses.calls) == 1


@responses.activate
def test_stubbed_access_denied_is_permanent():
    body = {
        "data": {"order": None},
        "errors": [
            {
                "message": "Access denied for order field. Required access: `read_orders`.",
                "extensions": {"code": "ACCESS_DENIED"},
            }
        ],
    }
    responses.post(ENDPOINT, json=body)
    with pytest.raises(ConnectorError) as caught:
        stub_client().get_order(order_id=1)
    assert caught.value.permanent and caught.value.code == "ACCESS_DENIED"


def test_non_myshopify_domains_are_refused():
    with pytest.raises(ConnectorError):
        ShopifyClient(shop="evil.example.com", access_token="x")


@responses.activate
def test_token_request_sends_json_with_expiring_flag():
    url = f"https://{SHOP}/admin/oauth/access_token"
    responses.post(url, json={"access_token": "shpat_a", "scope": "read_orders"})
    ShopifyOAuth().exchange_code(code="abc", redirect_uri="", account_id=SHOP)
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {
        "client_id": "sandbox",
        "client_secret": "sandbox-secret",
        "code": "abc",
        "expiring": "1",
    }


def test_an_outage_is_retried_and_logged(shopify_sandbox, shopify_client):
    shopify_sandbox.fail_next(status=503, times=2, retry_after=1)
    assert shopify_client.current_bulk_operation() is None
    statuses = [(e["status"], e["operation"]) for e in shopify_sandbox.request_log]
    assert statuses == [(503, ""), (503, ""), (200, "currentBulkOperation")]


def test_a_restamped_scenario_dict_keeps_its_ids_and_is_readable(shopify_sandbox, shopify_client):
    original = scenario_orders()[0][1]
    stored = shopify_sandbox.create_order(shop=SHOP, order=original, restamp=True)
    assert (stored["id"], stored["name"]) == (original["id"], original["name"])
    assert shopify_client.get_order(order_id=original["id"])["created_at"] == stored["created_at"]
