"""The sandbox's OAuth: query HMAC vectors, consent, single-use codes, rotating refresh."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from integrations.errors import ConnectorError
from shopify_app import client as shopify
from shopify_app.oauth import ShopifyOAuth
from shopify_app.sandbox.oauth import query_hmac
from tests.plugins.shopify import SHOP

CALLBACK = "https://app.example.se/shopify/callback"


def exchange_code(*, code: str) -> dict:
    """The token endpoint's answer to our code grant, as the install sends it."""
    oauth = ShopifyOAuth()
    return oauth.token_request(oauth.code_grant(code=code, redirect_uri=""), account_id=SHOP)


def refresh_access_token(*, refresh_token: str) -> dict:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return ShopifyOAuth().token_request(form, account_id=SHOP)


def test_query_hmac_reference_vectors():
    params = {
        "code": "0907a61c0c8d55e99db179b68161bc00",
        "shop": "some-shop.myshopify.com",
        "state": "0.6784241404160823",
        "timestamp": "1337178173",
    }
    assert query_hmac(params, "hush") == (
        "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
    )
    del params["state"]
    params["hmac"] = "ignored"
    assert query_hmac(params, "hush") == (
        "4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20"
    )


def authorize(sandbox, **extra):
    query = {"client_id": "sandbox", "scope": "read_orders,write_orders"}
    query.update(redirect_uri=CALLBACK, state="nonce-1", **extra)
    return sandbox.handle("GET", f"/{SHOP}/admin/oauth/authorize", query, {}, b"")


def test_authorize_shows_a_consent_page_with_an_install_button(shopify_sandbox):
    page = authorize(shopify_sandbox)
    assert page.status == 200
    assert b"Install app" in page.body and b'name="approve" value="1"' in page.body


def test_approving_redirects_back_with_a_signed_callback(shopify_sandbox):
    answer = authorize(shopify_sandbox, approve="1")
    assert answer.status == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    params = dict(parse_qsl(location.query))
    assert set(params) == {"code", "hmac", "host", "shop", "state", "timestamp"}
    assert (params["shop"], params["state"]) == (SHOP, "nonce-1")
    assert params["hmac"] == query_hmac(params, "sandbox-secret")


def test_unknown_client_id_and_unknown_shop_are_refused(shopify_sandbox):
    assert authorize(shopify_sandbox, client_id="other").status == 400
    missing = shopify_sandbox.handle(
        "GET", "/nope.myshopify.com/admin/oauth/authorize", {"client_id": "sandbox"}, {}, b""
    )
    assert missing.status == 404


def test_code_is_single_use(shopify_sandbox):
    code = shopify_sandbox.authorize(shop=SHOP, scopes="read_orders")
    tokens = exchange_code(code=code)
    assert tokens["access_token"].startswith("shpat_")
    assert (tokens["scope"], tokens["expires_in"]) == ("read_orders", 3600)
    assert tokens["refresh_token"] and tokens["refresh_token_expires_in"] == 90 * 86400
    with pytest.raises(ConnectorError) as caught:
        exchange_code(code=code)
    assert caught.value.permanent and caught.value.code == "invalid_request"
    assert caught.value.status == 400
    assert "already used" in caught.value.detail


def test_reused_code_answer_matches_shopify(shopify_sandbox):
    code = shopify_sandbox.authorize(shop=SHOP)
    body = json.dumps(
        {"client_id": "sandbox", "client_secret": "sandbox-secret", "code": code}
    ).encode()
    headers = {"Content-Type": "application/json"}
    path = f"/{SHOP}/admin/oauth/access_token"
    assert shopify_sandbox.handle("POST", path, None, headers, body).status == 200
    again = shopify_sandbox.handle("POST", path, None, headers, body)
    assert again.status == 400
    assert again.data() == {
        "error": "invalid_request",
        "error_description": "The authorization code was not found or was already used",
    }


def test_without_expiring_flag_the_token_does_not_expire(shopify_sandbox):
    code = shopify_sandbox.authorize(shop=SHOP)
    body = {"client_id": "sandbox", "client_secret": "sandbox-secret", "code": code}
    answer = shopify_sandbox.handle(
        "POST", f"/{SHOP}/admin/oauth/access_token", None, {}, _form(body)
    )
    assert set(answer.data()) == {"access_token", "scope"}


def _form(data: dict) -> bytes:
    return "&".join(f"{k}={v}" for k, v in data.items()).encode()


def test_wrong_client_secret_is_401(shopify_sandbox, settings):
    code = shopify_sandbox.authorize(shop=SHOP)
    settings.SHOPIFY_CLIENT_SECRET = "wrong"
    with pytest.raises(ConnectorError) as caught:
        exchange_code(code=code)
    assert (caught.value.status, caught.value.code) == (401, "invalid_client")
    assert "SHOPIFY_CLIENT_SECRET" in caught.value.message


def test_refresh_tokens_rotate_and_the_previous_one_lasts_until_the_new_one_is_used(
    shopify_sandbox, shopify_tokens
):
    first = shopify_tokens["refresh_token"]
    second = refresh_access_token(refresh_token=first)
    assert second["refresh_token"] != first
    assert second["access_token"] != shopify_tokens["access_token"]
    # A lost answer: the old refresh token still works until its successor is used.
    again = refresh_access_token(refresh_token=first)
    refresh_access_token(refresh_token=again["refresh_token"])
    with pytest.raises(ConnectorError) as caught:
        refresh_access_token(refresh_token=first)
    assert caught.value.permanent and caught.value.code == "invalid_grant"


def test_refreshed_access_token_works_and_expired_one_does_not(shopify_sandbox, shopify_tokens):
    shopify_sandbox.advance_clock(3601)
    fresh = refresh_access_token(refresh_token=shopify_tokens["refresh_token"])
    client = shopify.ShopifyClient(shop=SHOP, access_token=fresh["access_token"])
    assert client.current_bulk_operation() is None
    stale = shopify.ShopifyClient(shop=SHOP, access_token=shopify_tokens["access_token"])
    with pytest.raises(ConnectorError):
        stale.current_bulk_operation()


def test_uninstall_revokes_tokens(shopify_sandbox, shopify_client, shopify_tokens):
    shopify_sandbox.uninstall(shop=SHOP)
    with pytest.raises(ConnectorError) as caught:
        shopify_client.current_bulk_operation()
    assert caught.value.status == 401
    with pytest.raises(ConnectorError):
        refresh_access_token(refresh_token=shopify_tokens["refresh_token"])
