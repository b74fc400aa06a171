"""The sandbox over HTTP, under ``/sandbox/fortnox/`` (only mounted when SANDBOX_ENABLED).

One process-wide sandbox, persisted to ``fortnox.json`` in ``SANDBOX_STATE_DIR`` (default
``var/sandbox/``) after every change so restarts of ``make run`` keep tenants, tokens and
documents.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from fortnox.sandbox.core import FortnoxSandbox

_lock = threading.Lock()
_default: FortnoxSandbox | None = None


def state_path() -> Path:
    """Where the HTTP sandbox keeps its state."""
    return Path(settings.SANDBOX_STATE_DIR) / "fortnox.json"


def default_sandbox() -> FortnoxSandbox:
    """The process-wide sandbox, loaded from disk on first use."""
    global _default
    with _lock:
        if _default is None:
            sandbox = FortnoxSandbox(
                api_url=settings.FORTNOX_API_URL,
                client_id=settings.SANDBOX_CLIENT_ID,
                client_secret=settings.SANDBOX_CLIENT_SECRET,
                persist_path=state_path() if settings.SANDBOX_PERSIST else None,
                auto_tenant=True,
            )
            sandbox.load()
            _default = sandbox
        return _default


def set_default_sandbox(sandbox: FortnoxSandbox | None) -> None:
    """Swap the process-wide sandbox (tests); None makes the next request load from disk."""
    global _default
    with _lock:
        _default = sandbox


@csrf_exempt
def sandbox_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Translate a Django request to ``FortnoxSandbox.handle`` and its answer back."""
    sandbox = default_sandbox()
    answer = sandbox.handle(
        method=request.method or "GET",
        path="/" + rest,
        query={key: request.GET[key] for key in request.GET},
        headers=dict(request.headers),
        body=request.body,
    )
    if answer.fault == "timeout":
        time.sleep(sandbox.faults.timeout_seconds)
        return HttpResponse(b"", status=504)
    if answer.fault == "crash":
        return HttpResponse(b"", status=502)
    response = HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
