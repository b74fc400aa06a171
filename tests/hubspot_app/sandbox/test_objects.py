"""CRM v3 objects: reads, creates, updates, batch read, list paging, scopes and arithmetic."""

from __future__ import annotations

import requests

from tests.hubspot_app.sandbox.helpers import API, bearer


def get(tokens, path, **params):
    return requests.get(f"{API}{path}", params=params, headers=bearer(tokens), timeout=5)


def post(tokens, path, body):
    return requests.post(f"{API}{path}", json=body, headers=bearer(tokens), timeout=5)


def test_deal_read_lists_line_items_under_a_key_with_a_space_and_the_primary_company_twice(
    hubspot_sandbox, hubspot_tokens
):
    made = hubspot_sandbox.create_deal("quantities")
    deal_id, company_id = made["deal"]["id"], made["company"]["id"]
    answer = get(hubspot_tokens, f"/crm/v3/objects/deals/{deal_id}",
                 associations="line_items,companies,contacts")  # fmt: skip
    assert answer.status_code == 200
    linked = answer.json()["associations"]
    assert set(linked) == {"line items", "companies", "contacts"}
    assert [r["id"] for r in linked["line items"]["results"]] == [
        item["id"] for item in made["line_items"]
    ]
    assert linked["companies"]["results"] == [
        {"id": company_id, "type": "deal_to_company"},
        {"id": company_id, "type": "deal_to_company_unlabeled"},
    ]


def test_requested_properties_are_strings_or_null_and_unknown_names_are_left_out(
    hubspot_sandbox, hubspot_tokens
):
    deal = hubspot_sandbox.create_deal("quantities")["deal"]
    answer = get(hubspot_tokens, f"/crm/v3/objects/deals/{deal['id']}",
                 properties="amount,closedate,no_such_property")  # fmt: skip
    body = answer.json()
    assert body["properties"] == {
        "amount": "1250",
        "closedate": None,
        "createdate": body["createdAt"],
        "hs_lastmodifieddate": body["updatedAt"],
        "hs_object_id": deal["id"],
    }
    assert body["archived"] is False and body["createdAt"].endswith("Z")


def test_unknown_id_is_404_resource_not_found(hubspot_sandbox, hubspot_tokens):
    answer = get(hubspot_tokens, "/crm/v3/objects/deals/999")
    assert answer.status_code == 404
    body = answer.json()
    assert (body["status"], body["message"], body["category"]) == (
        "error", "Resource not found", "OBJECT_NOT_FOUND"
    )  # fmt: skip


def test_create_answers_201_with_numbers_stored_as_strings(hubspot_sandbox, hubspot_tokens):
    answer = post(
        hubspot_tokens,
        "/crm/v3/objects/deals",
        {"properties": {"dealname": "X", "amount": 1250.5, "dealstage": "closedwon"}},
    )
    assert answer.status_code == 201
    props = answer.json()["properties"]
    assert props["amount"] == "1250.5" and props["pipeline"] == "default"
    assert (props["hs_is_closed"], props["hs_is_closed_won"]) == ("true", "true")


def test_create_refuses_unknown_read_only_and_invalid_option_values(
    hubspot_sandbox, hubspot_tokens
):
    cases = [
        ("deals", {"dealstage": "closedwon", "colour": "red"}, "PROPERTY_DOESNT_EXIST"),
        ("deals", {"dealstage": "closedwon", "deal_currency_code": "GBP"}, "INVALID_OPTION"),
        ("deals", {"dealstage": "1001"}, "INVALID_OPTION"),  # a stage of another pipeline
        ("line_items", {"price": "10", "hs_tax_rate": "25.0000"}, "READ_ONLY_VALUE"),
        ("line_items", {"price": "ten"}, "INVALID_DECIMAL"),
    ]
    for object_type, properties, code in cases:
        answer = post(hubspot_tokens, f"/crm/v3/objects/{object_type}", {"properties": properties})
        assert answer.status_code == 400, properties
        assert answer.json()["category"] == "VALIDATION_ERROR"
        assert f'"error": "{code}"' in answer.json()["message"], properties


def test_duplicate_contact_email_is_409_with_the_existing_id(hubspot_sandbox, hubspot_tokens):
    first = hubspot_sandbox.create_object(object_type="contacts", properties={"email": "a@b.se"})
    answer = post(hubspot_tokens, "/crm/v3/objects/contacts", {"properties": {"email": "A@b.se"}})
    assert answer.status_code == 409
    body = answer.json()
    assert body["message"] == f"Contact already exists. Existing ID: {first['id']}"
    assert body["category"] == "CONFLICT"


def test_patch_changes_and_clears_properties(hubspot_sandbox, hubspot_tokens):
    deal = hubspot_sandbox.create_deal("quantities")["deal"]
    answer = requests.patch(
        f"{API}/crm/v3/objects/deals/{deal['id']}",
        json={"properties": {"dealstage": "closedwon", "amount": None}},
        headers=bearer(hubspot_tokens),
        timeout=5,
    )
    assert answer.status_code == 200
    props = hubspot_sandbox.portal().store("deals")[deal["id"]]["properties"]
    assert props["dealstage"] == "closedwon" and "amount" not in props


def test_batch_read_answers_207_listing_unknown_ids(hubspot_sandbox, hubspot_tokens):
    items = hubspot_sandbox.create_deal("quantities")["line_items"]
    inputs = [{"id": items[0]["id"]}, {"id": "1"}, {"id": "2"}]
    answer = post(hubspot_tokens, "/crm/v3/objects/line_items/batch/read",
                  {"inputs": inputs, "properties": ["quantity"]})  # fmt: skip
    assert answer.status_code == 207
    body = answer.json()
    assert [r["id"] for r in body["results"]] == [items[0]["id"]]
    assert body["numErrors"] == 1 and body["status"] == "COMPLETE"
    assert body["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    assert body["errors"][0]["context"] == {"ids": ["1", "2"]}
    assert "associations" not in body["results"][0]


def test_batch_read_takes_at_most_100_inputs(hubspot_sandbox, hubspot_tokens):
    inputs = [{"id": str(n)} for n in range(101)]
    answer = post(hubspot_tokens, "/crm/v3/objects/deals/batch/read", {"inputs": inputs})
    assert answer.status_code == 400
    assert answer.json()["category"] == "VALIDATION_ERROR"
    all_found = post(
        hubspot_tokens,
        "/crm/v3/objects/deals/batch/read",
        {"inputs": [{"id": hubspot_sandbox.create_deal("quantities")["deal"]["id"]}]},
    )
    assert all_found.status_code == 200 and "errors" not in all_found.json()


def test_list_pages_with_after_and_has_no_paging_on_the_last_page(hubspot_sandbox, hubspot_tokens):
    for name in ("a", "b", "c"):
        hubspot_sandbox.create_object(object_type="companies", properties={"name": name})
    first = get(hubspot_tokens, "/crm/v3/objects/companies", limit="2").json()
    assert [r["properties"]["name"] for r in first["results"]] == ["a", "b"]
    after = first["paging"]["next"]["after"]
    last = get(hubspot_tokens, "/crm/v3/objects/companies", limit="2", after=after).json()
    assert [r["properties"]["name"] for r in last["results"]] == ["c"] and "paging" not in last
    assert get(hubspot_tokens, "/crm/v3/objects/companies", limit="101").status_code == 400


def test_line_item_arithmetic_follows_hubspot(hubspot_sandbox):
    made = hubspot_sandbox.create_deal("percent_discount")["line_items"][0]["properties"]
    # 3 x 33.35 = 100.05; 15 % of the whole line = 15.0075 -> 15.01 (per unit would be 15.00)
    assert (made["amount"], made["hs_total_discount"], made["hs_tax_rate"]) == (
        "85.04", "15.01", "12.0000"
    )  # fmt: skip
    per_unit = hubspot_sandbox.create_deal("amount_discount")["line_items"][0]["properties"]
    assert per_unit["amount"] == "900.00"  # 4 x 250 - 4 x 25
    lines = hubspot_sandbox.create_deal("quantities")["line_items"]
    assert [line["properties"]["amount"] for line in lines] == ["900.00", "250.00", "100.00"]


def test_missing_token_is_401_and_missing_scope_is_403(hubspot_sandbox):
    deal = hubspot_sandbox.create_deal("quantities")["deal"]
    none = requests.get(f"{API}/crm/v3/objects/deals/{deal['id']}", timeout=5)
    assert (none.status_code, none.json()["category"]) == (401, "INVALID_AUTHENTICATION")
    tokens = hubspot_sandbox.issue_tokens(scopes=["crm.objects.contacts.read"])
    refused = get(tokens, f"/crm/v3/objects/deals/{deal['id']}")
    assert refused.status_code == 403
    body = refused.json()
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"] == {"requiredGranularScopes": ["crm.objects.deals.read"]}


def test_date_versioned_paths_reach_the_same_handlers(hubspot_sandbox, hubspot_tokens):
    deal = hubspot_sandbox.create_deal("quantities")["deal"]
    v3 = get(hubspot_tokens, f"/crm/v3/objects/deals/{deal['id']}").json()
    dated = get(hubspot_tokens, f"/crm/objects/2026-03/deals/{deal['id']}").json()
    assert dated == v3
    assert get(hubspot_tokens, f"/crm/objects/2099-01/deals/{deal['id']}").status_code == 404


def test_pipelines_list_the_default_stages(hubspot_sandbox, hubspot_tokens):
    answer = get(hubspot_tokens, "/crm/v3/pipelines/deals").json()
    default = answer["results"][0]
    assert default["id"] == "default"
    assert [s["id"] for s in default["stages"]] == [
        "appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
        "decisionmakerboughtin", "contractsent", "closedwon", "closedlost",
    ]  # fmt: skip
    won = default["stages"][5]
    assert won["metadata"] == {"isClosed": "true", "probability": "1.0"}
    stages = get(hubspot_tokens, "/crm/v3/pipelines/deals/2001/stages").json()["results"]
    assert [s["id"] for s in stages] == ["1001", "1002", "1003"]


def test_account_details_give_the_portal_currencies(hubspot_sandbox, hubspot_tokens):
    body = get(hubspot_tokens, "/account-info/v3/details").json()
    assert body["companyCurrency"] == "SEK"
    assert body["additionalCurrencies"] == ["EUR", "NOK", "USD"]
    assert body["timeZone"] == "Europe/Stockholm"
