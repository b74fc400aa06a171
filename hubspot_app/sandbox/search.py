"""POST /crm/v3/objects/{type}/search (hubspot.md §3 "Search", §7, §9.8).

Filters in a group are ANDed, groups ORed. Limits: at most 5 groups, 6 filters per group and
18 in all; ``limit`` at most 200; no more than 10 000 results reachable per query (``after`` +
``limit``). Operators: EQ NEQ LT LTE GT GTE BETWEEN IN NOT_IN HAS_PROPERTY NOT_HAS_PROPERTY
CONTAINS_TOKEN NOT_CONTAINS_TOKEN. Search lags writes by a few seconds: ``sb.search_lag``
(default 0) hides records created less than that many seconds ago. Search answers carry no
rate-limit headers and have their own per-second limit (``limits.py``).
"""

from __future__ import annotations

import fnmatch
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from hubspot_app.sandbox import errors, records, schema
from hubspot_app.sandbox.state import Request, Response

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 6, 18
MAX_LIMIT, MAX_RESULTS = 200, 10_000
OPERATORS = {"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY",
             "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}  # fmt: skip
QUERY_PROPERTIES = ("name", "dealname", "email", "firstname", "lastname", "domain", "hs_sku",
                    "phone", "company")  # fmt: skip


def _comparable(name: str, value: object) -> object:
    """Numbers and dates compare as numbers (dates as epoch ms); text case-insensitively."""
    text = "" if value is None else str(value)
    if name in schema.DATES or name.endswith(("createdate", "lastmodifieddate")):
        if text.isdigit():
            return Decimal(text)
        try:
            return Decimal(
                int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
            )
        except ValueError:
            return text.lower()
    try:
        return Decimal(text)
    except InvalidOperation:
        return text.lower()


def _check(name: str, a: object, b: object, op: str) -> bool:
    if type(a) is not type(b):
        return False
    return {"LT": a < b, "LTE": a <= b, "GT": a > b, "GTE": a >= b}[op]  # type: ignore[operator]


def _tokens(value: str | None) -> list[str]:
    return "".join(c if c.isalnum() or c in "@.-_" else " " for c in (value or "").lower()).split()


def _matches(props: dict, flt: dict) -> bool:
    name, op = flt["propertyName"], flt["operator"]
    stored = props.get(name)
    if op == "HAS_PROPERTY":
        return stored is not None
    if op == "NOT_HAS_PROPERTY":
        return stored is None
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern = str(flt.get("value", "")).lower()
        found = any(fnmatch.fnmatchcase(token, pattern) for token in _tokens(stored))
        return found if op == "CONTAINS_TOKEN" else not found
    if op in ("IN", "NOT_IN"):
        wanted = {_comparable(name, v) for v in flt.get("values") or []}
        inside = stored is not None and _comparable(name, stored) in wanted
        return inside if op == "IN" else not inside
    if stored is None:
        return op == "NEQ"
    mine = _comparable(name, stored)
    if op == "BETWEEN":
        low, high = _comparable(name, flt.get("value")), _comparable(name, flt.get("highValue"))
        return _check(name, mine, low, "GTE") and _check(name, mine, high, "LTE")
    other = _comparable(name, flt.get("value"))
    if op in ("EQ", "NEQ"):
        return (mine == other) == (op == "EQ")
    return _check(name, mine, other, op)


def _validate(groups: object, known: list[str]) -> list[list[dict]]:
    if not isinstance(groups, list):
        raise errors.validation("filterGroups must be a list")
    if len(groups) > MAX_GROUPS:
        raise errors.validation(f"Too many filter groups: {len(groups)} > {MAX_GROUPS}")
    total = 0
    for group in groups:
        filters = (group or {}).get("filters") or []
        total += len(filters)
        if len(filters) > MAX_FILTERS_PER_GROUP:
            raise errors.validation(f"Too many filters in a group: {len(filters)} > 6")
        for flt in filters:
            if flt.get("operator") not in OPERATORS:
                raise errors.validation(f"Invalid operator: {flt.get('operator')}")
            if flt.get("propertyName") not in known:
                raise errors.validation(f"Property {flt.get('propertyName')} does not exist")
    if total > MAX_FILTERS:
        raise errors.validation(f"Too many filters: {total} > {MAX_FILTERS}")
    return [(group or {}).get("filters") or [] for group in groups]


def _sort_keys(sorts: object) -> list[tuple[str, bool]]:
    keys = []
    for item in sorts or []:
        if isinstance(item, str):
            keys.append((item.lstrip("-"), item.startswith("-")))
        else:
            keys.append((item.get("propertyName"), item.get("direction") == "DESCENDING"))
    return keys


def search(sb: HubSpotSandbox, req: Request) -> Response:
    object_type = schema.normalise_type(req.match["object_type"])
    if object_type is None:
        raise errors.not_found()
    data = req.json()
    groups = _validate(
        data.get("filterGroups") or [], schema.known_properties(req.portal, object_type)
    )
    limit, after = int(data.get("limit") or 10), int(data.get("after") or 0)
    if not 1 <= limit <= MAX_LIMIT:
        raise errors.validation(f"limit must be between 1 and {MAX_LIMIT}")
    if after + limit > MAX_RESULTS:
        raise errors.validation(f"Search results are limited to {MAX_RESULTS}")
    query = str(data.get("query") or "").lower()
    visible_before = sb.now() - sb.search_lag
    hits = []
    for record in sorted(req.portal.store(object_type).values(), key=lambda r: int(r["id"])):
        props = record["properties"]
        if record["archived"] or _epoch(record["createdAt"]) > visible_before:
            continue
        if groups and not any(all(_matches(props, f) for f in group) for group in groups):
            continue
        if query and not any(query in (props.get(p) or "").lower() for p in QUERY_PROPERTIES):
            continue
        hits.append(record)
    for name, descending in reversed(_sort_keys(data.get("sorts"))):
        present = [r for r in hits if r["properties"].get(name) is not None]
        present.sort(key=lambda r, n=name: _sort_value(n, r), reverse=descending)
        hits = present + [r for r in hits if r["properties"].get(name) is None]  # unset last
    page = hits[after : after + limit]
    wanted = data.get("properties") or None
    body: dict = {
        "total": len(hits),
        "results": [records.render(req.portal, object_type, r, wanted) for r in page],
    }
    if after + limit < len(hits):
        body["paging"] = {"next": {"after": str(after + limit)}}
    return Response.json(200, body)


def _sort_value(name: str, record: dict) -> tuple:
    """Numbers before text."""
    comparable = _comparable(name, record["properties"][name])
    return (0, comparable) if isinstance(comparable, Decimal) else (1, comparable)


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
