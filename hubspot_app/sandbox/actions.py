"""Custom workflow actions and app-card fetches: the signed requests HubSpot makes to the app,
and the callback-completion API the app calls back.

hubspot.md §5: HubSpot POSTs an execution request to the action's ``actionUrl``, signed v2
(``X-HubSpot-Signature`` + ``X-HubSpot-Signature-Version: v2``) and v3 (§0a); the body has
``callbackId``, ``origin``, ``context``, ``object`` and ``inputFields`` (also as ``fields``).
The app answers 200 ``{"outputFields":{..., "hs_execution_state": SUCCESS|FAIL_CONTINUE|BLOCK}}``
and, after BLOCK, completes with ``POST /automation/v4/actions/callbacks/{callbackId}/complete``
(or the 2026-03 path) ``{"outputFields":{...}}`` -> 204, or the batch form
``POST .../callbacks/complete {"inputs":[{"callbackId","outputFields"}]}``.
§6/§0a: ``hubspot.fetch`` from an app card is signed v3 only, cannot send custom headers, and
HubSpot appends ``portalId`` (likely also ``userId``, ``userEmail``, ``appId``) to the URL.
Completing an unknown callback (404) or one already completed (400) is the sandbox's choice;
the reference does not say.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import requests

from hubspot_app.sandbox import errors, signatures
from hubspot_app.sandbox.state import Portal, Request, Response, iso_ms
from hubspot_app.sandbox.webhooks import Delivery, WebhookSender

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

EXECUTION_STATES = {"SUCCESS", "FAIL_CONTINUE", "BLOCK"}
COMPLETION_STATES = {"SUCCESS", "FAIL_CONTINUE"}  # BLOCK only makes sense as the first answer


def action_body(
    *,
    callback_id: str,
    portal_id: int,
    object_id: str,
    object_type: str,
    input_fields: dict,
    properties: dict | None,
    workflow_id: int,
    definition_id: int,
) -> dict:
    """The execution request body of §5 (captured payloads)."""
    obj: dict = {"objectId": int(object_id), "objectType": object_type}
    if properties is not None:
        obj["properties"] = properties
    return {
        "callbackId": callback_id,
        "origin": {
            "portalId": portal_id,
            "actionDefinitionId": definition_id,
            "actionDefinitionVersion": 1,
            "extensionDefinitionId": definition_id,
            "extensionDefinitionVersionId": 1,
            "actionExecutionIndexIdentifier": {
                "enrollmentId": int(object_id) * 10 + 1,
                "actionExecutionIndex": 0,
            },
        },
        "context": {"source": "WORKFLOWS", "workflowId": workflow_id, "actionId": 1},
        "object": obj,
        "inputFields": dict(input_fields),
        "fields": dict(input_fields),
    }


def build_action_request(
    *, url: str, body: dict, client_secret: str, timestamp_ms: int
) -> Delivery:
    """The signed execution POST (v2 + v3) of ``body`` to ``url`` (pure)."""
    raw = json.dumps(body, separators=(",", ":")).encode()
    timestamp = str(timestamp_ms)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": signatures.USER_AGENT,
        "X-HubSpot-Signature": signatures.v2(client_secret, "POST", url, raw),
        "X-HubSpot-Signature-Version": "v2",
        "X-HubSpot-Signature-v3": signatures.v3(client_secret, "POST", url, raw, timestamp),
        "X-HubSpot-Request-Timestamp": timestamp,
    }
    return Delivery("POST", url, headers, raw)


def build_card_fetch(
    *,
    url: str,
    method: str = "GET",
    body: object = None,
    client_secret: str,
    timestamp_ms: int,
    portal_id: int,
    user_id: int,
    user_email: str,
    app_id: int,
) -> Delivery:
    """What ``hubspot.fetch(url, {method, body})`` sends from an app card: HubSpot's query
    parameters appended to the URL, JSON body, signed v3 only (pure)."""
    extra = {"userId": user_id, "userEmail": user_email, "portalId": portal_id, "appId": app_id}
    joiner = "&" if urlsplit(url).query else "?"
    full = f"{url}{joiner}{urlencode(extra)}"
    raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    timestamp = str(timestamp_ms)
    headers = {
        "User-Agent": signatures.USER_AGENT,
        "X-HubSpot-Signature-v3": signatures.v3(client_secret, method, full, raw, timestamp),
        "X-HubSpot-Request-Timestamp": timestamp,
    }
    if raw:
        headers["Content-Type"] = "application/json"
    return Delivery(method.upper(), full, headers, raw)


def _complete(sb: HubSpotSandbox, req: Request, callback_id: str, data: object) -> None:
    callback = req.portal.callbacks.get(callback_id)
    if callback is None:
        raise errors.not_found(f"No callback {callback_id}")
    if callback["completed"]:
        raise errors.validation(f"Callback {callback_id} is already completed")
    outputs = (data or {}).get("outputFields") if isinstance(data, dict) else None
    if not isinstance(outputs, dict):
        raise errors.validation("outputFields is required")
    state = outputs.get("hs_execution_state")
    if state is not None and state not in COMPLETION_STATES:
        raise errors.validation(f"hs_execution_state must be one of {sorted(COMPLETION_STATES)}")
    callback["completed"] = True
    req.portal.completions.append(
        {
            "callbackId": callback_id,
            "outputFields": outputs,
            "via": "callback",
            "objectId": callback["objectId"],
            "completedAt": iso_ms(sb.now()),
        }
    )


def complete(sb: HubSpotSandbox, req: Request) -> Response:
    """POST /automation/v4/actions/callbacks/{callbackId}/complete -> 204"""
    _complete(sb, req, req.match["callback_id"], req.json())
    return Response.empty(204)


def complete_batch(sb: HubSpotSandbox, req: Request) -> Response:
    """POST /automation/v4/actions/callbacks/complete {"inputs":[...]} -> 204"""
    inputs = req.json().get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise errors.validation("inputs must be a non-empty list")
    for item in inputs:
        _complete(sb, req, str((item or {}).get("callbackId", "")), item)
    return Response.empty(204)


def record_answer(portal, callback_id: str, status: int, body: bytes, now: float) -> None:
    """Remember the app's answer to an execution request; a final state completes it."""
    callback = portal.callbacks[callback_id]
    try:
        outputs = json.loads(body).get("outputFields") or {}
    except (ValueError, AttributeError):
        outputs = {}
    callback["answer"] = {"status": status, "outputFields": outputs}
    # A 200 without a state is a success; BLOCK keeps the callback open (§5).
    if status == 200 and outputs.get("hs_execution_state", "SUCCESS") in COMPLETION_STATES:
        callback["completed"] = True
        portal.completions.append(
            {
                "callbackId": callback_id,
                "outputFields": outputs,
                "via": "response",
                "objectId": callback["objectId"],
                "completedAt": iso_ms(now),
            }
        )


def start(
    sb: HubSpotSandbox,
    portal: Portal,
    url: str,
    *,
    object_id: str,
    input_fields: dict,
    object_type: str = "DEAL",
    properties: dict | None = None,
) -> Delivery:
    """A new enrollment reaches the action: its callback id is recorded, the request built."""
    callback_id = f"ap-{portal.portal_id}-{sb.ids.take()}-{len(portal.callbacks) + 1}-0"
    portal.callbacks[callback_id] = {"objectId": str(object_id), "completed": False}
    body = action_body(
        callback_id=callback_id,
        portal_id=portal.portal_id,
        object_id=object_id,
        object_type=object_type,
        input_fields=input_fields,
        properties=properties,
        workflow_id=192_000_000 + sb.app_id,
        definition_id=10_800_000 + sb.app_id,
    )
    return build_action_request(
        url=url, body=body, timestamp_ms=sb.now_ms(), client_secret=sb.client_secret
    )


def send(delivery: Delivery, session: requests.Session | None = None) -> tuple[int, bytes]:
    """POST a built request; (status, body), status 0 when the app could not be reached."""
    session = session or WebhookSender().session
    try:
        answer = session.post(delivery.url, data=delivery.body, headers=delivery.headers)
    except requests.RequestException:
        return 0, b""
    return answer.status_code, answer.content


def card_fetch(
    sb: HubSpotSandbox, portal: Portal, url: str, *, method: str = "GET", body: object = None
) -> Delivery:
    return build_card_fetch(
        url=url,
        method=method,
        body=body,
        client_secret=sb.client_secret,
        timestamp_ms=sb.now_ms(),
        portal_id=portal.portal_id,
        user_id=portal.user_id,
        user_email=f"user{portal.user_id}@{portal.domain}",
        app_id=sb.app_id,
    )
