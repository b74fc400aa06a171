"""Install (OAuth) and onboarding pages for merchants."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fortnox.views import NEXT_KEY
from integrations.errors import ConnectorError
from integrations.models import Connection, ConnectionStatus
from integrations.oauth import OAuthError, store_tokens
from shopify_app.oauth import PROVIDER, ShopifyOAuth, client_secrets
from shopify_app.signatures import normalise_shop, verify_query
from syncs.models import Integration

SESSION_CONNECTION = "shopify_connection_id"


def _problem(request, message: str, status: int = 400):
    context = {"provider": "Shopify", "message": message}
    return render(request, "oauth_problem.html", context, status=status)


def _redirect_uri() -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('shopify:callback')}"


@require_GET
def install(request):
    """Shopify opens this when the merchant adds the app: check the shop and the
    signature, then ask the merchant to grant access."""
    shop = normalise_shop(request.GET.get("shop", ""))
    if not shop:
        return _problem(request, "That is not a Shopify store address (name.myshopify.com).")
    if not verify_query(request.GET, client_secrets()):
        return _problem(
            request,
            "This install link is not signed by Shopify or is too old. Open the app from your"
            " Shopify admin.",
            status=401,
        )
    oauth = ShopifyOAuth()
    state = oauth.begin(request, shop=shop)
    return redirect(oauth.authorize_url(state=state, redirect_uri=_redirect_uri(), shop=shop))


@require_GET
def callback(request):
    oauth = ShopifyOAuth()
    try:
        stored = oauth.complete(request, state=request.GET.get("state"))
    except OAuthError as exc:
        return _problem(request, str(exc))
    shop = normalise_shop(request.GET.get("shop", ""))
    if not verify_query(request.GET, client_secrets()):
        return _problem(request, "Shopify's answer was not signed correctly. Install again.", 401)
    if not shop or shop != stored.get("shop"):
        return _problem(request, "Shopify answered for a different store. Install again.")
    if not request.GET.get("code"):
        return _problem(request, "Shopify did not grant access, so nothing was installed.")
    try:
        tokens = oauth.exchange_code(
            code=request.GET["code"], redirect_uri=_redirect_uri(), shop=shop
        )
    except ConnectorError as exc:
        return _problem(request, exc.message, status=502)
    connection = _store(shop, tokens)
    request.session[SESSION_CONNECTION] = connection.pk
    request.session[NEXT_KEY] = reverse("shopify:setup")
    return redirect("shopify:setup")


def _store(shop: str, tokens) -> Connection:
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(
            provider=PROVIDER, account_id=shop, defaults={"display_name": shop}
        )
        # app/uninstalled disconnected the shop and switched its integration off; installing
        # again undoes both, or the shop would stay silently unsynced.
        reinstalled = connection.status == ConnectionStatus.DISCONNECTED
        store_tokens(connection, tokens)
        connection.save()
        integration, _ = Integration.objects.get_or_create(
            source=connection, defaults={"name": shop}
        )
        if reinstalled and not integration.enabled:
            integration.enabled = True
            integration.save(update_fields=["enabled", "updated_at"])
    return connection


@require_GET
def setup(request):
    """Onboarding status: the shop, its Fortnox link, and the next step."""
    connection_id = request.session.get(SESSION_CONNECTION)
    integration = (
        Integration.objects.filter(source_id=connection_id)
        .select_related("source", "fortnox")
        .first()
    )
    if integration is None:
        return _problem(request, "Open the app from your Shopify admin to set it up.", 403)
    notice = _link_fortnox(request, integration)
    request.session[NEXT_KEY] = reverse("shopify:setup")
    return render(
        request,
        "shopify/setup.html",
        {"integration": integration, "notice": notice, "recent": integration.runs.all()[:10]},
    )


def _link_fortnox(request, integration: Integration) -> str:
    """Link the Fortnox account the merchant just connected, unless another one is linked."""
    fortnox_id = request.session.pop("fortnox_connection_id", None)
    if not fortnox_id or fortnox_id == integration.fortnox_id:
        return ""
    if integration.fortnox_id and integration.fortnox.is_active:
        return (
            "This shop already books into another Fortnox account. Disconnect it first (ask"
            " your operator), then connect the new one."
        )
    integration.fortnox_id = fortnox_id
    integration.save(update_fields=["fortnox", "updated_at"])
    integration.refresh_from_db()
    return "Fortnox is connected. New orders will be booked automatically."
