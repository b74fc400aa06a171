"""The sandbox served over HTTP under /sandbox/fortnox/."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlencode, urlsplit

AUTH = "/sandbox/fortnox/oauth-v1"
PARAMS = {
    "client_id": "sandbox",
    "redirect_uri": "http://testserver/callback",
    "scope": "customer invoice companyinformation",
    "state": "abc",
    "response_type": "code",
    "access_type": "offline",
}
BASIC = "Basic " + base64.b64encode(b"sandbox:sandbox-secret").decode()


def test_consent_page_shows_approve_and_deny(client, fortnox_http_sandbox):
    response = client.get(f"{AUTH}/auth", PARAMS)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Approve" in page and "Deny" in page and "Sandbox AB" in page


def test_full_flow_creates_default_tenant_exchanges_code_and_creates_customer(
    client, fortnox_http_sandbox
):
    approved = client.get(f"{AUTH}/auth", {**PARAMS, "approve": "1"})
    query = parse_qs(urlsplit(approved["Location"]).query)
    assert approved.status_code == 302 and query["state"] == ["abc"]
    assert fortnox_http_sandbox.tenant("9999999").company_name == "Sandbox AB"

    tokens = client.post(
        f"{AUTH}/token/",
        urlencode({"grant_type": "authorization_code", "code": query["code"][0]}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=BASIC,
    ).json()
    created = client.post(
        "/sandbox/fortnox/3/customers",
        json.dumps({"Customer": {"Name": "Webbkund"}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}",
    )

    assert created.status_code == 201
    assert created.json()["Customer"]["CustomerNumber"] == "1"
    assert created.json()["Customer"]["@url"] == "https://api.fortnox.se/3/customers/1"
    assert fortnox_http_sandbox.persist_path.exists()


def test_unauthorized_api_call_over_http(client, fortnox_http_sandbox):
    response = client.get("/sandbox/fortnox/3/customers/")
    assert response.status_code == 401
    assert response.json() == {"message": "unauthorized"}


def test_crash_fault_over_http_is_502_with_empty_body(client, fortnox_http_sandbox):
    fortnox_http_sandbox.add_tenant()
    token = fortnox_http_sandbox.issue_tokens()["access_token"]
    fortnox_http_sandbox.faults.crash_after_create = 1

    response = client.post(
        "/sandbox/fortnox/3/customers",
        json.dumps({"Customer": {"Name": "X"}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert (response.status_code, response.content) == (502, b"")
    assert "1" in fortnox_http_sandbox.tenant("1234567").customers
