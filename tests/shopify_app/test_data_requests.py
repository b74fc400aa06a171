"""customers/data_request: recorded with its 30-day deadline, listed in the admin, and
exported (events, runs, links) for an operator to download."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from shopify_app.models import DataRequest
from shopify_app.sandbox.webhooks import build_delivery, triggered_at
from syncs.models import SyncRun
from tests.factories import ExternalLinkFactory
from tests.plugins.shopify import SHOP

pytestmark = pytest.mark.django_db


def _data_request(order: dict, request_id: int = 9999):
    body = {
        "shop_id": 1,
        "shop_domain": SHOP,
        "orders_requested": [order["id"]],
        "customer": {"id": order["customer"]["id"], "email": order["customer"]["email"]},
        "data_request": {"id": request_id},
    }
    return build_delivery(
        topic="customers/data_request",
        shop=SHOP,
        resource=body,
        secret=settings.SHOPIFY_CLIENT_SECRET,
        api_version=settings.SHOPIFY_API_VERSION,
        event_id=str(uuid.uuid4()),
        triggered=triggered_at(timezone.now().timestamp()),
    )


@pytest.fixture
def synced_order(shop_integration, shopify_sandbox, place_paid_order, post_webhooks):
    order = place_paid_order("single_vat_25")
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/create,orders/paid", order["id"]))
    assert SyncRun.objects.get().status == SyncRun.Status.SUCCEEDED
    return order


@pytest.fixture
def operator(client):
    user = User.objects.create_user("operator", password="x", is_staff=True)
    codes = ["view_datarequest", "change_datarequest"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codes))
    client.force_login(user)
    return user


def test_a_data_request_is_recorded_once_with_a_30_day_deadline(synced_order, post_webhooks):
    delivery = _data_request(synced_order)

    responses = post_webhooks([delivery, delivery])

    assert [r.status_code for r in responses] == [200, 200]
    (request,) = DataRequest.objects.all()
    assert (request.shop, request.request_id, request.email) == (
        SHOP,
        "9999",
        synced_order["customer"]["email"],
    )
    assert request.orders == [str(synced_order["id"])]
    assert timedelta(days=29, hours=23) < request.due_at - request.received_at <= timedelta(30)
    assert request.is_open


def test_the_admin_lists_open_requests_with_their_deadline(
    client, operator, synced_order, post_webhooks
):
    post_webhooks([_data_request(synced_order)])

    page = client.get("/admin/shopify_app/datarequest/?state=open").content.decode()

    assert synced_order["customer"]["email"] in page
    assert "29 days left" in page or "30 days left" in page
    assert "Download" in page


def test_the_export_holds_the_customers_events_runs_and_links(
    client, operator, shop_integration, synced_order, post_webhooks
):
    ExternalLinkFactory(integration=shop_integration, kind="article", source_id="sku:OTHER")
    post_webhooks([_data_request(synced_order)])
    request = DataRequest.objects.get()

    response = client.get(f"/admin/shopify_app/datarequest/{request.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="data-request-')
    export = json.loads(response.content)
    assert export["customer"]["email"] == synced_order["customer"]["email"]
    assert {event["topic"] for event in export["events"]} == {"orders/create", "orders/paid"}
    (run,) = export["runs"]
    assert (run["order"], run["status"]) == (str(synced_order["id"]), "succeeded")
    assert run["log"]
    kinds = {link["kind"] for link in export["links"]}
    assert kinds == {"customer", "invoice"}  # not the other product's article


def test_the_export_needs_the_change_permission(client, synced_order, post_webhooks):
    post_webhooks([_data_request(synced_order)])
    request = DataRequest.objects.get()
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_datarequest"))
    client.force_login(viewer)

    response = client.get(f"/admin/shopify_app/datarequest/{request.pk}/export/")

    assert response.status_code == 403


def test_marking_answered_closes_the_request(client, operator, synced_order, post_webhooks):
    post_webhooks([_data_request(synced_order)])
    request = DataRequest.objects.get()

    client.post(
        "/admin/shopify_app/datarequest/",
        {"action": "mark_answered", "_selected_action": [request.pk]},
    )

    request.refresh_from_db()
    assert not request.is_open
    assert request not in DataRequest.objects.filter(answered_at__isnull=True)
