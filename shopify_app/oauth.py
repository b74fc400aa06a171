"""Shopify's settings for the shared OAuth flow: authorisation-code grant for a
non-embedded app, with expiring offline tokens whose refresh tokens rotate."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from integrations.models import Connection
from integrations.oauth import OAuthProvider, TokenSet
from shopify_app import client as shopify

PROVIDER = "shopify"


def shop_url(shop: str) -> str:
    return settings.SHOPIFY_SHOP_URL.format(shop=shop)


def client_secrets() -> list[str]:
    return [settings.SHOPIFY_CLIENT_SECRET, settings.SHOPIFY_PREVIOUS_CLIENT_SECRET]


class ShopifyOAuth(OAuthProvider):
    provider = PROVIDER
    reconnect_message = (
        "Shopify no longer accepts this shop's access; open the app from the Shopify admin"
        " to install it again."
    )

    def authorize_url(self, *, state: str, redirect_uri: str, shop: str = "", **_: Any) -> str:
        query = {
            "client_id": settings.SHOPIFY_CLIENT_ID,
            "scope": ",".join(settings.SHOPIFY_SCOPES),
            "redirect_uri": redirect_uri,
            "state": state,
        }
        return f"{shop_url(shop)}/admin/oauth/authorize?{urlencode(query)}"

    def exchange_code(self, *, code: str, redirect_uri: str, shop: str = "", **_: Any) -> TokenSet:
        return _token_set(shopify.exchange_code(shop=shop, code=code))

    def refresh(self, *, connection: Connection) -> TokenSet:
        body = shopify.refresh_access_token(
            shop=connection.account_id, refresh_token=connection.refresh_token
        )
        return _token_set(body)


def _token_set(body: dict) -> TokenSet:
    return TokenSet(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token", ""),
        expires_in=body.get("expires_in"),
        refresh_expires_in=body.get("refresh_token_expires_in"),
        scopes=[s for s in str(body.get("scope", "")).split(",") if s],
        raw=body,
    )
