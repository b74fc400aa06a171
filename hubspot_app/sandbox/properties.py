"""Custom properties: create one, read one (hubspot.md §3 "Properties").

``POST /crm/v3/properties/{objectType}`` ``{"name","label","type","fieldType","groupName"}``
-> 201 the property; a name the type already has (standard or custom) -> 409 CONFLICT. The
reference gives the request for a company's org-number property; the answer's shape and
the 409 are remembered, not verified. ``GET /crm/v3/properties/{objectType}/{name}`` -> the
property or 404. The app makes the deal property that holds the Fortnox number this way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hubspot_app.sandbox import errors, schema
from hubspot_app.sandbox.state import Request, Response, iso_ms

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
TYPES = {"string", "number", "date", "datetime", "enumeration", "bool"}


def _type(req: Request) -> str:
    object_type = schema.normalise_type(req.match["object_type"])
    if object_type is None or object_type == "notes":
        raise errors.validation(f"Unknown object type {req.match['object_type']}")
    return object_type


def create_property(sb: HubSpotSandbox, req: Request) -> Response:
    object_type, data = _type(req), req.json()
    name = str(data.get("name") or "")
    if not NAME.match(name):
        raise errors.validation(f"Property name {name!r} must be lower case, digits and _")
    for key in ("label", "groupName"):
        if not data.get(key):
            raise errors.validation(f"{key} is required")
    if data.get("type") not in TYPES or not data.get("fieldType"):
        raise errors.validation(f"type must be one of {sorted(TYPES)}, with a fieldType")
    if name in schema.known_properties(req.portal, object_type):
        raise errors.fail(409, f"A property named '{name}' already exists.", "CONFLICT")
    stamp = iso_ms(sb.now())
    prop = {
        "name": name,
        "label": data["label"],
        "type": data["type"],
        "fieldType": data["fieldType"],
        "groupName": data["groupName"],
        "createdAt": stamp,
        "updatedAt": stamp,
        "hidden": False,
        "calculated": False,
        "hasUniqueValue": False,
    }
    req.portal.custom_properties.setdefault(object_type, {})[name] = prop
    return Response.json(201, prop)


def get_property(sb: HubSpotSandbox, req: Request) -> Response:
    object_type = _type(req)
    prop = req.portal.custom_properties.get(object_type, {}).get(req.match["name"])
    if prop is None:
        if req.match["name"] in schema.known_properties(req.portal, object_type):
            return Response.json(200, {"name": req.match["name"], "type": "string"})
        raise errors.not_found()
    return Response.json(200, prop)
