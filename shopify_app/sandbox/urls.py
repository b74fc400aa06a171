"""Sandbox URLs (served under /sandbox/shopify/ when SANDBOX_ENABLED)."""

from __future__ import annotations

from django.urls import path

from shopify_app.sandbox import views

app_name = "shopify_sandbox"
urlpatterns = [
    path("<path:path>", views.dispatch, name="dispatch"),
]
