"""The GraphQL documents and the pure converters back to the REST/webhook shape."""

from __future__ import annotations

import copy

import pytest

from shopify_app import graphql
from shopify_app.sandbox import gql
from shopify_app.sandbox import graphql as render
from tests.shopify_app.roundtrip import expected_and_actual, reference_order, scenario_orders


def answer(query: str, root: str, full: dict, variables: dict | None = None) -> dict:
    """What the sandbox answers for ``root`` in ``query``: the full object, selected."""
    field = next(f for f in gql.parse(query).fields if f.name == root)
    return gql.select(full, field.selections, variables or {})


def round_trip(order: dict, tz: str) -> dict:
    node = answer(graphql.ORDER_QUERY, "order", render.order(order))
    return graphql.order_node_to_rest(node, tz=tz)


def test_reference_order_survives_the_round_trip():
    original = reference_order()
    expected, actual = expected_and_actual(original, round_trip(original, "Europe/Stockholm"))
    assert actual == expected


@pytest.mark.parametrize(("name", "order"), scenario_orders())
def test_scenario_survives_the_round_trip(name, order):
    expected, actual = expected_and_actual(order, round_trip(order, "Europe/Stockholm"))
    assert actual == expected


def test_round_trip_produces_every_documented_key_even_when_rest_lacks_it():
    minimal = {
        "id": 1,
        "name": "#1001",
        "currency": "SEK",
        "created_at": "2026-05-04T00:30:00+02:00",
        "line_items": [{"id": 2, "title": "Mugg", "quantity": 2, "price": "125.00"}],
    }
    rest = round_trip(minimal, "Europe/Stockholm")
    assert rest["line_items"][0]["price_set"] == {
        "shop_money": {"amount": "125.00", "currency_code": "SEK"},
        "presentment_money": {"amount": "125.00", "currency_code": "SEK"},
    }
    assert rest["financial_status"] == "pending"
    assert rest["fulfillment_status"] is None
    assert rest["total_price"] == "0.00"
    assert rest["company"] is None


def test_timestamps_come_back_in_the_shops_offset_not_utc():
    order = copy.deepcopy(reference_order())
    order["created_at"] = "2026-05-04T00:30:00+02:00"  # the day before in UTC
    node = answer(graphql.ORDER_QUERY, "order", render.order(order))
    assert node["createdAt"] == "2026-05-03T22:30:00Z"
    assert graphql.order_node_to_rest(node, tz="Europe/Stockholm")["created_at"] == (
        "2026-05-04T00:30:00+02:00"
    )
    assert graphql.order_node_to_rest(node)["created_at"] == "2026-05-03T22:30:00Z"


def test_graphql_decimals_become_two_decimal_strings():
    assert render.decimal("10.00") == "10.0"
    assert graphql.amount("10.0") == "10.00"
    assert graphql.amount("3.34") == "3.34"


def test_statuses_map_to_rest_values():
    order = copy.deepcopy(reference_order())
    for rest_status, expected in (("partial", "partial"), ("fulfilled", "fulfilled"), (None, None)):
        order["fulfillment_status"] = rest_status
        assert round_trip(order, "UTC")["fulfillment_status"] == expected
    order.update(cancel_reason="customer", financial_status="voided")
    rest = round_trip(order, "UTC")
    assert (rest["cancel_reason"], rest["financial_status"]) == ("customer", "voided")


def test_discount_code_amount_is_the_sum_of_its_allocations():
    rest = round_trip(reference_order(), "UTC")
    # 10 % of 258.00, 289.00 and 449.00: 25.80 + 28.90 + 44.90.
    assert rest["discount_codes"] == [{"code": "VAR10", "amount": "99.60", "type": "percentage"}]


def test_b2b_company_with_vat_number():
    order = copy.deepcopy(reference_order())
    order["company"] = {
        "id": 11,
        "location_id": 22,
        "name": "Kontorsmaterial AB",
        "location_name": "Huvudkontor",
        "vat_number": "SE556677889901",
    }
    assert round_trip(order, "UTC")["company"] == order["company"]


def test_order_query_stays_under_shopifys_single_query_cost_limit():
    for query in (graphql.ORDER_QUERY, graphql.LINE_ITEMS_QUERY, graphql.PRODUCT_QUERY):
        operation = gql.parse(query)
        assert gql.requested_cost(operation.fields, {"first": 100}) <= 1000


def test_gid_helpers():
    assert graphql.gid("Order", 450789469) == "gid://shopify/Order/450789469"
    assert graphql.gid("Order", "gid://shopify/Order/1") == "gid://shopify/Order/1"
    assert graphql.legacy_id("gid://shopify/LineItem/466157049") == 466157049
    assert graphql.legacy_id(None) is None


def test_product_node_to_rest():
    product = {
        "id": 632910392,
        "title": "IPod Nano - 8GB",
        "tags": "Emotive, MP3",
        "status": "active",
        "variants": [{"id": 808950810, "title": "Pink", "sku": "IPOD2008PINK", "price": "199.00"}],
    }
    node = answer(graphql.PRODUCT_QUERY, "product", render.product(product))
    rest = graphql.product_node_to_rest(node)
    assert rest["tags"] == "Emotive, MP3"
    assert rest["variants"][0] == {
        "id": 808950810,
        "admin_graphql_api_id": "gid://shopify/ProductVariant/808950810",
        "product_id": 632910392,
        "title": "Pink",
        "sku": "IPOD2008PINK",
        "barcode": None,
        "price": "199.00",
        "compare_at_price": None,
        "taxable": True,
        "inventory_quantity": None,
    }
