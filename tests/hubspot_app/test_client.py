"""The client's classification of HubSpot's answers and its one token refresh on a 401."""

from __future__ import annotations

import pytest

from hubspot_app.client import HubSpotClient
from integrations.http import RetryPolicy

NO_WAIT = RetryPolicy(attempts=3, max_seconds=600.0, backoff_base=0.0, backoff_cap=0.0)


def _client(tokens: list[str], waits: list[float]) -> HubSpotClient:
    def token(rejected: str) -> str:
        if rejected:
            tokens.append(f"refreshed-after-{rejected}")
        return tokens[-1]

    return HubSpotClient(token=token, sleep=waits.append, retry_policy=NO_WAIT)


def test_429_is_retried_after_the_ten_second_window_its_body_names(hubspot_sandbox, hubspot_tokens):
    waits: list[float] = []
    client = _client([hubspot_tokens["access_token"]], waits)
    hubspot_sandbox.fail_next(status=429)

    assert client.list_deal_pipelines()
    assert waits and waits[0] >= 10.0  # TEN_SECONDLY_ROLLING, no Retry-After


def test_retry_after_wins_and_5xx_and_477_are_transient(hubspot_sandbox, hubspot_tokens):
    waits: list[float] = []
    client = _client([hubspot_tokens["access_token"]], waits)
    hubspot_sandbox.fail_next(status=477, retry_after=2)
    hubspot_sandbox.fail_next(status=503)

    assert client.list_deal_pipelines()
    assert 2.0 <= waits[0] <= 2.5
    assert len(waits) == 2


def test_a_create_is_not_resent_after_a_5xx(hubspot_sandbox, hubspot_tokens):
    from integrations.errors import ConnectorError

    client = _client([hubspot_tokens["access_token"]], [])
    deal_id = hubspot_sandbox.create_deal("quantities")["deal"]["id"]
    hubspot_sandbox.fail_next(status=502)

    with pytest.raises(ConnectorError) as failure:
        client.create_note(deal_id=deal_id, body_html="x", timestamp="0", attachment_ids=[])
    assert (failure.value.permanent, failure.value.status) == (False, 502)
    assert hubspot_sandbox.notes(deal_id) == []


def test_401_refreshes_the_token_once_then_is_permanent(hubspot_sandbox, hubspot_tokens):
    from integrations.errors import ConnectorError

    tokens = ["not-a-token"]
    client = _client(tokens, [])

    with pytest.raises(ConnectorError) as failure:
        client.list_deal_pipelines()
    assert failure.value.permanent and failure.value.status == 401
    assert tokens == ["not-a-token", "refreshed-after-not-a-token"]

    tokens.append(hubspot_tokens["access_token"])
    assert client.list_deal_pipelines()


def test_validation_error_is_permanent_with_hubspots_message(hubspot_sandbox, hubspot_tokens):
    from integrations.errors import ConnectorError

    client = _client([hubspot_tokens["access_token"]], [])
    deal_id = hubspot_sandbox.create_deal("quantities")["deal"]["id"]

    with pytest.raises(ConnectorError) as failure:
        client.update_deal(deal_id=deal_id, properties={"no_such_property": "1"})
    assert failure.value.permanent and failure.value.status == 400
    assert "PROPERTY_DOESNT_EXIST" in failure.value.message
