"""The sandbox over HTTP (Django views), its control API, scenarios and persistence."""

from __future__ import annotations

import base64
import json

import pytest

from hubspot_app.sandbox import HubSpotSandbox
from hubspot_app.sandbox.bundles import available_scenarios
from hubspot_app.sandbox.persistence import dump, load
from hubspot_app.sandbox.views import get_sandbox
from tests.plugins.hubspot import PORTAL_ID

BASE = "/sandbox/hubspot"


def control(client, path, body=None):
    if body is None:
        return client.get(f"{BASE}/_control/{path}")
    return client.post(f"{BASE}/_control/{path}", json.dumps(body), content_type="application/json")


def test_views_serve_the_api_and_persist_state(client, hubspot_http_sandbox, tmp_path):
    tokens = hubspot_http_sandbox.issue_tokens()
    deal = hubspot_http_sandbox.create_deal("amount_discount")["deal"]
    answer = client.get(
        f"{BASE}/crm/v3/objects/deals/{deal['id']}?properties=dealname&properties=amount",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert answer.status_code == 200
    assert answer.json()["properties"]["dealname"] == "Kontorsstolar"
    assert answer.json()["properties"]["amount"] == "900"
    client.post(f"{BASE}/crm/v3/objects/deals/search", "{}", content_type="application/json",
                headers={"Authorization": f"Bearer {tokens['access_token']}"})  # fmt: skip
    saved = json.loads((tmp_path / "hubspot.json").read_text())
    assert tokens["access_token"] in saved["access_tokens"]


def test_consent_page_over_http(client, hubspot_http_sandbox):
    query = {"client_id": "sandbox", "redirect_uri": "http://testserver/hubspot/callback/",
             "scope": " ".join(hubspot_http_sandbox.required_scopes), "state": "s"}  # fmt: skip
    page = client.get(f"{BASE}/oauth/authorize", query)
    assert page.status_code == 200 and b"Approve" in page.content
    answer = client.get(f"{BASE}/oauth/authorize", {**query, "decision": "approve"})
    assert answer.status_code == 302
    assert answer["Location"].startswith("http://testserver/hubspot/callback/?code=")


def test_control_creates_a_deal_moves_it_and_hands_back_signed_deliveries(
    client, hubspot_http_sandbox
):
    made = control(client, "deals", {"scenario": "mixed_vat_12_6"})
    assert made.status_code == 201
    deal_id = made.json()["deal"]["id"]
    assert len(made.json()["line_items"]) == 3
    moved = control(client, f"deals/{deal_id}/stage", {"stage": "closedwon"})
    assert moved.json()["properties"]["dealstage"] == "closedwon"
    answer = control(client, "deliveries", {"url": "https://app.example.se/hubspot/webhooks/"})
    [delivery] = answer.json()["deliveries"]
    events = json.loads(base64.b64decode(delivery["body_base64"]))
    assert events[-1]["propertyName"] == "dealstage" and events[-1]["propertyValue"] == "closedwon"
    assert "X-HubSpot-Signature-v3" in delivery["headers"]
    assert control(client, "events").json() == {"events": []}


def test_control_lists_scenarios_and_refuses_an_unknown_one(client, hubspot_http_sandbox):
    assert control(client, "scenarios").json()["scenarios"] == available_scenarios()
    answer = control(client, "deals", {"scenario": "nope"})
    assert answer.status_code == 400 and "scenarios" in answer.json()


def test_control_notes_and_completions(client, hubspot_http_sandbox):
    deal_id = control(client, "deals", {"scenario": "no_line_items"}).json()["deal"]["id"]
    assert control(client, f"notes?deal_id={deal_id}").json() == {"notes": []}
    action = control(client, "actions", {"url": "https://app.example.se/a/", "object_id": deal_id})
    assert action.json()["request"]["headers"]["X-HubSpot-Signature-Version"] == "v2"
    assert control(client, "completions").json() == {"completions": []}


@pytest.mark.parametrize("name", available_scenarios())
def test_every_scenario_loads(hubspot_sandbox, name):
    made = hubspot_sandbox.create_deal(name)
    assert made["deal"]["properties"]["dealname"]


def test_scenarios_cover_what_the_connector_must_handle(hubspot_sandbox):
    german = hubspot_sandbox.create_deal("eur_german_company_vat")
    assert german["company"]["properties"]["vat_number"] == "DE123456789"
    assert german["deal"]["properties"]["deal_currency_code"] == "EUR"
    b2c = hubspot_sandbox.create_deal("b2c_contact_only")
    assert b2c["company"] is None and b2c["contact"]
    assert hubspot_sandbox.create_deal("no_line_items")["line_items"] == []
    rates = [i["properties"]["hs_tax_rate"]
             for i in hubspot_sandbox.create_deal("mixed_vat_12_6")["line_items"]]  # fmt: skip
    assert rates == ["12.0000", "6.0000", "25.0000"]


def test_state_round_trips_through_json(hubspot_sandbox):
    hubspot_sandbox.create_deal("quantities")
    tokens = hubspot_sandbox.issue_tokens()
    copy = HubSpotSandbox()
    load(copy, json.loads(json.dumps(dump(hubspot_sandbox))))
    assert copy.portal(PORTAL_ID).objects == hubspot_sandbox.portal(PORTAL_ID).objects
    assert tokens["refresh_token"] in copy.refresh_tokens


def test_fresh_http_sandbox_has_a_portal(settings, tmp_path):
    from hubspot_app.sandbox.views import set_default_sandbox

    set_default_sandbox(None, path=tmp_path / "none.json")
    try:
        assert len(get_sandbox().portals) == 1
    finally:
        set_default_sandbox(None)
