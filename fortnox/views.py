from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fortnox import services
from fortnox.errors import PROVIDER
from fortnox.oauth import FortnoxOAuth
from integrations.errors import ConnectorError
from integrations.models import Connection
from integrations.oauth import OAuthError

# Where the rest of onboarding continues once Fortnox is connected; a source connector
# puts its own follow-up URL here when it sends the merchant to connect Fortnox.
NEXT_KEY = "fortnox_next"


def _redirect_uri() -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('fortnox:callback')}"


def _problem(request, message: str, status: int = 400):
    return render(
        request, "oauth_problem.html", {"provider": "Fortnox", "message": message}, status=status
    )


@require_GET
def connect(request):
    """Send the merchant to Fortnox to approve access."""
    if not request.session.get(NEXT_KEY) and not request.user.is_staff:
        return _problem(
            request,
            "Connect Fortnox from your shop's setup page (or sign in as an operator first).",
            status=403,
        )
    oauth = FortnoxOAuth()
    state = oauth.begin(request, next=request.session.get(NEXT_KEY, ""))
    return redirect(oauth.authorize_url(state=state, redirect_uri=_redirect_uri()))


@require_GET
def callback(request):
    oauth = FortnoxOAuth()
    try:
        stored = oauth.complete(request, state=request.GET.get("state"))
    except OAuthError as exc:
        return _problem(request, str(exc))
    if request.GET.get("error"):
        return _problem(
            request,
            "Fortnox access was not granted, so nothing was connected. Start again when you"
            " are ready to approve.",
        )
    if not request.GET.get("code"):
        return _problem(request, "Fortnox did not send an authorisation code. Start again.")
    try:
        connection = services.connection_complete(
            code=request.GET["code"], redirect_uri=_redirect_uri(), oauth=oauth
        )
    except ConnectorError as exc:
        return _problem(request, exc.message, status=502)
    request.session.pop(NEXT_KEY, None)
    if stored.get("next"):
        request.session["fortnox_connection_id"] = connection.pk
        return redirect(stored["next"])
    return render(request, "fortnox/connected.html", {"connection": connection})


@require_POST
@staff_member_required
def disconnect(request, connection_id: int):
    connection = get_object_or_404(Connection, pk=connection_id, provider=PROVIDER)
    services.connection_disconnect(connection=connection)
    return render(request, "fortnox/disconnected.html", {"connection": connection})
