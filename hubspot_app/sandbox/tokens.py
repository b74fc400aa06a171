"""Codes and tokens: issuing them, describing them, and checking a request's bearer token.

hubspot.md §1: access tokens last 30 minutes (``expires_in: 1800``); refresh tokens live
until the app is uninstalled and a refresh hands back the same one; the v3 token answer is
``access_token, refresh_token, expires_in, token_type "bearer", token_use "access_token",
hub_id, user_id, scopes[]``; introspection adds ``active, token, app_id, client_id,
token_type, is_private_distribution, signed_access_token, hub_domain, user``.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hubspot_app.sandbox import errors
from hubspot_app.sandbox.state import Request, Response

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

ACCESS_TOKEN_SECONDS = 1800
CODE_SECONDS = 600  # RFC 6749 4.1.2 recommends at most 10 minutes


def create_code(sb: HubSpotSandbox, portal_id: int, scopes: list[str], redirect_uri: str) -> str:
    """An authorization code (single use, 10 minutes); approving installs the app again."""
    sb.portal(portal_id).installed = True
    code = str(uuid.uuid4())
    sb.codes[code] = {
        "portal_id": portal_id,
        "scopes": list(scopes),
        "used": False,
        "redirect_uri": redirect_uri,
        "expires_at": sb.now() + CODE_SECONDS,
    }
    return code


def issue(
    sb: HubSpotSandbox, portal_id: int, scopes: list[str], refresh: str | None = None
) -> dict:
    """A new access token; the given refresh token (no rotation) or, on first issue, a new one."""
    portal = sb.portal(portal_id)
    portal.installed = True
    access = "CN" + secrets.token_urlsafe(96)  # HubSpot's are opaque, up to ~300 chars
    sb.access_tokens[access] = {
        "portal_id": portal_id,
        "user_id": portal.user_id,
        "scopes": list(scopes),
        "expires_at": sb.now() + ACCESS_TOKEN_SECONDS,
        "revoked": False,
    }
    if refresh is None:
        refresh = str(uuid.uuid4())
        sb.refresh_tokens[refresh] = {
            "portal_id": portal_id,
            "user_id": portal.user_id,
            "scopes": list(scopes),
            "revoked": False,
        }
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": ACCESS_TOKEN_SECONDS,
        "token_type": "bearer",
        "token_use": "access_token",
        "hub_id": portal_id,
        "user_id": portal.user_id,
        "scopes": list(scopes),
    }


def info(sb: HubSpotSandbox, token: str, record: dict, *, kind: str) -> dict:
    """Introspection of an active token (refresh tokens: no expires_in/signed_access_token)."""
    portal = sb.portal(record["portal_id"])
    answer = {
        "active": True,
        "token": token,
        "token_use": kind,
        "hub_id": portal.portal_id,
        "hub_domain": portal.domain,
        "user_id": record["user_id"],
        "user": f"user{record['user_id']}@{portal.domain}",
        "app_id": sb.app_id,
        "client_id": sb.client_id,
        "scopes": record["scopes"],
        "token_type": "access" if kind == "access_token" else "refresh",
        "is_private_distribution": False,
    }
    if kind == "access_token":
        expires_in = int(record["expires_at"] - sb.now())
        answer["expires_in"] = expires_in
        answer["signed_access_token"] = {
            "expiresAt": int(record["expires_at"] * 1000),
            "scopes": " ".join(record["scopes"]),
            "hubId": portal.portal_id,
            "userId": record["user_id"],
            "appId": sb.app_id,
            "isUserLevel": False,
            "isPrivateDistribution": False,
        }
    return answer


def authenticate(sb: HubSpotSandbox, req: Request) -> Response | None:
    """Set ``req.token``/``req.portal`` from ``Authorization: Bearer``, or the 401."""
    header = req.headers.get("authorization", "")
    value = header[7:].strip() if header.lower().startswith("bearer ") else ""
    record = sb.access_tokens.get(value)
    if not record or record["revoked"]:
        return errors.unauthorized()
    if record["expires_at"] <= sb.now():
        return errors.unauthorized(expired=True)
    req.token, req.portal = record, sb.portal(record["portal_id"])
    return None


def revoke_portal(sb: HubSpotSandbox, portal_id: int) -> None:
    """Uninstalling stops every token of the portal; refreshing is then 400 (§1)."""
    for store in (sb.access_tokens, sb.refresh_tokens):
        for record in store.values():
            if record["portal_id"] == portal_id:
                record["revoked"] = True


def account_details(sb: HubSpotSandbox, req: Request) -> Response:
    """GET /account-info/v3/details (§1 "Account details": the portal's currencies)."""
    portal = req.portal
    local = datetime.fromtimestamp(sb.now(), UTC).astimezone(ZoneInfo(portal.timezone))
    offset = local.strftime("%z")
    return Response.json(
        200,
        {
            "portalId": portal.portal_id,
            "accountType": "STANDARD",
            "timeZone": portal.timezone,
            "companyCurrency": portal.currency,
            "additionalCurrencies": portal.additional_currencies,
            "dataHostingLocation": "eu1",
            "uiDomain": "app-eu1.hubspot.com",
            "utcOffset": f"{offset[:3]}:{offset[3:]}",
            "utcOffsetMilliseconds": int(local.utcoffset().total_seconds() * 1000),
        },
    )
