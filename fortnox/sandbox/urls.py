"""Sandbox URLs, included under ``/sandbox/fortnox/``: ``3/...``, ``oauth-v1/...`` and
``_control/...``."""

from __future__ import annotations

from django.urls import re_path

from fortnox.sandbox.views import sandbox_view

app_name = "fortnox_sandbox"
urlpatterns = [
    re_path(r"^(?P<rest>(?:3|oauth-v1|_control)(?:/.*)?)$", sandbox_view, name="api"),
]
