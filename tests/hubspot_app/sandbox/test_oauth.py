"""OAuth: the consent page (approve, deny, validation), codes, tokens, refresh, uninstall."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings

from tests.hubspot_app.sandbox.helpers import API, AUTHORIZE, CALLBACK, bearer
from tests.plugins.hubspot import PORTAL_ID

SCOPES = " ".join(settings.HUBSPOT_SCOPES)  # the app's required scopes
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def authorize(**extra) -> requests.Response:
    query = {"client_id": "sandbox", "redirect_uri": CALLBACK, "scope": SCOPES, "state": "n-1"}
    query.update(extra)
    return requests.get(AUTHORIZE, params=query, allow_redirects=False, timeout=5)


def token(version: str = "2026-03", **form) -> requests.Response:
    body = {"client_id": "sandbox", "client_secret": "sandbox-secret", **form}
    return requests.post(f"{API}/oauth/{version}/token", data=body, headers=FORM, timeout=5)


def code_from(answer: requests.Response) -> str:
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def test_authorize_shows_approve_and_deny_buttons(hubspot_sandbox):
    page = authorize()
    assert page.status_code == 200
    assert 'name="decision" value="approve">Approve' in page.text
    assert 'name="decision" value="deny">Deny' in page.text
    assert f'<option value="{PORTAL_ID}">' in page.text


def test_deny_redirects_with_access_denied_and_the_state(hubspot_sandbox):
    answer = authorize(decision="deny")
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    assert parse_qs(location.query) == {
        "error": ["access_denied"],
        "error_description": ["The user denied access"],
        "state": ["n-1"],
    }


def test_approve_redirects_with_code_and_state(hubspot_sandbox):
    answer = authorize(decision="approve", portal_id=str(PORTAL_ID))
    assert answer.status_code == 302
    params = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert set(params) == {"code", "state"} and params["state"] == ["n-1"]


@pytest.mark.parametrize(
    "extra",
    [
        {"client_id": "other"},
        {"redirect_uri": "https://evil.example/callback/"},
        {"scope": "oauth files"},  # required scopes missing
        {"scope": SCOPES + " crm.objects.quotes.read"},  # not configured at all
        {"optional_scope": "timeline"},  # not one of the app's optional scopes
    ],
)
def test_authorize_refuses_what_does_not_match_the_app(hubspot_sandbox, extra):
    page = authorize(**extra)
    assert page.status_code == 400
    assert "Authorization failed" in page.text


def test_configured_optional_scope_is_granted(hubspot_sandbox):
    hubspot_sandbox.optional_scopes = ["automation"]
    code = code_from(authorize(decision="approve", optional_scope="automation"))
    answer = token(grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert "automation" in answer.json()["scopes"]


def test_code_exchange_answers_v3_fields_and_thirty_minute_tokens(hubspot_sandbox):
    code = code_from(authorize(decision="approve"))
    answer = token(grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "refresh_token", "expires_in", "token_type",
                         "token_use", "hub_id", "user_id", "scopes"}  # fmt: skip
    assert (body["expires_in"], body["token_type"], body["token_use"]) == (
        1800, "bearer", "access_token"
    )  # fmt: skip
    assert body["hub_id"] == PORTAL_ID and sorted(body["scopes"]) == sorted(SCOPES.split())


def test_v1_token_answer_has_only_the_four_fields(hubspot_sandbox):
    code = code_from(authorize(decision="approve"))
    answer = token("v1", grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert set(answer.json()) == {"access_token", "refresh_token", "expires_in", "token_type"}


def test_code_is_single_use(hubspot_sandbox):
    code = code_from(authorize(decision="approve"))
    token(grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    again = token(grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert again.status_code == 400
    body = again.json()
    assert (body["error"], body["status"]) == ("invalid_grant", "BAD_AUTH_CODE")


def test_code_needs_the_same_redirect_uri(hubspot_sandbox):
    code = code_from(authorize(decision="approve"))
    answer = token(grant_type="authorization_code", code=code, redirect_uri=CALLBACK + "x")
    assert (answer.status_code, answer.json()["status"]) == (400, "BAD_REDIRECT_URI")


def test_token_endpoint_wants_a_form_body_and_the_client_credentials(hubspot_sandbox):
    as_json = requests.post(f"{API}/oauth/v3/token", json={"grant_type": "x"}, timeout=5)
    assert as_json.status_code == 400
    wrong = token(client_secret="nope", grant_type="refresh_token", refresh_token="x")
    assert (wrong.status_code, wrong.json()["error"], wrong.json()["status"]) == (
        400, "invalid_client", "BAD_CLIENT_SECRET"
    )  # fmt: skip
    credentials = token(grant_type="client_credentials")
    assert credentials.json()["error"] == "unsupported_grant_type"


def test_refresh_returns_the_same_refresh_token_and_old_access_keeps_working(hubspot_sandbox):
    first = hubspot_sandbox.issue_tokens()
    refreshed = token(grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert refreshed["refresh_token"] == first["refresh_token"]
    assert refreshed["access_token"] != first["access_token"]
    again = token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert again.status_code == 200  # no rotation: the same token keeps working
    old = requests.get(f"{API}/crm/v3/pipelines/deals", headers=bearer(first), timeout=5)
    assert old.status_code == 200


def test_access_token_expires_after_1800_seconds(hubspot_sandbox):
    tokens = hubspot_sandbox.issue_tokens()
    hubspot_sandbox.advance_clock(1799)
    url = f"{API}/crm/v3/pipelines/deals"
    assert requests.get(url, headers=bearer(tokens), timeout=5).status_code == 200
    hubspot_sandbox.advance_clock(1)
    expired = requests.get(url, headers=bearer(tokens), timeout=5)
    assert expired.status_code == 401
    assert expired.json()["category"] == "EXPIRED_AUTHENTICATION"


def test_after_uninstall_refresh_is_bad_refresh_token_and_access_is_401(hubspot_sandbox):
    tokens = hubspot_sandbox.issue_tokens()
    gone = requests.delete(
        f"{API}/appinstalls/2026-03/external-install", headers=bearer(tokens), timeout=5
    )
    assert gone.status_code == 204
    answer = token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert answer.status_code == 400
    body = answer.json()
    del body["correlationId"]
    assert body == {
        "error": "invalid_grant",
        "error_description": "refresh token is invalid, expired or revoked",
        "status": "BAD_REFRESH_TOKEN",
        "message": "refresh token is invalid, expired or revoked",
    }
    denied = requests.get(f"{API}/crm/v3/pipelines/deals", headers=bearer(tokens), timeout=5)
    assert (denied.status_code, denied.json()["category"]) == (401, "INVALID_AUTHENTICATION")


def test_introspect_gives_the_hub_id_of_access_and_refresh_tokens(hubspot_sandbox):
    tokens = hubspot_sandbox.issue_tokens()
    form = {"client_id": "sandbox", "client_secret": "sandbox-secret"}
    url = f"{API}/oauth/2026-03/token/introspect"
    access = requests.post(url, data={**form, "token": tokens["access_token"]}, timeout=5).json()
    assert (access["active"], access["hub_id"], access["token_use"]) == (
        True, PORTAL_ID, "access_token"
    )  # fmt: skip
    assert access["app_id"] == 1 and 0 < access["expires_in"] <= 1800
    assert access["signed_access_token"]["hubId"] == PORTAL_ID
    refresh = requests.post(url, data={**form, "token": tokens["refresh_token"]}, timeout=5).json()
    assert refresh["token_use"] == "refresh_token" and "expires_in" not in refresh
    unknown = requests.post(url, data={**form, "token": "nope"}, timeout=5).json()
    assert unknown == {"active": False}


def test_legacy_access_token_info(hubspot_sandbox):
    tokens = hubspot_sandbox.issue_tokens()
    answer = requests.get(f"{API}/oauth/v1/access-tokens/{tokens['access_token']}", timeout=5)
    assert answer.status_code == 200
    assert set(answer.json()) == {"token", "user", "hub_domain", "scopes", "hub_id", "app_id",
                                  "expires_in", "user_id", "token_type"}  # fmt: skip
