"""Installing the app: the signed install URL, the OAuth callback against the Shopify
sandbox, the encrypted expiring token on a Connection, and its refresh before expiry."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from django.conf import settings
from django.db import connection as db
from django.test import Client
from django.utils import timezone

from integrations import oauth as shared_oauth
from integrations.errors import NeedsReauthorization
from integrations.models import Connection, ConnectionStatus
from shopify_app import services
from shopify_app.sandbox.oauth import query_hmac
from shopify_app.signatures import query_hmac as app_query_hmac
from shopify_app.signatures import verify_webhook, webhook_hmac
from syncs.models import Integration, SyncRun
from tests.plugins.shopify import SHOP
from tests.shopify_app.conftest import fortnox_invoices

pytestmark = pytest.mark.django_db
OTHER_SHOP = "annan-butik.myshopify.com"
CALLBACK = "http://testserver/shopify/callback/"
TOKEN_URL = f"https://{SHOP}/admin/oauth/access_token"


def _signed(params: dict, secret: str | None = None) -> str:
    """The query string with Shopify's hex hmac (computed by the sandbox's own code)."""
    params = {"timestamp": str(int(time.time())), **params}
    params["hmac"] = query_hmac(params, secret or settings.SHOPIFY_CLIENT_SECRET)
    return urlencode(params)


def _install(client, shop: str = SHOP, **extra):
    return client.get(f"/shopify/install/?{_signed({'shop': shop, **extra})}")


def _approve(authorize_url: str) -> str:
    """The merchant approves on Shopify's consent page: the sandbox redirects back to the
    app's callback with code, host, shop, state, timestamp and hmac."""
    answer = requests.get(f"{authorize_url}&approve=1", allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    return location.removeprefix("http://testserver")


def _token_requests(mocked_http) -> int:
    return sum(1 for call in mocked_http.calls if call.request.url == TOKEN_URL)


def _nothing_stored() -> bool:
    return not Connection.objects.filter(provider="shopify").exists() and (
        not Integration.objects.exists()
    )


# --- signatures: Shopify's published vectors (shopify.md) --------------------------------
def test_query_and_webhook_signatures_match_shopifys_vectors():
    params = {
        "code": "0907a61c0c8d55e99db179b68161bc00",
        "shop": "some-shop.myshopify.com",
        "state": "0.6784241404160823",
        "timestamp": "1337178173",
    }
    assert app_query_hmac(params, "hush") == (
        "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
    )
    del params["state"]
    assert app_query_hmac(params, "hush") == (
        "4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20"
    )
    body = b'{"id":450789469,"name":"#1001"}'
    assert webhook_hmac(body, "hush") == "Y3S0OcgdRab3yE7clVq/m9rzY5a6y13OKkjMFe0FjeI="
    assert verify_webhook(body, "Y3S0OcgdRab3yE7clVq/m9rzY5a6y13OKkjMFe0FjeI=", ["", "hush"])


# --- install ---------------------------------------------------------------------------
def test_signed_install_redirects_to_the_shops_authorize_page_with_a_state(client, shopify_sandbox):
    response = _install(client, host="YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtby1idXRpaw")

    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.scheme, url.netloc, url.path) == ("https", SHOP, "/admin/oauth/authorize")
    query = dict(parse_qsl(url.query))
    state = client.session["oauth:shopify"]["state"]
    assert len(state) >= 24
    assert query == {
        "client_id": settings.SHOPIFY_CLIENT_ID,
        "scope": ",".join(settings.SHOPIFY_SCOPES),
        "redirect_uri": CALLBACK,
        "state": state,
    }
    assert client.session["oauth:shopify"]["shop"] == SHOP


@pytest.mark.parametrize(
    "shop",
    [
        "evil.example.com",
        "demo-butik.myshopify.com.evil.example",
        "demo-butik.shopify.com",
        "-demo.myshopify.com",
        "demo_butik.myshopify.com",
        "",
    ],
)
def test_install_for_a_host_that_is_not_a_myshopify_shop_is_a_400_page(client, shop):
    response = _install(client, shop=shop)

    assert response.status_code == 400
    assert "That is not a Shopify store address (name.myshopify.com)." in response.content.decode()
    assert "oauth:shopify" not in client.session


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(lambda: _signed({"shop": SHOP}, secret="wrong-secret"), id="wrong-secret"),
        pytest.param(lambda: _signed({"shop": SHOP}) + "&extra=1", id="unsigned-param"),
        pytest.param(lambda: _signed({"shop": SHOP}).replace("hmac=", "hmac=0"), id="altered"),
        pytest.param(
            lambda: _signed({"shop": SHOP, "timestamp": str(int(time.time()) - 2 * 3600)}),
            id="two-hours-old",
        ),
        pytest.param(lambda: urlencode({"shop": SHOP, "timestamp": int(time.time())}), id="none"),
    ],
)
def test_install_with_a_bad_signature_is_a_401_page(client, query):
    response = client.get(f"/shopify/install/?{query()}")

    assert response.status_code == 401
    assert "This install link is not signed by Shopify" in response.content.decode()
    assert "oauth:shopify" not in client.session


# --- callback --------------------------------------------------------------------------
def test_install_and_callback_store_the_encrypted_token_and_create_the_integration(
    client, shopify_sandbox
):
    callback = _approve(_install(client)["Location"])

    response = client.get(callback)

    assert response.status_code == 302
    assert response["Location"] == "/shopify/setup/"
    connection = Connection.objects.get()
    assert (connection.provider, connection.account_id, connection.display_name) == (
        "shopify",
        SHOP,
        SHOP,
    )
    assert connection.status == ConnectionStatus.ACTIVE
    issued = shopify_sandbox.access_tokens[connection.access_token]
    assert (issued["shop"], issued["expires_at"] is not None) == (SHOP, True)
    assert shopify_sandbox.refresh_tokens[connection.refresh_token]["shop"] == SHOP
    assert connection.scopes == list(settings.SHOPIFY_SCOPES)
    lifetime = connection.token_expires_at - timezone.now()
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1)
    assert connection.refresh_token_expires_at - timezone.now() > timedelta(days=89)
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM integrations_connection WHERE id = %s",
            [connection.pk],
        )
        stored_access, stored_refresh = cursor.fetchone()
    assert stored_access.startswith("fernet:")
    assert connection.access_token not in stored_access
    assert connection.refresh_token not in stored_refresh
    integration = Integration.objects.get()
    assert (integration.source, integration.fortnox, integration.name) == (connection, None, SHOP)
    assert integration.enabled is True

    setup = client.get("/shopify/setup/", follow=True)
    assert setup.redirect_chain[-1][0] == f"/app/{integration.pk}/setup/fortnox/"
    assert setup.status_code == 200
    assert SHOP in setup.content.decode()


def test_opening_the_installed_app_signs_in_without_asking_again(client, shopify_sandbox):
    client.get(_approve(_install(client)["Location"]))
    integration = Integration.objects.get()
    other = Client()

    response = _install(other)

    assert response.status_code == 302
    assert response["Location"] == f"/app/{integration.pk}/"
    assert other.get(response["Location"]).status_code == 200
    assert Connection.objects.count() == 1


def test_opening_the_app_with_new_scopes_asks_again(client, shopify_sandbox, settings):
    client.get(_approve(_install(client)["Location"]))
    settings.SHOPIFY_SCOPES = [*settings.SHOPIFY_SCOPES, "read_all_orders"]

    response = _install(client)

    assert "/admin/oauth/authorize?" in response["Location"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"state": "not-the-state"}, id="wrong-state"),
        pytest.param({"state": ""}, id="empty-state"),
    ],
)
def test_callback_with_a_bad_state_is_a_400_page_and_stores_nothing(
    client, shopify_sandbox, mocked_http, change
):
    callback = _approve(_install(client)["Location"])
    params = {k: v for k, v in parse_qsl(urlsplit(callback).query) if k != "hmac"}

    response = client.get(f"/shopify/callback/?{_signed({**params, **change})}")

    assert response.status_code == 400
    assert "was not started from this browser" in response.content.decode()
    assert _nothing_stored()
    assert _token_requests(mocked_http) == 0


def test_callback_without_an_install_in_this_browser_is_a_400_page(client, shopify_sandbox):
    other_browser = client.__class__()
    callback = _approve(_install(other_browser)["Location"])

    response = client.get(callback)

    assert response.status_code == 400
    assert _nothing_stored()


def test_callback_with_a_wrong_hmac_is_a_401_page_and_stores_nothing(
    client, shopify_sandbox, mocked_http
):
    callback = _approve(_install(client)["Location"])
    params = {k: v for k, v in parse_qsl(urlsplit(callback).query) if k != "hmac"}

    response = client.get(f"/shopify/callback/?{_signed(params, secret='wrong-secret')}")

    assert response.status_code == 401
    assert "not signed correctly" in response.content.decode()
    assert _nothing_stored()
    assert _token_requests(mocked_http) == 0


def test_callback_for_another_shop_than_the_install_is_a_400_page(
    client, shopify_sandbox, mocked_http
):
    shopify_sandbox.add_shop(domain=OTHER_SHOP)
    install = _install(client)["Location"]
    state = dict(parse_qsl(urlsplit(install).query))["state"]
    code = shopify_sandbox.authorize(shop=OTHER_SHOP)

    response = client.get(
        f"/shopify/callback/?{_signed({'code': code, 'shop': OTHER_SHOP, 'state': state})}"
    )

    assert response.status_code == 400
    assert "different store" in response.content.decode()
    assert _nothing_stored()
    assert _token_requests(mocked_http) == 0


def test_callback_with_a_used_code_is_refused_and_stores_nothing(client, shopify_sandbox):
    callback = _approve(_install(client)["Location"])
    code = dict(parse_qsl(urlsplit(callback).query))["code"]
    shopify_sandbox.codes[code]["used"] = True

    response = client.get(callback)

    assert response.status_code == 400
    assert "did not accept the authorization code" in response.content.decode()
    assert _nothing_stored()


def test_reinstall_updates_the_same_connection(client, shopify_sandbox):
    client.get(_approve(_install(client)["Location"]))
    first = Connection.objects.get()
    Connection.objects.filter(pk=first.pk).update(status=ConnectionStatus.NEEDS_REAUTH)

    client.get(_approve(_install(client)["Location"]))

    again = Connection.objects.get()
    assert again.pk == first.pk
    assert again.access_token != first.access_token
    assert Integration.objects.count() == 1


def test_reinstall_after_uninstall_resumes_syncing(
    client,
    shop_integration,
    shopify_sandbox,
    fortnox_sandbox,
    place_paid_order,
    post_webhooks,
):
    post_webhooks(shopify_sandbox.webhook_deliveries("app/uninstalled", shop=SHOP))
    assert Integration.objects.get().enabled is False

    assert client.get(_approve(_install(client)["Location"])).status_code == 302

    connection = Connection.objects.get(provider="shopify")
    assert (connection.status, connection.last_error) == (ConnectionStatus.ACTIVE, "")
    assert Integration.objects.get().enabled is True
    order = place_paid_order("single_vat_25")
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]


# --- token refresh ---------------------------------------------------------------------
def _expiring(connection: Connection, shopify_sandbox, seconds: int = 60) -> None:
    """The access token is about to expire (in the sandbox too)."""
    shopify_sandbox.access_tokens[connection.access_token]["expires_at"] = (
        shopify_sandbox.now() + seconds
    )
    connection.token_expires_at = timezone.now() + timedelta(seconds=seconds)
    connection.save()


def test_token_about_to_expire_is_refreshed_under_the_row_lock_and_rotated(
    shopify_connection, shopify_sandbox, mocked_http, monkeypatch
):
    old_access, old_refresh = shopify_connection.access_token, shopify_connection.refresh_token
    _expiring(shopify_connection, shopify_sandbox)
    locked = []
    real_lock_row = shared_oauth.lock_row

    def spying_lock_row(queryset, **lookup):
        locked.append((queryset.model, lookup))
        return real_lock_row(queryset, **lookup)

    monkeypatch.setattr(shared_oauth, "lock_row", spying_lock_row)
    order = shopify_sandbox.create_order(shop=SHOP, order="single_vat_25")

    client = services.shopify_client_for(shopify_connection)

    assert client.get_order(order_id=order["id"])["id"] == order["id"]
    assert locked == [(Connection, {"pk": shopify_connection.pk})]
    assert _token_requests(mocked_http) == 1
    refreshed = Connection.objects.get(pk=shopify_connection.pk)
    assert refreshed.access_token not in ("", old_access)
    assert refreshed.refresh_token not in ("", old_refresh)
    assert shopify_sandbox.refresh_tokens[refreshed.refresh_token]["parent"] == old_refresh
    assert refreshed.token_expires_at - timezone.now() > timedelta(minutes=59)

    services.shopify_client_for(refreshed)  # fresh now: no second refresh

    assert _token_requests(mocked_http) == 1


def test_sync_with_an_expiring_shopify_token_refreshes_it_once_and_succeeds(
    shop_integration, shopify_sandbox, fortnox_sandbox, place_paid_order, post_webhooks, mocked_http
):
    _expiring(shop_integration.source, shopify_sandbox)
    order = place_paid_order("single_vat_25")

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert _token_requests(mocked_http) == 1
    assert "fortnox-synced" in shopify_sandbox.shop(SHOP).orders[order["id"]]["tags"]


def test_revoked_refresh_token_marks_the_shop_for_reconnection(shopify_connection, shopify_sandbox):
    _expiring(shopify_connection, shopify_sandbox)
    shopify_sandbox.uninstall(shop=SHOP)

    with pytest.raises(NeedsReauthorization):
        services.shopify_client_for(shopify_connection)

    connection = Connection.objects.get(pk=shopify_connection.pk)
    assert connection.status == ConnectionStatus.NEEDS_REAUTH
    assert "open the app from the Shopify admin" in connection.last_error
