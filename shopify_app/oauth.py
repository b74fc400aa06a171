"""Shopify's settings for the shared OAuth flow: authorisation-code grant for a
non-embedded app, with expiring offline tokens whose refresh tokens rotate.
https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect

from integrations.oauth import OAuthError, OAuthProvider, TokenSet
from shopify_app.client import shop_url
from shopify_app.models import ShopifySettings
from shopify_app.signatures import normalise_shop, verify_query
from syncs.accounts import integration_install, merchant_grant

PROVIDER = "shopify"
TOKEN_MESSAGES = {
    "invalid_request": "Shopify did not accept the authorization code (expired or already"
    " used); start the install again.",
    "invalid_grant": "Shopify no longer accepts the refresh token; the merchant must open the"
    " app from the Shopify admin to reconnect.",
    "invalid_client": "Shopify rejected the app's client credentials; check"
    " SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET.",
}


def client_secrets() -> list[str]:
    return [settings.SHOPIFY_CLIENT_SECRET, settings.SHOPIFY_PREVIOUS_CLIENT_SECRET]


class ShopifyOAuth(OAuthProvider):
    provider = PROVIDER
    label = "Shopify"
    client_auth = "body"
    token_encoding = "json"
    reconnect_message = (
        "Shopify no longer accepts this shop's access; open the app from the Shopify admin"
        " to install it again."
    )

    def client_credentials(self) -> tuple[str, str]:
        return settings.SHOPIFY_CLIENT_ID, settings.SHOPIFY_CLIENT_SECRET

    def authorize_url(self, *, state: str, redirect_uri: str, shop: str = "", **_: Any) -> str:
        query = {
            "client_id": settings.SHOPIFY_CLIENT_ID,
            "scope": ",".join(settings.SHOPIFY_SCOPES),
            "redirect_uri": redirect_uri,
            "state": state,
        }
        return f"{shop_url(shop)}/admin/oauth/authorize?{urlencode(query)}"

    def token_url(self, *, account_id: str = "") -> str:
        return f"{shop_url(account_id)}/admin/oauth/access_token"

    def code_grant(self, *, code: str, redirect_uri: str) -> dict[str, str]:
        return {"code": code, "expiring": "1"}  # an expiring offline token

    def parse_tokens(self, body: dict[str, Any]) -> TokenSet:
        tokens = super().parse_tokens(body)
        scopes = [s for s in str(body.get("scope", "")).split(",") if s]
        return TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
            refresh_expires_in=tokens.refresh_expires_in,
            scopes=scopes,
            raw=body,
        )

    def token_error_message(self, *, error: str, description: str, status: int) -> str:
        code = error or ("invalid_client" if status == 401 else "")
        return TOKEN_MESSAGES.get(code, f"Shopify refused the token request ({code or status}).")

    def check_callback(self, request, *, state: dict[str, Any]) -> None:
        if not verify_query(request.GET, client_secrets()):
            raise OAuthError(
                "Shopify's answer was not signed correctly. Install again.", status=401
            )
        shop = normalise_shop(request.GET.get("shop", ""))
        if not shop or shop != state.get("shop"):
            raise OAuthError("Shopify answered for a different store. Install again.")
        if not request.GET.get("code"):
            raise OAuthError("Shopify did not grant access, so nothing was installed.")

    def callback_account_id(self, state: dict[str, Any]) -> str:
        return state["shop"]

    def connected(self, request, *, tokens: TokenSet, state: dict[str, Any]):
        shop = state["shop"]
        integration = integration_install(
            provider=PROVIDER, account_id=shop, display_name=shop, tokens=tokens
        )
        ShopifySettings.objects.get_or_create(integration=integration)
        merchant_grant(request, integration)
        return redirect("shopify:setup")
