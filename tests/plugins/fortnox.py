"""Fortnox sandbox fixtures.

``fortnox_sandbox`` answers every request to the Fortnox hosts in settings in-process. It
shares the suite's single ``responses`` mock (``mocked_http``), exposed as
``fortnox_sandbox.rsps``, so a test can register other stubs alongside it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fortnox.sandbox import FortnoxSandbox
from fortnox.sandbox.testing import install
from fortnox.sandbox.views import set_default_sandbox

TENANT = "1234567"


@pytest.fixture
def fortnox_sandbox(mocked_http, settings) -> FortnoxSandbox:
    """A sandbox with tenant 1234567 "Testbolaget AB" (all scopes and licences)."""
    sandbox = FortnoxSandbox(
        client_id=settings.SANDBOX_CLIENT_ID, client_secret=settings.SANDBOX_CLIENT_SECRET
    )
    sandbox.add_tenant(database_number=TENANT, company_name="Testbolaget AB")
    install(
        mocked_http,
        sandbox,
        api_url=settings.FORTNOX_API_URL,
        auth_url=settings.FORTNOX_AUTH_URL,
    )
    sandbox.rsps = mocked_http
    return sandbox


@pytest.fixture
def fortnox_tokens(fortnox_sandbox) -> dict:
    """A /token 200 body for tenant 1234567 with every scope."""
    return fortnox_sandbox.issue_tokens(database_number=TENANT)


@pytest.fixture
def fortnox_http_sandbox(settings, tmp_path):
    """An empty sandbox served by the HTTP views (``/sandbox/fortnox/``), state in tmp_path."""
    sandbox = FortnoxSandbox(
        api_url=settings.FORTNOX_API_URL,
        client_id=settings.SANDBOX_CLIENT_ID,
        client_secret=settings.SANDBOX_CLIENT_SECRET,
        persist_path=tmp_path / "fortnox.json",
        auto_tenant=True,
    )
    set_default_sandbox(sandbox)
    yield sandbox
    set_default_sandbox(None)


@pytest.fixture
def fortnox_connection(db, fortnox_sandbox, fortnox_tokens):
    """Tenant 1234567 "Testbolaget AB" connected, holding the tokens the sandbox issued."""
    from tests.factories import ConnectionFactory

    return ConnectionFactory(
        provider="fortnox",
        account_id=TENANT,
        display_name="Testbolaget AB",
        access_token=fortnox_tokens["access_token"],
        refresh_token=fortnox_tokens["refresh_token"],
        token_expires_at=timezone.now() + timedelta(seconds=fortnox_tokens["expires_in"]),
    )
