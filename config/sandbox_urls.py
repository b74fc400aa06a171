"""The local fakes of the provider APIs, mounted only when SANDBOX_ENABLED is on."""

from __future__ import annotations

from django.urls import include, path

from config import sandbox_hubspot, sandbox_views
from fortnox.sandbox import pages as fortnox_pages

urlpatterns = [
    path("", sandbox_views.home, name="sandbox-home"),
    path("shopify-admin/add-app/", sandbox_views.shopify_add_app, name="sandbox-add-app"),
    path("shopify-admin/orders/", sandbox_views.shopify_orders, name="sandbox-shopify-orders"),
    path("fortnox/ui/", fortnox_pages.index, name="sandbox-fortnox"),
    path(
        "fortnox/ui/<str:tenant>/<str:register>/<str:number>/",
        fortnox_pages.document,
        name="sandbox-fortnox-document",
    ),
    path(
        "fortnox/ui/<str:tenant>/<str:register>/<str:number>/pdf/",
        fortnox_pages.pdf,
        name="sandbox-fortnox-pdf",
    ),
    path("hubspot-app/enrol/", sandbox_hubspot.enrol, name="sandbox-hubspot-enrol"),
    path("hubspot-app/card/", sandbox_hubspot.card, name="sandbox-hubspot-card"),
    path("fortnox/", include("fortnox.sandbox.urls")),
    path("shopify/", include("shopify_app.sandbox.urls")),
    path("hubspot/", include("hubspot_app.sandbox.urls")),
]
