"""Sandbox URLs (served under /sandbox/hubspot/ when SANDBOX_ENABLED)."""

from __future__ import annotations

from django.urls import path

from hubspot_app.sandbox import views

app_name = "hubspot_sandbox"
urlpatterns = [
    path("<path:path>", views.dispatch, name="dispatch"),
]
