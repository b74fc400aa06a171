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

from django.db import transaction
from django.utils import timezone

from integrations.errors import ConnectorError, NeedsReauthorization
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


class OAuthProvider:
    """Subclasses call their provider's token endpoint; this class does the rest."""

    provider: str = ""
    #: Refresh this many seconds before the access token expires.
    refresh_margin = 300
    #: What to tell the merchant when the grant is gone.
    reconnect_message = "The connection was revoked; connect the account again."

    def authorize_url(self, *, state: str, redirect_uri: str, **context: Any) -> str:
        raise NotImplementedError

    def exchange_code(self, *, code: str, redirect_uri: str, **context: Any) -> TokenSet:
        raise NotImplementedError

    def refresh(self, *, connection: Connection) -> TokenSet:
        raise NotImplementedError

    def revoke(self, *, connection: Connection) -> None:
        """Revoke the grant at the provider, where the provider supports it."""

    # --- state bound to the browser session -------------------------------------------
    def begin(self, request, **extra: Any) -> str:
        state = secrets.token_urlsafe(24)
        request.session[SESSION_KEY.format(provider=self.provider)] = {"state": state, **extra}
        return state

    def complete(self, request, *, state: str | None) -> dict[str, Any]:
        """Check the returned ``state`` against the session (single use) and return the
        extra values stored by ``begin``."""
        stored = request.session.pop(SESSION_KEY.format(provider=self.provider), None)
        if not stored or not state or not secrets.compare_digest(stored["state"], state):
            raise OAuthError(
                "This sign-in link has expired or was not started from this browser."
                " Start connecting again."
            )
        return stored


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
