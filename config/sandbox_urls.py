"""The local fakes of the provider APIs, mounted only when SANDBOX_ENABLED is on."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("fortnox/", include("fortnox.sandbox.urls")),
    path("shopify/", include("shopify_app.sandbox.urls")),
]
