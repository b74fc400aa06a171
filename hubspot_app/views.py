"""Install (OAuth) and onboarding pages for merchants."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from hubspot_app.connector import HubSpotConnector
from hubspot_app.oauth import PROVIDER, HubSpotOAuth
from integrations.views import oauth_callback, oauth_problem
from syncs.accounts import merchant_integration


def _redirect_uri() -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('hubspot:callback')}"


@require_GET
def connect(request):
    """Send the merchant to HubSpot to install the app in a portal (or to reconnect)."""
    oauth = HubSpotOAuth()
    state = oauth.begin(request)
    return redirect(oauth.authorize_url(state=state, redirect_uri=_redirect_uri()))


@require_GET
def callback(request):
    return oauth_callback(request, provider=HubSpotOAuth(), redirect_uri=_redirect_uri())


@require_GET
def setup(request):
    """Where the install lands: the portal's onboarding, on the engine's merchant pages
    (connect Fortnox, settings, the readiness check)."""
    integration = merchant_integration(request, provider=PROVIDER)
    if integration is None:
        return oauth_problem(
            request,
            provider="HubSpot",
            message="Connect HubSpot first to set it up.",
            status=403,
        )
    return redirect(HubSpotConnector().setup_url(integration=integration))
