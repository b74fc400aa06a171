"""`make run`'s demo: a sandbox shop, portal and Fortnox company, connected and set up to
book the first order and the first deal won, and an operator login; or, with real
credentials, just the URLs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from integrations.models import Connection, Provider
from integrations.oauth import TokenSet, store_tokens
from shopify_app.models import ShopifySettings
from shopify_app.oauth import ShopifyOAuth
from syncs.accounts import integration_install
from syncs.models import Integration

DEMO_SHOP = "demo-butik.myshopify.com"
DEMO_USER = "demo"


@dataclass
class Demo:
    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, label: str, value: str) -> None:
        self.lines.append((label, value))


def _login_file() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo-login.txt"


def demo_operator() -> tuple[str, str]:
    """A superuser for the admin, with a password made once and kept in var/ (local only)."""
    path = _login_file()
    password = path.read_text().strip() if path.exists() else ""
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    if created or not password or not user.check_password(password):
        password = password or secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = user.is_superuser = True
        user.save()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n")
        path.chmod(0o600)
    return DEMO_USER, password


def demo_fortnox() -> Connection:
    """The sandbox company "Sandbox AB", connected with fresh tokens."""
    from fortnox.sandbox.core import DEFAULT_TENANT
    from fortnox.sandbox.views import default_sandbox

    sandbox = default_sandbox()
    number, name = DEFAULT_TENANT
    if number not in sandbox.tenants:
        sandbox.add_tenant(number, name)
    tokens = sandbox.issue_tokens(number)
    sandbox._save_if_dirty()  # the served sandbox reads this file when it starts
    connection, _ = Connection.objects.get_or_create(
        provider=Provider.FORTNOX, account_id=number, defaults={"display_name": name}
    )
    store_tokens(
        connection,
        TokenSet(
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            expires_in=tokens["expires_in"],
            scopes=tokens["scope"].split(),
        ),
    )
    connection.save()
    return connection


def demo_shop(fortnox: Connection) -> Integration:
    """The sandbox shop, installed; on first install linked to Fortnox with settings that
    book the first order (missing articles are created). Later runs keep the settings."""
    from shopify_app.sandbox.views import get_sandbox, save_sandbox

    sandbox = get_sandbox()
    if DEMO_SHOP not in sandbox.shops:
        sandbox.add_shop(domain=DEMO_SHOP, currency="SEK")
    tokens = ShopifyOAuth().parse_tokens(sandbox.issue_tokens(shop=DEMO_SHOP))
    save_sandbox(sandbox)
    new = not Integration.objects.filter(source__account_id=DEMO_SHOP).exists()
    with transaction.atomic():
        integration = integration_install(
            provider="shopify", account_id=DEMO_SHOP, display_name=DEMO_SHOP, tokens=tokens
        )
        ShopifySettings.objects.get_or_create(integration=integration)
        if new or integration.fortnox_id is None:
            integration.fortnox = fortnox
            integration.missing_article = Integration.MissingArticle.CREATE
            integration.save()
    return integration


def demo_portal(fortnox: Connection) -> Integration:
    """The sandbox HubSpot portal, installed; on first install linked to Fortnox with
    settings that book the first deal won (the default pipeline's "closedwon" stage makes
    a draft invoice, missing articles are created). Later runs keep the settings."""
    from hubspot_app.models import HubSpotSettings, default_stage_rules
    from hubspot_app.oauth import PROVIDER, HubSpotOAuth
    from hubspot_app.sandbox.views import get_sandbox, save_sandbox

    sandbox = get_sandbox()
    if not sandbox.portals:
        sandbox.add_portal()
    portal_id = next(iter(sandbox.portals))
    tokens = HubSpotOAuth().parse_tokens(sandbox.issue_tokens(portal_id=portal_id))
    save_sandbox(sandbox)
    account_id = str(portal_id)
    new = not Integration.objects.filter(
        source__provider=PROVIDER, source__account_id=account_id
    ).exists()
    with transaction.atomic():
        integration = integration_install(
            provider=PROVIDER,
            account_id=account_id,
            display_name=f"HubSpot portal {account_id}",
            tokens=tokens,
        )
        HubSpotSettings.objects.get_or_create(
            integration=integration, defaults={"stage_rules": default_stage_rules()}
        )
        if new or integration.fortnox_id is None:
            integration.fortnox = fortnox
            integration.missing_article = Integration.MissingArticle.CREATE
            integration.save()
    return integration


def demo_seed() -> Demo:
    base = settings.PUBLIC_BASE_URL
    demo = Demo()
    if not settings.SANDBOX_ENABLED:  # for real: no demo login, nothing seeded
        demo.add("Admin", f"{base}/admin/ (create an operator with make admin)")
        demo.add("Shopify app URL", f"{base}/shopify/install/")
        return demo
    user, password = demo_operator()
    fortnox = demo_fortnox()
    shop = demo_shop(fortnox)
    portal = demo_portal(fortnox)
    open_app = f"{base}{reverse('sandbox-add-app')}?shop={DEMO_SHOP}"
    demo.add("Shop's status page", f"{open_app}  (opens the app from the sandbox Shopify admin)")
    demo.add("Shop's setup", f"{base}{reverse('merchant:onboarding', args=[shop.pk])}")
    demo.add("Sandbox Fortnox", f"{base}{reverse('sandbox-fortnox')}")
    demo.add("Sandbox Shopify orders", f"{base}{reverse('sandbox-shopify-orders')}")
    demo.add(
        "Portal's status page",
        f"{base}{reverse('merchant:status', args=[portal.pk])}  (as the operator below)",
    )
    demo.add(
        "Sandbox HubSpot portal",
        f"{base}/sandbox/hubspot/_control/state ({portal.source.account_id})",
    )
    demo.add("Admin", f"{base}/admin/  user {user}, password {password}")
    demo.add("Place an order", ".venv/bin/python manage.py sandbox_shopify_order")
    demo.add("Win a deal", ".venv/bin/python manage.py sandbox_hubspot_deal")
    return demo
