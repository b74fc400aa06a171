"""shopify.app.toml and the admin link extension, and the command that prints the toml."""

from __future__ import annotations

import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from shopify_app.appconfig import EXAMPLE_BASE_URL, app_toml

ROOT = Path(settings.BASE_DIR)


def _render(base_url: str, client_id: str = "your-shopify-client-id") -> str:
    return app_toml(
        base_url=base_url,
        client_id=client_id,
        scopes=list(settings.SHOPIFY_SCOPES),
        api_version=settings.SHOPIFY_API_VERSION,
    )


def test_the_repository_copy_is_what_the_command_renders_for_the_example_host():
    assert (ROOT / "shopify.app.toml").read_text() == _render(EXAMPLE_BASE_URL)


def test_the_toml_subscribes_every_topic_and_the_compliance_topics_to_the_receiver():
    config = tomllib.loads(_render("https://bridge.example.se/"))

    assert config["application_url"] == "https://bridge.example.se/shopify/install/"
    assert config["auth"]["redirect_urls"] == ["https://bridge.example.se/shopify/callback/"]
    assert config["access_scopes"]["scopes"] == ",".join(settings.SHOPIFY_SCOPES)
    assert "write_customers" in config["access_scopes"]["scopes"]
    assert config["webhooks"]["api_version"] == settings.SHOPIFY_API_VERSION
    topics, compliance = config["webhooks"]["subscriptions"]
    assert {"orders/paid", "refunds/create", "products/update"} <= set(topics["topics"])
    assert compliance["compliance_topics"] == [
        "customers/data_request",
        "customers/redact",
        "shop/redact",
    ]
    assert topics["uri"] == compliance["uri"] == "https://bridge.example.se/shopify/webhooks/"


def test_the_admin_link_extension_targets_the_order_page_and_the_replay_view():
    path = ROOT / "extensions" / "replay-invoice-sync" / "shopify.extension.toml"
    (extension,) = tomllib.loads(path.read_text())["extensions"]

    assert (extension["type"], extension["name"]) == ("admin_link", "Replay invoice sync")
    (target,) = extension["targeting"]
    assert target["target"] == "admin.order-details.action.link"
    assert target["url"] == "/shopify/replay/"


def test_command_prints_the_toml_for_a_base_url():
    out = StringIO()

    call_command("shopify_app_toml", "--base-url", "https://bridge.example.se", stdout=out)

    assert out.getvalue() == _render("https://bridge.example.se", settings.SHOPIFY_CLIENT_ID)


def test_command_uses_public_base_url_by_default(settings):
    settings.PUBLIC_BASE_URL = "https://from-env.example.se"
    out = StringIO()

    call_command("shopify_app_toml", stdout=out)

    assert 'application_url = "https://from-env.example.se/shopify/install/"' in out.getvalue()


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("bridge.example.se", "is not an http\\(s\\) URL"),
        ("http://bridge.example.se", "must use https"),
        ("https://bridge.example.se/?x=1", "must not have a query"),
    ],
)
def test_command_refuses_urls_shopify_refuses(base_url, message):
    with pytest.raises(CommandError, match=message):
        call_command("shopify_app_toml", "--base-url", base_url, stdout=StringIO())
