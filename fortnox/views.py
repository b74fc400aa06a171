"""Operator views for Fortnox connections. Connecting one is part of onboarding, which the
engine owns (``syncs.onboarding``), since it links the tenant to a shop or portal."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from fortnox import services
from fortnox.errors import PROVIDER
from integrations.models import Connection


@require_POST
@staff_member_required
def disconnect(request, connection_id: int):
    if not request.user.has_perm("integrations.change_connection"):
        return render(
            request,
            "oauth_problem.html",
            {"provider": "Fortnox", "message": "You may look at connections, not change them."},
            status=403,
        )
    connection = get_object_or_404(Connection, pk=connection_id, provider=PROVIDER)
    services.connection_disconnect(connection=connection)
    return render(request, "fortnox/disconnected.html", {"connection": connection})
