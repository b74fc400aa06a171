"""Serve the process-wide sandbox over HTTP under ``/sandbox/hubspot/``.

The state is saved to ``var/sandbox/hubspot.json`` after every request and reloaded when
another process has written the file since, so a restart keeps portals, tokens and records.
A fresh sandbox starts with one portal, so the consent page has an account to offer.
"""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from hubspot_app.sandbox.persistence import dump, load
from hubspot_app.sandbox.sandbox import HubSpotSandbox
from integrations.sandboxes import SandboxStore

TIMEOUT_SECONDS = 1.0


def _new_sandbox() -> HubSpotSandbox:
    sandbox = HubSpotSandbox()
    sandbox.add_portal()
    return sandbox


STORE: SandboxStore[HubSpotSandbox] = SandboxStore(
    filename="hubspot.json", create=_new_sandbox, load=load, dump=dump
)
state_file = STORE.state_file
set_default_sandbox = STORE.set_default
get_sandbox = STORE.get
save_sandbox = STORE.save


@csrf_exempt
def dispatch(request: HttpRequest, path: str) -> HttpResponse:
    """Hand the request to the sandbox and return its answer."""
    sandbox = get_sandbox()
    answer = sandbox.handle(
        request.method or "GET",
        f"/{path}",
        request.META.get("QUERY_STRING", ""),
        dict(request.headers),
        request.body,
    )
    if request.method != "GET" or path.startswith("oauth/"):
        save_sandbox(sandbox)
    if answer.fault == "timeout":
        time.sleep(TIMEOUT_SECONDS)
        return HttpResponse(b"", status=504)
    response = HttpResponse(answer.body, status=answer.status)
    for key, value in answer.headers.items():
        response[key] = value
    return response
