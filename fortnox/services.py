"""Connecting and disconnecting a Fortnox tenant."""

from __future__ import annotations

import logging

from django.db import transaction

from fortnox.client import FortnoxClient
from fortnox.errors import PROVIDER
from fortnox.oauth import FortnoxOAuth
from integrations.errors import ConnectorError
from integrations.models import Connection, ConnectionStatus
from integrations.oauth import TokenSet, store_tokens

log = logging.getLogger(__name__)


def connection_store(*, tokens: TokenSet) -> Connection:
    """Identify the tenant the tokens were granted for and store them on its connection.

    The tenant id is ``DatabaseNumber`` from ``/3/companyinformation``; connecting the same
    tenant again updates its existing connection instead of adding a second one.
    """
    company = FortnoxClient(access_token=tokens.access_token).get_company_information()
    tenant_id = str(company.get("DatabaseNumber") or "").strip()
    if not tenant_id:
        raise ConnectorError(
            "Fortnox did not say which company this is; try connecting again.",
            permanent=True,
            provider=PROVIDER,
        )
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(
            provider=PROVIDER, account_id=tenant_id
        )
        connection.display_name = company.get("CompanyName") or tenant_id
        connection.metadata = {
            **connection.metadata,
            "organisation_number": company.get("OrganizationNumber", ""),
        }
        store_tokens(connection, tokens)
        connection.save()
    log.info("Fortnox tenant %s connected (%s)", tenant_id, connection.display_name)
    return connection


def connection_disconnect(*, connection: Connection, oauth: FortnoxOAuth | None = None) -> None:
    """Revoke the refresh token at Fortnox and forget both tokens.

    A failure to revoke is logged and does not keep the tokens: the merchant asked to cut
    the link, and an unrevoked refresh token expires by itself after 45 days.
    """
    oauth = oauth or FortnoxOAuth()
    try:
        oauth.revoke(connection=connection)
    except ConnectorError as exc:
        log.warning("could not revoke Fortnox token for %s: %s", connection.pk, exc.detail or exc)
    connection.access_token = ""
    connection.refresh_token = ""
    connection.token_expires_at = None
    connection.refresh_token_expires_at = None
    connection.status = ConnectionStatus.DISCONNECTED
    connection.last_error = ""
    connection.save()
