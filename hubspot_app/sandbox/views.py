"""Serve the process-wide sandbox over HTTP under ``/sandbox/hubspot/``.

The state is saved to ``var/sandbox/hubspot.json`` after every request and reloaded when
another process has written the file since, so a restart keeps portals, tokens and records.
A fresh sandbox starts with one portal, so the consent page has an account to offer.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from hubspot_app.sandbox.persistence import dump, load
from hubspot_app.sandbox.sandbox import HubSpotSandbox

_lock = threading.Lock()
_state: dict = {"sandbox": None, "mtime": None, "path": None}
TIMEOUT_SECONDS = 1.0


def state_file() -> Path:
    return _state["path"] or Path(settings.SANDBOX_STATE_DIR) / "hubspot.json"


def set_default_sandbox(sandbox: HubSpotSandbox | None, *, path: Path | None = None) -> None:
    """Serve ``sandbox`` (saved to ``path``) instead of the one from var/; None resets."""
    with _lock:
        _state.update(sandbox=sandbox, path=path, mtime=None)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


def get_sandbox() -> HubSpotSandbox:
    """The process-wide sandbox, (re)loaded from its file when that changed on disk."""
    path = state_file()
    with _lock:
        sandbox = _state["sandbox"]
        if sandbox is None:
            sandbox = _state["sandbox"] = HubSpotSandbox()
            sandbox.add_portal()
        mtime = _mtime(path)
        if mtime is not None and mtime != _state["mtime"]:
            load(sandbox, json.loads(path.read_text()))
            _state["mtime"] = mtime
        return sandbox


def save_sandbox(sandbox: HubSpotSandbox) -> None:
    """Write the state atomically (a reader never sees half a file).

    One save at a time, from dump to rename: the threaded web server saves after every
    request, and two saves sharing the temporary file made one fail, or wrote an older
    state into the live file after its time was noted, so the next request reloaded it and
    lost what had happened since."""
    if not settings.SANDBOX_PERSIST:
        return
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    with _lock:
        with sandbox.lock:  # the dump reads dicts a request may be changing
            text = json.dumps(dump(sandbox))
        temporary.write_text(text)
        os.replace(temporary, path)
        _state["mtime"] = _mtime(path)


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
