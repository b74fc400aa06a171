"""The sandbox home page's HubSpot actions send requests signed as HubSpot signs them to
the service's own endpoints, which verify them (a wrong signature would be a 401)."""

from __future__ import annotations

import re

import pytest
import responses
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_over_http(mocked_http):
    """Requests to http://testserver/... are answered by this Django app."""
    app = Client()

    def answer(request):
        path = request.url.removeprefix("http://testserver")
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items()}
        if request.method == "POST":
            got = app.post(path, data=request.body, content_type="application/json", **headers)
        else:
            got = app.get(path, **headers)
        return got.status_code, {"Content-Type": got.get("Content-Type", "")}, got.content

    for method in (responses.GET, responses.POST):
        mocked_http.add_callback(method, re.compile(r"http://testserver/.*"), answer)
    return mocked_http


def test_enrolling_a_deal_shows_the_apps_verified_answer(hubspot_http_sandbox, service_over_http):
    page = Client().post("/sandbox/hubspot-app/enrol/", {"object_id": "501", "action": "invoice"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "The service answered HTTP 200." in text
    assert "FAIL_CONTINUE" in text  # this portal has no integration yet: said at once
    assert "not connected to Fortnox" in text


def test_the_card_fetch_is_signed_so_the_service_gets_past_the_signature(
    hubspot_http_sandbox, service_over_http
):
    page = Client().get("/sandbox/hubspot-app/card/", {"object_id": "9", "object_type": "COMPANY"})

    text = page.content.decode()
    assert "The service answered HTTP 403." in text  # signature accepted, portal unknown
    assert "no integration here" in text


def test_bad_input_is_refused_with_a_sentence(hubspot_http_sandbox):
    page = Client().post("/sandbox/hubspot-app/enrol/", {"object_id": "x", "action": "invoice"})

    assert page.status_code == 400
    assert "Give a record id" in page.content.decode()
