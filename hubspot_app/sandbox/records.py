"""Creating, changing and rendering CRM records (shared by the API handlers and the control).

hubspot.md §3: a record is ``{"id","properties","createdAt","updatedAt","archived"}`` with
every property a string or null; a duplicate contact email is 409 CONFLICT "Contact already
exists. Existing ID: N". §4: a note needs ``hs_timestamp`` and its body is at most 65 536
characters. The sandbox also refuses ``hs_attachment_ids`` naming a file the portal does not
have (an inference: the reference does not say what HubSpot does with unknown ids).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hubspot_app.sandbox import associations, errors, pipelines, schema
from hubspot_app.sandbox.state import Portal, iso_ms

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

NOTE_BODY_LIMIT = 65_536
REQUIRED = {"notes": ["hs_timestamp"], "deals": ["dealstage"]}


def find(portal: Portal, object_type: str, object_id: str, *, archived: bool = False) -> dict:
    record = portal.store(object_type).get(str(object_id))
    if record is None or record["archived"] != archived:
        raise errors.not_found()
    return record


def render(
    portal: Portal,
    object_type: str,
    record: dict,
    properties: list[str] | None = None,
    with_associations: list[str] | None = None,
) -> dict:
    """A record as the API returns it: the asked-for properties (unknown names left out, known
    but unset ones null) plus id/created/modified, or the type's default set."""
    known = schema.known_properties(portal, object_type)
    if properties is None:
        names = schema.DEFAULTS[object_type]
    else:
        always = ["hs_object_id", schema.created_property(object_type)]
        names = sorted({*always, schema.modified_property(object_type), *properties} & set(known))
    stored = record["properties"]
    answer = {
        "id": record["id"],
        "properties": {name: stored.get(name) for name in names},
        "createdAt": record["createdAt"],
        "updatedAt": record["updatedAt"],
        "archived": record["archived"],
    }
    if record["archived"]:
        answer["archivedAt"] = record["archivedAt"]
    if with_associations:
        linked = associations.v3_map(portal, object_type, record["id"], with_associations)
        if linked:
            answer["associations"] = linked
    return answer


def _derive(portal: Portal, object_type: str, props: dict) -> None:
    if object_type == "line_items":
        props.update(schema.line_item_derived(props))
    if object_type == "products":
        props.update(schema.product_derived(props))
    if object_type == "deals":
        stage = pipelines.stage(portal, props.get("pipeline"), props.get("dealstage"))
        if props.get("dealstage") and stage is None:
            message = f"{props['dealstage']} is not a stage of pipeline {props['pipeline']}"
            problem = errors.property_problem("dealstage", "INVALID_OPTION", message)
            raise errors.property_errors([problem])
        props.update(schema.deal_derived(props, portal, stage and stage["metadata"]))


def _check_rules(sb: HubSpotSandbox, portal: Portal, object_type: str, props: dict, own: str):
    if object_type == "contacts" and props.get("email"):
        for other in portal.store("contacts").values():
            same = (other["properties"].get("email") or "").lower() == props["email"].lower()
            if same and other["id"] != own:
                raise errors.fail(
                    409, f"Contact already exists. Existing ID: {other['id']}", "CONFLICT"
                )
    if object_type == "notes":
        if len(props.get("hs_note_body") or "") > NOTE_BODY_LIMIT:
            raise errors.validation(f"hs_note_body is longer than {NOTE_BODY_LIMIT} characters")
        for file_id in (props.get("hs_attachment_ids") or "").split(";"):
            if file_id and file_id not in portal.files:
                raise errors.validation(f"hs_attachment_ids: file {file_id} does not exist")


def create(
    sb: HubSpotSandbox,
    portal: Portal,
    object_type: str,
    values: dict,
    links: object = None,
    *,
    source: tuple[str, str],
) -> dict:
    """Validate and store a new record (with its associations); record the webhook events."""
    clean = schema.check_properties(portal, object_type, values, stages=pipelines.stage_ids(portal))
    missing = [name for name in REQUIRED.get(object_type, []) if not clean.get(name)]
    if missing:
        raise errors.validation(f"Required properties are missing: {', '.join(missing)}")
    wanted_links = associations.parse_inputs(portal, object_type, links)
    object_id, stamp = sb.ids.take(), iso_ms(sb.now())
    props = {key: value for key, value in clean.items() if value is not None}
    if object_type == "deals":
        props.setdefault("pipeline", "default")
    for name in ("closedate", "hs_timestamp"):
        if props.get(name):
            props[name] = _date(props[name], name)
    props.setdefault(schema.created_property(object_type), stamp)
    props.update({"hs_object_id": object_id, schema.modified_property(object_type): stamp})
    _derive(portal, object_type, props)
    _check_rules(sb, portal, object_type, props, object_id)
    record = {
        "id": object_id,
        "properties": props,
        "createdAt": stamp,
        "updatedAt": stamp,
        "archived": False,
    }
    portal.store(object_type)[object_id] = record
    for to_id, type_id in wanted_links:
        associations.add(portal, object_type, object_id, to_id, type_id)
    sb.record_change(portal, object_type, object_id, clean, created=True, source=source)
    return record


def update(
    sb: HubSpotSandbox,
    portal: Portal,
    object_type: str,
    object_id: str,
    values: dict,
    *,
    source: tuple[str, str],
) -> dict:
    """PATCH semantics: the given properties change, null clears; events for real changes."""
    record = find(portal, object_type, object_id)
    clean = schema.check_properties(portal, object_type, values, stages=pipelines.stage_ids(portal))
    props = dict(record["properties"])
    for name, value in clean.items():
        if value is None:
            props.pop(name, None)
        else:
            props[name] = _date(value, name) if name in ("closedate", "hs_timestamp") else value
    _derive(portal, object_type, props)
    _check_rules(sb, portal, object_type, props, record["id"])
    changed = {k: v for k, v in clean.items() if record["properties"].get(k) != props.get(k)}
    stamp = iso_ms(sb.now())
    props[schema.modified_property(object_type)] = stamp
    record.update(properties=props, updatedAt=stamp)
    sb.record_change(portal, object_type, record["id"], changed, created=False, source=source)
    return record


def archive(sb: HubSpotSandbox, portal: Portal, object_type: str, object_id: str) -> None:
    record = find(portal, object_type, object_id)
    record.update(archived=True, archivedAt=iso_ms(sb.now()))


def _date(value: str, name: str) -> str:
    """Dates are sent as ISO 8601 or epoch milliseconds and read back as ISO 8601 UTC."""
    if value.isdigit():
        return iso_ms(int(value) / 1000)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problem = errors.property_problem(name, "INVALID_DATE", f"{value} is not a valid date")
        raise errors.property_errors([problem]) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso_ms(moment.timestamp())


def notes_of(portal: Portal, deal_id: str) -> list[dict]:
    """The deal's notes (oldest first), each with its attachments' file records."""
    found = []
    for note_id in associations.targets(portal, "deals", str(deal_id), "notes"):
        note = dict(portal.store("notes")[note_id])
        ids = (note["properties"].get("hs_attachment_ids") or "").split(";")
        note["attachments"] = [
            {k: v for k, v in portal.files[i].items() if not k.startswith("_")} for i in ids if i
        ]
        found.append(note)
    return found
