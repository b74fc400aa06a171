"""The sandbox home page: the steps a new user clicks through under `make run`."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from shopify_app.signatures import normalise_shop, query_hmac

DEMO_SHOP = "demo-butik.myshopify.com"


@require_GET
def home(request):
    return render(request, "sandbox/home.html", {"shop": DEMO_SHOP})


@require_GET
def shopify_add_app(request):
    """What Shopify's admin does when a merchant clicks "Add app": open the app's install
    URL with a signed query."""
    from shopify_app.sandbox.views import get_sandbox, save_sandbox

    shop = normalise_shop(request.GET.get("shop", DEMO_SHOP)) or DEMO_SHOP
    sandbox = get_sandbox()
    if shop not in sandbox.shops:
        sandbox.add_shop(domain=shop, currency="SEK")
        save_sandbox(sandbox)
    query = {"shop": shop, "timestamp": str(int(time.time()))}
    query["hmac"] = query_hmac(query, settings.SHOPIFY_CLIENT_SECRET)
    return redirect(f"/shopify/install/?{urlencode(query)}")


@require_GET
def shopify_orders(request):
    """Every sandbox order with the note and tags the service wrote back."""
    from shopify_app.sandbox.views import get_sandbox

    shops = [
        {
            "domain": shop.domain,
            "orders": sorted(shop.orders.values(), key=lambda o: o.get("id", 0), reverse=True),
        }
        for shop in get_sandbox().shops.values()
    ]
    return render(request, "sandbox/shopify_orders.html", {"shops": shops})
