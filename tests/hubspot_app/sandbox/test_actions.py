"""Workflow action requests (signed v2 + v3), callback completion, and app-card fetches."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import requests
import responses

from tests.hubspot_app.sandbox.helpers import API, bearer
from tests.plugins.hubspot import PORTAL_ID

ACTION_URL = "https://app.example.se/hubspot/actions/create-invoice/"


def v3(method: str, uri: str, body: bytes, stamp: str) -> str:
    message = method.encode() + uri.encode() + body + stamp.encode()
    return base64.b64encode(hmac.new(b"sandbox-secret", message, hashlib.sha256).digest()).decode()


def start(sandbox, scenario: str = "amount_discount"):
    deal = sandbox.create_deal(scenario)["deal"]
    return deal, sandbox.workflow_action_request(
        ACTION_URL, object_id=deal["id"], input_fields={"series": "A"}
    )


def complete(tokens, callback_id, outputs, path="/automation/v4/actions/callbacks"):
    return requests.post(f"{API}{path}/{callback_id}/complete", json={"outputFields": outputs},
                         headers=bearer(tokens), timeout=5)  # fmt: skip


def test_execution_request_is_signed_v2_and_v3(hubspot_sandbox):
    deal, request = start(hubspot_sandbox)
    headers, body = request.headers, request.body
    assert headers["X-HubSpot-Signature-Version"] == "v2"
    v2 = hashlib.sha256(b"sandbox-secret" + b"POST" + ACTION_URL.encode() + body).hexdigest()
    assert headers["X-HubSpot-Signature"] == v2
    stamp = headers["X-HubSpot-Request-Timestamp"]
    assert headers["X-HubSpot-Signature-v3"] == v3("POST", ACTION_URL, body, stamp)
    data = json.loads(body)
    assert data["callbackId"].startswith(f"ap-{PORTAL_ID}-")
    assert data["origin"]["portalId"] == PORTAL_ID
    assert data["object"] == {"objectId": int(deal["id"]), "objectType": "DEAL"}
    assert data["inputFields"] == data["fields"] == {"series": "A"}
    assert data["context"]["source"] == "WORKFLOWS"


def test_completion_is_204_and_recorded(hubspot_sandbox, hubspot_tokens):
    _, request = start(hubspot_sandbox)
    callback_id = request.events["callbackId"]
    outputs = {"invoiceNumber": "1234", "hs_execution_state": "SUCCESS"}
    answer = complete(hubspot_tokens, callback_id, outputs)
    assert (answer.status_code, answer.content) == (204, b"")
    [done] = hubspot_sandbox.completions()
    assert (done["callbackId"], done["outputFields"], done["via"]) == (
        callback_id,
        outputs,
        "callback",
    )
    again = complete(hubspot_tokens, callback_id, outputs)
    assert again.status_code == 400


def test_completion_refusals(hubspot_sandbox, hubspot_tokens):
    _, request = start(hubspot_sandbox)
    callback_id = request.events["callbackId"]
    assert complete(hubspot_tokens, "ap-1-2-3-0", {}).status_code == 404
    bad_state = complete(hubspot_tokens, callback_id, {"hs_execution_state": "DONE"})
    assert bad_state.status_code == 400
    no_scope = hubspot_sandbox.issue_tokens(scopes=["crm.objects.deals.read"])
    assert complete(no_scope, callback_id, {}).status_code == 403


def test_dated_and_batch_completion(hubspot_sandbox, hubspot_tokens):
    _, first = start(hubspot_sandbox)
    _, second = start(hubspot_sandbox, "quantities")
    dated = complete(hubspot_tokens, first.events["callbackId"], {"hs_execution_state": "SUCCESS"},
                     path="/automation/actions/callbacks/2026-03")  # fmt: skip
    assert dated.status_code == 204
    batch = requests.post(
        f"{API}/automation/v4/actions/callbacks/complete", headers=bearer(hubspot_tokens),
        json={"inputs": [{"callbackId": second.events["callbackId"],
                          "outputFields": {"hs_execution_state": "FAIL_CONTINUE"}}]},
        timeout=5,
    )  # fmt: skip
    assert batch.status_code == 204
    assert len(hubspot_sandbox.completions()) == 2


def test_execute_records_block_and_success_answers(hubspot_sandbox):
    deal = hubspot_sandbox.create_deal("no_line_items")["deal"]
    answers = iter([{"hs_execution_state": "BLOCK"}, {"hs_execution_state": "SUCCESS"}])
    hubspot_sandbox.rsps.add_callback(
        responses.POST, ACTION_URL,
        callback=lambda r: (200, {}, json.dumps({"outputFields": next(answers)})),
    )  # fmt: skip
    blocked, status = hubspot_sandbox.execute_action(ACTION_URL, object_id=deal["id"],
                                                     input_fields={})  # fmt: skip
    assert status == 200 and hubspot_sandbox.completions() == []
    assert not hubspot_sandbox.portal().callbacks[blocked.events["callbackId"]]["completed"]
    hubspot_sandbox.execute_action(ACTION_URL, object_id=deal["id"], input_fields={})
    assert [c["via"] for c in hubspot_sandbox.completions()] == ["response"]


def test_card_fetch_appends_portal_and_is_signed_v3_only(hubspot_sandbox):
    request = hubspot_sandbox.card_fetch_request(
        "https://app.example.se/hubspot/cards/sync", method="POST", body={"objectId": 5}
    )
    assert request.url.startswith("https://app.example.se/hubspot/cards/sync?userId=")
    assert f"portalId={PORTAL_ID}" in request.url and "appId=1" in request.url
    assert "X-HubSpot-Signature" not in request.headers
    stamp = request.headers["X-HubSpot-Request-Timestamp"]
    # userEmail's "@" arrives as %40, which v3 decodes before hashing.
    decoded = request.url.replace("%40", "@")
    assert request.headers["X-HubSpot-Signature-v3"] == v3(
        "POST", decoded, b'{"objectId":5}', stamp
    )
