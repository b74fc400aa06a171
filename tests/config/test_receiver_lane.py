"""Webhook deliveries go straight to their receiver, past the page middleware; pages and
every other request still get it."""

from __future__ import annotations

import pytest

from syncs.models import InboundEvent
from tests.plugins.relay import signed_order_delivery

pytestmark = pytest.mark.django_db


def test_a_delivery_skips_the_page_middleware(client):
    response = client.post(**signed_order_delivery())

    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers  # clickjacking: a page header
    assert "Content-Language" not in response.headers  # locale
    assert not response.cookies  # no session, no CSRF cookie


def test_a_bad_delivery_is_still_refused_by_its_receiver(client):
    delivery = signed_order_delivery()
    delivery["headers"]["X-Shopify-Hmac-Sha256"] = "bm90IGl0"

    response = client.post(**delivery)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid HMAC signature"}


def test_a_get_on_a_receiver_goes_the_page_way_and_is_refused(client):
    response = client.get("/shopify/webhooks/")

    assert response.status_code == 405
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_keep_their_middleware(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Language"] in ("en", "sv")


def test_a_delivery_to_a_host_not_allowed_is_refused_and_not_stored(client):
    response = client.post(**signed_order_delivery(), HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert InboundEvent.objects.count() == 0
