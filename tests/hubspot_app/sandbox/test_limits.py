"""Rate limits (100 per rolling 10 s, headers, the 429 body) and fault injection."""

from __future__ import annotations

import pytest
import requests

from tests.hubspot_app.sandbox.helpers import API, bearer

URL = f"{API}/crm/v3/pipelines/deals"


def test_answers_carry_the_rate_limit_headers(hubspot_sandbox, hubspot_tokens):
    first = requests.get(URL, headers=bearer(hubspot_tokens), timeout=5)
    second = requests.get(URL, headers=bearer(hubspot_tokens), timeout=5)
    assert first.headers["X-HubSpot-RateLimit-Max"] == "100"
    assert first.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert (first.headers["X-HubSpot-RateLimit-Remaining"],
            second.headers["X-HubSpot-RateLimit-Remaining"]) == ("99", "98")  # fmt: skip
    assert "X-HubSpot-RateLimit-Daily" not in first.headers


def test_the_101st_request_in_ten_seconds_is_429_in_hubspots_shape(hubspot_sandbox, hubspot_tokens):
    hubspot_sandbox.clock.frozen = hubspot_sandbox.now()
    statuses = [requests.get(URL, headers=bearer(hubspot_tokens), timeout=5).status_code
                for _ in range(100)]  # fmt: skip
    assert statuses == [200] * 100
    refused = requests.get(URL, headers=bearer(hubspot_tokens), timeout=5)
    assert refused.status_code == 429
    body = refused.json()
    assert set(body) == {"status", "message", "errorType", "correlationId", "policyName",
                         "groupName"}  # fmt: skip
    assert (body["status"], body["message"], body["errorType"], body["policyName"]) == (
        "error", "You have reached your ten_secondly_rolling limit.", "RATE_LIMIT",
        "TEN_SECONDLY_ROLLING",
    )  # fmt: skip
    assert refused.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    hubspot_sandbox.advance_clock(10)
    assert requests.get(URL, headers=bearer(hubspot_tokens), timeout=5).status_code == 200


def test_fail_next_answers_the_given_status_with_retry_after(hubspot_sandbox, hubspot_tokens):
    hubspot_sandbox.fail_next(status=429, retry_after=2)
    hubspot_sandbox.fail_next(status=477, retry_after=30)
    hubspot_sandbox.fail_next(status=503)
    first, second, third, fourth = (
        requests.get(URL, headers=bearer(hubspot_tokens), timeout=5) for _ in range(4)
    )
    assert (first.status_code, first.headers["Retry-After"]) == (429, "2")
    assert first.json()["errorType"] == "RATE_LIMIT"
    assert (second.status_code, second.headers["Retry-After"]) == (477, "30")
    assert third.status_code == 503 and "Retry-After" not in third.headers
    assert fourth.status_code == 200


def test_timeout_fault_raises_read_timeout(hubspot_sandbox, hubspot_tokens):
    hubspot_sandbox.fail_next(status="timeout")
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(URL, headers=bearer(hubspot_tokens), timeout=5)


def test_oauth_endpoints_are_never_faulted(hubspot_sandbox):
    hubspot_sandbox.fail_next(status=503)
    answer = requests.post(f"{API}/oauth/v3/token", data={"grant_type": "x"}, timeout=5)
    assert answer.status_code == 400
