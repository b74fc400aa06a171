"""Shopify sandbox fixtures.

``shopify_sandbox`` answers every request to ``https://{shop}/...`` (any method, any path) from
an in-process ``ShopifySandbox`` with the shop ``demo-butik.myshopify.com`` (SEK,
Europe/Stockholm, standard plan). Only one ``responses`` mock can be active at a time, so it
registers on the suite's shared ``mocked_http`` mock, the same one ``fortnox_sandbox`` uses:
a test may ask for both sandboxes (and add its own stubs to ``shopify_sandbox.rsps``). To put
a sandbox on some other ``RequestsMock``, call ``shopify_app.sandbox.testing.install(rsps,
sandbox)``.
"""

from __future__ import annotations

import pytest

from shopify_app.client import ShopifyClient
from shopify_app.sandbox import ShopifySandbox
from shopify_app.sandbox.testing import install
from shopify_app.sandbox.views import set_default_sandbox

SHOP = "demo-butik.myshopify.com"


@pytest.fixture
def shopify_sandbox(mocked_http) -> ShopifySandbox:
    """A sandbox with shop demo-butik.myshopify.com, answering on ``mocked_http``."""
    sandbox = ShopifySandbox()
    sandbox.add_shop(domain=SHOP, currency="SEK")
    install(mocked_http, sandbox)
    sandbox.rsps = mocked_http
    return sandbox


@pytest.fixture
def shopify_tokens(shopify_sandbox) -> dict:
    """An access_token endpoint answer for demo-butik with the app's scopes (SHOPIFY_SCOPES)."""
    return shopify_sandbox.issue_tokens(shop=SHOP)


@pytest.fixture
def shopify_client(shopify_sandbox, shopify_tokens) -> ShopifyClient:
    """A client for demo-butik whose retry pauses advance the sandbox clock (no real sleep)."""
    return ShopifyClient(
        shop=SHOP, access_token=shopify_tokens["access_token"], sleep=shopify_sandbox.advance_clock
    )


@pytest.fixture
def shopify_http_sandbox(tmp_path):
    """A sandbox served by the HTTP views (``/sandbox/shopify/``), its state in tmp_path."""
    sandbox = ShopifySandbox()
    sandbox.add_shop(domain=SHOP, currency="SEK")
    set_default_sandbox(sandbox, path=tmp_path / "shopify.json")
    yield sandbox
    set_default_sandbox(None)
