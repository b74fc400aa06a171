"""Connecting, disconnecting and losing a Fortnox authorisation."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from fortnox.oauth import FortnoxOAuth
from integrations.errors import NeedsReauthorization
from integrations.models import Connection, ConnectionStatus
from integrations.oauth import fresh_access_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = User.objects.create_user("ops", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_connection"))
    client.force_login(user)
    return user


def _start(client) -> dict[str, list[str]]:
    response = client.get("/fortnox/connect/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://apps.fortnox.se/oauth-v1/auth"
    return parse_qs(url.query)


def test_connect_redirects_to_fortnox_with_scopes_and_state(client, operator):
    query = _start(client)

    assert query["client_id"] == ["sandbox"]
    assert query["response_type"] == ["code"]
    assert query["access_type"] == ["offline"]
    assert query["redirect_uri"] == ["http://testserver/fortnox/callback/"]
    assert query["scope"][0].split() == [
        "companyinformation", "customer", "article", "invoice", "order", "payment",
        "currency", "price", "settings",
    ]  # fmt: skip
    assert len(query["state"][0]) >= 20


def test_connect_without_an_operator_or_a_shop_is_refused(client):
    response = client.get("/fortnox/connect/")

    assert response.status_code == 403


def test_callback_stores_encrypted_tokens_and_the_tenant(client, operator, fortnox_sandbox):
    query = _start(client)
    code = fortnox_sandbox.authorize(
        redirect_uri=query["redirect_uri"][0], scope=query["scope"][0], state=query["state"][0]
    )

    response = client.get("/fortnox/callback/", {"code": code, "state": query["state"][0]})

    assert response.status_code == 200
    assert b"Testbolaget AB" in response.content
    conn = Connection.objects.get(provider="fortnox")
    assert conn.account_id == "1234567"
    assert conn.display_name == "Testbolaget AB"
    assert conn.status == ConnectionStatus.ACTIVE
    assert conn.access_token and conn.refresh_token
    assert "invoice" in conn.scopes
    assert conn.token_expires_at > timezone.now() + timedelta(minutes=55)


def test_denied_consent_shows_a_page_and_stores_nothing(client, operator):
    query = _start(client)

    response = client.get(
        "/fortnox/callback/", {"error": "access_denied", "state": query["state"][0]}
    )

    assert response.status_code == 400
    assert b"not granted" in response.content
    assert not Connection.objects.exists()


def test_bad_state_shows_a_page_and_stores_nothing(client, operator, fortnox_sandbox):
    query = _start(client)
    code = fortnox_sandbox.authorize(redirect_uri=query["redirect_uri"][0], state="forged")

    response = client.get("/fortnox/callback/", {"code": code, "state": "forged"})

    assert response.status_code == 400
    assert b"expired or was not started from this browser" in response.content
    assert not Connection.objects.exists()
    assert fortnox_sandbox.token_requests == 0


def _connection(tokens, *, expires_in: int) -> Connection:
    return Connection.objects.create(
        provider="fortnox",
        account_id="1234567",
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_expires_at=timezone.now() + timedelta(seconds=expires_in),
    )


def test_disconnect_revokes_the_refresh_token_and_deletes_both(
    client, operator, fortnox_sandbox, fortnox_tokens
):
    conn = _connection(fortnox_tokens, expires_in=3600)

    response = client.post(f"/fortnox/disconnect/{conn.pk}/")

    assert response.status_code == 200
    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.DISCONNECTED
    assert (conn.access_token, conn.refresh_token) == ("", "")
    revoked = fortnox_sandbox.handle(
        "POST",
        "/oauth-v1/token",
        headers={
            "Authorization": "Basic c2FuZGJveDpzYW5kYm94LXNlY3JldA==",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=f"grant_type=refresh_token&refresh_token={fortnox_tokens['refresh_token']}".encode(),
    )
    assert revoked.status == 400
    assert revoked.json()["error"] == "invalid_grant"


def test_view_only_staff_cannot_disconnect(client, fortnox_sandbox, fortnox_tokens):
    conn = _connection(fortnox_tokens, expires_in=3600)
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_connection"))
    client.force_login(viewer)

    response = client.post(f"/fortnox/disconnect/{conn.pk}/")

    assert response.status_code == 403
    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.ACTIVE
    assert conn.refresh_token == fortnox_tokens["refresh_token"]


def test_token_is_refreshed_ahead_of_expiry(fortnox_sandbox, fortnox_tokens):
    conn = _connection(fortnox_tokens, expires_in=60)  # inside the 5-minute margin

    token = fresh_access_token(connection_id=conn.pk, provider=FortnoxOAuth())

    conn.refresh_from_db()
    assert token == conn.access_token != fortnox_tokens["access_token"]
    assert conn.refresh_token != fortnox_tokens["refresh_token"]
    assert fortnox_sandbox.refresh_requests == 1


def test_invalid_grant_marks_the_connection_for_reconnecting_without_retrying(
    fortnox_sandbox, fortnox_tokens
):
    conn = _connection({**fortnox_tokens, "refresh_token": "already-used"}, expires_in=-1)

    with pytest.raises(NeedsReauthorization) as caught:
        fresh_access_token(connection_id=conn.pk, provider=FortnoxOAuth())
    with pytest.raises(NeedsReauthorization):
        fresh_access_token(connection_id=conn.pk, provider=FortnoxOAuth())

    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.NEEDS_REAUTH
    assert "Reconnect Fortnox" in conn.last_error
    assert "Reconnect Fortnox" in caught.value.message
    assert fortnox_sandbox.refresh_requests == 1  # the second call did not try again
