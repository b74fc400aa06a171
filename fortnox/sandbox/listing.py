"""List endpoints: search, filter, sort and page the way Fortnox does."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fortnox.sandbox import errors
from fortnox.sandbox.errors import Response, json_response

# Parameters every list accepts besides its one resource-specific search parameter.
GLOBAL_PARAMS = frozenset(
    {
        "limit",
        "page",
        "offset",
        "sortby",
        "sortorder",
        "filter",
        "lastmodified",
        "financialyear",
        "financialyeardate",
        "fromdate",
        "todate",
    }
)
DEFAULT_LIMIT = 100
MAX_LIMIT = 500

Values = Callable[[dict[str, Any]], list[str]]


def field_values(name: str) -> Values:
    """Search values of one field, booleans spelt like Fortnox ("true"/"false")."""

    def values(item: dict[str, Any]) -> list[str]:
        value = item.get(name)
        if isinstance(value, bool):
            return [str(value).lower()]
        return [] if value is None else [str(value)]

    return values


@dataclass
class ListSpec:
    """How one resource's list behaves."""

    envelope: str
    collection: str
    item_fields: tuple[str, ...]
    number_field: str
    search: dict[str, Values]
    filters: dict[str, Callable[[dict[str, Any]], bool]] = field(default_factory=dict)
    date_field: str | None = None


def invalid_parameter(message: str) -> errors.ApiError:
    """Fortnox's 2000588 "invalid parameter"."""
    return errors.bad_request(errors.INVALID_PARAMETER, message)


def _int_param(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid_parameter(f"Ogiltig parameter: {name}")
    return int(raw)


def _check_params(spec: ListSpec, query: dict[str, str]) -> None:
    searches = [k for k in query if k in spec.search]
    for key in query:
        if key not in GLOBAL_PARAMS and key not in spec.search:
            raise invalid_parameter(f"Ogiltig parameter: {key}")
    if len(searches) > 1:
        raise invalid_parameter("Endast en sökparameter per anrop är tillåten.")
    if "filter" in query and query["filter"] not in spec.filters:
        raise errors.bad_request(errors.INVALID_FILTER, "Ett ogiltigt filter har använts.")


def _lastmodified(raw: str) -> float:
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, pattern).timestamp()
        except ValueError:
            continue
    raise invalid_parameter("Ogiltig parameter: lastmodified")


def _matches(spec: ListSpec, item: dict[str, Any], query: dict[str, str], modified: float) -> bool:
    for key, needle in query.items():
        if key in spec.search:
            haystack = spec.search[key](item)
            if not any(needle.lower() in value.lower() for value in haystack):
                return False
    if "filter" in query and not spec.filters[query["filter"]](item):
        return False
    if "lastmodified" in query and modified < _lastmodified(query["lastmodified"]):
        return False
    if spec.date_field:
        day = str(item.get(spec.date_field) or "")
        if query.get("fromdate") and day < query["fromdate"]:
            return False
        if query.get("todate") and day > query["todate"]:
            return False
    return True


def _sort_key(value: Any) -> tuple[int, Any]:
    text = "" if value is None else str(value)
    return (0, int(text), "") if text.isdigit() else (1, 0, text.lower())


def _sorted(spec: ListSpec, items: list[dict[str, Any]], query: dict[str, str]):
    field_name = spec.number_field
    if "sortby" in query:
        by_lower = {name.lower(): name for name in spec.item_fields}
        if query["sortby"].lower() not in by_lower:
            raise invalid_parameter("Ogiltig parameter: sortby")
        field_name = by_lower[query["sortby"].lower()]
    order = query.get("sortorder", "ascending")
    if order not in ("ascending", "descending"):
        raise invalid_parameter("Ogiltig parameter: sortorder")
    key = lambda item: _sort_key(item.get(field_name))  # noqa: E731
    return sorted(items, key=key, reverse=order == "descending")


def list_response(
    spec: ListSpec,
    items: list[dict[str, Any]],
    query: dict[str, str],
    modified: Callable[[dict[str, Any]], float],
) -> Response:
    """``{"MetaInformation": ..., envelope: [...]}`` for one page of matching items."""
    _check_params(spec, query)
    limit = _int_param(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    page = _int_param(query, "page", 1, 1, 10**9)
    offset = _int_param(query, "offset", 0, 0, 10**9)
    found = [item for item in items if _matches(spec, item, query, modified(item))]
    found = _sorted(spec, found, query)
    start = (page - 1) * limit + offset
    shown = [{k: item.get(k) for k in spec.item_fields} for item in found[start : start + limit]]
    meta = {
        "@TotalResources": len(found),
        "@TotalPages": math.ceil(len(found) / limit),
        "@CurrentPage": page,
    }
    return json_response(200, {"MetaInformation": meta, spec.envelope: shown})
