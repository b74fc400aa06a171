"""Install (OAuth) and onboarding pages for merchants."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from integrations.models import ConnectionStatus
from integrations.views import oauth_callback, oauth_problem
from shopify_app.connector import ShopifyConnector
from shopify_app.oauth import PROVIDER, ShopifyOAuth, client_secrets
from shopify_app.signatures import normalise_shop, verify_query
from syncs.accounts import merchant_grant, merchant_integration
from syncs.models import Integration

ACTIVE = ConnectionStatus.ACTIVE


def _redirect_uri() -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('shopify:callback')}"


@require_GET
def install(request):
    """Shopify opens this when the merchant adds the app: check the shop and the
    signature, then ask the merchant to grant access. Every refusal is a 4xx page."""
    if any(len(values) > 1 for _, values in request.GET.lists()):
        return oauth_problem(
            request,
            provider="Shopify",
            message="This install link was altered. Open the app from your Shopify admin.",
        )
    shop = normalise_shop(request.GET.get("shop", ""))
    if not shop:
        return oauth_problem(
            request,
            provider="Shopify",
            message="That is not a Shopify store address (name.myshopify.com).",
        )
    if not verify_query(request.GET, client_secrets()):
        return oauth_problem(
            request,
            provider="Shopify",
            message="This install link is not signed by Shopify or is too old. Open the app"
            " from your Shopify admin.",
            status=401,
        )
    integration = _installed(shop)
    if integration is not None:  # Shopify opens the app URL, signed, each time
        merchant_grant(request, integration)
        return redirect("merchant:status", integration.pk)
    oauth = ShopifyOAuth()
    state = oauth.begin(request, shop=shop)
    return redirect(oauth.authorize_url(state=state, redirect_uri=_redirect_uri(), shop=shop))


@require_GET
def callback(request):
    return oauth_callback(request, provider=ShopifyOAuth(), redirect_uri=_redirect_uri())


def _installed(shop: str) -> Integration | None:
    """The shop's integration while its access works and has every scope the app asks
    for; None sends the merchant through OAuth (a first install, a reinstall, tokens
    Shopify no longer accepts, or new scopes)."""
    integration = (
        Integration.objects.select_related("source")
        .filter(source__provider=PROVIDER, source__account_id=shop, source__status=ACTIVE)
        .exclude(source__access_token="")
        .first()
    )
    if integration and set(settings.SHOPIFY_SCOPES) <= set(integration.source.scopes or []):
        return integration
    return None


@require_GET
def setup(request):
    """Where the install lands: the shop's onboarding, on the engine's merchant pages."""
    integration = merchant_integration(request, provider=PROVIDER)
    if integration is None:
        return oauth_problem(
            request,
            provider="Shopify",
            message="Open the app from your Shopify admin to set it up.",
            status=403,
        )
    return redirect(ShopifyConnector().setup_url(integration=integration))
