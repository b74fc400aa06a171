"""/shopify/replay/: the order page's "Replay invoice sync" link, signed by Shopify."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from shopify_app.signatures import query_hmac
from syncs.models import SyncRun
from tests.factories import IntegrationFactory, ShopConnectionFactory, SyncRunFactory
from tests.plugins.shopify import SHOP

pytestmark = pytest.mark.django_db
PATH = "/shopify/replay/"


def _signed(order_id, *, shop: str = SHOP, age: float = 0, secret: str = "") -> dict:
    params = {
        "id": str(order_id),
        "shop": shop,
        "timestamp": str(int(time.time() - age)),
        "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtby1idXRpaw",
        "locale": "sv",
    }
    params["hmac"] = query_hmac(params, secret or settings.SHOPIFY_CLIENT_SECRET)
    return params


def _url(params: dict) -> str:
    return PATH + "?" + "&".join(f"{k}={v}" for k, v in params.items())


@pytest.fixture
def failed_run(shop_integration):
    return SyncRunFactory(
        integration=shop_integration,
        provider="shopify",
        operation="document",
        source_id="820982911946154508",
        source_label="#1001",
        status=SyncRun.Status.FAILED,
        error_message="No Fortnox article matches SKU 'X'.",
    )


def test_get_shows_the_status_and_a_replay_button_and_changes_nothing(client, failed_run):
    response = client.get(_url(_signed(failed_run.source_id)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "#1001" in page and "Failed" in page and "No Fortnox article matches" in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    failed_run.refresh_from_db()
    assert failed_run.status == SyncRun.Status.FAILED


def test_post_replays_the_run_and_redirects_back(
    client, failed_run, django_capture_on_commit_callbacks
):
    url = _url(_signed(failed_run.source_id))

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url)

    assert (response.status_code, response["Location"]) == (302, url)
    failed_run.refresh_from_db()
    assert failed_run.status == SyncRun.Status.PENDING


def test_post_needs_the_csrf_token(failed_run):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(_url(_signed(failed_run.source_id)))

    assert response.status_code == 403
    failed_run.refresh_from_db()
    assert failed_run.status == SyncRun.Status.FAILED


def test_an_order_never_synced_is_read_from_the_shop_and_can_be_queued(
    client, shop_integration, place_paid_order, django_capture_on_commit_callbacks
):
    order = place_paid_order("single_vat_25")
    url = _url(_signed(order["id"]))

    page = client.get(url)
    client.post(url)

    assert page.status_code == 200 and order["name"] in page.content.decode()
    run = SyncRun.objects.get(source_id=str(order["id"]))
    assert run.status in (SyncRun.Status.PENDING, *SyncRun.DONE)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        pytest.param({"secret": "not-the-secret"}, 401, id="bad-hmac"),
        pytest.param({"age": 2 * 3600}, 401, id="stale-timestamp"),
    ],
)
def test_a_bad_signature_or_stale_timestamp_is_refused(client, failed_run, change, status):
    for method in (client.get, client.post):
        response = method(_url(_signed(failed_run.source_id, **change)))
        assert response.status_code == status
    failed_run.refresh_from_db()
    assert failed_run.status == SyncRun.Status.FAILED


def test_a_tampered_order_id_is_refused(client, failed_run):
    params = _signed(failed_run.source_id)
    params["id"] = "1"

    assert client.get(_url(params)).status_code == 401


def test_another_shops_order_is_refused(client, shop_integration, failed_run, shopify_sandbox):
    other_shop = "annan-butik.myshopify.com"
    shopify_sandbox.add_shop(domain=other_shop)
    other = IntegrationFactory(source=ShopConnectionFactory(account_id=other_shop))
    SyncRunFactory(integration=other, provider="shopify", operation="document", source_id="77")

    # Signed for demo-butik, naming an order only the other shop has.
    response = client.get(_url(_signed("77")))

    assert response.status_code == 404
    assert "no such order" in response.content.decode()


def test_a_shop_without_the_app_is_refused(client, db):
    response = client.get(_url(_signed("1", shop="okand.myshopify.com")))

    assert response.status_code == 404


def test_missing_or_repeated_parameters_are_refused(client, db):
    assert client.get(PATH).status_code == 400
    params = _signed("1")
    assert client.get(_url(params) + "&id=2").status_code == 400
