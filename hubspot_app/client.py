"""The only code that speaks HTTP to HubSpot's APIs (CRM v3/v4, pipelines, properties, files).

Every failure becomes a ``ConnectorError`` (``provider="hubspot"``), classified in one place
(``classify``, hubspot.md §7-§8): 429 (its ``Retry-After``, else the policy's window from
the body's ``policyName`` or ``X-HubSpot-RateLimit-Interval-Milliseconds``), 477, 423 and
5xx are transient; 401 after one token refresh, 403 (scopes), 404 and 4xx validation are
permanent, in a sentence with HubSpot's own message. Reads and updates may be sent twice;
creates (notes, file uploads, properties) are not resent once they may have reached
HubSpot (``safe_to_repeat=False``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import requests
from django.conf import settings

from integrations.errors import ConnectorError
from integrations.http import RetryPolicy, build_session, call_with_retries, transport_error

PROVIDER = "hubspot"
BATCH_LIMIT = 100  # batch read inputs per request (§3)
LIST_LIMIT = 100  # objects per page of a list
NOTE_TO_DEAL = 214  # HUBSPOT_DEFINED note -> deal association type (§3, §4)
RETRY_POLICY = RetryPolicy(attempts=4, max_seconds=60.0, backoff_base=1.0, backoff_cap=20.0)
# Seconds to wait on a 429 without Retry-After, by policyName (the SDK's back-off, §7).
POLICY_WAIT = {"TEN_SECONDLY_ROLLING": 10.0, "SECONDLY": 1.0}
TRANSIENT = {423, 429, 477}
HTTP_MESSAGES = {
    401: "HubSpot refused the app's access token; connect HubSpot again.",
    403: "HubSpot refused the request: the app lacks a scope it needs ({detail}); connect"
    " HubSpot again to grant it.",
    404: "HubSpot has no such record ({detail}).",
}
TokenSource = Callable[[str], str]  # rejected token -> a token to use


def _error(message: str, *, permanent: bool, **kwargs: Any) -> ConnectorError:
    return ConnectorError(message, permanent=permanent, provider=PROVIDER, **kwargs)


def _body(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(response: requests.Response, body: dict) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        pass
    if body.get("policyName") in POLICY_WAIT:
        return POLICY_WAIT[body["policyName"]]
    try:
        return float(response.headers["X-HubSpot-RateLimit-Interval-Milliseconds"]) / 1000
    except (KeyError, ValueError):
        return None


def classify(response: requests.Response) -> ConnectorError | None:
    """The error an HTTP answer means, or None for a 2xx (207 included: batch reads list
    their missing ids in ``errors``)."""
    status = response.status_code
    if status < 300:
        return None
    body = _body(response)
    message = str(body.get("message") or response.text[:300] or f"HTTP {status}")
    category = body.get("category") or body.get("errorType") or status
    detail = json.dumps(body)[:500] if body else response.text[:500]
    if status in TRANSIENT or status >= 500:
        return _error(
            f"HubSpot is busy or unavailable (HTTP {status}); the request will be retried.",
            permanent=False,
            status=status,
            code=category,
            detail=detail,
            retry_after=_retry_after(response, body),
        )
    template = HTTP_MESSAGES.get(status, "HubSpot refused the request: {detail}")
    return _error(
        template.format(detail=message),
        permanent=True,
        status=status,
        code="invalid_token" if status == 401 else category,
        detail=detail,
    )


class HubSpotClient:
    """Operations on one portal, named after the remote operation; plain dicts back."""

    def __init__(
        self,
        *,
        token: TokenSource,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retry_policy: RetryPolicy = RETRY_POLICY,
    ) -> None:
        self.token = token
        self.base_url = settings.HUBSPOT_API_URL.rstrip("/")
        self.session = session or build_session()
        self.sleep, self.retry_policy = sleep, retry_policy

    # --- transport ---------------------------------------------------------------------
    def request(
        self, method: str, path: str, *, safe_to_repeat: bool | None = None, **kwargs: Any
    ) -> requests.Response:
        """Send with retries; reads and PATCHes may be resent, creates may not."""
        repeatable = method in ("GET", "PATCH", "PUT") if safe_to_repeat is None else safe_to_repeat
        return call_with_retries(
            lambda: self._send_authorised(method, path, kwargs),
            policy=self.retry_policy,
            safe_to_repeat=repeatable,
            sleep=self.sleep,
        )

    def _send_authorised(self, method: str, path: str, kwargs: dict) -> requests.Response:
        """One send; a 401 refreshes the token once and sends again (HubSpot refused the
        request, so it was not acted on)."""
        token = self.token("")
        response = self._send_once(method, path, token, kwargs)
        if response.status_code == 401:
            response = self._send_once(method, path, self.token(token), kwargs)
        if error := classify(response):
            raise error
        return response

    def _send_once(self, method: str, path: str, token: str, kwargs: dict) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        try:
            return self.session.request(method, f"{self.base_url}{path}", headers=headers, **kwargs)
        except requests.RequestException as exc:
            raise transport_error(exc, provider=PROVIDER, label="HubSpot") from exc

    def _json(self, method: str, path: str, **kwargs: Any) -> dict:
        response = self.request(method, path, **kwargs)
        try:
            return response.json() if response.content else {}
        except ValueError as exc:
            message = "HubSpot answered with something that is not JSON."
            raise _error(message, permanent=False, detail=response.text[:500]) from exc

    # --- CRM objects -------------------------------------------------------------------
    def get_deal(self, *, deal_id: str, properties: Iterable[str]) -> dict:
        """The deal with its line items, companies and contacts in ``associations``."""
        params = {
            "properties": ",".join(sorted(set(properties))),
            "associations": "line_items,companies,contacts",
        }
        return self._json("GET", f"/crm/v3/objects/deals/{deal_id}", params=params)

    def batch_read(
        self, *, object_type: str, ids: Iterable[str], properties: Iterable[str]
    ) -> list[dict]:
        """The objects that exist among ``ids`` (missing ones are left out, §9.9)."""
        ids, found = list(dict.fromkeys(str(i) for i in ids)), []
        for start in range(0, len(ids), BATCH_LIMIT):
            body = {
                "inputs": [{"id": i} for i in ids[start : start + BATCH_LIMIT]],
                "properties": sorted(set(properties)),
            }
            # A read, though a POST: safe to send again.
            answer = self._json(
                "POST", f"/crm/v3/objects/{object_type}/batch/read", json=body, safe_to_repeat=True
            )
            found.extend(answer.get("results") or [])
        return found

    def get_object(self, *, object_type: str, object_id: str, properties: Iterable[str]) -> dict:
        params = {"properties": ",".join(sorted(set(properties)))}
        return self._json("GET", f"/crm/v3/objects/{object_type}/{object_id}", params=params)

    def update_object(self, *, object_type: str, object_id: str, properties: dict) -> dict:
        body = {"properties": properties}
        return self._json("PATCH", f"/crm/v3/objects/{object_type}/{object_id}", json=body)

    def list_objects(self, *, object_type: str, properties: Iterable[str]) -> Iterator[dict]:
        """Every (unarchived) object of the type, page by page."""
        after = None
        while True:
            params = {"limit": LIST_LIMIT, "properties": ",".join(sorted(set(properties)))}
            if after:
                params["after"] = after
            answer = self._json("GET", f"/crm/v3/objects/{object_type}", params=params)
            yield from answer.get("results") or []
            after = ((answer.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return

    def update_deal(self, *, deal_id: str, properties: dict[str, str]) -> dict:
        body = {"properties": properties}
        return self._json("PATCH", f"/crm/v3/objects/deals/{deal_id}", json=body)

    def list_deal_associations(self, *, deal_id: str, to_type: str) -> list[str]:
        """Ids of the deal's associated ``to_type`` records (v4, all pages)."""
        ids, after = [], None
        while True:
            params = {"limit": 500, **({"after": after} if after else {})}
            path = f"/crm/v4/objects/deals/{deal_id}/associations/{to_type}"
            answer = self._json("GET", path, params=params)
            ids.extend(str(row["toObjectId"]) for row in answer.get("results") or [])
            after = ((answer.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return ids

    def create_note(
        self, *, deal_id: str, body_html: str, timestamp: str, attachment_ids: list[str]
    ) -> dict:
        """A note on the deal (§4); not resent once it may have been made."""
        properties = {"hs_timestamp": timestamp, "hs_note_body": body_html}
        if attachment_ids:
            properties["hs_attachment_ids"] = ";".join(attachment_ids)
        association = {
            "to": {"id": str(deal_id)},
            "types": [
                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_DEAL}
            ],
        }
        body = {"properties": properties, "associations": [association]}
        return self._json("POST", "/crm/v3/objects/notes", json=body, safe_to_repeat=False)

    # --- pipelines and properties ------------------------------------------------------
    def list_deal_pipelines(self) -> list[dict]:
        return self._json("GET", "/crm/v3/pipelines/deals").get("results") or []

    def create_property(self, *, object_type: str, name: str, label: str, group: str) -> dict:
        body = {"name": name, "label": label, "type": "string", "fieldType": "text"}
        body["groupName"] = group
        return self._json(
            "POST", f"/crm/v3/properties/{object_type}", json=body, safe_to_repeat=False
        )

    # --- workflow actions (§5) -------------------------------------------------------
    def complete_callback(self, *, callback_id: str, output_fields: dict[str, str]) -> None:
        """Complete a BLOCKed execution. Sent again only after a 429 or a connection never
        made: a second completion of one callback is refused by HubSpot."""
        path = f"/automation/v4/actions/callbacks/{callback_id}/complete"
        self.request("POST", path, json={"outputFields": output_fields}, safe_to_repeat=False)

    # --- files -------------------------------------------------------------------------
    def upload_file(self, *, name: str, content: bytes, folder_path: str) -> dict:
        """A private file in the portal's file manager (§4); returns the File (``id``)."""
        data = {"folderPath": folder_path, "options": json.dumps({"access": "PRIVATE"})}
        files = {"file": (name, content, "application/pdf")}
        return self._json("POST", "/files/v3/files", data=data, files=files, safe_to_repeat=False)
