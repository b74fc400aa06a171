"""Browser tests: Playwright drives Debian's Chromium against a live server with the HTTP
sandboxes mounted, so the app reaches Shopify and Fortnox over HTTP as under `make run`.

Playwright's own browser download cannot work here: tests launch /usr/bin/chromium (or
CHROMIUM). Without it they are skipped, except on CI (CI=true), where .ci/run installs it
and a missing browser is a failure. Screenshots of every step go to var/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.plugins.relay import relay_running

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def chromium():
    """One browser per module. Playwright's sync API runs an event loop in the test's
    thread, so Django's guard against ORM calls from async code must be off meanwhile (the
    tests' own ORM calls are synchronous); it is on again for the rest of the session."""
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def served(live_server, settings, tmp_path):
    """The live server, with the app pointed at its own /sandbox/ over HTTP and fresh
    Shopify and Fortnox sandboxes behind it (state in tmp_path)."""
    from fortnox.sandbox import FortnoxSandbox
    from fortnox.sandbox.views import set_default_sandbox as set_fortnox
    from shopify_app.sandbox import ShopifySandbox
    from shopify_app.sandbox.views import set_default_sandbox as set_shopify

    base = live_server.url
    settings.PUBLIC_BASE_URL = base
    settings.CSRF_TRUSTED_ORIGINS = [base]
    settings.FORTNOX_API_URL = f"{base}/sandbox/fortnox"
    settings.FORTNOX_AUTH_URL = f"{base}/sandbox/fortnox/oauth-v1"
    settings.FORTNOX_DOCUMENT_URL = f"{base}/sandbox/fortnox/ui/{{tenant}}/{{register}}/{{number}}/"
    settings.SHOPIFY_SHOP_URL = f"{base}/sandbox/shopify/{{shop}}"
    fortnox = FortnoxSandbox(
        api_url=settings.FORTNOX_API_URL,
        client_id=settings.SANDBOX_CLIENT_ID,
        client_secret=settings.SANDBOX_CLIENT_SECRET,
        persist_path=tmp_path / "fortnox.json",
        auto_tenant=True,
    )
    set_fortnox(fortnox)
    shopify = ShopifySandbox()
    set_shopify(shopify, path=tmp_path / "shopify.json")
    with relay_running():  # as `manage.py outbox_relay` beside the server
        yield live_server
    set_fortnox(None)
    set_shopify(None)


class Steps:
    """Numbered screenshots of one test's steps, in var/screenshots/<test>/."""

    def __init__(self, page, name: str) -> None:
        self.page = page
        self.folder = SCREENSHOTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def shot(self, label: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser_page(chromium, request):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, Steps(page, request.node.name)
    context.close()


def settle(seconds: float = 20) -> None:
    """Wait, as a merchant would before looking, until the relay and the (inline) tasks
    have finished with every stored event, run and write-back."""
    from syncs.models import InboundEvent, SyncRun

    busy_events = InboundEvent.objects.filter(
        state__in=[InboundEvent.State.RECEIVED, InboundEvent.State.PROCESSING]
    )
    busy_runs = SyncRun.objects.filter(status__in=[SyncRun.Status.PENDING, SyncRun.Status.RUNNING])
    deadline = time.monotonic() + seconds
    while busy_events.exists() or busy_runs.exists():
        assert time.monotonic() < deadline, "the stored work was not finished in time"
        time.sleep(0.05)
