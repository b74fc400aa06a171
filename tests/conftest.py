from __future__ import annotations

import pytest
import responses as responses_lib
from django.db import connection

pytest_plugins = ["tests.plugins.fortnox", "tests.plugins.shopify", "tests.plugins.hubspot"]


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip)


@pytest.fixture
def mocked_http():
    """HTTP is answered only by what a test registers; anything else fails the test."""
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps
