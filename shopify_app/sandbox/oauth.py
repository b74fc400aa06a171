"""The sandbox's OAuth: consent page, authorization codes, expiring offline tokens, refresh.

Behaviour follows shopify.md section 1: codes are single use; offline tokens last an hour;
refresh tokens last 90 days and rotate, the previous one staying valid until its successor is
first used. A bad client secret is answered 401 ``invalid_client`` (an inference: RFC 6749
5.2; Shopify does not document it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from shopify_app.sandbox.state import Response

if TYPE_CHECKING:
    from shopify_app.sandbox.sandbox import ShopifySandbox

ACCESS_TOKEN_SECONDS = 3600
REFRESH_TOKEN_SECONDS = 90 * 24 * 3600
CODE_SECONDS = 600
INVALID_CODE = {
    "error": "invalid_request",
    "error_description": "The authorization code was not found or was already used",
}
INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": "The refresh token is invalid, expired or revoked",
}
INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": "Client authentication failed: unknown client or wrong secret",
}


def query_hmac(params: dict[str, str], secret: str) -> str:
    """Hex HMAC-SHA256 of the sorted ``k=v`` pairs joined by ``&`` (hmac/signature left out)."""
    message = "&".join(
        f"{key}={value}"
        for key, value in sorted(params.items())
        if key not in ("hmac", "signature")
    )
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def host_param(shop_handle: str) -> str:
    """The ``host`` parameter: unpadded base64 of ``admin.shopify.com/store/{handle}``."""
    raw = f"admin.shopify.com/store/{shop_handle}".encode()
    return base64.b64encode(raw).decode().rstrip("=")


def create_code(sb: ShopifySandbox, shop: str, scopes: str) -> str:
    code = secrets.token_hex(16)
    sb.codes[code] = {"shop": shop, "scopes": scopes, "expires_at": sb.now() + CODE_SECONDS}
    return code


def issue_tokens(sb: ShopifySandbox, shop: str, scopes: str, *, expiring: bool = True) -> dict:
    """New access (and, if expiring, refresh) tokens, in the token endpoint's answer shape."""
    access = f"shpat_{secrets.token_hex(16)}"
    expires_at = sb.now() + ACCESS_TOKEN_SECONDS if expiring else None
    sb.access_tokens[access] = {"shop": shop, "scopes": scopes, "expires_at": expires_at}
    if not expiring:
        return {"access_token": access, "scope": scopes}
    refresh = f"shprt_{secrets.token_hex(16)}"
    sb.refresh_tokens[refresh] = {
        "shop": shop,
        "scopes": scopes,
        "expires_at": sb.now() + REFRESH_TOKEN_SECONDS,
        "parent": None,
        "revoked": False,
    }
    return {
        "access_token": access,
        "scope": scopes,
        "expires_in": ACCESS_TOKEN_SECONDS,
        "refresh_token": refresh,
        "refresh_token_expires_in": REFRESH_TOKEN_SECONDS,
    }


def token_record(sb: ShopifySandbox, shop: str, token: str | None) -> dict | None:
    """The record of a usable access token for ``shop``, else None."""
    record = sb.access_tokens.get(token or "")
    if not record or record["shop"] != shop or record.get("revoked"):
        return None
    if record["expires_at"] is not None and record["expires_at"] <= sb.now():
        return None
    return record


def authorize_page(sb: ShopifySandbox, shop: str, query: dict[str, str]) -> Response:
    """GET /admin/oauth/authorize: a consent page, or (approve=1) the redirect back."""
    if query.get("client_id") != sb.client_id:
        return Response.html(400, "<h1>Oauth error invalid_request: The client id is unknown</h1>")
    if not query.get("redirect_uri", "").startswith(("http://", "https://")):
        return Response.html(400, "<h1>Oauth error invalid_request: redirect_uri is missing</h1>")
    if query.get("approve") != "1":
        return Response.html(200, _consent_html(shop, query))
    code = create_code(sb, shop, query.get("scope", ",".join(sb.default_scopes)))
    params = {
        "code": code,
        "host": host_param(sb.shop(shop).handle),
        "shop": shop,
        "state": query.get("state", ""),
        "timestamp": str(int(sb.now())),
    }
    params["hmac"] = query_hmac(params, sb.client_secret)
    return Response(302, {"Location": f"{query['redirect_uri']}?{urlencode(params)}"})


def _consent_html(shop: str, query: dict[str, str]) -> str:
    fields = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in query.items()
    )
    scopes = html.escape(query.get("scope", "(the app's configured scopes)"))
    return (
        f"<!doctype html><title>Install app</title><h1>Install app on {html.escape(shop)}</h1>"
        f"<p>The app asks for: {scopes}</p>"
        f'<form method="get">{fields}<input type="hidden" name="approve" value="1">'
        '<button type="submit">Install app</button></form>'
    )


def _parse_body(headers: dict[str, str], body: bytes) -> dict:
    content_type = headers.get("content-type", "")
    if "json" in content_type:
        try:
            return json.loads(body or b"{}")
        except ValueError:
            return {}
    return dict(parse_qsl(body.decode()))


def token_endpoint(sb: ShopifySandbox, shop: str, headers: dict[str, str], body: bytes) -> Response:
    """POST /admin/oauth/access_token: code and refresh_token grants."""
    data = _parse_body(headers, body)
    if data.get("client_id") != sb.client_id or data.get("client_secret") != sb.client_secret:
        return Response.json(401, INVALID_CLIENT)
    expiring = str(data.get("expiring", "")) == "1"
    if data.get("grant_type") == "refresh_token":
        return _refresh(sb, shop, data.get("refresh_token", ""))
    code = sb.codes.get(data.get("code", ""))
    if not code or code["shop"] != shop or code.get("used") or code["expires_at"] <= sb.now():
        return Response.json(400, INVALID_CODE)
    code["used"] = True
    return Response.json(200, issue_tokens(sb, shop, code["scopes"], expiring=expiring))


def _refresh(sb: ShopifySandbox, shop: str, token: str) -> Response:
    record = sb.refresh_tokens.get(token)
    if (
        not record
        or record["shop"] != shop
        or record["revoked"]
        or record["expires_at"] <= sb.now()
    ):
        return Response.json(400, INVALID_GRANT)
    if record["parent"] and record["parent"] in sb.refresh_tokens:
        # The successor is used for the first time: its predecessor stops working now.
        sb.refresh_tokens[record["parent"]]["revoked"] = True
    answer = issue_tokens(sb, shop, record["scopes"])
    sb.refresh_tokens[answer["refresh_token"]]["parent"] = token
    return Response.json(200, answer)


def revoke_shop(sb: ShopifySandbox, shop: str) -> None:
    """Uninstalling revokes every token of the shop."""
    for store in (sb.access_tokens, sb.refresh_tokens):
        for record in store.values():
            if record["shop"] == shop:
                record["revoked"] = True
