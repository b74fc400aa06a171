"""``shopify.app.toml``: the app's configuration for the Shopify CLI (``shopify app deploy``).

Scopes, redirect URLs, the webhook subscriptions (compliance topics included, which can be
set only here or in the Dashboard) and the API version that serialises webhook bodies, all
under one public base URL. The copy in the repository is rendered for ``EXAMPLE_BASE_URL``;
``manage.py shopify_app_toml`` prints it for yours. See shopify.md sections 1 and 2.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

EXAMPLE_BASE_URL = "https://fortnox-bridge.example.com"
APP_NAME = "Fortnox Bridge"
APP_HANDLE = "fortnox-bridge"
TOPICS = (
    "orders/create",
    "orders/paid",
    "orders/fulfilled",
    "refunds/create",
    "customers/create",
    "customers/update",
    "products/create",
    "products/update",
    "app/uninstalled",
)
COMPLIANCE_TOPICS = ("customers/data_request", "customers/redact", "shop/redact")


def _list(values) -> str:
    return "[" + ", ".join(json.dumps(value) for value in values) + "]"


def base_url_problem(base_url: str) -> str:
    """Why Shopify would refuse URLs under ``base_url``, or "" (localhost may be http)."""
    parts = urlsplit(base_url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{base_url!r} is not an http(s) URL such as {EXAMPLE_BASE_URL}."
    if parts.query or parts.fragment:
        return f"{base_url!r} must not have a query or fragment."
    local = parts.hostname in ("localhost", "127.0.0.1")
    if parts.scheme != "https" and not local:
        return f"{base_url!r} must use https: Shopify refuses plain http app URLs."
    return ""


def app_toml(*, base_url: str, client_id: str, scopes: list[str], api_version: str) -> str:
    base = base_url.rstrip("/")
    webhooks = f"{base}/shopify/webhooks/"
    return f"""\
# Shopify app configuration, for the Shopify CLI (`shopify app deploy`).
# Rendered for {base}; print it for your PUBLIC_BASE_URL with
#   .venv/bin/python manage.py shopify_app_toml
client_id = {json.dumps(client_id)}
name = {json.dumps(APP_NAME)}
handle = {json.dumps(APP_HANDLE)}
application_url = {json.dumps(f"{base}/shopify/install/")}
embedded = false

[access_scopes]
scopes = {json.dumps(",".join(scopes))}
# Non-embedded: the app installs itself through the authorization-code grant
# (/shopify/install/ -> /shopify/callback/), with expiring offline tokens.
use_legacy_install_flow = true

[auth]
redirect_urls = [{json.dumps(f"{base}/shopify/callback/")}]

[webhooks]
# The version that serialises webhook bodies; keep it equal to SHOPIFY_API_VERSION.
api_version = {json.dumps(api_version)}

[[webhooks.subscriptions]]
topics = {_list(TOPICS)}
uri = {json.dumps(webhooks)}

[[webhooks.subscriptions]]
compliance_topics = {_list(COMPLIANCE_TOPICS)}
uri = {json.dumps(webhooks)}

[pos]
embedded = false
"""
