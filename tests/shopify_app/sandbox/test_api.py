"""The sandbox's GraphQL endpoint answers like Shopify: status codes, errors, cost."""

from __future__ import annotations

import json

from shopify_app import graphql
from shopify_app.sandbox import ShopifySandbox
from tests.plugins.shopify import SHOP

PATH = f"/{SHOP}/admin/api/2026-07/graphql.json"


def post(sandbox, token, query, variables=None, path=PATH):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"X-Shopify-Access-Token": token, "Content-Type": "application/json"}
    return sandbox.handle("POST", path, None, headers, body)


def test_every_answer_carries_the_cost(shopify_sandbox, shopify_tokens):
    answer = post(shopify_sandbox, shopify_tokens["access_token"], "{ shop { currencyCode } }")
    body = answer.data()
    assert body["data"] == {"shop": {"currencyCode": "SEK"}}
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1 and cost["actualQueryCost"] == 1
    assert cost["throttleStatus"] == {
        "maximumAvailable": 2000.0,
        "currentlyAvailable": 1999,
        "restoreRate": 100.0,
    }


def test_unknown_shop_is_404_and_bad_token_is_401(shopify_sandbox, shopify_tokens):
    token = shopify_tokens["access_token"]
    other = "/other.myshopify.com/admin/api/2026-07/graphql.json"
    assert post(shopify_sandbox, token, "{ shop { name } }", path=other).status == 404
    answer = post(shopify_sandbox, "shpat_nope", "{ shop { name } }")
    assert answer.status == 401
    assert answer.data() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }


def test_over_budget_is_throttled_with_null_actual_cost(shopify_sandbox, shopify_tokens):
    shopify_sandbox.clock.frozen = shopify_sandbox.now()
    shopify_sandbox.shop(SHOP).bucket.available = 10
    answer = post(shopify_sandbox, shopify_tokens["access_token"], graphql.ORDER_QUERY, {"id": "x"})
    assert answer.status == 200
    body = answer.data()
    assert body["errors"][0]["message"] == "Throttled"
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"]["actualQueryCost"] is None
    assert "data" not in body
    shopify_sandbox.advance_clock(10)
    answer = post(shopify_sandbox, shopify_tokens["access_token"], graphql.ORDER_QUERY, {"id": "x"})
    assert answer.data()["data"]["order"] is None


def test_unknown_fields_are_errors_not_silence(shopify_sandbox, shopify_tokens):
    token = shopify_tokens["access_token"]
    root = post(shopify_sandbox, token, "{ draftOrder(id: 1) { id } }").data()
    assert root["errors"][0]["message"] == "Field 'draftOrder' doesn't exist on type 'QueryRoot'"
    nested = post(shopify_sandbox, token, "{ shop { billingAddress { city } } }").data()
    assert nested["errors"][0]["message"] == "Field 'billingAddress' doesn't exist on type 'Shop'"


def test_missing_scope_is_access_denied(shopify_sandbox):
    token = shopify_sandbox.issue_tokens(shop=SHOP, scopes="read_products")["access_token"]
    body = post(shopify_sandbox, token, graphql.ORDER_QUERY, {"id": "gid://shopify/Order/1"})
    body = body.data()
    assert body["data"]["order"] is None
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"


def test_queries_over_1000_points_are_refused(shopify_sandbox, shopify_tokens):
    query = "{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }"
    body = post(shopify_sandbox, shopify_tokens["access_token"], query).data()
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


def test_metafields_set_is_atomic(shopify_sandbox, shopify_tokens):
    order = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    good = {
        "ownerId": order["admin_graphql_api_id"],
        "key": "document_number",
        "type": "single_line_text_field",
        "value": "1",
    }
    bad = {**good, "type": "banana"}
    body = post(
        shopify_sandbox,
        shopify_tokens["access_token"],
        graphql.METAFIELDS_SET_MUTATION,
        {"metafields": [good, bad]},
    ).data()
    errors = body["data"]["metafieldsSet"]["userErrors"]
    assert errors == [{"field": ["metafields", "1", "type"], "message": "Type is invalid.",
                       "code": "INVALID_TYPE"}]  # fmt: skip
    assert "metafields" not in shopify_sandbox.shop(SHOP).orders[order["id"]]


def test_state_survives_a_save_and_load(shopify_sandbox, shopify_tokens):
    order = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")
    copy = ShopifySandbox()
    copy.load_dict(json.loads(json.dumps(shopify_sandbox.to_dict())))
    assert copy.shop(SHOP).orders[order["id"]] == order
    answer = post(copy, shopify_tokens["access_token"], "{ shop { name } }")
    assert answer.status == 200
