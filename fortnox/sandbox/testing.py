"""Answer ``requests`` calls from a sandbox in-process, through a ``responses`` mock."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import responses

from fortnox.sandbox.core import FortnoxSandbox

METHODS = (
    responses.GET,
    responses.POST,
    responses.PUT,
    responses.DELETE,
    responses.PATCH,
    responses.HEAD,
    responses.OPTIONS,
)


def _callback(sandbox: FortnoxSandbox, base: str, mount: str):
    base_path = urlsplit(base).path.rstrip("/")

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(request.url or "")
        path = mount + url.path[len(base_path) :]
        body = request.body or b""
        response = sandbox.handle(
            method=request.method or "GET",
            path=path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers=dict(request.headers),
            body=body.encode() if isinstance(body, str) else body,
        )
        if response.fault == "timeout":
            raise requests.exceptions.ReadTimeout(f"Fortnox sandbox: timed out ({request.url})")
        if response.fault == "crash":
            raise requests.exceptions.ConnectionError(
                f"Fortnox sandbox: connection dropped after commit ({request.url})"
            )
        return response.status, response.headers, response.body

    return answer


def install(
    rsps: responses.RequestsMock,
    sandbox: FortnoxSandbox,
    *,
    api_url: str = "https://api.fortnox.se",
    auth_url: str = "https://apps.fortnox.se/oauth-v1",
) -> FortnoxSandbox:
    """Route every method on ``{api_url}/3/...`` and ``{auth_url}/...`` to ``sandbox``.

    ``@url`` values in answers use ``api_url``. Timeouts raise ``ReadTimeout`` and
    ``crash_after_create`` raises ``ConnectionError``, as the real network would.
    """
    api = api_url.rstrip("/")
    auth = auth_url.rstrip("/")
    sandbox.api_url = api
    routes: list[tuple[re.Pattern[str], Any]] = [
        (re.compile(re.escape(api) + r"/3(?:[/?#]|$)"), _callback(sandbox, api, "")),
        (re.compile(re.escape(auth) + r"(?:[/?#]|$)"), _callback(sandbox, auth, "/oauth-v1")),
    ]
    for pattern, callback in routes:
        for method in METHODS:
            rsps.add_callback(method, pattern, callback=callback)
    return sandbox
