"""CRM v3 object endpoints: create, read, update, archive, list and batch read.

hubspot.md §3: create answers 201, update (PATCH) 200, a missing id 404; list pages with
``limit`` <= 100 and ``after`` (no ``paging`` on the last page); batch read takes at most 100
inputs and answers 207 with ``errors`` (OBJECT_NOT_FOUND, ``context.ids``) and ``numErrors``
when some ids are unknown (§9.9); batch results carry no associations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubspot_app.sandbox import errors, records, schema
from hubspot_app.sandbox.state import ApiError, Request, Response, iso_ms

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

LIST_LIMIT = 100
BATCH_LIMIT = 100
UNIQUE_ID_PROPERTIES = {"contacts": {"email"}, "products": {"hs_sku"}}


def _type(req: Request) -> str:
    object_type = schema.normalise_type(req.match["object_type"])
    if object_type is None:
        raise errors.fail(
            400, f"Unable to infer object type from: {req.match['object_type']}", "VALIDATION_ERROR"
        )
    return object_type


def _associations(req: Request) -> list[str] | None:
    names = req.param_list("associations")
    if names is None:
        return None
    return [t for t in (schema.normalise_type(n) for n in names) if t]


def _source(sb: HubSpotSandbox) -> tuple[str, str]:
    """Writes through the API by this app: changeSource INTEGRATION, sourceId the app id."""
    return ("INTEGRATION", str(sb.app_id))


def _lookup(req: Request, object_type: str, object_id: str, id_property: str | None) -> dict:
    if id_property in (None, "hs_object_id"):
        return records.find(req.portal, object_type, object_id)
    if id_property not in UNIQUE_ID_PROPERTIES.get(object_type, set()):
        raise errors.validation(f"{id_property} is not a unique property of {object_type}")
    for record in req.portal.store(object_type).values():
        value = record["properties"].get(id_property) or ""
        if value.lower() == object_id.lower() and not record["archived"]:
            return record
    raise errors.not_found()


def get_object(sb: HubSpotSandbox, req: Request) -> Response:
    """GET /crm/v3/objects/{type}/{id}?properties=&associations=&archived=&idProperty="""
    object_type = _type(req)
    archived = req.param("archived", "false") == "true"
    if archived:
        record = records.find(req.portal, object_type, req.match["object_id"], archived=True)
    else:
        record = _lookup(req, object_type, req.match["object_id"], req.param("idProperty"))
    rendered = records.render(
        req.portal, object_type, record, req.param_list("properties"), _associations(req)
    )
    return Response.json(200, rendered)


def list_objects(sb: HubSpotSandbox, req: Request) -> Response:
    """GET /crm/v3/objects/{type}?limit=&after=&properties=&associations="""
    object_type = _type(req)
    limit = _int(req.param("limit", "10"), "limit")
    if not 1 <= limit <= LIST_LIMIT:
        raise errors.validation(f"limit must be between 1 and {LIST_LIMIT}")
    after = _int(req.param("after", "0"), "after")
    rows = sorted(
        (r for r in req.portal.store(object_type).values() if not r["archived"]),
        key=lambda r: int(r["id"]),
    )
    rows = [r for r in rows if int(r["id"]) >= after]
    page, rest = rows[:limit], rows[limit:]
    props, links = req.param_list("properties"), _associations(req)
    body: dict = {
        "results": [records.render(req.portal, object_type, r, props, links) for r in page]
    }
    if rest:
        cursor = rest[0]["id"]
        link = f"{sb.api_url}/crm/v3/objects/{object_type}?after={cursor}&limit={limit}"
        body["paging"] = {"next": {"after": cursor, "link": link}}
    return Response.json(200, body)


def create_object(sb: HubSpotSandbox, req: Request) -> Response:
    """POST /crm/v3/objects/{type} {"properties":{...},"associations":[...]} -> 201"""
    object_type = _type(req)
    data = req.json()
    record = records.create(
        sb,
        req.portal,
        object_type,
        data.get("properties") or {},
        data.get("associations"),
        source=_source(sb),
    )
    return Response.json(
        201, records.render(req.portal, object_type, record, list(record["properties"]))
    )


def update_object(sb: HubSpotSandbox, req: Request) -> Response:
    """PATCH /crm/v3/objects/{type}/{id} {"properties":{...}} -> 200"""
    object_type = _type(req)
    data = req.json()
    record = records.update(
        sb,
        req.portal,
        object_type,
        req.match["object_id"],
        data.get("properties") or {},
        source=_source(sb),
    )
    return Response.json(
        200, records.render(req.portal, object_type, record, list(record["properties"]))
    )


def archive_object(sb: HubSpotSandbox, req: Request) -> Response:
    """DELETE /crm/v3/objects/{type}/{id} -> 204"""
    records.archive(sb, req.portal, _type(req), req.match["object_id"])
    return Response.empty(204)


def batch_read(sb: HubSpotSandbox, req: Request) -> Response:
    """POST /crm/v3/objects/{type}/batch/read {"inputs":[{"id"}],"properties":[...]}"""
    object_type = _type(req)
    data, started = req.json(), iso_ms(sb.now())
    inputs = data.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise errors.validation("inputs must be a non-empty list")
    if len(inputs) > BATCH_LIMIT:
        raise errors.validation(f"Too many inputs: {len(inputs)} > {BATCH_LIMIT}")
    props = data.get("properties") or []
    found, missing = [], []
    for item in inputs:
        object_id = str((item or {}).get("id", ""))
        try:
            record = _lookup(req, object_type, object_id, data.get("idProperty"))
        except ApiError:  # an unknown id is reported in errors, not raised
            missing.append(object_id)
            continue
        found.append(records.render(req.portal, object_type, record, props))
    body: dict = {
        "status": "COMPLETE",
        "results": found,
        "startedAt": started,
        "completedAt": iso_ms(sb.now()),
    }
    if not missing:
        return Response.json(200, body)
    singular = schema.TYPES[object_type][1].upper()
    body["errors"] = [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": f"Could not get some {singular} objects, they may be deleted or not exist.",
            "context": {"ids": missing},
        }
    ]
    body["numErrors"] = 1
    return Response.json(207, body)


def _int(value: str | None, name: str) -> int:
    try:
        return int(value or "0")
    except ValueError:
        raise errors.validation(f"{name} must be a number") from None
