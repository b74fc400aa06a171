from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

AUTH = "https://apps.fortnox.se/oauth-v1"
BASIC = ("sandbox", "sandbox-secret")
REDIRECT = "https://app.example/callback"


def token(data, auth=BASIC):
    return requests.post(f"{AUTH}/token", data=data, auth=auth)


def test_issue_tokens_has_exactly_the_token_endpoint_shape(fortnox_tokens):
    assert set(fortnox_tokens) == {
        "access_token",
        "refresh_token",
        "scope",
        "expires_in",
        "token_type",
    }
    assert fortnox_tokens["expires_in"] == 3600
    assert fortnox_tokens["token_type"] == "bearer"
    assert fortnox_tokens["access_token"].count(".") == 2  # JWT-shaped


def test_code_exchange_then_code_is_single_use(fortnox_sandbox):
    code = fortnox_sandbox.authorize(redirect_uri=REDIRECT, scope="invoice customer", state="s")
    grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}

    first = token(grant)
    again = token(grant)

    assert first.status_code == 200
    assert first.json()["scope"] == "invoice customer"
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_refresh_token_is_single_use_and_rotates(fortnox_sandbox, fortnox_tokens):
    old = fortnox_tokens["refresh_token"]

    first = token({"grant_type": "refresh_token", "refresh_token": old})
    reused = token({"grant_type": "refresh_token", "refresh_token": old})

    assert first.status_code == 200
    assert first.json()["refresh_token"] != old
    assert reused.status_code == 400
    assert reused.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    assert fortnox_sandbox.refresh_requests == 2
    assert fortnox_sandbox.token_requests == 2


def test_new_refresh_token_works(fortnox_tokens):
    first = token({"grant_type": "refresh_token", "refresh_token": fortnox_tokens["refresh_token"]})
    second = token({"grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"]})
    assert second.status_code == 200


def test_bad_client_credentials_are_401_invalid_client(fortnox_tokens):
    response = token(
        {"grant_type": "refresh_token", "refresh_token": fortnox_tokens["refresh_token"]},
        auth=("sandbox", "wrong"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_revoked_refresh_token_stops_working(fortnox_tokens):
    refresh = fortnox_tokens["refresh_token"]
    revoked = requests.post(
        f"{AUTH}/revoke", data={"token_type_hint": "refresh_token", "token": refresh}, auth=BASIC
    )
    assert revoked.json() == {"revoked": True}
    assert token({"grant_type": "refresh_token", "refresh_token": refresh}).status_code == 400


def test_expired_access_token_is_401_unauthorized(fortnox_sandbox, fortnox_tokens):
    headers = {"Authorization": f"Bearer {fortnox_tokens['access_token']}"}
    assert requests.get("https://api.fortnox.se/3/customers", headers=headers).status_code == 200

    fortnox_sandbox.advance_clock(3601)
    response = requests.get("https://api.fortnox.se/3/customers", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"message": "unauthorized"}


def test_missing_token_is_401(fortnox_sandbox):
    response = requests.get("https://api.fortnox.se/3/customers")
    assert response.status_code == 401


def test_consent_page_and_deny(fortnox_sandbox):
    params = {
        "client_id": "sandbox",
        "redirect_uri": REDIRECT,
        "scope": "invoice",
        "state": "xyz",
        "response_type": "code",
    }
    page = requests.get(f"{AUTH}/auth", params=params, allow_redirects=False)
    denied = requests.get(f"{AUTH}/auth", params={**params, "deny": "1"}, allow_redirects=False)

    assert page.status_code == 200
    assert "Testbolaget AB" in page.text and "Approve" in page.text and "Deny" in page.text
    location = urlsplit(denied.headers["Location"])
    assert parse_qs(location.query) == {"error": ["access_denied"], "state": ["xyz"]}


def test_unknown_scope_is_invalid_scope(fortnox_sandbox):
    response = fortnox_sandbox.handle(
        "GET",
        "/oauth-v1/auth",
        query={
            "client_id": "sandbox",
            "redirect_uri": REDIRECT,
            "scope": "invoice teleport",
            "state": "s",
            "response_type": "code",
            "approve": "1",
        },
    )
    assert response.status == 302
    assert "error=invalid_scope" in response.headers["Location"]


def test_unknown_client_and_missing_params_are_400(fortnox_sandbox):
    base = {"redirect_uri": REDIRECT, "scope": "invoice", "state": "s", "response_type": "code"}
    wrong = fortnox_sandbox.handle("GET", "/oauth-v1/auth", query={**base, "client_id": "x"})
    missing = fortnox_sandbox.handle("GET", "/oauth-v1/auth", query={"client_id": "sandbox"})
    assert (wrong.status, missing.status) == (400, 400)


def test_token_scope_limits_resources(fortnox_sandbox):
    tokens = fortnox_sandbox.issue_tokens(database_number="1234567", scopes=["customer"])
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    response = requests.get("https://api.fortnox.se/3/invoices", headers=headers)
    assert response.status_code == 403
    assert response.json()["ErrorInformation"]["code"] == 2000663
