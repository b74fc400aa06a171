"""Files API upload and a note carrying the file as an attachment."""

from __future__ import annotations

import json

import pytest
import requests

from tests.hubspot_app.sandbox.helpers import API, bearer

PDF = b"%PDF-1.4 invoice 1234"


def upload(tokens, **fields):
    data = {"folderPath": "/fortnox", "options": json.dumps({"access": "PRIVATE"}), **fields}
    data = {k: v for k, v in data.items() if v is not None}
    return requests.post(f"{API}/files/v3/files", data=data, headers=bearer(tokens), timeout=5,
                         files={"file": ("faktura-1234.pdf", PDF, "application/pdf")})  # fmt: skip


def test_upload_then_note_with_the_attachment(hubspot_sandbox, hubspot_tokens):
    deal = hubspot_sandbox.create_deal("amount_discount")["deal"]
    uploaded = upload(hubspot_tokens)
    assert uploaded.status_code == 201
    record = uploaded.json()
    assert (record["name"], record["extension"], record["size"]) == (
        "faktura-1234",
        "pdf",
        len(PDF),
    )
    assert (record["access"], record["type"], record["path"]) == (
        "PRIVATE", "DOCUMENT", "/fortnox/faktura-1234.pdf"
    )  # fmt: skip
    properties = {
        "hs_timestamp": "2026-01-15T10:30:00Z",
        "hs_note_body": "<p>Faktura 1234 skapad i Fortnox</p>",
        "hs_attachment_ids": record["id"],
    }
    to_deal = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 214}
    body = {
        "properties": properties,
        "associations": [{"to": {"id": deal["id"]}, "types": [to_deal]}],
    }
    note = requests.post(
        f"{API}/crm/v3/objects/notes", json=body, headers=bearer(hubspot_tokens), timeout=5
    )
    assert note.status_code == 201
    [stored] = hubspot_sandbox.notes(deal["id"])
    assert stored["properties"]["hs_note_body"] == "<p>Faktura 1234 skapad i Fortnox</p>"
    assert stored["properties"]["hs_timestamp"] == "2026-01-15T10:30:00.000Z"
    assert [a["id"] for a in stored["attachments"]] == [record["id"]]


def test_private_file_downloads_only_through_a_signed_url(hubspot_sandbox, hubspot_tokens):
    record = upload(hubspot_tokens).json()
    assert requests.get(record["url"], timeout=5).status_code == 403
    signed = requests.get(f"{API}/files/v3/files/{record['id']}/signed-url",
                          headers=bearer(hubspot_tokens), timeout=5).json()  # fmt: skip
    assert requests.get(signed["url"], timeout=5).content == PDF


@pytest.mark.parametrize(
    "fields",
    [
        {"options": None},
        {"options": json.dumps({"access": "SECRET"})},
        {"options": "not json"},
        {"folderPath": None},
    ],
)
def test_upload_needs_options_access_and_a_folder(hubspot_sandbox, hubspot_tokens, fields):
    answer = upload(hubspot_tokens, **fields)
    assert answer.status_code == 400
    assert answer.json()["category"] == "VALIDATION_ERROR"


def test_upload_needs_the_files_scope(hubspot_sandbox):
    tokens = hubspot_sandbox.issue_tokens(scopes=["crm.objects.deals.read"])
    assert upload(tokens).status_code == 403


@pytest.mark.parametrize(
    "properties",
    [
        {"hs_note_body": "no timestamp"},
        {"hs_timestamp": "1768473000000", "hs_attachment_ids": "999"},
        {"hs_timestamp": "1768473000000", "hs_note_body": "x" * 65_537},
    ],
)
def test_note_rules(hubspot_sandbox, hubspot_tokens, properties):
    answer = requests.post(f"{API}/crm/v3/objects/notes", json={"properties": properties},
                           headers=bearer(hubspot_tokens), timeout=5)  # fmt: skip
    assert answer.status_code == 400


def test_notes_need_the_contacts_write_scope(hubspot_sandbox):
    tokens = hubspot_sandbox.issue_tokens(scopes=["crm.objects.deals.write", "files"])
    answer = requests.post(f"{API}/crm/v3/objects/notes", headers=bearer(tokens), timeout=5,
                           json={"properties": {"hs_timestamp": "1768473000000"}})  # fmt: skip
    assert answer.status_code == 403
