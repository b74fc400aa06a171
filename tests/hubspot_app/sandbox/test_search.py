"""Search: operators, OR of groups, sorting, paging, limits, lag and its own rate limit."""

from __future__ import annotations

import pytest
import requests

from tests.hubspot_app.sandbox.helpers import API, bearer


@pytest.fixture
def deals(hubspot_sandbox):
    made = {}
    for name, amount, stage in [
        ("Alfa", "100", "contractsent"),
        ("Beta", "250.50", "closedwon"),
        ("Gamma", "1000", "closedwon"),
        ("Delta", None, "closedlost"),
    ]:
        values = {"dealname": f"{name} order", "dealstage": stage}
        if amount:
            values["amount"] = amount
        made[name] = hubspot_sandbox.create_object(object_type="deals", properties=values)["id"]
    return made


def search(tokens, **body):
    return requests.post(f"{API}/crm/v3/objects/deals/search", json=body,
                         headers=bearer(tokens), timeout=5)  # fmt: skip


def names(answer) -> list[str]:
    return [r["properties"]["dealname"].split()[0] for r in answer.json()["results"]]


def one(prop, op, **extra):
    return [{"filters": [{"propertyName": prop, "operator": op, **extra}]}]


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (one("dealstage", "EQ", value="closedwon"), ["Beta", "Gamma"]),
        (one("dealstage", "NEQ", value="closedwon"), ["Alfa", "Delta"]),
        (one("amount", "GT", value="250.5"), ["Gamma"]),
        (one("amount", "GTE", value="250.5"), ["Beta", "Gamma"]),
        (one("amount", "LT", value="250.5"), ["Alfa"]),
        (one("amount", "BETWEEN", value="100", highValue="250.50"), ["Alfa", "Beta"]),
        (one("dealstage", "IN", values=["closedlost", "contractsent"]), ["Alfa", "Delta"]),
        (one("dealstage", "NOT_IN", values=["closedwon"]), ["Alfa", "Delta"]),
        (one("amount", "HAS_PROPERTY"), ["Alfa", "Beta", "Gamma"]),
        (one("amount", "NOT_HAS_PROPERTY"), ["Delta"]),
        (one("dealname", "CONTAINS_TOKEN", value="gam*"), ["Gamma"]),
        (one("dealname", "NOT_CONTAINS_TOKEN", value="order"), []),
        (one("dealstage", "EQ", value="closedlost") + one("amount", "LTE", value="100"),
         ["Alfa", "Delta"]),  # groups are ORed
        ([{"filters": [{"propertyName": "dealstage", "operator": "EQ", "value": "closedwon"},
                       {"propertyName": "amount", "operator": "LT", "value": "500"}]}],
         ["Beta"]),  # filters in a group are ANDed
    ],
)  # fmt: skip
def test_operators(hubspot_tokens, deals, groups, expected):
    answer = search(hubspot_tokens, filterGroups=groups)
    assert answer.status_code == 200
    assert names(answer) == expected
    assert answer.json()["total"] == len(expected)


def test_sorts_and_pages(hubspot_tokens, deals):
    first = search(hubspot_tokens, sorts=[{"propertyName": "amount", "direction": "DESCENDING"}],
                   limit=2)  # fmt: skip
    assert names(first) == ["Gamma", "Beta"]
    assert first.json()["paging"] == {"next": {"after": "2"}}
    rest = search(hubspot_tokens, sorts=["-amount"], limit=2, after="2")
    assert names(rest) == ["Alfa", "Delta"] and "paging" not in rest.json()


@pytest.mark.parametrize(
    "body",
    [
        {"filterGroups": [{"filters": []}] * 6},
        {"filterGroups": [{"filters": one("amount", "HAS_PROPERTY")[0]["filters"] * 7}]},
        {"filterGroups": [{"filters": one("amount", "HAS_PROPERTY")[0]["filters"] * 6}] * 3
         + [{"filters": one("amount", "HAS_PROPERTY")[0]["filters"]}]},
        {"limit": 201},
        {"limit": 100, "after": "9901"},
        {"filterGroups": one("amount", "LIKE", value="1")},
        {"filterGroups": one("colour", "EQ", value="red")},
    ],
)  # fmt: skip
def test_limits_and_bad_filters_are_400(hubspot_tokens, deals, body):
    answer = search(hubspot_tokens, **body)
    assert answer.status_code == 400
    assert answer.json()["category"] == "VALIDATION_ERROR"


def test_search_lags_behind_writes_when_asked(hubspot_sandbox, hubspot_tokens, deals):
    hubspot_sandbox.search_lag = 5
    assert search(hubspot_tokens).json()["total"] == 0
    hubspot_sandbox.advance_clock(5)
    assert search(hubspot_tokens).json()["total"] == 4


def test_search_has_its_own_limit_of_five_a_second_and_no_rate_headers(
    hubspot_sandbox, hubspot_tokens, deals
):
    hubspot_sandbox.clock.frozen = hubspot_sandbox.now()
    answers = [search(hubspot_tokens) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert "X-HubSpot-RateLimit-Max" not in answers[0].headers
    body = answers[5].json()
    assert (body["errorType"], body["policyName"], body["message"]) == (
        "RATE_LIMIT", "SECONDLY", "You have reached your secondly limit."
    )  # fmt: skip
    hubspot_sandbox.advance_clock(1)
    assert search(hubspot_tokens).status_code == 200
