"""Serve the process-wide sandbox over HTTP under ``/sandbox/shopify/``.

The state is saved to ``var/sandbox/shopify.json`` after every request and reloaded when
another process has written the file since, so a restart keeps shops, tokens and orders.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from shopify_app.sandbox.sandbox import ShopifySandbox

_lock = threading.Lock()
_state: dict = {"sandbox": None, "mtime": None, "path": None}


def state_file() -> Path:
    return _state["path"] or Path(settings.SANDBOX_STATE_DIR) / "shopify.json"


def set_default_sandbox(sandbox: ShopifySandbox | None, *, path: Path | None = None) -> None:
    """Serve ``sandbox`` (saved to ``path``) instead of the one from var/; None resets."""
    with _lock:
        _state.update(sandbox=sandbox, path=path, mtime=None)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


def get_sandbox() -> ShopifySandbox:
    """The process-wide sandbox, (re)loaded from its file when that changed on disk."""
    path = state_file()
    with _lock:
        sandbox = _state["sandbox"]
        if sandbox is None:
            sandbox = _state["sandbox"] = ShopifySandbox()
        mtime = _mtime(path)
        if mtime is not None and mtime != _state["mtime"]:
            sandbox.load_dict(json.loads(path.read_text()))
            _state["mtime"] = mtime
        return sandbox


def save_sandbox(sandbox: ShopifySandbox) -> None:
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
            text = json.dumps(sandbox.to_dict())
        temporary.write_text(text)
        os.replace(temporary, path)
        _state["mtime"] = _mtime(path)


@csrf_exempt
def dispatch(request: HttpRequest, path: str) -> HttpResponse:
    """Hand the request to the sandbox and return its answer."""
    sandbox = get_sandbox()
    answer = sandbox.handle(
        request.method or "GET", f"/{path}", request.GET.dict(), dict(request.headers), request.body
    )
    if not (request.method == "GET" and "/_sandbox/" in path):
        save_sandbox(sandbox)
    response = HttpResponse(answer.body, status=answer.status)
    for key, value in answer.headers.items():
        response[key] = value
    return response
