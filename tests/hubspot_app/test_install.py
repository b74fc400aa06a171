"""Installing the app in a portal: HubSpot's authorize URL, the callback's state check, the
token exchange at the date-versioned endpoint, and onward to connecting Fortnox."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings

from hubspot_app.models import HubSpotSettings
from integrations.models import Connection, ConnectionStatus
from tests.plugins.hubspot import PORTAL_ID

pytestmark = pytest.mark.django_db


def _approve(authorize_url: str) -> str:
    """What the merchant's browser does on HubSpot's consent page: approve."""
    answer = requests.get(
        authorize_url, params={"decision": "approve"}, allow_redirects=False, timeout=5
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def test_connect_sends_the_merchant_to_hubspots_authorize_url_with_state_and_scopes(client):
    response = client.get("/hubspot/connect/")

    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == settings.HUBSPOT_AUTH_URL
    assert "scope=oauth%20crm.objects.deals.read" in url.query  # spaces as %20
    query = parse_qs(url.query)
    assert query["scope"] == [" ".join(settings.HUBSPOT_SCOPES)]
    assert query["redirect_uri"] == [f"{settings.PUBLIC_BASE_URL}/hubspot/callback/"]
    assert query["state"][0]


def test_install_stores_both_tokens_encrypted_and_leads_on_to_fortnox(
    client, hubspot_sandbox, mocked_http
):
    location = _approve(client.get("/hubspot/connect/")["Location"])
    callback = urlsplit(location)

    response = client.get(f"{callback.path}?{callback.query}")

    assert response.status_code == 302
    token_calls = [c for c in mocked_http.calls if "/token" in c.request.url]
    assert [c.request.url for c in token_calls] == [
        f"{settings.HUBSPOT_API_URL}/oauth/2026-03/token"
    ]
    form = parse_qs(token_calls[0].request.body)
    assert form["grant_type"] == ["authorization_code"]
    assert form["client_secret"] == [settings.HUBSPOT_CLIENT_SECRET]  # in the body
    connection = Connection.objects.get(provider="hubspot")
    assert connection.account_id == str(PORTAL_ID)
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.access_token and connection.refresh_token
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM integrations_connection WHERE id = %s",
            [connection.pk],
        )
        stored = cursor.fetchone()
    assert connection.access_token not in stored[0]
    assert connection.refresh_token not in stored[1]
    integration = connection.integration
    assert HubSpotSettings.objects.filter(integration=integration).exists()
    onboarding = client.get(response["Location"], follow=True)
    assert onboarding.status_code == 200
    assert f"/fortnox/connect/?integration={integration.pk}" in onboarding.content.decode()


def test_callback_with_a_state_from_elsewhere_is_refused(client, hubspot_sandbox):
    client.get("/hubspot/connect/")
    response = client.get("/hubspot/callback/?code=abc&state=forged")

    assert response.status_code == 400
    assert not Connection.objects.filter(provider="hubspot").exists()


def test_denied_install_connects_nothing(client, hubspot_sandbox):
    authorize = client.get("/hubspot/connect/")["Location"]
    denied = requests.get(
        authorize, params={"decision": "deny"}, allow_redirects=False, timeout=5
    ).headers["Location"]
    callback = urlsplit(denied)

    response = client.get(f"{callback.path}?{callback.query}")

    assert response.status_code == 400
    assert not Connection.objects.filter(provider="hubspot").exists()
