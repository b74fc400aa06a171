"""The site's front door."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe


@require_safe
def home(request):
    """``/``: the sandbox walkthrough when the sandboxes are on, else a short page saying what
    this service is, with the way to the admin."""
    if settings.SANDBOX_ENABLED:
        return redirect("sandbox-home")
    return render(request, "home.html")
