"""One retry loop for every client: what it resends, and that no client resends a create
that may have reached its provider."""

from __future__ import annotations

import pytest
import requests
import responses

from integrations.errors import ConnectorError
from integrations.http import NOT_SENT, RetryPolicy, call_with_retries
from shopify_app.client import ShopifyClient
from shopify_app.oauth import ShopifyOAuth
from tests.plugins.shopify import SHOP

POLICY = RetryPolicy(attempts=4, max_seconds=100)


def failing(*errors: ConnectorError):
    """A send function raising ``errors`` in turn, then answering "ok"."""
    calls: list[int] = []

    def send() -> str:
        calls.append(len(calls) + 1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "ok"

    return send, calls


def transient(**kwargs) -> ConnectorError:
    return ConnectorError("busy", permanent=False, provider="test", **kwargs)


def test_a_read_is_resent_after_a_transient_failure():
    send, calls = failing(transient(status=503), transient())
    sleeps: list[float] = []

    assert call_with_retries(send, policy=POLICY, safe_to_repeat=True, sleep=sleeps.append) == "ok"
    assert calls == [1, 2, 3]
    assert len(sleeps) == 2


@pytest.mark.parametrize("error", [transient(status=503), transient(), transient(status=408)])
def test_a_create_that_may_have_arrived_is_not_resent(error):
    send, calls = failing(error)

    with pytest.raises(ConnectorError):
        call_with_retries(send, policy=POLICY, safe_to_repeat=False, sleep=lambda s: None)
    assert calls == [1]


@pytest.mark.parametrize("error", [transient(status=429), transient(code=NOT_SENT)])
def test_a_create_is_resent_when_it_cannot_have_arrived(error):
    send, calls = failing(error)

    assert call_with_retries(send, policy=POLICY, safe_to_repeat=False, sleep=lambda s: None)
    assert calls == [1, 2]


def test_a_permanent_error_is_never_retried():
    send, calls = failing(ConnectorError("no", permanent=True))

    with pytest.raises(ConnectorError):
        call_with_retries(send, policy=POLICY, safe_to_repeat=True, sleep=lambda s: None)
    assert calls == [1]


def test_a_wait_past_the_deadline_gives_up_without_sleeping():
    send, calls = failing(transient(retry_after=500))
    sleeps: list[float] = []

    with pytest.raises(ConnectorError):
        call_with_retries(send, policy=POLICY, safe_to_repeat=True, sleep=sleeps.append)
    assert (calls, sleeps) == ([1], [])


def test_attempts_are_bounded():
    send, calls = failing(*[transient()] * 10)

    with pytest.raises(ConnectorError):
        call_with_retries(send, policy=POLICY, safe_to_repeat=True, sleep=lambda s: None)
    assert calls == [1, 2, 3, 4]


# --- every client ------------------------------------------------------------------------
@responses.activate
def test_shopify_never_resends_a_bulk_operation_start_after_a_5xx():
    endpoint = f"https://{SHOP}/admin/api/2026-07/graphql.json"
    responses.post(endpoint, status=503, body="unavailable")
    client = ShopifyClient(shop=SHOP, access_token="shpat_x", sleep=lambda s: None)

    with pytest.raises(ConnectorError):
        client.run_bulk_query(query="{ products { edges { node { id } } } }")
    assert len(responses.calls) == 1


@responses.activate
def test_shopify_resends_a_note_update_after_a_5xx_since_setting_a_note_twice_is_harmless():
    endpoint = f"https://{SHOP}/admin/api/2026-07/graphql.json"
    order = {"id": "gid://shopify/Order/1", "note": "n", "tags": []}
    responses.post(endpoint, status=503, body="unavailable")
    responses.post(endpoint, json={"data": {"orderUpdate": {"order": order, "userErrors": []}}})
    client = ShopifyClient(shop=SHOP, access_token="shpat_x", sleep=lambda s: None)

    assert client.update_order(order_id=1, note="n")["note"] == "n"
    assert len(responses.calls) == 2


@pytest.mark.parametrize(
    "failure",
    [{"status": 502, "body": "bad gateway"}, {"body": requests.ReadTimeout("read timed out")}],
)
@responses.activate
def test_oauth_never_resends_a_token_request_that_may_have_spent_the_code(failure):
    responses.post(f"https://{SHOP}/admin/oauth/access_token", **failure)

    with pytest.raises(ConnectorError) as caught:
        ShopifyOAuth().exchange_code(code="abc", redirect_uri="", account_id=SHOP)
    assert caught.value.permanent is False
    assert len(responses.calls) == 1
