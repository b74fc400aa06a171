"""Helpers for tests: answer Shopify URLs from a sandbox, and post webhooks to Django.

``install(rsps, sandbox)`` registers callbacks on a ``responses.RequestsMock`` so that every
request to a shop URL (``SHOPIFY_SHOP_URL``, in tests ``https://{shop}``) is answered by the
sandbox, whatever the method and path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

import responses

from shopify_app.sandbox.sandbox import ShopifySandbox
from shopify_app.sandbox.webhooks import Delivery

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SHOP = r"(?P<shop>[a-z0-9][a-z0-9-]*\.myshopify\.com)"


def url_pattern(template: str) -> re.Pattern:
    """A regex for every URL under ``template`` (which contains ``{shop}``)."""
    prefix, suffix = template.split("{shop}", 1)
    return re.compile(f"^{re.escape(prefix)}{SHOP}{re.escape(suffix)}(?P<path>/[^?#]*)?(?:\\?.*)?$")


def install(rsps: responses.RequestsMock, sandbox: ShopifySandbox) -> None:
    """Answer the sandbox's shop URLs on ``rsps`` (any method, any path)."""
    pattern = url_pattern(sandbox.shop_url_template)

    def callback(request) -> tuple[int, dict, bytes]:
        match = pattern.match(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        path = f"/{match['shop']}{match['path'] or '/'}"
        answer = sandbox.handle(
            request.method, path, urlsplit(request.url).query, dict(request.headers), body
        )
        return answer.status, answer.headers, answer.body

    for method in METHODS:
        rsps.add_callback(method, pattern, callback=callback)


def post_deliveries(client, path: str, deliveries: Iterable[Delivery]) -> list:
    """POST deliveries to a Django test ``client`` (e.g. ``"/shopify/webhooks/"``)."""
    return [
        client.post(
            path,
            data=d.body,
            content_type="application/json",
            headers={k: v for k, v in d.headers.items() if k.lower() != "content-type"},
        )
        for d in deliveries
    ]
