"""Associations v4 endpoints (hubspot.md §3 "Associations v4").

* ``GET /crm/v4/objects/{from}/{id}/associations/{to}?limit<=500&after=`` ->
  ``{"results":[{"toObjectId": 951, "associationTypes":[{"category","typeId","label"}]}]}``
  (numeric ``toObjectId``; one row per target however many types link them, §9.6).
* ``PUT /crm/v4/objects/{from}/{id}/associations/default/{to}/{toId}`` (the unlabeled type).
* ``PUT /crm/v4/objects/{from}/{id}/associations/{to}/{toId}`` with
  ``[{"associationCategory","associationTypeId"}]`` -> 201.
* ``POST /crm/v4/associations/{from}/{to}/batch/read`` ``{"inputs":[{"id"}]}``.
* ``GET /crm/v4/associations/{from}/{to}/labels``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from hubspot_app.sandbox import associations, errors, records, schema
from hubspot_app.sandbox.state import Request, Response, iso_ms

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

LIST_LIMIT = 500
BATCH_LIMIT = 1000  # not in the reference; HubSpot's v4 batch endpoints take up to 1000


def _pair(req: Request) -> tuple[str, str]:
    from_type = schema.normalise_type(req.match["from_type"])
    to_type = schema.normalise_type(req.match["to_type"])
    if not from_type or not to_type:
        raise errors.validation("Unknown object type")
    return from_type, to_type


def _rows(portal, from_type: str, object_id: str, to_type: str) -> list[dict]:
    found = associations.targets(portal, from_type, object_id, to_type)
    return [
        {"toObjectId": int(to_id), "associationTypes": [associations.type_entry(t) for t in ids]}
        for to_id, ids in found.items()
    ]


def list_associations(sb: HubSpotSandbox, req: Request) -> Response:
    from_type, to_type = _pair(req)
    records.find(req.portal, from_type, req.match["object_id"])
    limit = int(req.param("limit", str(LIST_LIMIT)) or LIST_LIMIT)
    if not 1 <= limit <= LIST_LIMIT:
        raise errors.validation(f"limit must be between 1 and {LIST_LIMIT}")
    rows = _rows(req.portal, from_type, req.match["object_id"], to_type)
    start = int(req.param("after", "0") or 0)
    body: dict = {"results": rows[start : start + limit]}
    if start + limit < len(rows):
        body["paging"] = {"next": {"after": str(start + limit)}}
    return Response.json(200, body)


def _spec(from_id: str, to_id: str, type_id: int) -> dict:
    return {
        "from": {"id": from_id},
        "to": {"id": to_id},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id},
    }


def create_default(sb: HubSpotSandbox, req: Request) -> Response:
    from_type, to_type = _pair(req)
    type_id = associations.DEFAULT_TYPE.get((from_type, to_type))
    if type_id is None:
        raise errors.validation(f"No default association between {from_type} and {to_type}")
    from_id, to_id = req.match["object_id"], req.match["to_id"]
    started = iso_ms(sb.now())
    associations.add(req.portal, from_type, from_id, to_id, type_id)
    inverse = associations.DEFINITIONS[type_id][2]
    results = [_spec(from_id, to_id, type_id), _spec(to_id, from_id, inverse)]
    return Response.json(
        200,
        {
            "status": "COMPLETE",
            "results": results,
            "startedAt": started,
            "completedAt": iso_ms(sb.now()),
        },
    )


def create_labelled(sb: HubSpotSandbox, req: Request) -> Response:
    from_type, to_type = _pair(req)
    try:
        specs = json.loads(req.body or b"null")
    except ValueError:
        specs = None
    if not isinstance(specs, list) or not specs:
        raise errors.validation("The body must be a list of association types")
    from_id, to_id = req.match["object_id"], req.match["to_id"]
    for spec in specs:
        type_id = int((spec or {}).get("associationTypeId", 0))
        if associations.DEFINITIONS.get(type_id, ("",))[:2] != (from_type, to_type):
            raise errors.validation(
                f"{type_id} is not an association type from {from_type} to {to_type}"
            )
        associations.add(req.portal, from_type, from_id, to_id, type_id)
    labels = [
        associations.DEFINITIONS[t][3]
        for t in associations.targets(req.portal, from_type, from_id, to_type).get(to_id, [])
    ]
    return Response.json(
        201,
        {
            "fromObjectTypeId": schema.TYPES[from_type][0],
            "fromObjectId": int(from_id),
            "toObjectTypeId": schema.TYPES[to_type][0],
            "toObjectId": int(to_id),
            "labels": [label for label in labels if label],
        },
    )


def batch_read(sb: HubSpotSandbox, req: Request) -> Response:
    from_type, to_type = _pair(req)
    inputs = req.json().get("inputs")
    if not isinstance(inputs, list) or not inputs or len(inputs) > BATCH_LIMIT:
        raise errors.validation(f"inputs must be a list of 1 to {BATCH_LIMIT} ids")
    started, results, missing = iso_ms(sb.now()), [], []
    for item in inputs:
        object_id = str((item or {}).get("id", ""))
        if object_id not in req.portal.store(from_type):
            missing.append(object_id)
            continue
        results.append(
            {"from": {"id": object_id}, "to": _rows(req.portal, from_type, object_id, to_type)}
        )
    body: dict = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": iso_ms(sb.now()),
    }
    if not missing:
        return Response.json(200, body)
    body["errors"] = [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": "Some objects were not found",
            "context": {"ids": missing},
        }
    ]
    body["numErrors"] = 1
    return Response.json(207, body)


def labels(sb: HubSpotSandbox, req: Request) -> Response:
    from_type, to_type = _pair(req)
    return Response.json(
        200,
        {
            "results": [
                associations.type_entry(t) for t in associations.types_between(from_type, to_type)
            ]
        },
    )
