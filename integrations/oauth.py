"""The OAuth 2 authorisation-code flow, written once for every provider.

A provider subclass sets its URLs, scopes and how the token endpoint wants to be called;
everything else (the ``state`` bound to the session, storing tokens on a ``Connection``,
refreshing under a row lock so single-use refresh tokens are used exactly once) lives here.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import requests
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from integrations.errors import ConnectorError, NeedsReauthorization
from integrations.http import RetryPolicy, build_session, call_with_retries, transport_error
from integrations.locking import lock_row
from integrations.models import Connection, ConnectionStatus

log = logging.getLogger(__name__)

SESSION_KEY = "oauth:{provider}"


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str = ""
    expires_in: int | None = None
    refresh_expires_in: int | None = None
    scopes: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


class OAuthError(Exception):
    """The authorisation was refused or tampered with; the message is shown to the user."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class OAuthProvider:
    """One provider's OAuth settings. A subclass sets its URLs, scopes and credentials,
    and the hook ``connected`` (what happens once the tokens are in hand); the state
    check, the token request, its error handling and the refresh live here, once."""

    provider: str = ""
    label: str = ""
    #: Refresh this many seconds before the access token expires.
    refresh_margin = 300
    #: What to tell the merchant when the grant is gone.
    reconnect_message = "The connection was revoked; connect the account again."
    #: "basic": HTTP Basic client credentials; "body": client_id/client_secret in the body.
    client_auth = "basic"
    #: "form" (application/x-www-form-urlencoded) or "json".
    token_encoding = "form"
    #: Token requests are never resent once they may have been received: a code or a
    #: single-use refresh token is spent by the first request that arrives.
    retry_policy = RetryPolicy(attempts=3, max_seconds=30.0)

    def __init__(self, *, session: requests.Session | None = None) -> None:
        self.session = session or build_session()

    # --- what a subclass says ---------------------------------------------------------
    def client_credentials(self) -> tuple[str, str]:
        raise NotImplementedError

    def authorize_url(self, *, state: str, redirect_uri: str, **context: Any) -> str:
        raise NotImplementedError

    def token_url(self, *, account_id: str = "") -> str:
        raise NotImplementedError

    def connected(self, request, *, tokens: TokenSet, state: dict[str, Any]) -> HttpResponse:
        """The hook: store what was granted and answer the browser."""
        raise NotImplementedError

    def check_callback(self, request, *, state: dict[str, Any]) -> None:
        """Refuse a callback the provider did not send (raise OAuthError)."""

    def callback_account_id(self, state: dict[str, Any]) -> str:
        """The account the code was issued for, where the token URL depends on it."""
        return ""

    def code_grant(self, *, code: str, redirect_uri: str) -> dict[str, str]:
        return {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}

    def refresh_grant(self, *, connection: Connection) -> dict[str, str]:
        return {"grant_type": "refresh_token", "refresh_token": connection.refresh_token}

    def parse_tokens(self, body: dict[str, Any]) -> TokenSet:
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_in=_int(body.get("expires_in")),
            refresh_expires_in=_int(body.get("refresh_token_expires_in")),
            scopes=str(body.get("scope", "")).split(),
            raw=body,
        )

    def token_error_message(self, *, error: str, description: str, status: int) -> str:
        return f"{self.label} refused the sign-in: {error or status} {description}".strip()

    # --- the flow, written once -------------------------------------------------------
    def exchange_code(self, *, code: str, redirect_uri: str, account_id: str = "") -> TokenSet:
        form = self.code_grant(code=code, redirect_uri=redirect_uri)
        return self.parse_tokens(self.token_request(form, account_id=account_id))

    def refresh(self, *, connection: Connection) -> TokenSet:
        if not connection.refresh_token:
            raise ConnectorError(self.reconnect_message, permanent=True, provider=self.provider)
        form = self.refresh_grant(connection=connection)
        return self.parse_tokens(self.token_request(form, account_id=connection.account_id))

    def revoke(self, *, connection: Connection) -> None:
        """Revoke the grant at the provider, where the provider supports it."""

    def token_request(self, form: dict[str, str], *, account_id: str = "") -> dict[str, Any]:
        body = self.post_form(self.token_url(account_id=account_id), form)
        if not isinstance(body.get("access_token"), str) or not body["access_token"]:
            raise ConnectorError(
                f"{self.label} answered the sign-in without an access token; try again.",
                permanent=True,
                provider=self.provider,
                detail=str(body)[:500],
            )
        return body

    def post_form(self, url: str, form: dict[str, str]) -> dict[str, Any]:
        """POST to one of the provider's OAuth endpoints with the client's credentials."""
        client_id, secret = self.client_credentials()
        kwargs: dict[str, Any] = {"headers": {"Accept": "application/json"}}
        if self.client_auth == "basic":
            kwargs["auth"] = (client_id, secret)
        else:
            form = {"client_id": client_id, "client_secret": secret, **form}
        kwargs["json" if self.token_encoding == "json" else "data"] = form

        def send() -> dict[str, Any]:
            try:
                response = self.session.post(url, **kwargs)
            except requests.RequestException as exc:
                label = f"{self.label}'s sign-in service"
                raise transport_error(exc, provider=self.provider, label=label) from exc
            return self._token_answer(response)

        return call_with_retries(send, policy=self.retry_policy, safe_to_repeat=False)

    def _token_answer(self, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        if status == 429 or status >= 500:
            raise ConnectorError(
                f"{self.label}'s sign-in service is not answering; it will be retried.",
                permanent=False,
                provider=self.provider,
                status=status,
            )
        error, description = _oauth_error(response)
        if status != 200 or error:
            message = self.token_error_message(error=error, description=description, status=status)
            raise ConnectorError(
                message,
                permanent=True,
                provider=self.provider,
                status=status,
                code=error or status,
                detail=f"{error}: {description}"[:500],
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        return body if isinstance(body, dict) else {}

    # --- state bound to the browser session -------------------------------------------
    def begin(self, request, **extra: Any) -> str:
        state = secrets.token_urlsafe(24)
        request.session[SESSION_KEY.format(provider=self.provider)] = {"state": state, **extra}
        return state

    def complete(self, request, *, state: str | None) -> dict[str, Any]:
        """Check the returned ``state`` against the session (single use) and return the
        extra values stored by ``begin``."""
        stored = request.session.pop(SESSION_KEY.format(provider=self.provider), None)
        if (
            not isinstance(stored, dict)
            or not isinstance(state, str)
            or not secrets.compare_digest(str(stored.get("state", "")).encode(), state.encode())
        ):
            raise OAuthError(
                "This sign-in link has expired or was not started from this browser."
                " Start connecting again."
            )
        return stored


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _oauth_error(response: requests.Response) -> tuple[str, str]:
    """OAuth's ``{"error", "error_description"}``, or another JSON error shape's message."""
    try:
        body = response.json()
    except ValueError:
        return ("", response.text[:300]) if response.status_code != 200 else ("", "")
    if not isinstance(body, dict):
        return "", str(body)[:300]
    info = body.get("ErrorInformation") or body.get("errorInformation")
    if isinstance(info, dict):
        lowered = {str(k).lower(): v for k, v in info.items()}
        return "", str(lowered.get("message", ""))
    error = body.get("error")
    description = body.get("error_description") or body.get("message") or ""
    if isinstance(error, dict):  # some providers nest it
        error, description = error.get("code", ""), error.get("message", description)
    return str(error or ""), str(description)


def store_tokens(connection: Connection, tokens: TokenSet) -> None:
    now = timezone.now()
    connection.access_token = tokens.access_token
    if tokens.refresh_token:
        connection.refresh_token = tokens.refresh_token
    connection.token_expires_at = (
        now + timedelta(seconds=tokens.expires_in) if tokens.expires_in else None
    )
    if tokens.refresh_expires_in:
        connection.refresh_token_expires_at = now + timedelta(seconds=tokens.refresh_expires_in)
    if tokens.scopes:
        connection.scopes = tokens.scopes
    connection.status = ConnectionStatus.ACTIVE
    connection.last_error = ""


def fresh_access_token(
    *, connection_id: int, provider: OAuthProvider, rejected_token: str = ""
) -> str:
    """Return an access token good for a while, refreshing it if needed.

    The refresh happens under a row lock, re-reading the token inside it: when several
    workers find the token expiring at once, the first refreshes and the others, once the
    lock is free, find the new token and use it. ``rejected_token`` forces a refresh when
    the provider refused that token before its expiry (unless someone already replaced it).
    """
    conn = Connection.objects.get(pk=connection_id)
    if _usable(conn, provider, rejected_token):
        return conn.access_token
    failure: ConnectorError | None = None
    with transaction.atomic():
        conn = lock_row(Connection.objects, pk=connection_id)
        if _usable(conn, provider, rejected_token):
            return conn.access_token
        try:
            store_tokens(conn, provider.refresh(connection=conn))
            conn.save()
            log.info("refreshed %s token for connection %s", provider.provider, conn.pk)
            return conn.access_token
        except ConnectorError as exc:
            if not exc.permanent:
                raise
            conn.status = ConnectionStatus.NEEDS_REAUTH
            conn.last_error = provider.reconnect_message
            conn.save(update_fields=["status", "last_error", "updated_at"])
            failure = exc
    raise NeedsReauthorization(
        provider.reconnect_message, provider=provider.provider, detail=failure.detail
    ) from failure


def _usable(conn: Connection, provider: OAuthProvider, rejected_token: str) -> bool:
    if conn.status != ConnectionStatus.ACTIVE:
        raise NeedsReauthorization(
            conn.last_error or provider.reconnect_message, provider=provider.provider
        )
    if rejected_token and conn.access_token == rejected_token:
        return False
    return not conn.token_expires_within(provider.refresh_margin)
