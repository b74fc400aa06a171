"""HubSpot's settings for the shared OAuth flow (hubspot.md §1).

The authorize URL carries ``scope`` and ``optional_scope`` space separated (spaces as
%20) and ``state``; the token endpoint is the date-versioned ``/oauth/2026-03/token``
(``HUBSPOT_API_VERSION``), form-encoded, with the client id and secret in the body. Access
tokens last 30 minutes and are refreshed ahead of expiry under the shared row lock
(``integrations.oauth.fresh_access_token``); refresh tokens live until the app is
uninstalled, after which refreshing is 400 ``invalid_grant`` / ``BAD_REFRESH_TOKEN`` and
the connection needs reconnecting.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.shortcuts import redirect

from hubspot_app.models import HubSpotSettings
from integrations.errors import ConnectorError
from integrations.oauth import OAuthProvider, TokenSet
from syncs.accounts import integration_install, merchant_grant

PROVIDER = "hubspot"
STATUS_MESSAGES = {
    "BAD_AUTH_CODE": "HubSpot did not accept the authorization code (expired or already"
    " used); connect HubSpot again.",
    "BAD_REDIRECT_URI": "HubSpot refused the redirect URL; it must be"
    " {PUBLIC_BASE_URL}/hubspot/callback/ in the app's settings.",
    "BAD_REFRESH_TOKEN": "HubSpot no longer accepts this portal's access (the app was"
    " uninstalled or its access revoked); connect HubSpot again.",
    "BAD_CLIENT_ID": "HubSpot rejected the app's client id; check HUBSPOT_CLIENT_ID.",
    "BAD_CLIENT_SECRET": "HubSpot rejected the app's client secret; check HUBSPOT_CLIENT_SECRET.",
}


def api_url(path: str) -> str:
    return f"{settings.HUBSPOT_API_URL.rstrip('/')}{path}"


class HubSpotOAuth(OAuthProvider):
    provider = PROVIDER
    label = "HubSpot"
    client_auth = "body"
    token_encoding = "form"
    reconnect_message = (
        "HubSpot no longer accepts this portal's access (the app was uninstalled or its"
        " access revoked). Connect HubSpot again from the setup page; syncs wait until then."
    )

    def client_credentials(self) -> tuple[str, str]:
        return settings.HUBSPOT_CLIENT_ID, settings.HUBSPOT_CLIENT_SECRET

    def authorize_url(self, *, state: str, redirect_uri: str, **_: Any) -> str:
        query = {
            "client_id": settings.HUBSPOT_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": " ".join(settings.HUBSPOT_SCOPES),
        }
        if settings.HUBSPOT_OPTIONAL_SCOPES:
            query["optional_scope"] = " ".join(settings.HUBSPOT_OPTIONAL_SCOPES)
        query["state"] = state
        return f"{settings.HUBSPOT_AUTH_URL}?{urlencode(query, quote_via=quote)}"

    def token_url(self, *, account_id: str = "") -> str:
        return api_url(f"/oauth/{settings.HUBSPOT_API_VERSION}/token")

    def parse_tokens(self, body: dict[str, Any]) -> TokenSet:
        tokens = super().parse_tokens(body)
        scopes = body.get("scopes")
        return TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
            scopes=[str(s) for s in scopes] if isinstance(scopes, list) else tokens.scopes,
            raw=body,
        )

    def token_error_message(self, *, error: str, description: str, status: int) -> str:
        for code, message in STATUS_MESSAGES.items():
            if code in description or code == error:
                return message
        if error == "invalid_grant":
            return STATUS_MESSAGES["BAD_REFRESH_TOKEN"]
        if error == "invalid_client":
            return "HubSpot rejected the app's client credentials; check HUBSPOT_CLIENT_ID"
        return f"HubSpot refused the sign-in ({error or status}): {description}".strip()

    def _token_answer(self, response):
        """HubSpot says which grant failed in ``status`` (BAD_REFRESH_TOKEN...): keep it
        in the description the message is chosen by."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("status") in STATUS_MESSAGES:
            body_status = body["status"]
            message = STATUS_MESSAGES[body_status]
            raise ConnectorError(
                message,
                permanent=True,
                provider=PROVIDER,
                status=response.status_code,
                code=body.get("error") or body_status,
                detail=f"{body_status}: {body.get('message', '')}"[:500],
            )
        return super()._token_answer(response)

    def hub_id(self, tokens: TokenSet) -> str:
        """The portal the tokens are for: ``hub_id`` in a v3 answer, else introspection."""
        hub_id = tokens.raw.get("hub_id")
        if not hub_id:
            path = f"/oauth/{settings.HUBSPOT_API_VERSION}/token/introspect"
            info = self.post_form(
                api_url(path), {"token": tokens.access_token, "token_type_hint": "access_token"}
            )
            hub_id = info.get("hub_id")
        if not str(hub_id or "").isdigit():
            raise ConnectorError(
                "HubSpot did not say which portal was connected. Connect HubSpot again.",
                permanent=True,
                provider=PROVIDER,
            )
        return str(hub_id)

    def connected(self, request, *, tokens: TokenSet, state: dict[str, Any]):
        hub_id = self.hub_id(tokens)
        integration = integration_install(
            provider=PROVIDER,
            account_id=hub_id,
            display_name=f"HubSpot portal {hub_id}",
            tokens=tokens,
        )
        HubSpotSettings.objects.get_or_create(integration=integration)
        merchant_grant(request, integration)
        return redirect("hubspot:setup")
