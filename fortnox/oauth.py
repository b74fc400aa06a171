"""Fortnox's settings for the shared OAuth flow.

Token requests are form-encoded with HTTP Basic client credentials. Refresh tokens are
single-use and live 45 days; access tokens live an hour.
https://www.fortnox.se/developer/authorization
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import requests
from django.conf import settings

from fortnox.errors import PROVIDER, parse_error, transport_error
from integrations.errors import ConnectorError
from integrations.http import build_session
from integrations.models import Connection
from integrations.oauth import OAuthProvider, TokenSet

REFRESH_TOKEN_LIFETIME = 45 * 24 * 3600


class FortnoxOAuth(OAuthProvider):
    provider = PROVIDER
    reconnect_message = (
        "Fortnox no longer accepts this connection's authorisation (it was revoked, or unused"
        " for 45 days). Reconnect Fortnox from the setup page."
    )

    def __init__(self, *, session: requests.Session | None = None) -> None:
        self.session = session or build_session()

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

    def exchange_code(self, *, code: str, redirect_uri: str, **context: Any) -> TokenSet:
        return self._token(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        )

    def refresh(self, *, connection: Connection) -> TokenSet:
        if not connection.refresh_token:
            raise ConnectorError(self.reconnect_message, permanent=True, provider=PROVIDER)
        return self._token(
            {"grant_type": "refresh_token", "refresh_token": connection.refresh_token}
        )

    def revoke(self, *, connection: Connection) -> None:
        if not connection.refresh_token:
            return
        self._post(
            "revoke",
            {"token_type_hint": "refresh_token", "token": connection.refresh_token},
        )

    def _token(self, form: dict[str, str]) -> TokenSet:
        body = self._post("token", form)
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_in=int(body.get("expires_in") or 3600),
            refresh_expires_in=REFRESH_TOKEN_LIFETIME,
            scopes=str(body.get("scope", "")).split(),
            raw=body,
        )

    def _post(self, endpoint: str, form: dict[str, str]) -> dict:
        try:
            response = self.session.post(
                f"{settings.FORTNOX_AUTH_URL}/{endpoint}",
                data=form,
                auth=(settings.FORTNOX_CLIENT_ID, settings.FORTNOX_CLIENT_SECRET),
                headers={"Accept": "application/json"},
            )
        except requests.RequestException as exc:
            raise transport_error(exc) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise ConnectorError(
                "Fortnox's sign-in service is not answering; it will be retried.",
                permanent=False,
                provider=PROVIDER,
                status=response.status_code,
            )
        if response.status_code != 200:
            parsed = parse_error(response)
            raise ConnectorError(
                _token_error_sentence(parsed.message),
                permanent=True,
                provider=PROVIDER,
                status=response.status_code,
                detail=parsed.message,
            )
        return response.json()


def _token_error_sentence(message: str) -> str:
    if message.startswith("invalid_client"):
        return (
            "Fortnox did not accept this service's client id and secret; check"
            " FORTNOX_CLIENT_ID and FORTNOX_CLIENT_SECRET."
        )
    if message.startswith("invalid_grant"):
        return "Fortnox no longer accepts this authorisation; reconnect Fortnox."
    return f"Fortnox refused the sign-in: {message}"
