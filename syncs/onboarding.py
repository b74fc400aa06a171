"""Connecting Fortnox during onboarding: the engine's hook on Fortnox's OAuth flow.

The merchant starts from their shop's or portal's setup page; the browser session says
which integration they act for, and the OAuth state carries it through Fortnox, so the
tenant that comes back is linked to that integration and to nothing else.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fortnox.oauth import FortnoxOAuth
from fortnox.services import connection_store
from integrations.oauth import TokenSet
from integrations.views import oauth_callback, oauth_problem
from syncs.accounts import (
    FortnoxAlreadyLinked,
    integration_link_fortnox,
    merchant_grant,
    merchant_integration,
)
from syncs.connectors import get_source
from syncs.models import Integration

NOTICE_KEY = "onboarding_notice"


def _redirect_uri() -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('fortnox:callback')}"


class FortnoxLink(FortnoxOAuth):
    """Fortnox's OAuth, with the hook that links the tenant to the merchant's integration
    (or, for an operator connecting a tenant by hand, just stores it)."""

    def connected(self, request, *, tokens: TokenSet, state: dict[str, Any]):
        connection = connection_store(tokens=tokens)
        integration = Integration.objects.filter(pk=state.get("integration_id")).first()
        if integration is None:
            return render(request, "fortnox/connected.html", {"connection": connection})
        try:
            linked = integration_link_fortnox(integration=integration, fortnox=connection)
            notice = _("Fortnox is connected.") if linked else _("That Fortnox account was linked.")
        except FortnoxAlreadyLinked as exc:
            notice = str(exc)
        merchant_grant(request, integration)
        request.session[NOTICE_KEY] = notice
        return redirect(get_source(integration.source.provider).setup_url(integration=integration))


@require_GET
def fortnox_connect(request):
    """Send the merchant (or an operator) to Fortnox to approve access."""
    wanted = request.GET.get("integration")
    integration = merchant_integration(request, integration_id=wanted)
    if (integration is None and not request.user.is_staff) or (wanted and integration is None):
        return oauth_problem(
            request,
            provider="Fortnox",
            message=_("Connect Fortnox from your shop's setup page (or sign in as an operator)."),
            status=403,
        )
    oauth = FortnoxLink()
    state = oauth.begin(request, integration_id=integration.pk if integration else None)
    return redirect(oauth.authorize_url(state=state, redirect_uri=_redirect_uri()))


@require_GET
def fortnox_callback(request):
    return oauth_callback(request, provider=FortnoxLink(), redirect_uri=_redirect_uri())
