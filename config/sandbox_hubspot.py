"""Sandbox home page actions for HubSpot: what a HubSpot workflow does when it enrols a
deal in the app's action, and what the app card fetches on a record page. Both send signed
requests, as HubSpot signs them, to this service's own endpoints over HTTP."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from integrations.http import build_session

ACTIONS = ("invoice", "order", "customer")
OBJECT_TYPES = ("DEAL", "COMPANY", "CONTACT")


def _result(request, title: str, status: int, answer: object, *, code: int = 200):
    context = {"title": title, "status": status, "answer": json.dumps(answer, indent=2)}
    return render(request, "sandbox/hubspot_result.html", context, status=code)


@require_POST
def enrol(request):
    """Enrol a sandbox record in the workflow action and show the app's answer and the
    completions recorded so far (the worker completes a BLOCKed execution shortly)."""
    from hubspot_app.sandbox.views import get_sandbox, save_sandbox

    object_id = request.POST.get("object_id", "").strip()
    action = request.POST.get("action", "invoice")
    object_type = "DEAL" if action != "customer" else request.POST.get("object_type", "COMPANY")
    if not object_id.isdigit() or action not in ACTIONS or object_type not in OBJECT_TYPES:
        answer = {"error": "Give a record id (digits) and one of the actions."}
        return _result(request, "Workflow action", 400, answer, code=400)
    sandbox = get_sandbox()
    url = f"{settings.PUBLIC_BASE_URL}{reverse('hubspot:actions')}"
    delivery, status = sandbox.execute_action(
        url, object_id=object_id, object_type=object_type, input_fields={"action": action}
    )
    save_sandbox(sandbox)
    answer = {"callbackId": delivery.events["callbackId"], "completions": sandbox.completions()}
    return _result(request, "Workflow action", status, answer)


@require_GET
def card(request):
    """What the app card on a company or contact page shows: a signed hubspot.fetch of the
    financials endpoint, answered by this service."""
    from hubspot_app.sandbox.views import get_sandbox

    object_id = request.GET.get("object_id", "").strip()
    object_type = request.GET.get("object_type", "COMPANY")
    if not object_id.isdigit() or object_type not in OBJECT_TYPES[1:]:
        answer = {"error": "Give a company or contact id (digits)."}
        return _result(request, "Record card", 400, answer, code=400)
    query = urlencode({"objectType": object_type, "objectId": object_id})
    url = f"{settings.PUBLIC_BASE_URL}{reverse('hubspot:card-financials')}?{query}"
    fetch = get_sandbox().card_fetch_request(url)
    response = build_session().get(fetch.url, headers=fetch.headers)
    try:
        answer = response.json()
    except ValueError:
        answer = {"body": response.text[:2000]}
    return _result(request, "Record card", response.status_code, answer)
