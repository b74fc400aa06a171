"""HubSpot sandbox fixtures.

``hubspot_sandbox`` answers every request to ``HUBSPOT_API_URL`` (https://api.hubapi.com in
tests) and to the authorize page (``HUBSPOT_AUTH_URL``) from an in-process ``HubSpotSandbox``
with one portal (``PORTAL_ID``, SEK, also EUR/NOK/USD). It registers on the suite's shared
``mocked_http`` mock, like the Fortnox and Shopify sandboxes, so a test may use all three
(and add its own stubs to ``hubspot_sandbox.rsps``). Elsewhere call
``hubspot_app.sandbox.testing.install(rsps, sandbox)``.
"""

from __future__ import annotations

import pytest

from hubspot_app.sandbox import HubSpotSandbox
from hubspot_app.sandbox.testing import install
from hubspot_app.sandbox.views import set_default_sandbox

PORTAL_ID = 24_680_001
# Every scope the sandbox checks, for tests that are not about scopes.
ALL_SCOPES = [
    "oauth",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.companies.read",
    "crm.objects.companies.write",
    "crm.objects.line_items.read",
    "crm.objects.line_items.write",
    "crm.objects.products.read",
    "crm.objects.products.write",
    "crm.schemas.deals.read",
    "crm.schemas.deals.write",
    "crm.schemas.contacts.write",
    "crm.schemas.companies.write",
    "files",
    "automation",
]


@pytest.fixture
def hubspot_sandbox(mocked_http) -> HubSpotSandbox:
    """A sandbox with portal 24680001, answering on ``mocked_http``."""
    sandbox = HubSpotSandbox()
    sandbox.add_portal(portal_id=PORTAL_ID)
    install(mocked_http, sandbox)
    sandbox.rsps = mocked_http
    return sandbox


@pytest.fixture
def hubspot_tokens(hubspot_sandbox) -> dict:
    """A v3 token answer for the portal with every scope the sandbox checks."""
    return hubspot_sandbox.issue_tokens(portal_id=PORTAL_ID, scopes=ALL_SCOPES)


@pytest.fixture
def hubspot_http_sandbox(tmp_path):
    """A sandbox served by the HTTP views (``/sandbox/hubspot/``), its state in tmp_path."""
    sandbox = HubSpotSandbox()
    sandbox.add_portal(portal_id=PORTAL_ID)
    set_default_sandbox(sandbox, path=tmp_path / "hubspot.json")
    yield sandbox
    set_default_sandbox(None)
