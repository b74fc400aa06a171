"""The account lifecycle, for every source: install, link Fortnox, disconnect.

Connectors call these services instead of editing ``Connection`` and ``Integration`` rows
themselves, so each rule (one Fortnox account per source, a reinstall switching the
integration back on) is written once.
"""

from __future__ import annotations

from django.db import transaction

from integrations.models import Connection, ConnectionStatus
from integrations.oauth import TokenSet, store_tokens
from syncs.models import Integration
from syncs.waiting import runs_resume

MERCHANT_SESSION_KEY = "merchant_integrations"


class FortnoxAlreadyLinked(Exception):
    """The source books into another active Fortnox account; disconnect that one first."""


def integration_install(
    *, provider: str, account_id: str, display_name: str, tokens: TokenSet
) -> Integration:
    """Store the source account's tokens and return its integration, created on first
    install. Installing again after an uninstall switches the integration back on, or the
    account would stay silently unsynced; runs that waited for the account are taken up."""
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(
            provider=provider, account_id=account_id, defaults={"display_name": display_name}
        )
        reinstalled = connection.status == ConnectionStatus.DISCONNECTED
        reconnected = connection.status != ConnectionStatus.ACTIVE
        store_tokens(connection, tokens)
        connection.save()
        integration, _ = Integration.objects.get_or_create(
            source=connection, defaults={"name": display_name}
        )
        if reinstalled and not integration.enabled:
            integration.enabled = True
            integration.save(update_fields=["enabled", "updated_at"])
        if reconnected:
            runs_resume(integration=integration)
    return integration


def integration_link_fortnox(*, integration: Integration, fortnox: Connection) -> bool:
    """Make ``fortnox`` the account this integration books into. Returns False when it
    already was. One Fortnox account per source: switching means disconnecting first."""
    with transaction.atomic():
        # Lock the integration row only: PostgreSQL refuses FOR UPDATE on the nullable side
        # of the outer join that select_related("fortnox") makes.
        locked = Integration.objects.select_for_update(of=("self",)).select_related("fortnox")
        integration = locked.get(pk=integration.pk)
        if integration.fortnox_id == fortnox.pk:
            return False
        if integration.fortnox_id and integration.fortnox.is_active:
            raise FortnoxAlreadyLinked(
                f"{integration} already books into the Fortnox account"
                f" {integration.fortnox.display_name}. Disconnect it first, then connect the"
                " new one."
            )
        integration.fortnox = fortnox
        integration.save(update_fields=["fortnox", "updated_at"])
    return True


def integration_unlink_fortnox(*, integration: Integration) -> None:
    """The merchant disconnects Fortnox from their integration. The tenant's tokens are
    revoked too unless another integration still books into it."""
    from fortnox.services import connection_disconnect

    with transaction.atomic():
        locked = Integration.objects.select_for_update().get(pk=integration.pk)
        fortnox, locked.fortnox = locked.fortnox, None
        locked.save(update_fields=["fortnox", "updated_at"])
        shared = fortnox and fortnox.fortnox_integrations.exclude(pk=locked.pk).exists()
    integration.fortnox = None
    if fortnox and not shared:
        connection_disconnect(connection=fortnox)


def source_disconnect(*, provider: str, account_id: str, reason: str) -> None:
    """The source revoked our access (an uninstall): forget its tokens and stop its work.
    Runs already recorded stay, to be replayed after the account is connected again."""
    with transaction.atomic():
        for connection in Connection.objects.select_for_update().filter(
            provider=provider, account_id=account_id
        ):
            connection.access_token = connection.refresh_token = ""
            connection.status = ConnectionStatus.DISCONNECTED
            connection.last_error = reason
            connection.save()
        Integration.objects.filter(source__provider=provider, source__account_id=account_id).update(
            enabled=False
        )


# --- the merchant's browser session ----------------------------------------------------
def merchant_grant(request, integration: Integration) -> None:
    """Remember that this browser proved, through a signed install or OAuth, that it
    acts for the integration's account."""
    granted = [i for i in request.session.get(MERCHANT_SESSION_KEY, []) if i != integration.pk]
    request.session[MERCHANT_SESSION_KEY] = [integration.pk, *granted][:20]


def merchant_integration(
    request, *, provider: str = "", integration_id: object = None
) -> Integration | None:
    """The integration this browser acts for: ``integration_id`` when it was granted,
    else the most recent one granted (of ``provider``, when given)."""
    granted = [pk for pk in request.session.get(MERCHANT_SESSION_KEY) or [] if isinstance(pk, int)]
    if integration_id not in (None, ""):
        granted = [pk for pk in granted if str(pk) == str(integration_id)]
    integrations = Integration.objects.filter(pk__in=granted).select_related("source", "fortnox")
    if provider:
        integrations = integrations.filter(source__provider=provider)
    by_id = {integration.pk: integration for integration in integrations}
    return next((by_id[pk] for pk in granted if pk in by_id), None)
