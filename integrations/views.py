from __future__ import annotations

import logging
import re

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from integrations.errors import ConnectorError
from integrations.oauth import OAuthError, OAuthProvider

log = logging.getLogger(__name__)
# What an authorisation code can look like: printable ASCII, no spaces, of a sane length.
# Anything else is refused without spending a token request on it.
AUTHORISATION_CODE = re.compile(r"[\x21-\x7e]{1,1024}")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        log.exception("health check: database unreachable")
        return False


def _queue_ok() -> bool:
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.models import OrmQ

    try:
        broker = get_broker()
        if isinstance(broker, ORM):
            # The ORM broker's ping() always says yes; read its table instead.
            OrmQ.objects.exists()
            return True
        return bool(broker.ping())
    except Exception:
        log.exception("health check: queue broker unreachable")
        return False


@require_GET
def healthz(request):
    checks = {"database": _database_ok(), "queue": _queue_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def oauth_problem(request, *, provider: str, message: str, status: int = 400) -> HttpResponse:
    """The page a merchant sees when connecting did not work: one sentence, no trace."""
    context = {"provider": provider, "message": message}
    return render(request, "oauth_problem.html", context, status=status)


def oauth_callback(request, *, provider: OAuthProvider, redirect_uri: str) -> HttpResponse:
    """Where every provider's authorisation ends: check the state and the provider's own
    signature, trade the code for tokens, then hand them to the provider's hook.

    Every refusal is a page with one sentence and a 4xx; only an unreachable provider
    (a transient error) is a 503."""
    if any(len(values) > 1 for _, values in request.GET.lists()):
        message = f"This {provider.label} sign-in link was altered. Start connecting again."
        return oauth_problem(request, provider=provider.label, message=message)
    try:
        state = provider.complete(request, state=request.GET.get("state"))
        provider.check_callback(request, state=state)
    except OAuthError as exc:
        return oauth_problem(request, provider=provider.label, message=str(exc), status=exc.status)
    if request.GET.get("error"):
        return oauth_problem(
            request,
            provider=provider.label,
            message=f"{provider.label} access was not granted, so nothing was connected. Start"
            " again when you are ready to approve.",
        )
    code = request.GET.get("code")
    if not code:
        message = f"{provider.label} did not send an authorisation code. Start again."
        return oauth_problem(request, provider=provider.label, message=message)
    if not AUTHORISATION_CODE.fullmatch(code):
        message = f"That is not an authorisation code from {provider.label}. Start again."
        return oauth_problem(request, provider=provider.label, message=message)
    try:
        tokens = provider.exchange_code(
            code=code, redirect_uri=redirect_uri, account_id=provider.callback_account_id(state)
        )
        return provider.connected(request, tokens=tokens, state=state)
    except ConnectorError as exc:
        # A refused code is the browser's problem (400); an unreachable provider is ours.
        status = 400 if exc.permanent else 503
        return oauth_problem(request, provider=provider.label, message=exc.message, status=status)
