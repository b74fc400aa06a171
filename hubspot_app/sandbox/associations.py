"""Associations: the v3 ``associations`` map on a read, and the v4 endpoints.

hubspot.md §3 and §0a: HUBSPOT_DEFINED type ids (deal->contact 3, contact->deal 4,
deal->company 5, company->deal 6, deal->line_item 19, line_item->deal 20, note->contact 202,
note->company 190, note->deal 214, contact->company unlabeled 279, primary 1); the primary
company is listed twice in v3 (``deal_to_company`` and ``deal_to_company_unlabeled``, one id)
because a primary association always comes with the unlabeled one. Not in the reference, from
memory: the unlabeled deal<->company ids 341/342, company->contact 2/280, the inverses of the
note types (201, 189, 213).
"""

from __future__ import annotations

from hubspot_app.sandbox import errors
from hubspot_app.sandbox.schema import TYPES
from hubspot_app.sandbox.state import Portal

# type id -> (from, to, inverse id, v4 label, v3 type name)
DEFINITIONS: dict[int, tuple[str, str, int, str | None, str]] = {}
PRIMARY_IMPLIES = {5: 341, 6: 342, 1: 279, 2: 280}  # a primary label comes with unlabeled
DEFAULT_TYPE: dict[tuple[str, str], int] = {}


def _define(
    a: str,
    b: str,
    forward: int,
    backward: int,
    label: str | None = None,
    suffix: str = "",
    default: bool = True,
) -> None:
    one, two = TYPES[a][1], TYPES[b][1]
    DEFINITIONS[forward] = (a, b, backward, label, f"{one}_to_{two}{suffix}")
    DEFINITIONS[backward] = (b, a, forward, label, f"{two}_to_{one}{suffix}")
    if default:
        DEFAULT_TYPE[(a, b)], DEFAULT_TYPE[(b, a)] = forward, backward


_define("deals", "contacts", 3, 4)
_define("deals", "companies", 5, 6, "Primary", default=False)
_define("deals", "companies", 341, 342, suffix="_unlabeled")
_define("deals", "line_items", 19, 20)
_define("contacts", "companies", 1, 2, "Primary", default=False)
_define("contacts", "companies", 279, 280, suffix="_unlabeled")
_define("notes", "contacts", 202, 201)
_define("notes", "companies", 190, 189)
_define("notes", "deals", 214, 213)


def types_between(from_type: str, to_type: str) -> list[int]:
    return [t for t, d in DEFINITIONS.items() if d[0] == from_type and d[1] == to_type]


def type_entry(type_id: int) -> dict:
    """One ``associationTypes`` item of a v4 answer."""
    return {"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": DEFINITIONS[type_id][3]}


def _rows(portal: Portal, from_type: str, from_id: str) -> list[list]:
    return [r for r in portal.associations if r[0] == from_type and r[1] == from_id]


def _put(portal: Portal, row: list) -> None:
    if row not in portal.associations:
        portal.associations.append(row)


def _drop(portal: Portal, row: list) -> None:
    inverse = [row[2], row[3], row[0], row[1], DEFINITIONS[row[4]][2]]
    portal.associations[:] = [r for r in portal.associations if r not in (row, inverse)]


def add(portal: Portal, from_type: str, from_id: str, to_id: str, type_id: int) -> str:
    """Associate two stored records both ways; returns the target's type.

    A new primary label moves from the previous primary (which keeps its unlabeled link).
    """
    definition = DEFINITIONS.get(type_id)
    if not definition or definition[0] != from_type:
        raise errors.validation(f"{type_id} is not a valid association type id for {from_type}")
    to_type = definition[1]
    for store_type, object_id in ((from_type, from_id), (to_type, to_id)):
        if object_id not in portal.store(store_type):
            raise errors.validation(f"One or more associations are invalid: {object_id} not found")
    if type_id in PRIMARY_IMPLIES:
        for row in _rows(portal, from_type, from_id):
            if row[4] == type_id and row[3] != to_id:
                _drop(portal, row)
    for one in (type_id, PRIMARY_IMPLIES.get(type_id)):
        if one is not None:
            _put(portal, [from_type, from_id, to_type, to_id, one])
            _put(portal, [to_type, to_id, from_type, from_id, DEFINITIONS[one][2]])
    return to_type


def targets(portal: Portal, from_type: str, from_id: str, to_type: str) -> dict[str, list[int]]:
    """Target id -> its type ids, in the order the links were made."""
    found: dict[str, list[int]] = {}
    for row in _rows(portal, from_type, from_id):
        if row[2] == to_type:
            found.setdefault(row[3], []).append(row[4])
    return found


def v3_map(portal: Portal, object_type: str, object_id: str, wanted: list[str]) -> dict:
    """The ``associations`` member of a v3 read, keyed by plural label ("line items")."""
    answer = {}
    for to_type in wanted:
        found = targets(portal, object_type, object_id, to_type)
        results = [
            {"id": to_id, "type": DEFINITIONS[type_id][4]}
            for to_id, type_ids in found.items()
            for type_id in sorted(type_ids, key=lambda t: t in PRIMARY_IMPLIES.values())
        ]
        if results:  # types without associations are left out of the map
            answer[TYPES[to_type][2]] = {"results": results}
    return answer


def parse_inputs(portal: Portal, from_type: str, items: object) -> list[tuple[str, int]]:
    """The ``associations`` of a v3 create: ``[(to_id, type_id)]``, validated."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise errors.validation("associations must be a list")
    parsed = []
    for item in items:
        try:
            to_id = str(item["to"]["id"])
            specs = item["types"]
        except (KeyError, TypeError):
            raise errors.validation("Each association needs to.id and types") from None
        for spec in specs:
            type_id = int(spec.get("associationTypeId", 0))
            definition = DEFINITIONS.get(type_id)
            if spec.get("associationCategory") != "HUBSPOT_DEFINED" or not definition:
                raise errors.validation(f"{type_id} is not a valid association type")
            if definition[0] != from_type or to_id not in portal.store(definition[1]):
                raise errors.validation(
                    f"One or more associations are invalid: {type_id} to {to_id}"
                )
            parsed.append((to_id, type_id))
    return parsed
