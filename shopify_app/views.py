"""Install (OAuth) and onboarding pages for merchants."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from integrations.views import oauth_callback, oauth_problem
from shopify_app.connector import ShopifyConnector
from shopify_app.oauth import PROVIDER, ShopifyOAuth, client_secrets
from shopify_app.signatures import normalise_shop, verify_query
from syncs.accounts import merchant_integration
from syncs.onboarding import NOTICE_KEY


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
    oauth = ShopifyOAuth()
    state = oauth.begin(request, shop=shop)
    return redirect(oauth.authorize_url(state=state, redirect_uri=_redirect_uri(), shop=shop))


@require_GET
def callback(request):
    return oauth_callback(request, provider=ShopifyOAuth(), redirect_uri=_redirect_uri())


@require_GET
def setup(request):
    """Onboarding status: the shop, its Fortnox link, and the next step."""
    integration = merchant_integration(request, provider=PROVIDER)
    if integration is None:
        return oauth_problem(
            request,
            provider="Shopify",
            message="Open the app from your Shopify admin to set it up.",
            status=403,
        )
    context = {
        "integration": integration,
        "notice": request.session.pop(NOTICE_KEY, ""),
        "trigger": ShopifyConnector().describe_trigger(integration=integration),
        "recent": integration.runs.all()[:10],
    }
    return render(request, "shopify/setup.html", context)
