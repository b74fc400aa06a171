"""The local fakes of the provider APIs, mounted only when SANDBOX_ENABLED is on."""

from __future__ import annotations

from django.urls import include, path

from config import sandbox_views

urlpatterns = [
    path("", sandbox_views.home, name="sandbox-home"),
    path("shopify-admin/add-app/", sandbox_views.shopify_add_app, name="sandbox-add-app"),
    path("fortnox/", include("fortnox.sandbox.urls")),
    path("shopify/", include("shopify_app.sandbox.urls")),
    path("hubspot/", include("hubspot_app.sandbox.urls")),
]
