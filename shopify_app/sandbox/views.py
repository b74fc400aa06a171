"""Serve the process-wide sandbox over HTTP under ``/sandbox/shopify/``.

The state is saved to ``var/sandbox/shopify.json`` after every request and reloaded when
another process has written the file since, so a restart keeps shops, tokens and orders.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from integrations.sandboxes import SandboxStore
from shopify_app.sandbox.sandbox import ShopifySandbox

STORE: SandboxStore[ShopifySandbox] = SandboxStore(
    filename="shopify.json",
    create=ShopifySandbox,
    load=lambda sandbox, data: sandbox.load_dict(data),
    dump=lambda sandbox: sandbox.to_dict(),
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
        request.method or "GET", f"/{path}", request.GET.dict(), dict(request.headers), request.body
    )
    if not (request.method == "GET" and "/_sandbox/" in path):
        save_sandbox(sandbox)
    response = HttpResponse(answer.body, status=answer.status)
    for key, value in answer.headers.items():
        response[key] = value
    return response
