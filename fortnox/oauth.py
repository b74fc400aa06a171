"""Fortnox's settings for the shared OAuth flow.

Token requests are form-encoded with HTTP Basic client credentials. Refresh tokens are
single-use and live 45 days; access tokens live an hour.
https://www.fortnox.se/developer/authorization
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings

from fortnox.errors import PROVIDER
from integrations.models import Connection
from integrations.oauth import OAuthProvider, TokenSet

REFRESH_TOKEN_LIFETIME = 45 * 24 * 3600


class FortnoxOAuth(OAuthProvider):
    """URLs, scopes and credentials. What happens once a tenant is connected (linking it
    to a shop or portal) is the engine's hook, in ``syncs.onboarding``."""

    provider = PROVIDER
    label = "Fortnox"
    client_auth = "basic"
    reconnect_message = (
        "Fortnox no longer accepts this connection's authorisation (it was revoked, or unused"
        " for 45 days). Reconnect Fortnox from the setup page."
    )

    def client_credentials(self) -> tuple[str, str]:
        return settings.FORTNOX_CLIENT_ID, settings.FORTNOX_CLIENT_SECRET

    def authorize_url(self, *, state: str, redirect_uri: str, **context: Any) -> str:
        query = {
            "client_id": settings.FORTNOX_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": " ".join(settings.FORTNOX_SCOPES),
            "state": state,
            "access_type": "offline",
            "response_type": "code",
        }
        # Fortnox documents the scope list as %20-separated, so quote, not quote_plus.
        return f"{settings.FORTNOX_AUTH_URL}/auth?{urlencode(query, quote_via=quote)}"

    def token_url(self, *, account_id: str = "") -> str:
        return f"{settings.FORTNOX_AUTH_URL}/token"

    def parse_tokens(self, body: dict[str, Any]) -> TokenSet:
        tokens = super().parse_tokens(body)
        return TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in or 3600,
            refresh_expires_in=REFRESH_TOKEN_LIFETIME,
            scopes=tokens.scopes,
            raw=body,
        )

    def revoke(self, *, connection: Connection) -> None:
        if connection.refresh_token:
            form = {"token_type_hint": "refresh_token", "token": connection.refresh_token}
            self.post_form(f"{settings.FORTNOX_AUTH_URL}/revoke", form)

    def token_error_message(self, *, error: str, description: str, status: int) -> str:
        if error == "invalid_client" or description.startswith("invalid_client"):
            return (
                "Fortnox did not accept this service's client id and secret; check"
                " FORTNOX_CLIENT_ID and FORTNOX_CLIENT_SECRET."
            )
        if error == "invalid_grant" or description.startswith("invalid_grant"):
            return "Fortnox no longer accepts this authorisation; reconnect Fortnox."
        return f"Fortnox refused the sign-in: {': '.join(filter(None, [error, description]))}"
