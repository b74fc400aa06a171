"""Custom properties: a deal property can be created once (the app keeps the Fortnox
number in one), then written; a second create is 409; creating needs the schema scope."""

from __future__ import annotations

import requests

from tests.hubspot_app.sandbox.helpers import API, bearer

PROPERTY = {
    "name": "fortnox_document_number",
    "label": "Fortnox document number",
    "type": "string",
    "fieldType": "text",
    "groupName": "dealinformation",
}


def _post(tokens, path, body):
    return requests.post(f"{API}{path}", json=body, headers=bearer(tokens), timeout=5)


def _patch(tokens, deal_id, properties):
    return requests.patch(
        f"{API}/crm/v3/objects/deals/{deal_id}",
        json={"properties": properties},
        headers=bearer(tokens),
        timeout=5,
    )


def test_a_deal_property_is_unknown_until_created_then_writable_and_readable(
    hubspot_sandbox, hubspot_tokens
):
    deal_id = hubspot_sandbox.create_deal("quantities")["deal"]["id"]
    refused = _patch(hubspot_tokens, deal_id, {"fortnox_document_number": "1001"})
    assert refused.status_code == 400
    assert "PROPERTY_DOESNT_EXIST" in refused.json()["message"]

    created = _post(hubspot_tokens, "/crm/v3/properties/deals", PROPERTY)
    assert created.status_code == 201
    assert created.json()["name"] == "fortnox_document_number"
    assert _patch(hubspot_tokens, deal_id, {"fortnox_document_number": "1001"}).status_code == 200

    read = requests.get(
        f"{API}/crm/v3/objects/deals/{deal_id}",
        params={"properties": "fortnox_document_number"},
        headers=bearer(hubspot_tokens),
        timeout=5,
    )
    assert read.json()["properties"]["fortnox_document_number"] == "1001"


def test_creating_a_property_twice_or_with_a_standard_name_is_409(hubspot_sandbox, hubspot_tokens):
    assert _post(hubspot_tokens, "/crm/v3/properties/deals", PROPERTY).status_code == 201
    assert _post(hubspot_tokens, "/crm/v3/properties/deals", PROPERTY).status_code == 409
    standard = {**PROPERTY, "name": "dealname"}
    assert _post(hubspot_tokens, "/crm/v3/properties/deals", standard).status_code == 409


def test_creating_a_property_needs_the_schema_write_scope(hubspot_sandbox):
    tokens = hubspot_sandbox.issue_tokens(scopes=["oauth", "crm.objects.deals.write"])
    answer = _post(tokens, "/crm/v3/properties/deals", PROPERTY)
    assert answer.status_code == 403
    assert _post(tokens, "/crm/properties/2026-03/deals", PROPERTY).status_code == 403
