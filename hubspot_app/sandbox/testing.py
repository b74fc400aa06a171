"""Helpers for tests: answer HubSpot's URLs from a sandbox, and post signed requests to Django.

``install(rsps, sandbox)`` registers callbacks on a ``responses.RequestsMock`` so that every
request to the API host (``HUBSPOT_API_URL``, in tests https://api.hubapi.com) and to the
authorize page (``HUBSPOT_AUTH_URL``, https://app.hubspot.com/oauth/authorize) is answered by
the sandbox, whatever the method and path. A ``timeout`` fault raises ``ReadTimeout``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
import responses
from django.conf import settings

from hubspot_app.sandbox.sandbox import HubSpotSandbox
from hubspot_app.sandbox.webhooks import Delivery

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
AUTHORIZE_PATH = "/oauth/authorize"


def _callback(sandbox: HubSpotSandbox, prefix: str):
    base_path = urlsplit(prefix).path.rstrip("/")

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(request.url or "")
        body = request.body or b""
        response = sandbox.handle(
            request.method or "GET",
            url.path[len(base_path) :] or "/",
            url.query,
            dict(request.headers),
            body.encode() if isinstance(body, str) else body,
        )
        if response.fault == "timeout":
            raise requests.exceptions.ReadTimeout(f"HubSpot sandbox: timed out ({request.url})")
        return response.status, response.headers, response.body

    return answer


def install(
    rsps: responses.RequestsMock,
    sandbox: HubSpotSandbox,
    *,
    api_url: str | None = None,
    auth_url: str | None = None,
) -> HubSpotSandbox:
    """Route every method on ``{api_url}/...`` and the authorize URL to ``sandbox``."""
    api = (api_url or settings.HUBSPOT_API_URL).rstrip("/")
    auth_root = (auth_url or settings.HUBSPOT_AUTH_URL).rstrip("/").removesuffix(AUTHORIZE_PATH)
    sandbox.api_url = api
    routes = [(re.compile(re.escape(api) + r"(?:[/?#]|$)"), _callback(sandbox, api))]
    if not (auth_root + "/").startswith(api + "/"):
        pattern = re.compile(re.escape(auth_root + AUTHORIZE_PATH) + r"/?(?:[?#]|$)")
        routes.append((pattern, _callback(sandbox, auth_root)))
    for pattern, callback in routes:
        for method in METHODS:
            rsps.add_callback(method, pattern, callback=callback)
    return sandbox


def post_to_client(client, delivery: Delivery):
    """Send a sandbox-built request (webhook, workflow action, card fetch) to a Django test
    ``client``; the path and query come from the delivery's URL."""
    url = urlsplit(delivery.url)
    path = f"{url.path}?{url.query}" if url.query else url.path
    headers = {k: v for k, v in delivery.headers.items() if k.lower() != "content-type"}
    content_type = delivery.headers.get("Content-Type", "application/json")
    return client.generic(delivery.method, path, delivery.body, content_type, headers=headers)


def post_all(client, deliveries: Iterable[Delivery]) -> list:
    return [post_to_client(client, delivery) for delivery in deliveries]
