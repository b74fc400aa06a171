"""Associations v4: listing, labels, default and labelled creation, batch read, primary."""

from __future__ import annotations

import requests

from tests.hubspot_app.sandbox.helpers import API, bearer

PRIMARY = {"category": "HUBSPOT_DEFINED", "typeId": 5, "label": "Primary"}
UNLABELED = {"category": "HUBSPOT_DEFINED", "typeId": 341, "label": None}


def call(tokens, method, path, body=None, **params):
    return requests.request(method, f"{API}{path}", json=body, params=params,
                            headers=bearer(tokens), timeout=5)  # fmt: skip


def test_listing_gives_numeric_ids_and_every_type_of_one_target(hubspot_sandbox, hubspot_tokens):
    made = hubspot_sandbox.create_deal("amount_discount")
    deal_id = made["deal"]["id"]
    answer = call(hubspot_tokens, "GET", f"/crm/v4/objects/deals/{deal_id}/associations/companies")
    assert answer.status_code == 200
    assert answer.json() == {
        "results": [{"toObjectId": int(made["company"]["id"]),
                     "associationTypes": [PRIMARY, UNLABELED]}]
    }  # fmt: skip
    items = call(hubspot_tokens, "GET", f"/crm/v4/objects/deals/{deal_id}/associations/line_items")
    assert items.json()["results"][0]["associationTypes"] == [
        {"category": "HUBSPOT_DEFINED", "typeId": 19, "label": None}
    ]
    back = call(
        hubspot_tokens,
        "GET",
        f"/crm/v4/objects/line_items/{made['line_items'][0]['id']}/associations/deals",
    )
    assert back.json()["results"][0]["associationTypes"][0]["typeId"] == 20


def test_listing_pages_and_limits_to_500(hubspot_sandbox, hubspot_tokens):
    deal = hubspot_sandbox.create_deal("mixed_vat_12_6")["deal"]
    path = f"/crm/v4/objects/deals/{deal['id']}/associations/line_items"
    first = call(hubspot_tokens, "GET", path, limit="2").json()
    assert len(first["results"]) == 2 and first["paging"]["next"]["after"] == "2"
    rest = call(hubspot_tokens, "GET", path, limit="2", after="2").json()
    assert len(rest["results"]) == 1 and "paging" not in rest
    assert call(hubspot_tokens, "GET", path, limit="501").status_code == 400


def test_note_to_deal_is_type_214_and_deal_to_note_213(hubspot_sandbox, hubspot_tokens):
    deal = hubspot_sandbox.create_deal("no_line_items")["deal"]
    note = call(hubspot_tokens, "POST", "/crm/v3/objects/notes", {
        "properties": {"hs_timestamp": "2026-01-15T10:30:00Z", "hs_note_body": "<p>Hej</p>"},
        "associations": [{"to": {"id": deal["id"]}, "types": [
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 214}]}],
    })  # fmt: skip
    assert note.status_code == 201
    listed = call(hubspot_tokens, "GET", f"/crm/v4/objects/deals/{deal['id']}/associations/notes")
    assert listed.json()["results"] == [{
        "toObjectId": int(note.json()["id"]),
        "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 213, "label": None}],
    }]  # fmt: skip


def test_create_with_a_type_of_another_pair_is_400(hubspot_sandbox, hubspot_tokens):
    deal = hubspot_sandbox.create_deal("no_line_items")["deal"]
    answer = call(hubspot_tokens, "POST", "/crm/v3/objects/notes", {
        "properties": {"hs_timestamp": "1768473000000"},
        "associations": [{"to": {"id": deal["id"]}, "types": [
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}],
    })  # fmt: skip
    assert answer.status_code == 400
    note = hubspot_sandbox.create_object(object_type="notes", properties={"hs_timestamp": "1"})
    wrong = call(
        hubspot_tokens,
        "PUT",
        f"/crm/v4/objects/notes/{note['id']}/associations/deals/{deal['id']}",
        [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 190}],
    )
    assert wrong.status_code == 400


def test_default_and_labelled_creation(hubspot_sandbox, hubspot_tokens):
    deal = hubspot_sandbox.create_deal("b2c_contact_only")["deal"]
    note = hubspot_sandbox.create_object(object_type="notes", properties={"hs_timestamp": "1"})
    default = call(
        hubspot_tokens,
        "PUT",
        f"/crm/v4/objects/notes/{note['id']}/associations/default/deals/{deal['id']}",
    )
    assert default.status_code == 200
    specs = [r["associationSpec"]["associationTypeId"] for r in default.json()["results"]]
    assert specs == [214, 213]
    company = hubspot_sandbox.create_object(object_type="companies", properties={"name": "X"})
    labelled = call(
        hubspot_tokens,
        "PUT",
        f"/crm/v4/objects/deals/{deal['id']}/associations/companies/{company['id']}",
        [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}],
    )
    assert labelled.status_code == 201
    assert labelled.json() == {"fromObjectTypeId": "0-3", "fromObjectId": int(deal["id"]),
                               "toObjectTypeId": "0-2", "toObjectId": int(company["id"]),
                               "labels": ["Primary"]}  # fmt: skip


def test_a_new_primary_company_leaves_the_old_one_unlabeled(hubspot_sandbox, hubspot_tokens):
    made = hubspot_sandbox.create_deal("amount_discount")
    other = hubspot_sandbox.create_object(object_type="companies", properties={"name": "Ny"})
    deal_id = made["deal"]["id"]
    path = f"/crm/v4/objects/deals/{deal_id}/associations/companies/{other['id']}"
    primary = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}]
    call(hubspot_tokens, "PUT", path, primary)
    rows = call(hubspot_tokens, "GET", f"/crm/v4/objects/deals/{deal_id}/associations/companies")
    assert rows.json()["results"] == [
        {"toObjectId": int(made["company"]["id"]), "associationTypes": [UNLABELED]},
        {"toObjectId": int(other["id"]), "associationTypes": [PRIMARY, UNLABELED]},
    ]


def test_batch_read_and_labels(hubspot_sandbox, hubspot_tokens):
    made = hubspot_sandbox.create_deal("amount_discount")
    answer = call(hubspot_tokens, "POST", "/crm/v4/associations/deals/contacts/batch/read",
                  {"inputs": [{"id": made["deal"]["id"]}, {"id": "1"}]})  # fmt: skip
    assert answer.status_code == 207
    body = answer.json()
    assert body["results"] == [
        {
            "from": {"id": made["deal"]["id"]},
            "to": [
                {
                    "toObjectId": int(made["contact"]["id"]),
                    "associationTypes": [
                        {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}
                    ],
                }
            ],
        }
    ]
    assert body["errors"][0]["context"] == {"ids": ["1"]}
    labels = call(hubspot_tokens, "GET", "/crm/v4/associations/deals/companies/labels").json()
    assert labels["results"] == [PRIMARY, UNLABELED]  # fmt: skip
